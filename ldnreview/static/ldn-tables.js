// Sort, filter and fold the book's tables without any third-party script (the site loads nothing off-host).
// Everything here reads and writes text (textContent, attributes), never HTML, so no data string becomes markup.

// Columns a reader needs first on a phone; every other column folds into the row's "details".
// Matched against the start of the header text, case-insensitively.
var LDN_KEY_COLUMNS = /^(study|paper|chapter|condition|claim$|verdict|certainty|result|what |direction|event|ldn|comparator \(events|statement|fact|side effect|tier$|measure$|value$|design$|outcome$|effect$|95% ci|evidence level|rank$)/i;
var LDN_BLANKS = ["", "–", "—", "-", "n/a"];

function cellText(cell) {
  return cell ? (cell._ldnText !== undefined ? cell._ldnText : cell.textContent.trim()) : "";
}

function isBlank(text) {
  return LDN_BLANKS.indexOf(text.toLowerCase()) !== -1;
}

// Numbers compare as numbers ("1,034" > "98"), text as text; blanks go last in either direction.
function compareCells(x, y, ascending) {
  var bx = isBlank(x), by = isBlank(y);
  if (bx || by) return bx === by ? 0 : (bx ? 1 : -1);
  var nx = parseFloat(x.replace(/,/g, "")), ny = parseFloat(y.replace(/,/g, ""));
  var order = (!isNaN(nx) && !isNaN(ny) && nx !== ny) ? nx - ny : x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
  return ascending ? order : -order;
}

// The whole header cell sorts: a click anywhere in it, or Enter/Space on its button (which keyboard users tab to).
function addSorting(table, tbody) {
  var header = table.tHead ? table.tHead.rows[0].cells : [];
  Array.prototype.forEach.call(header, function (th, col) {
    var name = th.textContent.trim();
    var button = document.createElement("button");
    button.type = "button";
    button.className = "ldn-sort";
    button.textContent = name;
    button.title = "Sort by " + name;
    th.textContent = "";
    th.appendChild(button);
    th.classList.add("ldn-sortable");
    th.setAttribute("aria-sort", "none");
    th.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(th.parentNode.cells, function (other) { other.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(tbody.rows);
      rows.forEach(function (row, index) { row._ldnIndex = index; });
      rows.sort(function (a, b) {
        return compareCells(cellText(a.cells[col]), cellText(b.cells[col]), ascending) || a._ldnIndex - b._ldnIndex;
      });
      rows.forEach(function (row) { tbody.appendChild(row); });
    });
  });
}

// Columns of long prose (results, explanations) get room to read instead of one word per line (wide screens only).
function widenProseColumns(table, tbody) {
  var header = table.tHead ? table.tHead.rows[0].cells : [];
  Array.prototype.forEach.call(header, function (th, col) {
    var total = 0;
    Array.prototype.forEach.call(tbody.rows, function (row) { total += cellText(row.cells[col]).length; });
    if (tbody.rows.length && total / tbody.rows.length > 70) th.classList.add("ldn-prose");
  });
}

// Narrow screens show each row as a card: key columns first, the rest behind a "Details" button.
// Each cell carries its column name (data-label) so a card reads "Direction: benefit".
function foldColumns(table, tbody) {
  var header = table.tHead ? table.tHead.rows[0].cells : [];
  var names = Array.prototype.map.call(header, function (th) { return th.textContent.trim(); });
  var minor = names.map(function (name, col) { return col > 0 && names.length > 3 && !LDN_KEY_COLUMNS.test(name); });
  var anyMinor = minor.some(Boolean);
  table.classList.add("ldn-cards");
  Array.prototype.forEach.call(tbody.rows, function (row, rowIndex) {
    Array.prototype.forEach.call(row.cells, function (cell, col) {
      cell._ldnText = cell.textContent.trim();
      cell.setAttribute("data-label", names[col] || "");
      if (minor[col]) cell.classList.add("ldn-minor");
    });
    row._ldnText = row.textContent.toLowerCase();
    if (!anyMinor || !row.cells.length) return;
    var more = document.createElement("button");
    more.type = "button";
    more.className = "ldn-more";
    more.textContent = "Details";
    more.setAttribute("aria-expanded", "false");
    more.addEventListener("click", function () {
      var open = row.classList.toggle("ldn-open");
      more.setAttribute("aria-expanded", open ? "true" : "false");
      more.textContent = open ? "Hide details" : "Details";
    });
    row.cells[0].appendChild(more);
  });
}

function addFilter(table, tbody, tableIndex) {
  var label = document.createElement("label");
  label.className = "ldn-filter";
  label.textContent = "Filter rows: ";
  var input = document.createElement("input");
  input.type = "search";
  input.id = "ldn-filter-" + tableIndex;
  input.setAttribute("aria-label", "Filter the rows of this table");
  label.appendChild(input);
  var none = document.createElement("p");
  none.className = "ldn-nomatch";
  none.setAttribute("role", "status");
  none.hidden = true;
  table.parentNode.insertBefore(label, table);
  table.parentNode.insertBefore(none, table.nextSibling);
  input.addEventListener("input", function () {
    var needle = input.value.trim().toLowerCase(), shown = 0;
    Array.prototype.forEach.call(tbody.rows, function (row) {
      row.hidden = needle !== "" && row._ldnText.indexOf(needle) === -1;
      if (!row.hidden) shown += 1;
    });
    none.hidden = shown !== 0;
    none.textContent = shown === 0 ? "No rows match \u201c" + input.value.trim() + "\u201d." : "";
  });
}

// Sphinx's search page quotes each hit's page text from [role=main], which in this theme starts with the
// download buttons (".ipynb .pdf") and the print-only table of contents: quote the article instead.
function cleanSearchSnippets() {
  if (typeof Search === "undefined" || !Search.htmlToText || Search._ldnClean) return;
  var original = Search.htmlToText;
  Search.htmlToText = function (htmlString, anchor) {
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(".bd-header-article, #jb-print-docs-body, .bd-sidebar-secondary, .prev-next-area, footer, .cell_input")
      .forEach(function (el) { el.remove(); });
    return original(doc.documentElement.outerHTML, anchor);
  };
  // An excerpt cut just after a full stop reads "...."; start it at the next word instead.
  var summarise = Search.makeSearchSummary;
  Search.makeSearchSummary = function (htmlText, keywords, anchor) {
    var summary = summarise(htmlText, keywords, anchor);
    if (summary) summary.textContent = summary.textContent.replace(/^\.\.\.[\s.,;:]+/, "...");
    return summary;
  };
  Search._ldnClean = true;
}

document.addEventListener("DOMContentLoaded", function () {
  cleanSearchSnippets();
  document.querySelectorAll(".ldn-table table").forEach(function (table, tableIndex) {
    var tbody = table.tBodies[0];
    if (!tbody) return;
    foldColumns(table, tbody);
    widenProseColumns(table, tbody);
    addSorting(table, tbody);
    if (tbody.rows.length >= 6) addFilter(table, tbody, tableIndex);  // a filter box only where there is something to filter
  });
});
