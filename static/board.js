// The pipeline board: drag deal cards between and within stage columns (SortableJS), and keep
// keyboard focus on the card a stage <select> moved. The server answers every move with what
// #board-status announces and, out of band, the columns the move changed (fresh cards and
// totals), which replace theirs; htmx.onLoad then wires the new columns.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function filterValues() {
    var values = {};
    var form = document.getElementById("board-filters");
    if (form) {
      new FormData(form).forEach(function (value, key) { values[key] = value; });
    }
    return values;
  }

  function postMove(board, item, stageId, position) {
    var dealId = item.getAttribute("data-deal-id");
    var url = board.getAttribute("data-move-url").replace("00000000-0000-0000-0000-000000000000", dealId);
    var values = filterValues();
    var next = item.nextElementSibling;
    values.stage_id = stageId;
    // The card it now sits above names the place (a filtered board hides some cards, so the index
    // alone could be off); with no card below, any position past the end means "at the end".
    values.before_id = next && next.getAttribute("data-deal-id") ? next.getAttribute("data-deal-id") : "";
    values.position = values.before_id ? String(position) : "1000000";
    focusAfterSwap = "deal-" + dealId;
    htmx.ajax("POST", url, {
      target: "#board-status", swap: "innerHTML", values: values,
      headers: { "X-CSRFToken": csrfToken() }
    });
  }

  function inBoard(element) {
    var board = document.getElementById("board");
    return Boolean(board && element && board.contains(element));
  }

  // Wires the columns in `root`: the page, a new #board (filters changed) or a column a move replaced.
  function wire(root) {
    var board = document.getElementById("board");
    // No move URL: the user may only look (or there is no pipeline).
    if (!board || typeof Sortable === "undefined" || !board.getAttribute("data-move-url")) { return; }
    if (!root.querySelectorAll || !(root.contains(board) || board.contains(root))) { return; }
    root.querySelectorAll(".board-cards").forEach(function (list) {
      Sortable.create(list, {
        group: "deals",
        animation: 150,
        // Pointer-driven dragging (not the browser's native drag and drop): the same on mouse and
        // touch, and a click on the card's link stays a click (3 px tolerance before a drag starts).
        forceFallback: true,
        fallbackTolerance: 3,
        draggable: ".deal-card",
        filter: "select, option, label",
        preventOnFilter: false,
        ghostClass: "deal-card-ghost",
        chosenClass: "deal-card-chosen",
        onEnd: function (event) {
          if (event.from === event.to && event.oldIndex === event.newIndex) { return; }
          postMove(board, event.item, event.to.getAttribute("data-stage-id"), event.newIndex);
        }
      });
    });
  }

  // After a column is replaced, put focus back where the user was (the moved card's stage menu).
  var focusAfterSwap = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var active = document.activeElement;
    if (active && active.id && active.closest && active.closest("#board")) { focusAfterSwap = active.id; }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!focusAfterSwap) { return; }
    var target = document.getElementById(focusAfterSwap);
    if (target && target.classList.contains("deal-card")) { target = target.querySelector("select") || target; }
    if (target) { target.focus(); }
    focusAfterSwap = null;
  });
  // SortableJS animates with inline styles; htmx would copy them onto the new columns when it
  // settles (same ids), which the CSP refuses. Drop them before any swap into the board.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (inBoard(event.detail.target)) {
      document.getElementById("board").querySelectorAll("[style]").forEach(function (el) {
        el.removeAttribute("style");
      });
    }
  });
  // A refused move leaves the dragged card where the mouse dropped it: show the saved board again.
  document.addEventListener("htmx:responseError", function (event) {
    if (inBoard(event.detail.target)) { window.location.reload(); }
  });

  htmx.onLoad(wire);
})();
