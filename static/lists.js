// Record lists (people): "select all" and the count of selected rows for the bulk action bar.
// Rows arrive later too (search, sort, "Show more"), so everything works by event delegation.
(function () {
  "use strict";

  function boxes() {
    return Array.prototype.slice.call(document.querySelectorAll('input[type="checkbox"][name="ids"]'));
  }

  function update() {
    var counter = document.querySelector("[data-bulk-count]");
    if (!counter) { return; }
    var chosen = boxes().filter(function (box) { return box.checked; }).length;
    if (!counter.dataset.idle) { counter.dataset.idle = counter.textContent; }
    counter.textContent = chosen ? chosen + " " + (counter.dataset.selectedLabel || "selected") : counter.dataset.idle;
    var all = document.querySelector("[data-select-all]");
    if (all) {
      var total = boxes().length;
      all.checked = total > 0 && chosen === total;
      all.indeterminate = chosen > 0 && chosen < total;
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-select-all]")) {
      boxes().forEach(function (box) { box.checked = target.checked; });
    }
    if (target.matches && target.matches('[data-select-all], input[name="ids"]')) { update(); }
  });
  document.addEventListener("htmx:afterSettle", update);
})();
