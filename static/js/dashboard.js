// Dashboards: bar charts drawn from the counts the page embeds with json_script (no inline scripts).
(function () {
  "use strict";

  // On a phone the category axis has little room: long stage names are cut with an ellipsis (the
  // tooltip still shows them whole). Chinese characters count double, being about twice as wide.
  function shortLabel(label, room) {
    var used = 0;
    for (var i = 0; i < label.length; i++) {
      used += label.charCodeAt(i) > 0x2e80 ? 2 : 1;
      if (used > room) {
        return label.slice(0, Math.max(i - 1, 1)) + "…";
      }
    }
    return label;
  }

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
                  y: { stacked: Boolean(data.stacked), ticks: { callback: function (value) {
                    var label = String(this.getLabelForValue(value));
                    return canvas.clientWidth < 576 ? shortLabel(label, 18) : label;
                  } } } },
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
