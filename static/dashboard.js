// Draws the dashboard's charts with Chart.js from each canvas's data-chart JSON (the CSP allows no
// inline script). The same numbers are in a table under each chart, for screen readers and for anyone.
(function () {
  "use strict";

  var COLOURS = ["#1d4ed8", "#b45309", "#15803d", "#7c3aed", "#0f766e", "#b91c1c", "#475569", "#be185d"];
  var quiet = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function formatter(data) {
    if (!data.currency) { return function (value) { return value.toLocaleString(); }; }
    var money = new Intl.NumberFormat(document.documentElement.lang || undefined,
      {style: "currency", currency: data.currency, maximumFractionDigits: 0});
    return function (value) { return money.format(value); };
  }

  function config(data) {
    var round = data.type === "doughnut";
    var format = formatter(data);
    return {
      type: data.type,
      data: {
        labels: data.labels,
        datasets: [{
          label: data.series, data: data.values, borderWidth: round ? 1 : 2, cubicInterpolationMode: "monotone",
          fill: false, maxBarThickness: 56,
          backgroundColor: round ? COLOURS : COLOURS[0], borderColor: round ? "#ffffff" : COLOURS[0],
        }],
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: quiet ? false : {duration: 400},
        plugins: {
          legend: {display: round, position: "bottom"},
          tooltip: {callbacks: {label: function (item) { return " " + format(item.parsed.y !== undefined ? item.parsed.y : item.parsed); }}},
        },
        scales: round ? {} : {y: {beginAtZero: true, ticks: {precision: 0, callback: format}}},
      },
    };
  }

  function draw(root) {
    if (!window.Chart) { return; }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (window.Chart.getChart(canvas)) { return; }
      new window.Chart(canvas, config(JSON.parse(canvas.dataset.chart)));
    });
  }

  // Charts about to be swapped out by the member filter let go of their canvas.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!window.Chart) { return; }
    event.detail.target.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var chart = window.Chart.getChart(canvas);
      if (chart) { chart.destroy(); }
    });
  });
  document.addEventListener("htmx:load", function (event) { draw(event.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
})();
