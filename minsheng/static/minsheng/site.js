// Behaviour the pages share, kept out of the HTML so the Content-Security-Policy allows no inline script.
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) window.print();
  });

  // Care mode (关怀版): switched in place, so a form being filled in or a case just looked up is
  // not lost; the cookie is the one the server reads (without script the link sets it).
  var CARE_COOKIE = "care";
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-care-toggle]");
    if (!toggle) return;
    event.preventDefault();
    var on = !document.documentElement.classList.contains("care");
    var secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = on
      ? CARE_COOKIE + "=1; Path=/; Max-Age=31536000; SameSite=Lax" + secure
      : CARE_COOKIE + "=; Path=/; Max-Age=0; SameSite=Lax" + secure;
    document.documentElement.classList.toggle("care", on);
    document.querySelectorAll("[data-care-toggle]").forEach(function (link) {
      link.textContent = on ? link.dataset.onText : link.dataset.offText;
      link.href = link.href.replace(on ? "/care/on/" : "/care/off/", on ? "/care/off/" : "/care/on/");
    });
    var hint = document.getElementById("care-toggle-hint");
    if (hint) hint.textContent = on ? "切换回标准字号" : "大字号、大按钮、单栏显示";
  });

  // After a refused submit the error summary takes the focus, so a screen reader reads it and a
  // keyboard starts from it; each of its links puts the focus in the field it names.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    // A page reached through a #fragment (the skip link leaves #main in the address a form then
    // posts to) scrolls to it after loading and drops the focus: take it back then.
    window.addEventListener("load", function () {
      setTimeout(function () {
        if (document.activeElement === document.body || !document.activeElement) summary.focus();
      }, 0);
    });
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      var details = target.closest("details");
      if (details) details.open = true;
      var field = target.closest(".field") || target;
      var label = field.querySelector("label, legend");
      target.focus({ preventScroll: true });
      (label || target).scrollIntoView({ block: "start" });
    });
  }
})();
