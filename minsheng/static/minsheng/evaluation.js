// The counties' ranks over the evaluation periods: one ECharts line a county, rank 1 at the top,
// from the JSON the page carries in <script type="application/json" id="ranking-data"> (no inline
// script under the Content-Security-Policy). The table under the chart holds the same figures.
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("ranking-chart");
    var source = document.getElementById("ranking-data");
    if (!holder || !source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(holder, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      aria: { enabled: false },
      grid: { left: 36, right: 90, top: 14, bottom: 24 },
      tooltip: { trigger: "item", renderMode: "richText" },
      xAxis: { type: "category", data: data.periods.map(function (year) { return year + "年度"; }) },
      yAxis: { type: "value", inverse: true, min: 1, minInterval: 1, name: "排名" },
      series: data.lines.map(function (line) {
        return { name: line.name, type: "line", data: line.ranks, connectNulls: false,
                 endLabel: { show: true, formatter: "{a}" }, symbolSize: 6 };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
