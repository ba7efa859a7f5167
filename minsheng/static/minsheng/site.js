// Behaviour the pages share, kept out of the HTML so the Content-Security-Policy allows no inline script.
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) window.print();
  });
})();
