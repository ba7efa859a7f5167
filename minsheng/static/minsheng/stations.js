// The station finder: "用我的位置" asks the phone for its position (WGS-84, as the register
// stores) and sends the form with it; without the permission or a position, the typed place
// still works. The button is shown only where the browser can locate.
(function () {
  "use strict";
  function start() {
    var form = document.querySelector(".station-finder");
    var button = form && form.querySelector("[data-locate]");
    if (!button || !navigator.geolocation) return;
    var status = form.querySelector("[data-locate-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "正在获取您的位置…";
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(6);
        form.querySelector("[name=lng]").value = position.coords.longitude.toFixed(6);
        form.querySelector("[name=place]").value = "";
        status.textContent = "已获取位置，正在查找…";
        form.submit();
      }, function () {
        button.disabled = false;
        status.textContent = "无法获取您的位置（可能未允许定位），请输入路名或地标。";
      }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
