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

  var SCHEMES = {
    semver: { name: "SemVer", expected: "a SemVer version MAJOR.MINOR.PATCH such as 1.4.3 or 2.0.0-rc.1" },
    go: { name: "Go (SemVer)", expected: "a Go module version such as 1.4.3 or v1.4.3 (SemVer)" },
    pep440: { name: "PEP 440", expected: "a PEP 440 version such as 3.6.2, 2.0rc1 or 1.0.post1" },
    maven: { name: "Maven", expected: "a Maven version such as 2.17.1 or 1.0-beta-2" },
    unordered: { name: "unordered", expected: "a version without spaces" },
  };

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

  /** Why a text is not a version (thrown by the parsers). */
  function NotAVersion(why) {
    this.message = why;
  }

  function fail(why) {
    throw new NotAVersion(why);
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
    if (end === at) fail(at < text.length ? "unexpected character " + JSON.stringify(text[at]) : "unexpected end");
    var digits = text.slice(at, end);
    if (digits.length > 1 && digits[0] === "0") fail("a number with a leading zero");
    if (!fitsU64(digits)) fail("a number too large");
    return { value: digits, end: end };
  }

  /** Dot-separated identifiers of [0-9A-Za-z-] from `at`: their list and end. */
  function semverIdentifiers(text, at, pre) {
    var end = at;
    while (end < text.length && /[0-9A-Za-z.-]/.test(text[end])) end++;
    var parts = text.slice(at, end).split(".");
    for (var i = 0; i < parts.length; i++) {
      if (parts[i] === "") fail("an empty identifier");
      if (pre && /^[0-9]+$/.test(parts[i]) && parts[i].length > 1 && parts[i][0] === "0") fail("a number with a leading zero");
    }
    return { parts: parts, end: end };
  }

  function parseSemver(text) {
    var major = semverNumber(text, 0);
    if (text[major.end] !== ".") fail("expected MAJOR.MINOR.PATCH");
    var minor = semverNumber(text, major.end + 1);
    if (text[minor.end] !== ".") fail("expected MAJOR.MINOR.PATCH");
    var patch = semverNumber(text, minor.end + 1);
    var at = patch.end;
    var pre = [];
    if (text[at] === "-") {
      var p = semverIdentifiers(text, at + 1, true);
      pre = p.parts;
      at = p.end;
    }
    if (text[at] === "+") at = semverIdentifiers(text, at + 1, false).end;
    if (at < text.length) fail("unexpected character " + JSON.stringify(text[at]));
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
    if (!fitsU64(n)) fail("a number too large");
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
      if (this.i === start) fail("an empty local version segment");
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
    if (first === null) fail("a version starts with a number");
    var epoch = "0";
    if (r.take("!")) {
      epoch = first;
      first = r.number();
      if (first === null) fail("a number is expected after the epoch's `!`");
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
    if (r.i < text.length) fail("unexpected " + JSON.stringify(text.slice(r.i)) + " after " + JSON.stringify(text.slice(0, r.i)));
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
    if (text === "") fail("an empty version");
    for (var c of text) {
      if (SPACE_OR_CONTROL.test(c) || FORBIDDEN.indexOf(c) >= 0) fail(JSON.stringify(c) + " cannot be part of a version");
    }
    if (RANGE_WORDS.indexOf(asciiLower(text)) >= 0) {
      fail("`" + text + "` reads as a range, not as one version");
    }
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
   * (`why`, and `expected` of the scheme named `schemeName`); `fixed` the
   * versions that fix it, `lastAffected` the end of its interval when that
   * is a `last_affected` event.
   */
  function verdict(t, version) {
    var hit;
    try {
      hit = evaluate(t.scheme, t.ranges, t.versions, version);
    } catch (e) {
      if (!(e instanceof NotAVersion)) throw e;
      return { state: "invalid", why: e.message, expected: SCHEMES[t.scheme].expected, schemeName: SCHEMES[t.scheme].name };
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

  /** A mistake in a compact range: its offset in the text (UTF-8 bytes, as Rust counts). */
  function CompactError(text, at, message) {
    this.offset = new TextEncoder().encode(text.slice(0, at)).length;
    this.message = message;
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
      if (comparator[0] === ">") throw new CompactError(full, at, "`>` is not a bound seckb writes: an OSV range starts at a version it includes");
      if (!/^[0-9A-Za-z]/.test(comparator) || /\p{White_Space}/u.test(comparator)) throw new CompactError(full, at, "`" + comparator + "` is no comparator");
      op = "exactly";
    }
    var version = rest.slice(leadingSpace(rest));
    var versionAt = at + (comparator.length - rest.length) + (rest.length - version.length);
    if (version === "") throw new CompactError(full, versionAt, "a comparator without a version");
    if (/^[<>=]/.test(version)) throw new CompactError(full, versionAt, "`" + trim(comparator) + "` is no comparator");
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
    if (!isOrdered(scheme)) throw new CompactError(text, 0, "versions of this ecosystem have no order seckb knows, so they cannot be given as a range");
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
      if (interval === "") throw new CompactError(text, at, "an empty interval");
      if (openEnded) throw new CompactError(text, at, "an interval after one with no upper bound");
      if (interval === "*") {
        if (previous || out.exact.length) throw new CompactError(text, at, "`*` (every version) with other intervals");
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
          if (e instanceof NotAVersion) throw new CompactError(text, word.at, "`" + word.text + "` is not a " + SCHEMES[scheme].name + " version: " + e.message);
          throw e;
        }
        var slot = word.op === "atLeast" ? "lower" : word.op === "exactly" ? "exact" : "upper";
        var taken = slot in bounds;
        bounds[slot] = word;
        if (taken || (bounds.exact && (bounds.lower || bounds.upper))) throw new CompactError(text, cAt, "an interval has at most one lower bound and one upper bound, or is one version");
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
        throw new CompactError(text, upper.at, "the interval is empty: `" + upper.text + "` is not above its lower bound `" + lower.text + "`");
      }
      if (lower) {
        checkAfter(text, previous, lower);
        push("introduced", canonical(scheme, lower.text));
      } else if (previous) {
        throw new CompactError(text, at, "only the first interval may have no lower bound");
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
    if (has("fixed") && has("last_affected")) throw new CompactError(text, Math.max(0, text.indexOf("<=")), "`<` and `<=` bounds in one set of ranges");
    return out;
  }

  /** An interval starting at `word` must begin above the one before. */
  function checkAfter(text, previous, word) {
    if (!previous) return;
    var order = compare(word.version, previous.word.version);
    if (order === 1 || (order === 0 && !previous.inclusive)) return;
    throw new CompactError(text, word.at, "intervals must ascend without overlapping: `" + word.text + "` is not above `" + previous.word.text + "`");
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
  };
  root.seckbAffected = api;
})(typeof window !== "undefined" ? window : globalThis);
