// The operations charts (运维 · 图表): throughput, latency and failures over the last hours, drawn
// by ECharts from the history the server put in the page (the same as GET /api/ops/metrics/history).
(function () {
  var box = document.getElementById("ops-charts");
  var data = document.getElementById("ops-history");
  if (!box || !data || !window.echarts) {
    return;
  }
  var history = JSON.parse(data.textContent);
  var labels = box.dataset;
  var mainName = history.route || labels.labelAll;

  function pairs(points, field) {
    return points.map(function (p) {
      var v = p[field];
      return [Date.parse(p.at), v === undefined ? null : v];
    });
  }

  function line(name, points, field, extra) {
    var s = { name: name, type: "line", showSymbol: false, connectNulls: false, data: pairs(points, field) };
    for (var k in extra || {}) { s[k] = extra[k]; }
    return s;
  }

  // On the dashboard the busiest routes have lines of their own beside the sum of all routes.
  function withTop(field) {
    var series = [line(mainName, history.points, field, { lineStyle: { width: 2.5 }, areaStyle: { opacity: 0.08 } })];
    (history.top || []).forEach(function (t) {
      series.push(line(t.route, t.points, field, { lineStyle: { width: 1.2 } }));
    });
    return series;
  }

  function draw(id, series, unit) {
    var el = document.getElementById(id);
    var chart = echarts.init(el);
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 16, bottom: series.length > 1 ? 64 : 28 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "–" : v + unit; } },
      legend: series.length > 1 ? { bottom: 0, type: "scroll", textStyle: { fontSize: 11 } } : undefined,
      xAxis: { type: "time", min: Date.parse(history.from), max: Date.parse(history.to) },
      yAxis: { type: "value", minInterval: unit === "" ? 1 : 0 },
      series: series
    });
    el.setAttribute("data-rendered", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  draw("chart-throughput", withTop("recordsPerSecond"), " /s");
  // Latency exists only where something was timed: a dot for each such bucket, joined across the gaps.
  var timed = { showSymbol: true, symbolSize: 5, connectNulls: true };
  draw("chart-latency", [
    line(labels.labelMean, history.points, "meanLatencyMs", timed),
    line(labels.labelMax, history.points, "maxLatencyMs", { showSymbol: true, symbolSize: 5, connectNulls: true,
      lineStyle: { type: "dashed" } })
  ], " ms");
  draw("chart-errors", withTop("failures"), "");
  box.setAttribute("data-rendered", "true");
})();
