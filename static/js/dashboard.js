// Dashboards: bar charts drawn from the counts the page embeds with json_script (no inline scripts).
(function () {
  "use strict";

  function drawBarChart(canvasId, dataId) {
    var canvas = document.getElementById(canvasId);
    var source = document.getElementById(dataId);
    if (!canvas || !source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets || [{ label: data.title, data: data.counts, backgroundColor: "#b3261e" }],
      },
      options: {
        indexAxis: data.horizontal === false ? "x" : "y",
        responsive: true,
        animation: false,
        plugins: { legend: { display: Boolean(data.datasets) } },
        scales: { x: { beginAtZero: true, stacked: Boolean(data.stacked), ticks: { precision: 0 } },
                  y: { stacked: Boolean(data.stacked) } },
      },
    });
  }

  drawBarChart("stage-chart", "stage-chart-data");
  drawBarChart("certificate-chart", "certificate-chart-data");

  // Filters apply as soon as a choice is made.
  document.querySelectorAll("#dashboard-filters select").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });
})();
