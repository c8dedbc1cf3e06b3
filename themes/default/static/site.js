/* seckb default theme: small progressive enhancements, no dependencies.
 * - "/" focuses the search field (unless you are typing in a field).
 * - Incident list: filters and sorting across the whole list (its JSON chunks).
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
  /* The page shows one page of the list; once the reader filters or sorts, the
   * whole list comes from its JSON chunks (list.json says how many), and the
   * matching rows are shown a page at a time with a pager of buttons. The
   * state lives in the query string (?severity=high&sort=date&dir=ascending&page=2). */
  var table = document.getElementById("incident-table");
  if (!table || !table.tBodies.length) return;
  var tbody = table.tBodies[0];
  var i18n = window.seckbI18n;
  var words = i18n.strings("list-strings");
  var t = i18n.t;
  var listUrl = table.getAttribute("data-list");
  var base = table.getAttribute("data-base") || "/";
  var perPage = Number(table.getAttribute("data-per-page")) || 50;
  var SEVERITY = { critical: 4, high: 3, medium: 2, low: 1 };
  var STATUS = { investigating: 1, identified: 2, monitoring: 3, resolved: 4 };
  /* Fields of a chunk entry: [path, title, id, severity, status, date, updated, tlp, vendors]. */
  var KEYS = {
    severity: function (e) { return SEVERITY[e[3]] || 0; },
    status: function (e) { return STATUS[e[4]] || 0; },
    id: function (e) { return e[2]; },
    title: function (e) { return e[1]; },
    date: function (e) { return e[5]; },
    updated: function (e) { return e[6]; },
    vendors: function (e) { return e[8].map(function (v) { return v[0]; }).join(", "); }
  };

  /** A column's name inside the sort note: lower case, unless the language keeps it (German nouns). */
  function columnName(name) {
    return words["list.column_case"] === "keep" ? name : name.toLocaleLowerCase(document.documentElement.lang || undefined);
  }
  var pageRows = Array.prototype.slice.call(tbody.rows);
  var headers = Array.prototype.slice.call(table.tHead ? table.tHead.rows[0].cells : []);
  var sortNote = document.getElementById("sort-note");
  var defaultNote = sortNote ? sortNote.textContent : "";
  var form = document.getElementById("incident-filters");
  var selects = form ? Array.prototype.slice.call(form.querySelectorAll("select[data-filter]")) : [];
  var count = document.getElementById("filter-count");
  var empty = document.getElementById("incident-empty");
  var staticPager = document.getElementById("list-pager");
  var labels = {};
  headers.forEach(function (th) {
    labels[th.getAttribute("data-sort")] = th.textContent.replace(/\s+/g, " ").trim();
  });
  var state = { sort: null, dir: null, page: 1 };
  var all = null;
  var loading = null;

  /** The whole list, once: the manifest, then every chunk beside it. */
  function load() {
    if (!listUrl) return Promise.reject(new Error("no data-list on the table"));
    if (!loading) {
      var chunkUrl = function (n) { return listUrl.replace(/list\.json$/, "list-" + n + ".json"); };
      var json = function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (r) {
          if (!r.ok) throw new Error(url + ": " + r.status);
          return r.json();
        });
      };
      loading = json(listUrl).then(function (manifest) {
        var parts = [];
        for (var n = 0; n < manifest.chunks; n += 1) parts.push(json(chunkUrl(n)));
        return Promise.all(parts);
      }).then(function (parts) {
        all = [];
        parts.forEach(function (part) { all = all.concat(part); });
        all.forEach(function (e, i) { e.index = i; });
        return all;
      });
    }
    return loading;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function badge(kind, value) {
    var span = el("span", "badge " + (kind === "severity" ? "sev sev-" : "status status-") + value);
    span.appendChild(el("span", "visually-hidden", t(words, kind + ".label_prefix", {})));
    span.appendChild(document.createTextNode(t(words, kind + "." + value, {})));
    return span;
  }

  function dateCell(iso, label) {
    var td = el("td", "nowrap");
    td.setAttribute("data-label", label);
    if (iso) {
      var time = el("time", "", i18n.date(words, iso));
      time.setAttribute("datetime", iso);
      td.appendChild(time);
    }
    return td;
  }

  /** A row as the incidents template writes it (macros.html incident_row). */
  function row(e) {
    var tr = el("tr");
    tr.setAttribute("data-severity", e[3]);
    tr.setAttribute("data-status", e[4]);
    tr.setAttribute("data-year", e[5].slice(0, 4));
    var sev = el("td");
    sev.appendChild(badge("severity", e[3]));
    var status = el("td");
    status.appendChild(badge("status", e[4]));
    var id = el("td", "nowrap");
    if (e[2]) id.appendChild(el("span", "doc-id", e[2]));
    var title = el("th", "cell-title");
    title.setAttribute("scope", "row");
    var link = el("a", "", e[1]);
    link.href = base + e[0];
    title.appendChild(link);
    if (e[7]) {
      title.appendChild(document.createTextNode(" "));
      title.appendChild(el("span", "badge tlp tlp-" + e[7].replace("+", "-"), "TLP:" + e[7].toUpperCase()));
    }
    var vendors = el("td");
    vendors.setAttribute("data-label", labels.vendors || "");
    e[8].forEach(function (v, i) {
      if (i > 0) vendors.appendChild(document.createTextNode(", "));
      var a = el("a", "", v[0]);
      a.href = base + "vendors/" + v[1] + "/";
      vendors.appendChild(a);
    });
    [sev, status, id, title, dateCell(e[5], labels.date || ""), dateCell(e[6], labels.updated || ""), vendors].forEach(function (cell) {
      tr.appendChild(cell);
    });
    return tr;
  }

  function activeFilters() {
    var active = {};
    selects.forEach(function (select) {
      if (select.value) active[select.getAttribute("data-filter")] = select.value;
    });
    return active;
  }

  function matches(e, active) {
    return (!active.severity || e[3] === active.severity) &&
      (!active.status || e[4] === active.status) &&
      (!active.year || e[5].slice(0, 4) === active.year);
  }

  /** The entries that match, in the chosen order (the list's order on ties). */
  function view(active) {
    var shown = all.filter(function (e) { return matches(e, active); });
    if (!state.sort || !KEYS[state.sort]) return shown;
    var key = KEYS[state.sort];
    var numeric = state.sort === "severity" || state.sort === "status";
    var factor = state.dir === "ascending" ? 1 : -1;
    return shown.sort(function (a, b) {
      var va = key(a);
      var vb = key(b);
      // Empty cells (no update, no id) always sort last.
      if (va === "" && vb !== "") return 1;
      if (vb === "" && va !== "") return -1;
      var cmp = numeric ? va - vb : String(va).localeCompare(String(vb), undefined, { numeric: true, sensitivity: "base" });
      return cmp !== 0 ? cmp * factor : a.index - b.index;
    });
  }

  function replaceRows(nodes) {
    var fragment = document.createDocumentFragment();
    nodes.forEach(function (node) { fragment.appendChild(node); });
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    tbody.appendChild(fragment);
  }

  /* The pager while filtering: buttons, as the page's own pager has links. */
  var jsPager = el("nav", "pager");
  jsPager.id = "filter-pager";
  jsPager.setAttribute("aria-label", t(words, "pager.label", {}));
  jsPager.hidden = true;
  (staticPager || table.parentNode).parentNode.insertBefore(jsPager, staticPager ? staticPager.nextSibling : table.parentNode.nextSibling);

  function pagerButton(text, page, label, current) {
    var li = el("li");
    var button = el("button", "", text);
    button.type = "button";
    if (label) button.setAttribute("aria-label", label);
    if (current) button.setAttribute("aria-current", "page");
    button.addEventListener("click", function () {
      state.page = page;
      show(true);
      table.parentNode.focus();
    });
    li.appendChild(button);
    return li;
  }

  function buildPager(pages) {
    while (jsPager.firstChild) jsPager.removeChild(jsPager.firstChild);
    jsPager.hidden = pages <= 1;
    if (pages <= 1) return;
    var n = state.page;
    jsPager.appendChild(el("p", "pager-status", t(words, "pager.status", { n: n, count: pages })));
    var ul = el("ul");
    if (n > 1) ul.appendChild(pagerButton(t(words, "pager.previous", {}), n - 1));
    var last = 0;
    for (var p = 1; p <= pages; p += 1) {
      if (p !== 1 && p !== pages && Math.abs(p - n) > 2) continue;
      if (p - last === 2) ul.appendChild(pagerButton(String(p - 1), p - 1, t(words, "pager.page", { n: p - 1 })));
      else if (p - last > 2) {
        var gap = el("li");
        var dots = el("span", "pager-gap", "…");
        dots.setAttribute("aria-hidden", "true");
        gap.appendChild(dots);
        ul.appendChild(gap);
      }
      ul.appendChild(pagerButton(String(p), p, t(words, "pager.page", { n: p }), p === n));
      last = p;
    }
    if (n < pages) ul.appendChild(pagerButton(t(words, "pager.next", {}), n + 1));
    jsPager.appendChild(ul);
  }

  function updateUrl(active) {
    if (!window.history || typeof window.history.replaceState !== "function") return;
    var params = new URLSearchParams(window.location.search);
    ["severity", "status", "year", "sort", "dir", "page"].forEach(function (key) { params.delete(key); });
    Object.keys(active).forEach(function (key) { params.set(key, active[key]); });
    if (state.sort) {
      params.set("sort", state.sort);
      params.set("dir", state.dir);
    }
    if (state.page > 1) params.set("page", String(state.page));
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  function showSort() {
    headers.forEach(function (th) {
      var key = th.getAttribute("data-sort");
      if (state.sort && key === state.sort) th.setAttribute("aria-sort", state.dir);
      else if (state.sort || key !== "date") th.removeAttribute("aria-sort");
      else th.setAttribute("aria-sort", "descending");
    });
    if (!sortNote) return;
    sortNote.textContent = state.sort
      ? t(words, "list.sorted_by", { column: columnName(labels[state.sort] || state.sort), direction: t(words, "list." + state.dir, {}) })
      : defaultNote;
  }

  /** Shows the page of the list the state asks for: this page's own rows when nothing is chosen. */
  function show(writeUrl) {
    var active = activeFilters();
    var chosen = Object.keys(active).length > 0 || state.sort !== null;
    if (writeUrl) updateUrl(active);
    if (!chosen) {
      showSort();
      pageRows.forEach(function (tr) { tr.hidden = false; });
      replaceRows(pageRows);
      if (staticPager) staticPager.hidden = false;
      jsPager.hidden = true;
      if (count) count.textContent = "";
      if (empty) empty.hidden = pageRows.length !== 0;
      return;
    }
    load().then(function () {
      var shown = view(active);
      var pages = Math.max(1, Math.ceil(shown.length / perPage));
      state.page = Math.min(Math.max(1, state.page), pages);
      replaceRows(shown.slice((state.page - 1) * perPage, state.page * perPage).map(row));
      showSort();
      if (staticPager) staticPager.hidden = true;
      buildPager(pages);
      if (count) count.textContent = t(words, "list.showing", { shown: shown.length, n: all.length });
      if (empty) empty.hidden = shown.length !== 0;
      if (writeUrl) updateUrl(active);
    }, function () {
      // Without the list's data (a theme's own table, a failed request): this page's rows, filtered in place.
      replaceRows(pageRows);
      var shown = 0;
      pageRows.forEach(function (tr) {
        tr.hidden = !Object.keys(active).every(function (key) { return tr.getAttribute("data-" + key) === active[key]; });
        if (!tr.hidden) shown += 1;
      });
      if (count) count.textContent = t(words, "list.load_failed", {}) + " " + t(words, "list.showing", { shown: shown, n: pageRows.length });
      if (empty) empty.hidden = shown !== 0;
    });
  }

  /* Sorting: a <button> inside each <th data-sort>, aria-sort on the <th>. */
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
      var key = th.getAttribute("data-sort");
      var current = th.getAttribute("aria-sort");
      if (current === "ascending") state.dir = "descending";
      else if (current === "descending") state.dir = "ascending";
      else state.dir = th.getAttribute("data-sort-first") || "ascending";
      state.sort = key;
      state.page = 1;
      show(true);
    });
  });

  // Restore the view from the query string, when each value is one the page offers.
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
  if (KEYS[initial.get("sort")]) {
    state.sort = initial.get("sort");
    state.dir = initial.get("dir") === "ascending" ? "ascending" : "descending";
  }
  state.page = Math.max(1, parseInt(initial.get("page"), 10) || 1);

  if (form) {
    form.hidden = false;
    form.addEventListener("change", function () {
      state.page = 1;
      show(true);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      show(true);
    });
    form.addEventListener("reset", function () {
      // Let the browser reset the selects first.
      window.setTimeout(function () {
        state.page = 1;
        show(true);
      }, 0);
    });
  }
  if (Object.keys(activeFilters()).length > 0 || state.sort) show(false);
})();
