/* seckb "Am I affected?": the version box of incident pages and the
 * lock-file checker page (/affected/). Everything runs in the browser: the
 * incident page carries its packages' ranges in data-osv attributes, the
 * checker page loads affected/packages.json once, and a lock file a reader
 * drops is read here and never sent anywhere.
 *
 * Three parts:
 *  - versions and ranges, a twin of src/affected/ (SemVer, Go, PEP 440,
 *    Maven, unordered; OSV's evaluation of ranges): tests/fixtures/range-cases.json
 *    holds the cases both must agree on (tests/affected.rs, tests/browser/ranges.test.mjs);
 *  - lock files: Cargo.lock, package-lock.json, go.sum, requirements.txt
 *    and poetry.lock read into (ecosystem, name, version) lists;
 *  - the two pages.
 * The first two are exported as `seckbAffected` for the tests. */
(function (root) {
  "use strict";

  /* ---------- Versions ---------- */

  /** The largest number a version part may hold (Rust's u64). */
  var U64_MAX = "18446744073709551615";

  /** The translation keys naming each scheme's versions and what one looks like. */
  var SCHEMES = {
    semver: { name: "checker.scheme_semver", expected: "checker.expected_semver" },
    go: { name: "checker.scheme_go", expected: "checker.expected_go" },
    pep440: { name: "checker.scheme_pep440", expected: "checker.expected_pep440" },
    maven: { name: "checker.scheme_maven", expected: "checker.expected_maven" },
    unordered: { name: "checker.scheme_unordered", expected: "checker.expected_unordered" },
  };

  /**
   * What the reader is told, still without words: a translation key and its
   * arguments (an argument may itself be a reason). The pages turn it into
   * text in the site's language (`say`); the parsers stay free of any.
   */
  function reason(key, args) {
    return { key: key, args: args || {} };
  }

  /** The scheme of an OSV ecosystem (its name before any `:suffix`). */
  function schemeOf(ecosystem) {
    switch (String(ecosystem).split(":")[0]) {
      case "crates.io": case "npm": case "Hex": case "Pub": return "semver";
      case "Go": return "go";
      case "PyPI": return "pep440";
      case "Maven": return "maven";
      default: return "unordered";
    }
  }

  function isOrdered(scheme) {
    return scheme !== "unordered";
  }

  /** Why a text is not a version (thrown by the parsers): a `checker.why.*` reason. */
  function NotAVersion(key, args) {
    this.key = key;
    this.args = args || {};
  }

  function fail(key, args) {
    throw new NotAVersion(key, args);
  }

  var FORBIDDEN = "<>=,|^*\"'`";

  /** Lower case of ASCII letters only (Rust's `to_ascii_lowercase`): offsets stay. */
  function asciiLower(text) {
    return text.replace(/[A-Z]/g, function (l) {
      return l.toLowerCase();
    });
  }
  var SPACE_OR_CONTROL = /[\p{White_Space}\p{Cc}]/u;
  var RANGE_WORDS = ["after", "all", "before", "earlier", "later", "prior", "versions"];

  /** Digits without leading zeros ("0" for none). */
  function number(digits) {
    var trimmed = digits.replace(/^0+/, "");
    return trimmed === "" ? "0" : trimmed;
  }

  /** Compares two numbers written without leading zeros, of any length. */
  function compareNumbers(a, b) {
    if (a.length !== b.length) return a.length < b.length ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function fitsU64(n) {
    return compareNumbers(n, U64_MAX) <= 0;
  }

  /** Compares strings by code point (Rust's `str` order). */
  function compareText(a, b) {
    var x = Array.from(a);
    var y = Array.from(b);
    for (var i = 0; i < x.length && i < y.length; i++) {
      var p = x[i].codePointAt(0);
      var q = y[i].codePointAt(0);
      if (p !== q) return p < q ? -1 : 1;
    }
    return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
  }

  /* SemVer 2.0, as the `semver` crate reads it. */

  function semverNumber(text, at) {
    var end = at;
    while (end < text.length && text[end] >= "0" && text[end] <= "9") end++;
    if (end === at && at < text.length) fail("checker.why.unexpected_char", { char: JSON.stringify(text[at]) });
    if (end === at) fail("checker.why.unexpected_end");
    var digits = text.slice(at, end);
    if (digits.length > 1 && digits[0] === "0") fail("checker.why.leading_zero");
    if (!fitsU64(digits)) fail("checker.why.too_large");
    return { value: digits, end: end };
  }

  /** Dot-separated identifiers of [0-9A-Za-z-] from `at`: their list and end. */
  function semverIdentifiers(text, at, pre) {
    var end = at;
    while (end < text.length && /[0-9A-Za-z.-]/.test(text[end])) end++;
    var parts = text.slice(at, end).split(".");
    for (var i = 0; i < parts.length; i++) {
      if (parts[i] === "") fail("checker.why.empty_identifier");
      if (pre && /^[0-9]+$/.test(parts[i]) && parts[i].length > 1 && parts[i][0] === "0") fail("checker.why.leading_zero");
    }
    return { parts: parts, end: end };
  }

  function parseSemver(text) {
    var major = semverNumber(text, 0);
    if (text[major.end] !== ".") fail("checker.why.major_minor_patch");
    var minor = semverNumber(text, major.end + 1);
    if (text[minor.end] !== ".") fail("checker.why.major_minor_patch");
    var patch = semverNumber(text, minor.end + 1);
    var at = patch.end;
    var pre = [];
    if (text[at] === "-") {
      var p = semverIdentifiers(text, at + 1, true);
      pre = p.parts;
      at = p.end;
    }
    if (text[at] === "+") at = semverIdentifiers(text, at + 1, false).end;
    if (at < text.length) fail("checker.why.unexpected_char", { char: JSON.stringify(text[at]) });
    return { kind: "semver", release: [major.value, minor.value, patch.value], pre: pre };
  }

  /** SemVer precedence: build metadata is ignored. */
  function compareSemver(a, b) {
    for (var i = 0; i < 3; i++) {
      var c = compareNumbers(a.release[i], b.release[i]);
      if (c) return c;
    }
    if (!a.pre.length || !b.pre.length) return a.pre.length === b.pre.length ? 0 : a.pre.length ? -1 : 1;
    for (var j = 0; j < a.pre.length; j++) {
      if (j >= b.pre.length) return 1;
      var x = a.pre[j];
      var y = b.pre[j];
      var xn = /^[0-9]+$/.test(x);
      var yn = /^[0-9]+$/.test(y);
      var order = xn && yn ? compareNumbers(x, y) : xn ? -1 : yn ? 1 : x < y ? -1 : x > y ? 1 : 0;
      if (order) return order;
    }
    return a.pre.length === b.pre.length ? 0 : -1;
  }

  /* PEP 440, as the `pep440_rs` crate reads it (its normalisations included). */

  var PRE_SPELLINGS = [["alpha", 0], ["beta", 1], ["preview", 2], ["pre", 2], ["rc", 2], ["a", 0], ["b", 1], ["c", 2]];
  var POST_SPELLINGS = ["post", "rev", "r"];

  /** A PEP 440 parser over `text`, case-insensitive as the crate is. */
  function Pep440Reader(text) {
    this.text = text;
    this.lower = asciiLower(text);
    this.i = 0;
  }

  Pep440Reader.prototype.take = function (word) {
    if (this.lower.startsWith(word, this.i)) {
      this.i += word.length;
      return true;
    }
    return false;
  };

  Pep440Reader.prototype.separator = function () {
    var c = this.text[this.i];
    if (c === "." || c === "_" || c === "-") {
      this.i++;
      return true;
    }
    return false;
  };

  /** Digits from here as a number, or null when there are none. */
  Pep440Reader.prototype.number = function () {
    var start = this.i;
    while (this.i < this.text.length && this.text[this.i] >= "0" && this.text[this.i] <= "9") this.i++;
    if (this.i === start) return null;
    var n = number(this.text.slice(start, this.i));
    if (!fitsU64(n)) fail("checker.why.too_large");
    return n;
  };

  Pep440Reader.prototype.pre = function () {
    var start = this.i;
    this.separator();
    for (var k = 0; k < PRE_SPELLINGS.length; k++) {
      if (this.take(PRE_SPELLINGS[k][0])) {
        this.separator();
        var n = this.number();
        return { kind: PRE_SPELLINGS[k][1], n: n === null ? "0" : n };
      }
    }
    this.i = start;
    return null;
  };

  Pep440Reader.prototype.post = function () {
    var start = this.i;
    if (this.take("-")) {
      var n = this.number();
      if (n !== null) return n;
      this.i = start;
    }
    this.separator();
    for (var k = 0; k < POST_SPELLINGS.length; k++) {
      if (this.take(POST_SPELLINGS[k])) {
        this.separator();
        var m = this.number();
        return m === null ? "0" : m;
      }
    }
    this.i = start;
    return null;
  };

  Pep440Reader.prototype.dev = function () {
    var start = this.i;
    this.separator();
    if (!this.take("dev")) {
      this.i = start;
      return null;
    }
    this.separator();
    var n = this.number();
    return n === null ? "0" : n;
  };

  /** `+local.segments`: numbers where they are digits (and fit), else lower-case words. */
  Pep440Reader.prototype.local = function () {
    var local = [];
    if (!this.take("+")) return local;
    for (;;) {
      var start = this.i;
      while (this.i < this.text.length && /[0-9A-Za-z]/.test(this.text[this.i])) this.i++;
      if (this.i === start) fail("checker.why.empty_local");
      var segment = this.text.slice(start, this.i);
      var digits = /^[0-9]+$/.test(segment) && fitsU64(number(segment));
      local.push(digits ? { n: number(segment) } : { s: segment.toLowerCase() });
      if (!this.separator()) return local;
    }
  };

  function parsePep440(text) {
    var r = new Pep440Reader(text);
    r.take("v");
    var first = r.number();
    if (first === null) fail("checker.why.starts_with_number");
    var epoch = "0";
    if (r.take("!")) {
      epoch = first;
      first = r.number();
      if (first === null) fail("checker.why.after_epoch");
    }
    var release = [first];
    while (r.take(".")) {
      var n = r.number();
      if (n === null) {
        r.i--;
        break;
      }
      release.push(n);
    }
    var version = { kind: "pep440", epoch: epoch, release: release, pre: r.pre(), post: r.post(), dev: r.dev() };
    version.local = r.local();
    if (r.i < text.length) fail("checker.why.unexpected_after", { rest: JSON.stringify(text.slice(r.i)), read: JSON.stringify(text.slice(0, r.i)) });
    return version;
  }

  /** An optional number: none sorts first. */
  function compareOptional(a, b) {
    if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
    return compareNumbers(a, b);
  }

  /** What sorts a PEP 440 version after its release numbers: pep440_rs's tuple. */
  function pep440Rank(v) {
    var dev = v.dev === null ? U64_MAX : v.dev;
    if (v.pre) return [2 + v.pre.kind, v.pre.n, v.post, dev];
    if (v.post === null && v.dev !== null) return [1, "0", null, v.dev];
    if (v.post === null) return [5, "0", null, "0"];
    return [6, "0", v.post, dev];
  }

  function compareLocal(a, b) {
    for (var i = 0; i < a.length && i < b.length; i++) {
      var x = a[i];
      var y = b[i];
      var order;
      if ("n" in x && "n" in y) order = compareNumbers(x.n, y.n);
      else if ("s" in x && "s" in y) order = compareText(x.s, y.s);
      else order = "n" in x ? 1 : -1;
      if (order) return order;
    }
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  }

  function comparePep440(a, b) {
    var order = compareNumbers(a.epoch, b.epoch);
    if (order) return order;
    var n = Math.max(a.release.length, b.release.length);
    for (var i = 0; i < n; i++) {
      order = compareNumbers(a.release[i] || "0", b.release[i] || "0");
      if (order) return order;
    }
    var x = pep440Rank(a);
    var y = pep440Rank(b);
    order = x[0] - y[0] || compareNumbers(x[1], y[1]) || compareOptional(x[2], y[2]) || compareNumbers(x[3], y[3]);
    return order || compareLocal(a.local, b.local);
  }

  /* Maven's version order specification (src/affected/maven.rs). */

  var MAVEN_KNOWN = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
  var MAVEN_ALIASES = { cr: "rc", ga: "", final: "", release: "" };
  var MAVEN_SHORT = { a: "alpha", b: "beta", m: "milestone" };

  function isDigit(c) {
    return c >= "0" && c <= "9";
  }

  /** Tokens split at `.`, `-` and digit/letter changes (which count as `-`). */
  function mavenTokens(text) {
    var tokens = [];
    var current = "";
    var hyphen = false;
    var prev = null;
    function push() {
      var value;
      if (current === "") value = { n: "0" };
      else if (/^[0-9]+$/.test(current)) value = { n: number(current) };
      else value = { q: current };
      tokens.push({ hyphen: hyphen, value: value });
      current = "";
    }
    for (var c of text) {
      if (c === "." || c === "-") {
        push();
        hyphen = c === "-";
        prev = null;
        continue;
      }
      if (prev !== null && isDigit(prev) !== isDigit(c)) {
        push();
        hyphen = true;
        var last = tokens[tokens.length - 1].value;
        if (isDigit(c) && "q" in last && MAVEN_SHORT.hasOwnProperty(last.q)) last.q = MAVEN_SHORT[last.q];
      }
      current += c;
      prev = c;
    }
    push();
    tokens.forEach(function (t) {
      if ("q" in t.value && MAVEN_ALIASES.hasOwnProperty(t.value.q)) t.value.q = MAVEN_ALIASES[t.value.q];
    });
    return tokens;
  }

  function isNull(token) {
    return "n" in token.value ? token.value.n === "0" : token.value.q === "";
  }

  /** Trailing nulls trimmed from every hyphen-started segment, then from the end. */
  function mavenTrim(tokens) {
    var segments = [];
    tokens.forEach(function (t) {
      if (segments.length && !t.hyphen) segments[segments.length - 1].push(t);
      else segments.push([t]);
    });
    var out = [];
    segments.forEach(function (segment) {
      while (segment.length && isNull(segment[segment.length - 1])) segment.pop();
      out.push.apply(out, segment);
    });
    while (out.length && isNull(out[out.length - 1])) out.pop();
    return out;
  }

  function parseMaven(text) {
    return { kind: "maven", tokens: mavenTrim(mavenTokens(text.toLowerCase())) };
  }

  function qualifierRank(q) {
    var i = MAVEN_KNOWN.indexOf(q);
    return i >= 0 ? [i, ""] : [MAVEN_KNOWN.length, q];
  }

  /** `.qualifier` = `-qualifier` < `-number` < `.number`. */
  function compareMavenTokens(a, b) {
    var rank = function (t) {
      return "q" in t.value ? 0 : t.hyphen ? 1 : 2;
    };
    if ("q" in a.value && "q" in b.value) {
      var x = qualifierRank(a.value.q);
      var y = qualifierRank(b.value.q);
      return x[0] - y[0] || compareText(x[1], y[1]);
    }
    if ("n" in a.value && "n" in b.value && a.hyphen === b.hyphen) return compareNumbers(a.value.n, b.value.n);
    return Math.sign(rank(a) - rank(b));
  }

  function mavenPadding(other) {
    return { hyphen: other.hyphen, value: other.hyphen ? { q: "" } : { n: "0" } };
  }

  function compareMaven(a, b) {
    var n = Math.max(a.tokens.length, b.tokens.length);
    for (var i = 0; i < n; i++) {
      var x = a.tokens[i];
      var y = b.tokens[i];
      var order = compareMavenTokens(x || mavenPadding(y), y || mavenPadding(x));
      if (order) return Math.sign(order);
    }
    return 0;
  }

  /**
   * Parses `text` as a version of `scheme` (src/affected/ecosystem.rs
   * `Scheme::parse`); throws NotAVersion with the reason when it is not one.
   */
  function parse(scheme, text) {
    text = String(text);
    if (text === "") fail("checker.why.empty");
    for (var c of text) {
      if (SPACE_OR_CONTROL.test(c) || FORBIDDEN.indexOf(c) >= 0) fail("checker.why.forbidden_char", { char: JSON.stringify(c) });
    }
    if (RANGE_WORDS.indexOf(asciiLower(text)) >= 0) fail("checker.why.range_word", { text: text });
    switch (scheme) {
      case "semver": return parseSemver(text);
      case "go": return parseSemver(text[0] === "v" ? text.slice(1) : text);
      case "pep440": return parsePep440(text);
      case "maven": return parseMaven(text);
      default: return { kind: "unordered" };
    }
  }

  /** The order of two versions of one scheme (-1, 0, 1), or null for unordered ones. */
  function compare(a, b) {
    if (a.kind !== b.kind) return null;
    switch (a.kind) {
      case "semver": return compareSemver(a, b);
      case "pep440": return Math.sign(comparePep440(a, b));
      case "maven": return compareMaven(a, b);
      default: return null;
    }
  }

  /** Parses, or returns null when `text` is not a version of the scheme. */
  function tryParse(scheme, text) {
    try {
      return parse(scheme, text);
    } catch (e) {
      if (e instanceof NotAVersion) return null;
      throw e;
    }
  }

  /** `text` as OSV writes it: Go versions without their `v`. */
  function canonical(scheme, text) {
    return scheme === "go" && text[0] === "v" ? text.slice(1) : text;
  }

  /* ---------- Ranges (OSV's evaluation, src/affected/mod.rs `affects`) ---------- */

  /** The scheme a range's versions are read with (null for GIT ranges). */
  function rangeScheme(type, scheme) {
    if (type === "SEMVER") return scheme === "go" ? "go" : "semver";
    if (type === "ECOSYSTEM") return scheme;
    return null;
  }

  /** Whether seckb can order a range's versions. */
  function ordered(range, scheme) {
    var s = rangeScheme(range.type, scheme);
    return s !== null && isOrdered(s);
  }

  /** An event as [kind, version]. */
  function eventOf(e) {
    var kind = Object.keys(e)[0];
    return [kind, String(e[kind])];
  }

  /** A range's events sorted by version (`introduced: 0` first), unreadable ones left out. */
  function sortedEvents(range, scheme) {
    var events = [];
    (range.events || []).forEach(function (e) {
      var ev = eventOf(e);
      var zero = ev[1] === "0" && ev[0] === "introduced";
      var at = zero ? null : tryParse(scheme, ev[1]);
      if (zero || at !== null) events.push({ kind: ev[0], text: ev[1], at: at });
    });
    return events.sort(function (a, b) {
      if (a.at === null || b.at === null) return (a.at === null ? 0 : 1) - (b.at === null ? 0 : 1);
      return compare(a.at, b.at) || 0;
    });
  }

  /** Walks sorted events for version `v`: the index of the `introduced` that leaves it affected, or -1. */
  function openingEvent(events, v) {
    var open = -1;
    events.forEach(function (e, i) {
      var order = e.at === null ? 1 : compare(v, e.at);
      if (e.kind === "introduced" && order !== -1) open = i;
      else if ((e.kind === "fixed" || e.kind === "limit") && order !== -1) open = -1;
      else if (e.kind === "last_affected" && order === 1) open = -1;
    });
    return open;
  }

  /**
   * Whether `version` is affected by `ranges` and `listed` versions of
   * `scheme`, as OSV (and seckb in Rust) evaluates them: listed versions
   * match exactly, SEMVER and ECOSYSTEM ranges by walking their sorted
   * events, GIT ranges say nothing. Throws NotAVersion when `version` is
   * not a version of the scheme (or of a range's).
   */
  function evaluate(scheme, ranges, listed, version) {
    var own = parse(scheme, version);
    var same = listed.some(function (v) {
      var parsed = tryParse(scheme, v);
      if (parsed && isOrdered(scheme)) return compare(parsed, own) === 0;
      return canonical(scheme, String(v)) === canonical(scheme, version);
    });
    return same || ranges.some(function (range) {
      if (!ordered(range, scheme)) return false;
      var s = rangeScheme(range.type, scheme);
      return openingEvent(sortedEvents(range, s), parse(s, version)) >= 0;
    });
  }

  /** An OSV `affected` entry as what is checked: scheme, ranges and listed versions. */
  function target(entry) {
    return { scheme: schemeOf(entry.package.ecosystem), ranges: entry.ranges || [], versions: entry.versions || [] };
  }

  /** Whether `version` is affected by an OSV `affected` entry (see `evaluate`). */
  function affects(entry, version) {
    var t = target(entry);
    return evaluate(t.scheme, t.ranges, t.versions, version);
  }

  /** The `fixed` versions of ranges seckb cannot order, as written. */
  function unorderedFixes(t) {
    var out = [];
    t.ranges.forEach(function (r) {
      if (r.type === "GIT" || ordered(r, t.scheme)) return;
      (r.events || []).forEach(function (e) {
        var ev = eventOf(e);
        if (ev[0] === "fixed") out.push(ev[1]);
      });
    });
    return out;
  }

  /** Whether `version` is affected, or is not a version of one of the ranges. */
  function stillAffected(t, version) {
    try {
      return evaluate(t.scheme, t.ranges, t.versions, version);
    } catch (e) {
      if (e instanceof NotAVersion) return true;
      throw e;
    }
  }

  /**
   * The lowest `fixed` version above `version` that is not affected (a
   * later interval may start again before it), or the fixes seckb cannot
   * order.
   */
  function fixedIn(t, version) {
    var fixes = [];
    t.ranges.forEach(function (range) {
      if (!ordered(range, t.scheme)) return;
      var s = rangeScheme(range.type, t.scheme);
      var v = parse(s, version);
      sortedEvents(range, s).forEach(function (e) {
        if (e.kind === "fixed" && compare(e.at, v) === 1) fixes.push(e);
      });
    });
    fixes.sort(function (a, b) {
      return compare(a.at, b.at);
    });
    var fix = fixes.find(function (e) {
      return !stillAffected(t, e.text);
    });
    return fix ? [fix.text] : unorderedFixes(t);
  }

  /** The `last_affected` that ends the interval `version` is in, if any. */
  function lastAffected(t, version) {
    var found = null;
    t.ranges.forEach(function (range) {
      if (!ordered(range, t.scheme)) return;
      var s = rangeScheme(range.type, t.scheme);
      var events = sortedEvents(range, s);
      var open = openingEvent(events, parse(s, version));
      var next = open >= 0 ? events[open + 1] : null;
      if (next && next.kind === "last_affected") found = next.text;
    });
    return found;
  }

  /**
   * What the reader is told of `version` against `t` ({scheme, ranges,
   * versions}): `state` is "affected", "not-affected", "unknown" (it is not
   * listed, and the ranges are of versions seckb cannot order) or "invalid"
   * (`why`, a reason, and the `scheme` that says what is expected); `fixed` the
   * versions that fix it, `lastAffected` the end of its interval when that
   * is a `last_affected` event.
   */
  function verdict(t, version) {
    var hit;
    try {
      hit = evaluate(t.scheme, t.ranges, t.versions, version);
    } catch (e) {
      if (!(e instanceof NotAVersion)) throw e;
      return { state: "invalid", why: reason(e.key, e.args), scheme: t.scheme };
    }
    if (hit) return { state: "affected", fixed: fixedIn(t, version), lastAffected: lastAffected(t, version) };
    var orderable = t.versions.length > 0 || t.ranges.some(function (r) {
      return ordered(r, t.scheme);
    });
    var unknown = unorderedFixes(t);
    if (!orderable || unknown.length) return { state: "unknown", fixed: unknown };
    return { state: "not-affected", fixed: [] };
  }

  /* ---------- The compact range syntax (src/affected/mod.rs `parse_compact`) ---------- */

  var LEADING_SPACE = /^\p{White_Space}*/u;
  var TRAILING_SPACE = /\p{White_Space}*$/u;

  /**
   * A mistake in a compact range: its offset in the text (UTF-8 bytes, as
   * Rust counts) and the `checker.compact.*` reason.
   */
  function CompactError(text, at, key, args) {
    this.offset = new TextEncoder().encode(text.slice(0, at)).length;
    this.key = key;
    this.args = args || {};
  }

  /** `text` split at `separator`, each part with its offset. */
  function splitWithOffsets(text, separator) {
    var parts = [];
    var start = 0;
    for (var i = text.indexOf(separator); i >= 0; i = text.indexOf(separator, start)) {
      parts.push([start, text.slice(start, i)]);
      start = i + separator.length;
    }
    parts.push([start, text.slice(start)]);
    return parts;
  }

  function leadingSpace(text) {
    return LEADING_SPACE.exec(text)[0].length;
  }

  function trim(text) {
    return text.slice(leadingSpace(text)).replace(TRAILING_SPACE, "");
  }

  var COMPARATORS = [[">=", "atLeast"], ["<=", "atMost"], ["<", "below"], ["=", "exactly"]];

  /** `>= 1.2.0` as its operator, version and the version's offset; `at` is the comparator's. */
  function comparatorParts(full, comparator, at) {
    var op = null;
    var rest = comparator;
    for (var k = 0; k < COMPARATORS.length && op === null; k++) {
      if (comparator.startsWith(COMPARATORS[k][0])) {
        op = COMPARATORS[k][1];
        rest = comparator.slice(COMPARATORS[k][0].length);
      }
    }
    if (op === null) {
      if (comparator[0] === ">") throw new CompactError(full, at, "checker.compact.greater");
      if (!/^[0-9A-Za-z]/.test(comparator) || /\p{White_Space}/u.test(comparator)) throw new CompactError(full, at, "checker.compact.no_comparator", { text: comparator });
      op = "exactly";
    }
    var version = rest.slice(leadingSpace(rest));
    var versionAt = at + (comparator.length - rest.length) + (rest.length - version.length);
    if (version === "") throw new CompactError(full, versionAt, "checker.compact.no_version");
    if (/^[<>=]/.test(version)) throw new CompactError(full, versionAt, "checker.compact.no_comparator", { text: trim(comparator) });
    return { op: op, text: version, at: versionAt };
  }

  /**
   * Parses the compact syntax (`>= 1.2.0, < 1.4.3 || >= 2.0.0`) into OSV
   * events, versions given alone and the `<` bounds, reading versions with
   * `scheme`, with the checks Rust makes; throws CompactError with the offset
   * of the first mistake.
   */
  function parseCompact(text, scheme) {
    var out = { events: [], exact: [], fixed: [] };
    if (!isOrdered(scheme)) throw new CompactError(text, 0, "checker.compact.unordered");
    var previous = null;
    var openEnded = false;
    var push = function (kind, version) {
      var e = {};
      e[kind] = version;
      out.events.push(e);
    };
    splitWithOffsets(text, "||").forEach(function (part) {
      var at = part[0] + leadingSpace(part[1]);
      var interval = trim(part[1]);
      if (interval === "") throw new CompactError(text, at, "checker.compact.empty_interval");
      if (openEnded) throw new CompactError(text, at, "checker.compact.after_open");
      if (interval === "*") {
        if (previous || out.exact.length) throw new CompactError(text, at, "checker.compact.star");
        push("introduced", "0");
        openEnded = true;
        return;
      }
      var bounds = {};
      splitWithOffsets(interval, ",").forEach(function (c) {
        var cAt = at + c[0] + leadingSpace(c[1]);
        var word = comparatorParts(text, trim(c[1]), cAt);
        try {
          word.version = parse(scheme, word.text);
        } catch (e) {
          if (e instanceof NotAVersion) throw new CompactError(text, word.at, "checker.compact.not_a_version", { version: word.text, scheme: reason(SCHEMES[scheme].name), why: reason(e.key, e.args) });
          throw e;
        }
        var slot = word.op === "atLeast" ? "lower" : word.op === "exactly" ? "exact" : "upper";
        var taken = slot in bounds;
        bounds[slot] = word;
        if (taken || (bounds.exact && (bounds.lower || bounds.upper))) throw new CompactError(text, cAt, "checker.compact.bounds");
      });
      if (bounds.exact) {
        checkAfter(text, previous, bounds.exact);
        out.exact.push(canonical(scheme, bounds.exact.text));
        previous = { word: bounds.exact, inclusive: true };
        return;
      }
      var lower = bounds.lower;
      var upper = bounds.upper;
      if (lower && upper && compare(lower.version, upper.version) !== -1) {
        throw new CompactError(text, upper.at, "checker.compact.empty_range", { upper: upper.text, lower: lower.text });
      }
      if (lower) {
        checkAfter(text, previous, lower);
        push("introduced", canonical(scheme, lower.text));
      } else if (previous) {
        throw new CompactError(text, at, "checker.compact.no_lower");
      } else push("introduced", "0");
      if (!upper) {
        openEnded = true;
        return;
      }
      var kind = upper.op === "below" ? "fixed" : "last_affected";
      if (kind === "fixed") out.fixed.push(canonical(scheme, upper.text));
      push(kind, canonical(scheme, upper.text));
      previous = { word: upper, inclusive: upper.op === "atMost" };
    });
    var has = function (kind) {
      return out.events.some(function (e) {
        return kind in e;
      });
    };
    if (has("fixed") && has("last_affected")) throw new CompactError(text, Math.max(0, text.indexOf("<=")), "checker.compact.mixed_bounds");
    return out;
  }

  /** An interval starting at `word` must begin above the one before. */
  function checkAfter(text, previous, word) {
    if (!previous) return;
    var order = compare(word.version, previous.word.version);
    if (order === 1 || (order === 0 && !previous.inclusive)) return;
    throw new CompactError(text, word.at, "checker.compact.ascend", { version: word.text, previous: previous.word.text });
  }

  /* ---------- Lock files ---------- */

  /** A lock file that cannot be read: its name, the line (1-based, 0 for none) and why (a `checker.lock.*` reason). */
  function LockFileError(file, line, key, args) {
    this.file = file;
    this.line = line;
    this.key = key;
    this.args = args || {};
  }

  /** The line (1-based) of character `offset` of `text`. */
  function lineAt(text, offset) {
    var line = 1;
    for (var i = 0; i < offset && i < text.length; i++) if (text[i] === "\n") line++;
    return line;
  }

  /* A reader of the TOML that Cargo.lock and poetry.lock are written in:
     tables and arrays of tables with their keys, strings of every kind,
     arrays, inline tables and bare values (numbers, booleans, dates). */

  function TomlReader(file, text) {
    this.file = file;
    this.text = text;
    this.i = 0;
    this.line = 1;
  }

  TomlReader.prototype.fail = function (key, args, line) {
    throw new LockFileError(this.file, line || this.line, key, args);
  };

  /** Takes `c`, or fails with the reason `key` at the line of what is there instead. */
  TomlReader.prototype.expect = function (c, key, args) {
    if (this.peek() !== c) this.fail(key, args);
    this.next();
  };

  TomlReader.prototype.peek = function () {
    return this.text[this.i];
  };

  TomlReader.prototype.next = function () {
    var c = this.text[this.i++];
    if (c === "\n") this.line++;
    return c;
  };

  /** Skips spaces and tabs, and with `lines` also line breaks and comments. */
  TomlReader.prototype.skip = function (lines) {
    for (;;) {
      var c = this.peek();
      if (c === " " || c === "\t" || (lines && (c === "\n" || c === "\r"))) this.next();
      else if (c === "#" && lines) {
        while (this.i < this.text.length && this.peek() !== "\n") this.next();
      } else return;
    }
  };

  /** The end of a line: nothing but a comment before the line break (or the end). */
  TomlReader.prototype.endOfLine = function () {
    this.skip(false);
    if (this.peek() === "#") while (this.i < this.text.length && this.peek() !== "\n") this.next();
    if (this.peek() === "\r") this.next();
    if (this.i < this.text.length) this.expect("\n", "checker.lock.toml_end_of_line", { found: JSON.stringify(this.peek()) });
  };

  var TOML_ESCAPES = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", e: "\u001b", '"': '"', "\\": "\\" };

  TomlReader.prototype.string = function () {
    var start = this.line;
    var quote = this.next();
    var multi = this.text.startsWith(quote + quote, this.i);
    if (multi) {
      this.i += 2;
      if (this.peek() === "\r") this.next();
      if (this.peek() === "\n") this.next();
    }
    var out = "";
    for (;;) {
      if (this.i >= this.text.length) this.fail("checker.lock.toml_unclosed", { quote: quote }, start);
      var c = this.next();
      if (c === quote && (!multi || this.text.startsWith(quote + quote, this.i))) {
        if (multi) {
          this.i += 2;
          while (this.peek() === quote) out += this.next();
        }
        return out;
      }
      if (c === "\n" && !multi) this.fail("checker.lock.toml_unclosed_line", { quote: quote }, start);
      if (c === "\\" && quote === '"') {
        var e = this.next();
        if (TOML_ESCAPES.hasOwnProperty(e)) out += TOML_ESCAPES[e];
        else if (e === "u" || e === "U") {
          var hex = this.text.substr(this.i, e === "u" ? 4 : 8);
          if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== (e === "u" ? 4 : 8)) this.fail("checker.lock.toml_bad_escape", { escape: "\\" + e });
          this.i += hex.length;
          out += String.fromCodePoint(parseInt(hex, 16));
        } else if (multi && /[ \t\r\n]/.test(e)) {
          this.i--;
          this.skip(true);
        } else this.fail("checker.lock.toml_unknown_escape", { escape: "\\" + e });
      } else out += c;
    }
  };

  /** A key, dotted parts joined by "." (quoted parts as written). */
  TomlReader.prototype.key = function () {
    var parts = [];
    for (;;) {
      this.skip(false);
      var c = this.peek();
      if (c === '"' || c === "'") parts.push(this.string());
      else {
        var m = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.i, this.i + 200));
        if (!m && (c === undefined || c === "\n")) this.fail("checker.lock.toml_no_key");
        if (!m) this.fail("checker.lock.toml_key", { found: JSON.stringify(c) });
        this.i += m[0].length;
        parts.push(m[0]);
      }
      this.skip(false);
      if (this.peek() !== ".") return parts.join(".");
      this.next();
    }
  };

  TomlReader.prototype.value = function () {
    this.skip(false);
    var c = this.peek();
    if (c === '"' || c === "'") return this.string();
    if (c === "[") {
      this.next();
      var items = [];
      for (;;) {
        this.skip(true);
        if (this.peek() === "]") {
          this.next();
          return items;
        }
        items.push(this.value());
        this.skip(true);
        if (this.peek() === ",") this.next();
        else if (this.peek() !== "]") this.fail("checker.lock.toml_array");
      }
    }
    if (c === "{") {
      this.next();
      var table = {};
      this.skip(false);
      if (this.peek() === "}") {
        this.next();
        return table;
      }
      for (;;) {
        var key = this.key();
        this.expect("=", "checker.lock.toml_equals", { key: key });
        table[key] = this.value();
        this.skip(false);
        if (this.peek() === "}") {
          this.next();
          return table;
        }
        this.expect(",", "checker.lock.toml_inline_table");
      }
    }
    var bare = /^[0-9A-Za-z+\-_.:]+/.exec(this.text.slice(this.i, this.i + 100));
    if (!bare && (c === undefined || c === "\n" || c === "\r")) this.fail("checker.lock.toml_no_value");
    if (!bare) this.fail("checker.lock.toml_value", { found: JSON.stringify(c) });
    this.i += bare[0].length;
    return bare[0];
  };

  /**
   * The tables of a TOML text in order: [{name, array, line, values}];
   * keys before the first header are in a table named "".
   */
  function readToml(file, text) {
    var r = new TomlReader(file, text);
    var tables = [{ name: "", array: false, line: 1, values: {} }];
    for (;;) {
      r.skip(true);
      if (r.i >= text.length) return tables;
      var line = r.line;
      if (r.peek() === "[") {
        r.next();
        var array = r.peek() === "[";
        if (array) r.next();
        var name = r.key();
        var closing = { close: array ? "]]" : "]", name: name };
        r.expect("]", "checker.lock.toml_table_name", closing);
        if (array) r.expect("]", "checker.lock.toml_table_name", closing);
        r.endOfLine();
        tables.push({ name: name, array: array, line: line, values: {} });
        continue;
      }
      var key = r.key();
      r.expect("=", "checker.lock.toml_equals", { key: key });
      var values = tables[tables.length - 1].values;
      values[key] = r.value();
      r.endOfLine();
    }
  }

  /** The `[[package]]` tables of a TOML lock file, with their `[package.x]` sub-tables. */
  function tomlPackages(file, text) {
    var packages = [];
    readToml(file, text).forEach(function (t) {
      if (t.name === "package" && t.array) packages.push({ line: t.line, values: t.values, sub: {} });
      else if (t.name.startsWith("package.") && packages.length) packages[packages.length - 1].sub[t.name.slice(8)] = t.values;
    });
    packages.forEach(function (p) {
      ["name", "version"].forEach(function (key) {
        if (typeof p.values[key] !== "string") throw new LockFileError(file, p.line, "checker.lock.toml_package_key", { key: key });
      });
    });
    return packages;
  }

  /** What a reader of one format found: the packages to check and the entries it skipped. */
  function Found(format) {
    this.format = format;
    this.packages = [];
    this.skipped = [];
    // A package at one version is checked once, however often it is listed.
    this.seen = new Set();
  }

  Found.prototype.add = function (ecosystem, name, version, line) {
    var key = ecosystem + "\u0000" + name + "\u0000" + version;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.packages.push({ ecosystem: ecosystem, name: name, version: version, line: line });
  };

  /** An entry left out: what it is, its line and why (the `checker.skip.*` reason `key`). */
  Found.prototype.skip = function (what, line, key, args) {
    this.skipped.push({ what: what, line: line, why: reason(key, args) });
  };

  var CRATES_IO = ["registry+https://github.com/rust-lang/crates.io-index", "sparse+https://index.crates.io/"];

  /** Cargo.lock: its [[package]]s from crates.io (others are not crates.io's versions). */
  function readCargoLock(file, text) {
    var found = new Found("Cargo.lock");
    var packages = tomlPackages(file, text);
    if (!packages.length) throw new LockFileError(file, 0, "checker.lock.cargo_no_package");
    packages.forEach(function (p) {
      var v = p.values;
      var what = v.name + " " + v.version;
      if (v.source === undefined) found.skip(what, p.line, "checker.skip.cargo_workspace");
      else if (CRATES_IO.indexOf(v.source) < 0) found.skip(what, p.line, "checker.skip.cargo_source", { source: String(v.source).split("#")[0] });
      else found.add("crates.io", v.name, v.version, p.line);
    });
    return found;
  }

  /** poetry.lock: its [[package]]s, those from git, a folder, a file or a URL left out. */
  function readPoetryLock(file, text) {
    var found = new Found("poetry.lock");
    tomlPackages(file, text).forEach(function (p) {
      var source = p.sub.source && p.sub.source.type;
      var what = p.values.name + " " + p.values.version;
      if (source && source !== "legacy") found.skip(what, p.line, "checker.skip.poetry_source", { source: source });
      else found.add("PyPI", p.values.name, p.values.version, p.line);
    });
    return found;
  }

  /** Where a JSON.parse error is: its line, from the message's position. */
  function jsonErrorLine(text, message) {
    var m = /position (\d+)/.exec(message) || /line (\d+)/.exec(message);
    if (!m) return 0;
    return /position/.test(m[0]) ? lineAt(text, Number(m[1])) : Number(m[1]);
  }

  /** An npm version as [name, version] (`npm:real@1.0.0` aliases resolved), or null when not a registry version. */
  function npmVersion(name, version) {
    if (typeof version !== "string") return null;
    var alias = /^npm:(@?[^@]+)@(.+)$/.exec(version);
    if (alias) return [alias[1], alias[2]];
    return /^[0-9]/.test(version) ? [name, version] : null;
  }

  /** package-lock.json (and npm-shrinkwrap.json), lockfile versions 1 to 3. */
  function readPackageLock(file, text) {
    var found = new Found("package-lock.json");
    var lock;
    try {
      lock = JSON.parse(text);
    } catch (e) {
      throw new LockFileError(file, jsonErrorLine(text, e.message), "checker.lock.npm_json", { error: e.message });
    }
    var packages = lock && typeof lock === "object" ? lock.packages : null;
    var dependencies = lock && typeof lock === "object" ? lock.dependencies : null;
    var isObject = function (x) {
      return x !== null && typeof x === "object" && !Array.isArray(x);
    };
    if (!isObject(packages) && !isObject(dependencies)) {
      throw new LockFileError(file, 0, "checker.lock.npm_no_packages");
    }
    // Keys come in the file's order: one pass finds their lines.
    var cursor = { at: 0, line: 1 };
    var line = function (key) {
      var at = text.indexOf(JSON.stringify(key) + ":", cursor.at);
      if (at < 0) return 0;
      for (var i = cursor.at; i < at; i++) if (text.charCodeAt(i) === 10) cursor.line++;
      cursor.at = at;
      return cursor.line;
    };
    var add = function (name, entry, key) {
      var where = line(key);
      if (!isObject(entry)) throw new LockFileError(file, where, "checker.lock.npm_entry", { entry: JSON.stringify(key) });
      var what = name + (typeof entry.version === "string" ? " " + entry.version : "");
      if (entry.link) return found.skip(what, where, "checker.skip.npm_link");
      var resolved = typeof entry.resolved === "string" ? entry.resolved : "";
      if (/^(git\+|git:|github:|file:)/.test(resolved)) return found.skip(what, where, "checker.skip.npm_source", { source: resolved.split(/[#:]/)[0] });
      var nv = npmVersion(typeof entry.name === "string" ? entry.name : name, entry.version);
      if (!nv) return found.skip(what, where, "checker.skip.npm_not_registry");
      found.add("npm", nv[0], nv[1], where);
    };
    if (isObject(packages)) {
      Object.keys(packages).forEach(function (key) {
        if (key === "") return;
        var at = key.lastIndexOf("node_modules/");
        if (at < 0) return found.skip(key, line(key), "checker.skip.npm_workspace");
        add(key.slice(at + "node_modules/".length), packages[key], key);
      });
      return found;
    }
    (function walk(deps) {
      Object.keys(deps).forEach(function (name) {
        add(name, deps[name], name);
        if (isObject(deps[name]) && isObject(deps[name].dependencies)) walk(deps[name].dependencies);
      });
    })(dependencies);
    return found;
  }

  /** go.sum: `MODULE VERSION[/go.mod] HASH` lines; modules whose code was downloaded are checked. */
  function readGoSum(file, text) {
    var found = new Found("go.sum");
    var modOnly = {};
    text.split("\n").forEach(function (raw, i) {
      var lineText = raw.replace(/\r$/, "").trim();
      if (lineText === "") return;
      var fields = lineText.split(/\s+/);
      if (fields.length !== 3 || !/^v/.test(fields[1]) || !/^h\d+:/.test(fields[2])) {
        throw new LockFileError(file, i + 1, "checker.lock.go_sum_line", { found: lineText.slice(0, 80) });
      }
      var version = fields[1];
      if (/\/go\.mod$/.test(version)) {
        modOnly[fields[0] + " " + version.slice(0, -7)] = i + 1;
        return;
      }
      delete modOnly[fields[0] + " " + version];
      found.add("Go", fields[0], version, i + 1);
    });
    var listed = {};
    found.packages.forEach(function (p) {
      listed[p.name + " " + p.version] = true;
    });
    Object.keys(modOnly).forEach(function (what) {
      if (!listed[what]) found.skip(what, modOnly[what], "checker.skip.go_mod_only");
    });
    return found;
  }

  var PEP508_NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/;
  var SPECIFIER = /^(===|==|!=|~=|>=|<=|>|<)\s*(\S+)$/;

  /** requirements.txt: requirements pinned with `==` (or `===`) are checked, others listed as skipped. */
  function readRequirements(file, text) {
    var found = new Found("requirements.txt");
    var lines = text.split("\n");
    for (var i = 0; i < lines.length; i++) {
      var number = i + 1;
      var line = lines[i].replace(/\r$/, "");
      while (/\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + " " + lines[++i].replace(/\r$/, "");
      line = line.replace(/(^|\s)#.*$/, "").trim();
      if (line === "") continue;
      if (line[0] === "-") {
        found.skip(line, number, "checker.skip.pip_option");
        continue;
      }
      var requirement = line.split(/\s--?[A-Za-z]/)[0].split(";")[0].trim();
      if (/^[./]|:\/\/|\s@\s|^@/.test(requirement) || /^[A-Za-z0-9._-]+(\[[^\]]*\])?\s*@/.test(requirement)) {
        found.skip(requirement, number, "checker.skip.pip_url");
        continue;
      }
      var m = PEP508_NAME.exec(requirement);
      if (!m) throw new LockFileError(file, number, "checker.lock.pip_requirement", { requirement: requirement.slice(0, 80) });
      var spec = m[3].replace(/^\((.*)\)$/, "$1").trim();
      if (spec === "") {
        found.skip(m[1], number, "checker.skip.pip_unpinned");
        continue;
      }
      var pins = [];
      spec.split(",").forEach(function (part) {
        var s = SPECIFIER.exec(part.trim());
        if (!s) throw new LockFileError(file, number, "checker.lock.pip_specifier", { specifier: part.trim().slice(0, 80), requirement: requirement.slice(0, 80) });
        if ((s[1] === "==" && !/\*$/.test(s[2])) || s[1] === "===") pins.push(s);
      });
      if (pins.length !== 1) {
        found.skip(m[1] + " " + spec, number, "checker.skip.pip_not_one");
        continue;
      }
      var pin = pins[0][2];
      if (tryParse("pep440", pin) === null) {
        // `===` pins any text; `==` a version, which pip refuses otherwise.
        if (pins[0][1] === "===") found.skip(m[1] + " " + spec, number, "checker.skip.pip_not_pep440");
        else throw new LockFileError(file, number, "checker.lock.pip_pep440", { version: pin, requirement: requirement.slice(0, 80) });
        continue;
      }
      found.add("PyPI", m[1], pin, number);
    }
    return found;
  }

  var READERS = {
    "Cargo.lock": readCargoLock,
    "package-lock.json": readPackageLock,
    "go.sum": readGoSum,
    "requirements.txt": readRequirements,
    "poetry.lock": readPoetryLock,
  };

  /** The format of a lock file, from its name, else from what it holds (null when neither tells). */
  function formatOf(file, text) {
    var name = String(file).split(/[\\/]/).pop().toLowerCase();
    if (name === "cargo.lock") return "Cargo.lock";
    if (name === "package-lock.json" || name === "npm-shrinkwrap.json") return "package-lock.json";
    if (name === "go.sum") return "go.sum";
    if (name === "poetry.lock") return "poetry.lock";
    if (/\.txt$/.test(name)) return "requirements.txt";
    var start = text.replace(/^\uFEFF/, "").trimStart();
    if (start[0] === "{") return "package-lock.json";
    if (/^\[\[package\]\]/m.test(text)) return /^\[metadata\]/m.test(text) && /^(lock-version|content-hash|python-versions)\s*=/m.test(text) ? "poetry.lock" : "Cargo.lock";
    if (/^\S+ v\S+ h\d+:\S+\s*$/m.test(start)) return "go.sum";
    return null;
  }

  /**
   * Reads a lock file: {format, packages: [{ecosystem, name, version, line}],
   * skipped: [{what, line, why: reason}]}. Throws LockFileError when it cannot.
   */
  function readLockFile(file, text) {
    var format = formatOf(file, text);
    if (!format) throw new LockFileError(file, 0, "checker.lock.unknown_format");
    return READERS[format](file, text.replace(/^\uFEFF/, ""));
  }

  /** A package name as its ecosystem compares it (PyPI: PEP 503 normalised). */
  function normalName(ecosystem, name) {
    if (ecosystem.split(":")[0] !== "PyPI") return name;
    return name.toLowerCase().split(/[-_.]+/).filter(Boolean).join("-");
  }

  function packageKey(ecosystem, name) {
    return ecosystem.split(":")[0] + "\u0000" + normalName(ecosystem, name);
  }

  /**
   * Checks `packages` (of readLockFile) against the incidents of
   * affected/packages.json: a finding for each package an entry of an
   * incident affects (or may: "unknown"), with the verdict.
   */
  function findAffected(incidents, packages) {
    var byPackage = {};
    incidents.forEach(function (incident) {
      (incident.affected || []).forEach(function (entry) {
        var key = packageKey(entry.package.ecosystem, entry.package.name);
        (byPackage[key] = byPackage[key] || []).push({ incident: incident, entry: entry });
      });
    });
    var findings = [];
    packages.forEach(function (p) {
      (byPackage[packageKey(p.ecosystem, p.name)] || []).forEach(function (hit) {
        var v = verdict(target(hit.entry), p.version);
        if (v.state === "affected" || v.state === "unknown") findings.push({ incident: hit.incident, package: p, verdict: v });
      });
    });
    return findings;
  }

  var api = {
    schemeOf: schemeOf,
    parse: parse,
    compare: compare,
    affects: affects,
    verdict: verdict,
    target: target,
    parseCompact: parseCompact,
    NotAVersion: NotAVersion,
    CompactError: CompactError,
    readLockFile: readLockFile,
    LockFileError: LockFileError,
    findAffected: findAffected,
  };
  root.seckbAffected = api;

  /* ---------- The pages ---------- */

  if (typeof document === "undefined") return;

  /** An element with a class and text (never HTML: titles and versions come from data and files). */
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Whether a product's `versions` is a range (src/content/validate/affected.rs), not free text. */
  function isRange(text) {
    return text === "*" || /[<>=]/.test(text);
  }

  /**
   * What an item of the affected list checks: a package's OSV entry
   * (data-osv), or a vendor product's range (data-versions, Maven order).
   * Null for what no version can be checked against (free text, GIT ranges only).
   */
  function itemTarget(li) {
    var osv = li.getAttribute("data-osv");
    if (osv !== null) {
      var entry = JSON.parse(osv);
      var t = target(entry);
      var useful = t.versions.length > 0 || t.ranges.some(function (r) {
        return r.type !== "GIT";
      });
      return useful ? { key: entry.package.ecosystem + " " + entry.package.name, name: entry.package.name, label: entry.package.name + " (" + entry.package.ecosystem + ")", t: t } : null;
    }
    var text = li.getAttribute("data-versions");
    if (text === null || !isRange(text)) return null;
    var compact;
    try {
      compact = parseCompact(text, "maven");
    } catch (e) {
      return null;
    }
    var text = function (c) {
      var node = li.querySelector("." + c);
      return node ? node.textContent.trim() : "";
    };
    var vendor = text("vendor");
    var product = text("product");
    // "Acme Gateway" of Acme, not "Acme Acme Gateway".
    var name = product.startsWith(vendor) ? product : (vendor + " " + product).trim();
    return { key: "product " + name, name: name, label: name, t: { scheme: "maven", ranges: [{ type: "ECOSYSTEM", events: compact.events }], versions: compact.exact } };
  }

  /** One verdict for several entries of one package or product: affected by any of them wins. */
  function combined(targets, version) {
    var verdicts = targets.map(function (t) {
      return verdict(t, version);
    });
    var order = ["affected", "invalid", "unknown", "not-affected"];
    for (var i = 0; i < order.length; i++) {
      var of = verdicts.filter(function (v) {
        return v.state === order[i];
      });
      if (!of.length) continue;
      var first = of[0];
      of.slice(1).forEach(function (v) {
        (v.fixed || []).forEach(function (f) {
          if (first.fixed.indexOf(f) < 0) first.fixed.push(f);
        });
      });
      return first;
    }
    return { state: "not-affected", fixed: [] };
  }

  /** The checker's strings (the page's #checker-strings block, in the site's language). */
  var words = null;
  function lookup(key, args) {
    var i18n = window.seckbI18n;
    if (!i18n) return key;
    if (!words) words = i18n.strings("checker-strings");
    return i18n.t(words, key, args || {});
  }

  /** The checker's string `checker.<key>`. */
  function tr(key, args) {
    return lookup("checker." + key, args);
  }

  /** A reason of the parsers as text: its arguments first, where they are reasons too. */
  function say(r) {
    var args = {};
    Object.keys(r.args || {}).forEach(function (name) {
      var a = r.args[name];
      args[name] = a !== null && typeof a === "object" && "key" in a ? say(a) : a;
    });
    return lookup(r.key, args);
  }

  /** The sentence a verdict reads as: `name` at `version`. */
  function sentence(name, version, v) {
    var fixes = (v.fixed || []).join(", ");
    var args = { name: name, version: version, fixed: fixes, last: v.lastAffected };
    switch (v.state) {
      case "affected":
        if (fixes) return tr("affected_fixed", args);
        if (v.lastAffected) return tr("affected_last", args);
        return tr("affected_unfixed", args);
      case "not-affected":
        return tr("not_affected", args);
      case "unknown":
        return tr("unknown", args) + (fixes ? tr("fixed_in", args) : "");
      default:
        var scheme = SCHEMES[v.scheme];
        return tr("invalid", { version: version, scheme: lookup(scheme.name), why: say(v.why), expected: lookup(scheme.expected) });
    }
  }

  /** The incident page's version box: what the typed version is, at each keystroke. */
  function versionBox() {
    var form = document.getElementById("version-check");
    var select = document.getElementById("version-check-target");
    var input = document.getElementById("version-check-input");
    var result = document.getElementById("version-check-result");
    if (!form || !select || !input || !result) return;
    var targets = [];
    var byKey = {};
    document.querySelectorAll(".affected-list li[data-osv], .affected-list li[data-versions]").forEach(function (li) {
      var item = itemTarget(li);
      if (!item) return;
      if (!byKey[item.key]) {
        byKey[item.key] = { name: item.name, label: item.label, checks: [] };
        targets.push(byKey[item.key]);
      }
      byKey[item.key].checks.push(item.t);
    });
    if (!targets.length) return;
    targets.forEach(function (t, i) {
      var option = el("option", "", t.label);
      option.value = String(i);
      select.appendChild(option);
    });
    select.hidden = targets.length === 1;
    var show = function () {
      var chosen = targets[Number(select.value) || 0];
      var version = input.value.trim();
      if (version === "") {
        result.textContent = "";
        result.removeAttribute("data-state");
        return;
      }
      var v = combined(chosen.checks, version);
      result.textContent = sentence(chosen.name, version, v);
      result.setAttribute("data-state", v.state);
    };
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      show();
    });
    input.addEventListener("input", show);
    select.addEventListener("change", show);
    form.hidden = false;
    show();
  }

  /** The largest lock file read (a package-lock.json of a large monorepo is some MB). */
  var MAX_FILE_BYTES = 64 * 1024 * 1024;
  var SEVERITY_RANK = { critical: 4, high: 3, medium: 2, low: 1 };

  function severityBadge(severity) {
    var badge = el("span", "badge sev sev-" + severity);
    badge.appendChild(el("span", "visually-hidden", lookup("severity.label_prefix")));
    badge.appendChild(document.createTextNode(lookup("severity." + severity)));
    return badge;
  }

  /** The findings of one file, by incident (most severe first). */
  function findingList(findings) {
    var groups = [];
    var byUrl = {};
    findings.forEach(function (f) {
      if (!byUrl[f.incident.url]) {
        byUrl[f.incident.url] = { incident: f.incident, findings: [] };
        groups.push(byUrl[f.incident.url]);
      }
      byUrl[f.incident.url].findings.push(f);
    });
    groups.sort(function (a, b) {
      return (SEVERITY_RANK[b.incident.severity] || 0) - (SEVERITY_RANK[a.incident.severity] || 0);
    });
    var list = el("ul", "checker-findings");
    groups.forEach(function (g) {
      var item = el("li", "finding");
      var title = el("p", "finding-title");
      var link = el("a", "", g.incident.title);
      link.href = g.incident.url;
      title.appendChild(link);
      if (g.incident.severity) {
        title.appendChild(document.createTextNode(" "));
        title.appendChild(severityBadge(g.incident.severity));
      }
      if (g.incident.id) title.appendChild(el("span", "finding-id doc-id", g.incident.id));
      item.appendChild(title);
      var packages = el("ul", "finding-packages");
      g.findings.forEach(function (f) {
        var row = el("li", "finding-" + f.verdict.state);
        row.setAttribute("data-state", f.verdict.state);
        row.appendChild(el("span", "", sentence(f.package.name, f.package.version, f.verdict) + " "));
        if (f.package.line) row.appendChild(el("span", "finding-line", tr("line", { line: f.package.line })));
        packages.appendChild(row);
      });
      item.appendChild(packages);
      list.appendChild(item);
    });
    return list;
  }

  /** What the reader is told of one file: its findings, or why it could not be read. */
  function fileReport(name, text, incidents) {
    var section = el("section", "checker-file");
    section.setAttribute("data-file", name);
    section.appendChild(el("h2", "", name));
    var found;
    try {
      found = readLockFile(name, text);
    } catch (e) {
      if (!(e instanceof LockFileError)) throw e;
      section.setAttribute("data-state", "error");
      section.appendChild(el("p", "checker-error", tr(e.line ? "unreadable_line" : "unreadable", { name: name, line: e.line, error: say(e) })));
      return { section: section, affected: 0, error: true };
    }
    var findings = findAffected(incidents, found.packages);
    var affected = findings.filter(function (f) {
      return f.verdict.state === "affected";
    });
    var hit = {};
    affected.forEach(function (f) {
      hit[f.package.ecosystem + " " + f.package.name + " " + f.package.version] = true;
    });
    var hitPackages = Object.keys(hit).length;
    var incidentCount = Object.keys(affected.reduce(function (m, f) {
      m[f.incident.url] = true;
      return m;
    }, {})).length;
    var checked = tr("n_packages", { n: found.packages.length });
    var summary;
    if (!found.packages.length) summary = tr("nothing_to_check", { format: found.format });
    else if (hitPackages) summary = tr("hits", { n: hitPackages, packages: checked, incidents: tr("n_incidents", { n: incidentCount }) });
    else summary = tr("clean", { packages: checked });
    var unknown = findings.length - affected.length;
    if (unknown) summary += tr("cannot_tell", { packages: tr("n_packages", { n: unknown }) });
    section.setAttribute("data-state", hitPackages ? "affected" : "clean");
    section.appendChild(el("p", "checker-summary", summary));
    if (findings.length) section.appendChild(findingList(findings));
    if (found.skipped.length) {
      var details = el("details", "checker-skipped");
      details.appendChild(el("summary", "", tr("not_checked", { n: found.skipped.length })));
      var list = el("ul", "");
      found.skipped.forEach(function (s) {
        list.appendChild(el("li", "", tr(s.line ? "skipped_line" : "skipped", { what: s.what, line: s.line, why: say(s.why) })));
      });
      details.appendChild(list);
      section.appendChild(details);
    }
    return { section: section, affected: hitPackages, error: false };
  }

  /** The lock-file page: loads the incidents once, then checks each file chosen or dropped. */
  function checkerPage() {
    var form = document.getElementById("checker-form");
    var fileInput = document.getElementById("checker-file");
    var drop = document.getElementById("checker-drop");
    var status = document.getElementById("checker-status");
    var results = document.getElementById("checker-results");
    if (!form || !fileInput || !status || !results) return;
    var setStatus = function (text) {
      status.textContent = text;
    };
    setStatus(tr("loading"));
    var data = fetch(new URL(form.getAttribute("data-index"), window.location.href)).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
    data.then(function (d) {
      form.setAttribute("data-ready", "");
      setStatus(tr("ready", { n: d.incidents.length }));
    }, function (e) {
      setStatus(tr("load_failed", { error: e.message }));
    });
    var sequence = 0;
    var check = function (files) {
      files = Array.prototype.slice.call(files || []);
      if (!files.length) return;
      var mine = ++sequence;
      results.replaceChildren();
      results.removeAttribute("data-done");
      setStatus(tr("checking", { n: files.length }));
      var texts = files.map(function (f) {
        if (f.size > MAX_FILE_BYTES) return Promise.resolve({ name: f.name, tooLarge: true });
        return f.text().then(function (text) {
          return { name: f.name, text: text };
        });
      });
      Promise.all([data, Promise.all(texts)]).then(function (both) {
        if (mine !== sequence) return;
        var affected = 0;
        var errors = 0;
        both[1].forEach(function (file) {
          var report;
          if (file.tooLarge) {
            report = { section: el("section", "checker-file"), affected: 0, error: true };
            report.section.setAttribute("data-file", file.name);
            report.section.setAttribute("data-state", "error");
            report.section.appendChild(el("h2", "", file.name));
            report.section.appendChild(el("p", "checker-error", tr("too_large", { name: file.name })));
          } else report = fileReport(file.name, file.text, both[0].incidents);
          affected += report.affected;
          errors += report.error ? 1 : 0;
          results.appendChild(report.section);
        });
        var parts = [tr("n_affected", { n: affected })];
        if (errors) parts.push(tr("n_unread", { n: errors }));
        setStatus(tr("checked", { n: both[1].length, words: parts.join(", ") }));
        results.setAttribute("data-done", "");
      }, function (e) {
        if (mine === sequence) setStatus(tr("failed", { error: e.message }));
      });
    };
    fileInput.addEventListener("change", function () {
      check(fileInput.files);
    });
    // A file dropped anywhere on the page is checked, never opened by the browser.
    var depth = 0;
    var dragging = function (on) {
      if (drop) drop.classList.toggle("is-dragging", on);
    };
    document.addEventListener("dragenter", function (event) {
      event.preventDefault();
      depth++;
      dragging(true);
    });
    document.addEventListener("dragleave", function () {
      depth = Math.max(0, depth - 1);
      if (!depth) dragging(false);
    });
    document.addEventListener("dragover", function (event) {
      event.preventDefault();
    });
    document.addEventListener("drop", function (event) {
      event.preventDefault();
      depth = 0;
      dragging(false);
      if (event.dataTransfer) check(event.dataTransfer.files);
    });
  }

  versionBox();
  checkerPage();
})(typeof window !== "undefined" ? window : globalThis);
