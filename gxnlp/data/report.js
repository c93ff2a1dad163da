/* gxnlp report pages: link claims and checks to table cells, toggles, sortable tables, filter.
   Inlined into every page (allowed by the page's CSP hash); no network, no eval, no innerHTML. */
(function () {
  "use strict";
  var root = document.documentElement;

  function named(name) {
    var out = [];
    var all = document.querySelectorAll("[data-cell]");
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      var names = (el.getAttribute("data-cell") + " " + (el.getAttribute("data-alias") || "")).split(" ");
      if (names.indexOf(name) >= 0) { out.push(el); }
    }
    return out;
  }

  function focusCells(names) {
    var old = document.querySelectorAll(".focus");
    for (var i = 0; i < old.length; i++) { old[i].classList.remove("focus"); }
    var first = null;
    names.forEach(function (n) {
      named(n).forEach(function (el) { el.classList.add("focus"); if (!first) { first = el; } });
    });
    if (first) { first.scrollIntoView({block: "center"}); }
  }

  document.addEventListener("click", function (ev) {
    var el = ev.target.closest("[data-cells]");
    if (!el) { return; }
    var names = el.getAttribute("data-cells").split(" ").filter(Boolean);
    if (names.length) { ev.preventDefault(); focusCells(names); }
  });

  var toggles = document.querySelectorAll("input[data-toggle]");
  for (var i = 0; i < toggles.length; i++) {
    toggles[i].addEventListener("change", function (ev) {
      root.classList.toggle("hide-" + ev.target.getAttribute("data-toggle"), !ev.target.checked);
    });
  }

  function cellValue(row, idx) {
    var cell = row.children[idx];
    if (!cell) { return ""; }
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  var sortables = document.querySelectorAll("table.sortable");
  for (var t = 0; t < sortables.length; t++) {
    (function (table) {
      var heads = table.querySelectorAll("thead th");
      for (var h = 0; h < heads.length; h++) {
        (function (th, idx) {
          th.addEventListener("click", function () {
            var body = table.tBodies[0];
            var rows = Array.prototype.slice.call(body.rows);
            var dir = th.getAttribute("data-dir") === "asc" ? -1 : 1;
            th.setAttribute("data-dir", dir === 1 ? "asc" : "desc");
            rows.sort(function (a, b) {
              var x = cellValue(a, idx), y = cellValue(b, idx);
              var nx = parseFloat(x), ny = parseFloat(y);
              if (!isNaN(nx) && !isNaN(ny)) { return dir * (nx - ny); }
              return dir * x.localeCompare(y, "zh");
            });
            rows.forEach(function (r) { body.appendChild(r); });
          });
        })(heads[h], h);
      }
    })(sortables[t]);
  }

  var filters = document.querySelectorAll("input[data-filter]");
  for (var f = 0; f < filters.length; f++) {
    filters[f].addEventListener("input", function (ev) {
      var table = document.getElementById(ev.target.getAttribute("data-filter"));
      var q = ev.target.value.trim().toLowerCase();
      var rows = table.tBodies[0].rows;
      for (var r = 0; r < rows.length; r++) {
        rows[r].classList.toggle("hidden", q !== "" && rows[r].textContent.toLowerCase().indexOf(q) < 0);
      }
    });
  }

  root.setAttribute("data-gxnlp", "ready");
})();
