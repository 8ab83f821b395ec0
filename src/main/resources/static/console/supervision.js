// 监督考核 charts: bars per department from the series the server prepared; labels come from the page.
(function () {
  var data = document.getElementById("supervision-data");
  if (!data || !window.echarts) {
    return;
  }
  var series = JSON.parse(data.textContent);
  var colours = ["#1e6b3a", "#d9a000", "#b42318", "#1d4e89", "#7a4fb5"];

  function draw(id, bars) {
    var box = document.getElementById(id);
    if (!box) {
      return;
    }
    var chart = echarts.init(box);
    chart.setOption({
      animation: false,
      color: colours,
      title: { text: box.dataset.title, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { top: 24 },
      grid: { top: 60, left: 40, right: 16, bottom: 60 },
      xAxis: { type: "category", data: series.departments, axisLabel: { interval: 0, rotate: 20, fontSize: 11 } },
      yAxis: { type: "value", minInterval: 1 },
      series: bars.map(function (b) {
        return { name: box.dataset[b.label], type: "bar", data: series[b.key] };
      })
    });
    box.setAttribute("data-rendered", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  draw("chart-demands", [{ key: "inTime", label: "inTime" }, { key: "late", label: "late" },
    { key: "openOverdue", label: "openOverdue" }]);
  draw("chart-approval", [{ key: "median", label: "median" }, { key: "p90", label: "p90" }]);
  draw("chart-quality", [{ key: "validRatio", label: "valid" }]);
  draw("chart-disputes", [{ key: "disputesOpened", label: "opened" }, { key: "disputesClosed", label: "closed" },
    { key: "disputesOverdue", label: "overdue" }]);
  document.getElementById("charts").setAttribute("data-rendered", "true");
})();
