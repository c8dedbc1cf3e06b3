/* seckb default theme: loaded in <head> without defer, before the first paint.
 * - The colour theme: "auto" follows the OS (prefers-color-scheme); "light" or
 *   "dark", chosen with the header's button, is remembered in localStorage and
 *   set as <html data-theme> here, before anything is drawn (no flash).
 * - seckbI18n: the page's strings for the other scripts, read from JSON blocks
 *   (<script type="application/json">, which the CSP allows: not a script). */
(function () {
  "use strict";
  var KEY = "seckb-theme";
  var ORDER = ["auto", "light", "dark"];
  var root = document.documentElement;

  function stored() {
    try {
      var v = window.localStorage.getItem(KEY);
      return ORDER.indexOf(v) > 0 ? v : "auto";
    } catch (e) {
      return "auto";
    }
  }

  function apply(choice) {
    if (choice === "auto") root.removeAttribute("data-theme");
    else root.setAttribute("data-theme", choice);
  }

  apply(stored());

  /** The strings of the JSON block `id` ({} when there is none). */
  function strings(id) {
    var block = document.getElementById(id);
    try {
      return block ? JSON.parse(block.textContent) : {};
    } catch (e) {
      return {};
    }
  }

  /** `key` of `s` with its {name} placeholders filled; a plural picked by `args.n`. */
  function t(s, key, args) {
    var value = s[key];
    if (value === undefined) return key;
    args = args || {};
    if (typeof value === "object") value = (s._one || [1]).indexOf(args.n) >= 0 ? value.one : value.other;
    return value.replace(/\{([A-Za-z0-9_]+)\}/g, function (m, name) {
      return name in args ? String(args[name]) : m;
    });
  }

  /** An ISO date (2026-12-03) in the strings' date_format and month names. */
  function date(s, iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!m || !s.date_format) return iso;
    return t(s, "date_format", {
      year: m[1],
      mm: m[2],
      dd: m[3],
      day: String(Number(m[3])),
      month: t(s, "month_" + Number(m[2]), {})
    }) + iso.slice(10);
  }

  window.seckbI18n = { strings: strings, t: t, date: date };

  /* The header's button, once the page is there: cycles auto → light → dark. */
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    var label = button.querySelector(".theme-toggle-label");
    function show(choice) {
      button.setAttribute("data-choice", choice);
      var text = button.getAttribute("data-label-" + choice) || choice;
      if (label) label.textContent = text;
      button.title = button.getAttribute("data-title") || "";
    }
    show(stored());
    button.hidden = false;
    button.addEventListener("click", function () {
      var next = ORDER[(ORDER.indexOf(button.getAttribute("data-choice")) + 1) % ORDER.length];
      try {
        if (next === "auto") window.localStorage.removeItem(KEY);
        else window.localStorage.setItem(KEY, next);
      } catch (e) {
        // Private modes may refuse storage: the choice then lasts for this page.
      }
      apply(next);
      show(next);
    });
  });
})();
