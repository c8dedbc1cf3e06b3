/* seckb default theme: small progressive enhancements, no dependencies.
 * - "/" focuses the search field (unless you are typing in a field).
 * - Incident list: sortable columns and in-place filters.
 * Everything works without this file; it only adds convenience. */
(function () {
  "use strict";

  /* ---------- "/" focuses search ---------- */
  function isEditable(el) {
    if (!el || el === document.body) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.defaultPrevented) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (isEditable(event.target) || isEditable(document.activeElement)) return;
    var input = document.getElementById("search-input") || document.getElementById("site-search");
    if (!input) return;
    event.preventDefault();
    input.focus();
    if (typeof input.select === "function") input.select();
  });

  /* ---------- Incident table ---------- */
  var table = document.getElementById("incident-table");
  if (!table || !table.tBodies.length) return;
  var tbody = table.tBodies[0];
  var i18n = window.seckbI18n;
  var words = i18n.strings("list-strings");
  var t = i18n.t;

  /** A column's name inside the sort note: lower case, unless the language keeps it (German nouns). */
  function columnName(name) {
    return words["list.column_case"] === "keep" ? name : name.toLocaleLowerCase(document.documentElement.lang || undefined);
  }
  var rows = Array.prototype.slice.call(tbody.rows);
  rows.forEach(function (row, index) {
    row.setAttribute("data-index", String(index));
  });

  function cellValue(row, column) {
    var cell = row.cells[column];
    if (!cell) return "";
    var value = cell.getAttribute("data-value");
    return value !== null ? value : cell.textContent.replace(/\s+/g, " ").trim();
  }

  /* Sorting: a <button> inside each <th data-sort>, aria-sort on the <th>. */
  var headers = Array.prototype.slice.call(table.tHead ? table.tHead.rows[0].cells : []);
  var sortNote = document.getElementById("sort-note");

  function sortBy(th) {
    var column = headers.indexOf(th);
    var current = th.getAttribute("aria-sort");
    var direction;
    if (current === "ascending") direction = "descending";
    else if (current === "descending") direction = "ascending";
    else direction = th.getAttribute("data-sort-first") || "ascending";
    var numeric = th.getAttribute("data-sort-type") === "number";
    var factor = direction === "ascending" ? 1 : -1;

    var sorted = rows.slice().sort(function (a, b) {
      var va = cellValue(a, column);
      var vb = cellValue(b, column);
      // Empty cells (no update, no id) always sort last.
      if (va === "" && vb !== "") return 1;
      if (vb === "" && va !== "") return -1;
      var cmp;
      if (numeric) cmp = (parseFloat(va) || 0) - (parseFloat(vb) || 0);
      else cmp = va.localeCompare(vb, undefined, { numeric: true, sensitivity: "base" });
      if (cmp !== 0) return cmp * factor;
      return Number(a.getAttribute("data-index")) - Number(b.getAttribute("data-index"));
    });

    var fragment = document.createDocumentFragment();
    sorted.forEach(function (row) {
      fragment.appendChild(row);
    });
    tbody.appendChild(fragment);

    headers.forEach(function (other) {
      if (other !== th) other.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", direction);
    if (sortNote) {
      var label = th.querySelector(".sort-label");
      sortNote.textContent = t(words, "list.sorted_by", {
        column: columnName((label ? label.textContent : th.textContent).trim()),
        direction: t(words, "list." + direction, {})
      });
    }
  }

  table.classList.add("is-sortable");
  headers.forEach(function (th) {
    if (!th.hasAttribute("data-sort")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort-button";
    var label = document.createElement("span");
    label.className = "sort-label";
    while (th.firstChild) label.appendChild(th.firstChild);
    var indicator = document.createElement("span");
    indicator.className = "sort-indicator";
    indicator.setAttribute("aria-hidden", "true");
    button.appendChild(label);
    button.appendChild(indicator);
    th.appendChild(button);
    // A <button> fires "click" for Enter and Space as well.
    button.addEventListener("click", function () {
      sortBy(th);
    });
  });

  /* Filters: selects that hide rows in place; state mirrored in the query string. */
  var form = document.getElementById("incident-filters");
  if (!form) return;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var count = document.getElementById("filter-count");
  var empty = document.getElementById("incident-empty");

  function applyFilters(updateUrl) {
    var active = {};
    selects.forEach(function (select) {
      if (select.value) active[select.getAttribute("data-filter")] = select.value;
    });
    var shown = 0;
    rows.forEach(function (row) {
      var visible = Object.keys(active).every(function (key) {
        return row.getAttribute("data-" + key) === active[key];
      });
      row.hidden = !visible;
      if (visible) shown += 1;
    });
    var filtered = Object.keys(active).length > 0;
    if (count) {
      count.textContent = filtered
        ? t(words, "list.showing", { shown: shown, n: rows.length })
        : "";
    }
    if (empty) empty.hidden = shown !== 0;

    if (updateUrl && window.history && typeof window.history.replaceState === "function") {
      var params = new URLSearchParams(window.location.search);
      selects.forEach(function (select) {
        var key = select.getAttribute("data-filter");
        if (select.value) params.set(key, select.value);
        else params.delete(key);
      });
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }
  }

  // Restore filters from the query string (?severity=high&year=2026), when the option exists.
  var initial = new URLSearchParams(window.location.search);
  selects.forEach(function (select) {
    var wanted = initial.get(select.getAttribute("data-filter"));
    if (!wanted) return;
    for (var i = 0; i < select.options.length; i += 1) {
      if (select.options[i].value === wanted) {
        select.value = wanted;
        break;
      }
    }
  });

  form.hidden = false;
  form.addEventListener("change", function () {
    applyFilters(true);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    applyFilters(true);
  });
  form.addEventListener("reset", function () {
    // Let the browser reset the selects first.
    window.setTimeout(function () {
      applyFilters(true);
    }, 0);
  });
  applyFilters(false);
})();
