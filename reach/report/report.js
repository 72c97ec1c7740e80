(function () {
  "use strict";
  var table = document.getElementById("findings");
  if (!table) { return; }
  var body = table.tBodies[0];
  var input = document.getElementById("filter");
  var shown = document.getElementById("shown");
  function apply() {
    var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var n = 0;
    Array.prototype.forEach.call(body.rows, function (tr) {
      var text = tr.textContent.toLowerCase();
      var hit = terms.every(function (t) { return text.indexOf(t) >= 0; });
      tr.hidden = !hit;
      if (hit) { n++; }
    });
    shown.textContent = String(n);
    table.setAttribute("data-shown", String(n));
  }
  function sortBy(th) {
    var col = th.cellIndex;
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute("data-sort") || a.cells[col].textContent;
      var y = b.cells[col].getAttribute("data-sort") || b.cells[col].textContent;
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    th.addEventListener("click", function () { sortBy(th); });
  });
  input.addEventListener("input", apply);
  var m = /^#q=(.*)$/.exec(window.location.hash);
  if (m) { input.value = decodeURIComponent(m[1]); }
  apply();
})();
