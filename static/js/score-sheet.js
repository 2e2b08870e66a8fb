// The score sheet saves a row on every change and swaps in the server's version of the row. On a
// slow line the auditor may already be typing in another field of the same row when that answer
// arrives: what they typed meanwhile is put back into the new row and saved in its turn, instead of
// being silently replaced by the value saved before.
(function () {
  "use strict";

  function fieldValues(row) {
    var values = {};
    row.querySelectorAll("input[name]:not([type=hidden])").forEach(function (input) {
      values[input.name] = input.type === "checkbox" ? input.checked : input.value;
    });
    return values;
  }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var row = event.detail.elt;
    if (row.classList && row.classList.contains("indicator-row")) {
      row.sentValues = fieldValues(row);
    }
  });

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var row = event.detail.elt;
    if (!row.classList || !row.classList.contains("indicator-row") || !row.sentValues) {
      return;
    }
    var now = fieldValues(row);
    var typed = {};
    var changed = false;
    Object.keys(now).forEach(function (name) {
      if (now[name] !== row.sentValues[name]) {
        typed[name] = now[name];
        changed = true;
      }
    });
    if (changed) {
      document.body.typedMeanwhile = { id: row.id, values: typed };
    }
  });

  // Once htmx has wired up the new row, put back what was typed and save it.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var pending = document.body.typedMeanwhile;
    var row = event.target;
    if (!pending || !row || row.id !== pending.id) {
      return;
    }
    document.body.typedMeanwhile = null;
    Object.keys(pending.values).forEach(function (name) {
      var input = row.querySelector('[name="' + name + '"]');
      if (!input) {
        return;
      }
      if (input.type === "checkbox") {
        input.checked = pending.values[name];
      } else {
        input.value = pending.values[name];
      }
    });
    window.htmx.trigger(row, "change");
  });
})();
