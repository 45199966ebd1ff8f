// Sort and filter the study tables without any third-party script (the site loads nothing off-host).
function addSorting(table, tbody) {
  Array.prototype.forEach.call(table.tHead ? table.tHead.rows[0].cells : [], function (th, col) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "ldn-sort";
    button.textContent = th.textContent;
    button.title = "Sort by " + th.textContent;
    th.textContent = "";
    th.appendChild(button);
    th.setAttribute("aria-sort", "none");
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(th.parentNode.cells, function (other) { other.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(tbody.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
        var nx = parseFloat(x.replace(/,/g, "")), ny = parseFloat(y.replace(/,/g, ""));
        var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { tbody.appendChild(row); });
    });
  });
}

// Columns of long prose (results, explanations) get room to read instead of one word per line.
function widenProseColumns(table, tbody) {
  var header = table.tHead ? table.tHead.rows[0].cells : [];
  Array.prototype.forEach.call(header, function (th, col) {
    var total = 0;
    Array.prototype.forEach.call(tbody.rows, function (row) { total += (row.cells[col] || th).textContent.length; });
    if (tbody.rows.length && total / tbody.rows.length > 70) th.style.minWidth = "18rem";
  });
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".ldn-table table").forEach(function (table, tableIndex) {
    var tbody = table.tBodies[0];
    if (!tbody) return;
    widenProseColumns(table, tbody);
    addSorting(table, tbody);
    if (tbody.rows.length < 6) return;  // a filter box only where there is something to filter
    var label = document.createElement("label");
    label.className = "ldn-filter";
    label.textContent = "Filter rows: ";
    var input = document.createElement("input");
    input.type = "search";
    input.id = "ldn-filter-" + tableIndex;
    input.setAttribute("aria-label", "Filter the rows of this table");
    label.appendChild(input);
    table.parentNode.insertBefore(label, table);
    input.addEventListener("input", function () {
      var needle = input.value.toLowerCase();
      Array.prototype.forEach.call(tbody.rows, function (row) {
        row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) === -1;
      });
    });
  });
});
