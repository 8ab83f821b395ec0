// The supply–demand graph (目录 · 供需关系图): suppliers, resources and demanders laid out by the
// server in three columns, drawn by ECharts; a resource→demander link opens its agreement.
(function () {
  var data = document.getElementById("supply-demand-data");
  var box = document.getElementById("supply-demand-graph");
  if (!data || !box || !window.echarts) {
    return;
  }
  var graph = JSON.parse(data.textContent);
  var colours = { supplier: "#1d4e89", resource: "#7a4fb5", demander: "#1e6b3a" };
  var agreementPath = box.getAttribute("data-agreement-path");
  var chart = echarts.init(box);
  chart.setOption({
    animation: false,
    tooltip: {
      formatter: function (p) {
        if (p.dataType === "edge") {
          return p.data.status ? p.data.status : "";
        }
        return p.data.name;
      }
    },
    series: [{
      type: "graph",
      layout: "none",
      roam: true,
      symbolSize: 22,
      edgeSymbol: ["none", "arrow"],
      label: { show: true, position: "bottom", fontSize: 11 },
      data: graph.nodes.map(function (n) {
        return { id: n.id, name: n.name, x: n.x, y: n.y, itemStyle: { color: colours[n.kind] || "#52606d" } };
      }),
      links: graph.links.map(function (l) {
        var active = !l.agreement || l.status === "ACTIVE";
        return { source: l.source, target: l.target, agreement: l.agreement, status: l.status,
          lineStyle: { type: active ? "solid" : "dashed", width: l.agreement ? 2.5 : 1.5 } };
      }),
      lineStyle: { color: "#9aa5b1" },
      emphasis: { focus: "adjacency" }
    }]
  });
  chart.on("click", function (p) {
    if (p.dataType === "edge" && p.data.agreement) {
      window.location.href = agreementPath + p.data.agreement;
    }
  });
  box.setAttribute("data-rendered", "true");
  window.addEventListener("resize", function () { chart.resize(); });
})();
