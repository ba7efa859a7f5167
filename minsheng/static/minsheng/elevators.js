// The elevator funnel: a horizontal bar per step from the JSON the page carries (no inline
// script under the Content-Security-Policy). The table beside it carries the same figures.
(function () {
  "use strict";
  var box = document.querySelector("[data-funnel]");
  var source = document.getElementById("funnel-data");
  if (!box || !source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    aria: { enabled: false },
    grid: { left: 64, right: 48, top: 8, bottom: 8 },
    xAxis: { type: "value", show: false },
    yAxis: { type: "category", inverse: true, data: data.steps, axisTick: { show: false }, axisLine: { show: false },
             axisLabel: { fontSize: 14, color: "#1f2933" } },
    series: [{ type: "bar", data: data.values, barWidth: "60%", itemStyle: { color: "#b71c1c", borderRadius: 4 },
               label: { show: true, position: "right", fontSize: 14, color: "#1f2933" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
