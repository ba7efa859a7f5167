// The scorecard trend charts: one small ECharts line chart per figure, from the JSON the page
// carries in <script type="application/json" id="trend-data"> (no inline script under the
// Content-Security-Policy). Tooltips are drawn on the canvas (richText), not as HTML with
// inline styles, which the policy would refuse.
(function () {
  "use strict";
  var COLOURS = ["#b71c1c", "#5f6b7a"];

  function option(data, chart) {
    var percent = chart.unit === "%";
    var suffix = percent ? "%" : "";
    return {
      animation: false,
      aria: { enabled: false },  // the container keeps its own label; the data table below reads better than generated prose
      color: COLOURS,
      grid: { left: 44, right: 14, top: chart.lines.length > 1 ? 30 : 14, bottom: 24 },
      legend: chart.lines.length > 1 ? { top: 0, itemWidth: 16, itemHeight: 8, textStyle: { fontSize: 11 } } : { show: false },
      tooltip: {
        trigger: "axis",
        renderMode: "richText",
        formatter: function (params) {
          var lines = [data.months[params[0].dataIndex]];
          params.forEach(function (point) {
            var line = chart.lines[point.seriesIndex];
            var value = line.values[point.dataIndex];
            lines.push(line.name + "：" + (value === null ? "—" : value.toFixed(1) + suffix) + "（" + line.details[point.dataIndex] + "）");
          });
          return lines.join("\n");
        }
      },
      xAxis: { type: "category", data: data.short_months, boundaryGap: false, axisLabel: { fontSize: 10, hideOverlap: true } },
      yAxis: {
        type: "value",
        // Rates on their whole scale, 0 to 100%: a zoomed axis would make a small change look large.
        min: 0,
        max: percent ? 100 : null,
        interval: percent ? 25 : null,
        splitNumber: 3,
        axisLabel: { fontSize: 10, formatter: "{value}" + suffix }
      },
      series: chart.lines.map(function (line, index) {
        return {
          name: line.name,
          type: "line",
          data: line.values,
          connectNulls: false,
          symbol: "circle",
          symbolSize: 5,
          z: index === 0 ? 3 : 2,  // the department's line over the total's where they meet
          lineStyle: { width: index === 0 ? 2 : 1.5, type: index === 0 ? "solid" : "dashed" }
        };
      })
    };
  }

  function draw() {
    var source = document.getElementById("trend-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    data.charts.forEach(function (chart) {
      var element = document.querySelector('[data-trend="' + chart.key + '"]');
      if (!element) return;
      var instance = window.echarts.init(element, null, { renderer: "canvas", locale: "ZH" });
      instance.setOption(option(data, chart));
      element.setAttribute("data-drawn", "true");
      charts.push(instance);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (instance) { instance.resize(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
