// The lineage graph (审计 · 记录流转): nodes and links laid out by the server, drawn by ECharts.
(function () {
  var data = document.getElementById("lineage-data");
  var box = document.getElementById("lineage-graph");
  if (!data || !box || !window.echarts) {
    return;
  }
  var graph = JSON.parse(data.textContent);
  var colours = { RECORD_RECEIVED: "#1d4e89", DELIVERY_SIGNED: "#7a4fb5", DELIVERED: "#1e6b3a",
    FEDERATION_RECORDS: "#b5651d", DELIVERY_ACKNOWLEDGED: "#3d7a7a", RECORD_QUARANTINED: "#b42318" };
  var chart = echarts.init(box);
  chart.setOption({
    animation: false,
    tooltip: { formatter: function (p) { return p.dataType === "node" ? p.data.tip : ""; } },
    series: [{
      type: "graph",
      layout: "none",
      roam: true,
      symbolSize: 18,
      edgeSymbol: ["none", "arrow"],
      label: { show: true, position: "bottom", fontSize: 11 },
      data: graph.nodes.map(function (n) {
        return { id: n.id, name: n.name, x: n.x, y: n.y,
          itemStyle: { color: colours[n.type] || "#52606d" },
          tip: n.name.replace("\n", "<br>") + "<br>" + (n.outcome || "") + " · " + (n.participant || "") };
      }),
      links: graph.links,
      lineStyle: { color: "#9aa5b1", width: 1.5 }
    }]
  });
  box.setAttribute("data-rendered", "true");
  window.addEventListener("resize", function () { chart.resize(); });
})();
