/* seckb search: reads the index seckb writes at build time (docs/search-index.md)
 * and answers queries in the browser. No dependencies, nothing from another
 * origin; the index is fetched in pieces, so a query downloads only the term
 * shards and documents it needs.
 *
 * Three parts:
 *  - the tokenizer, a twin of src/search/tokenize.rs (tests/fixtures/tokenizer-cases.json
 *    holds the cases both must agree on);
 *  - the engine: query → ranked document numbers and facet counts;
 *  - the page: results as you type, facets, snippets, keyboard, URL state.
 * The first two are exported as `seckbSearch` for the tests. */
(function (root) {
  "use strict";

  /* ---------- Tokenizer ---------- */

  var MAX_TOKEN_CHARS = 64;
  var SPELL_OUT = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ı": "i", "þ": "th", "ς": "σ" };
  var MARK = /\p{M}/u;
  var WORD = /[\p{Alphabetic}\p{N}]/u;
  var CONNECTORS = "-_./:@+'\u2019";

  /** Folds one code point: NFKD, lower case, combining marks dropped, spelt out. */
  function foldChar(ch) {
    var code = ch.charCodeAt(0);
    if (code < 128) return code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : ch;
    var out = "";
    for (var d of ch.normalize("NFKD")) {
      for (var l of d.toLowerCase()) {
        if (MARK.test(l)) continue;
        out += SPELL_OUT[l] || l;
      }
    }
    return out;
  }

  function fold(text) {
    var out = "";
    for (var ch of text) out += foldChar(ch);
    return out;
  }

  /** Whether a code point is a letter or digit (Unicode Alphabetic or Number). */
  function isWordCode(cp) {
    if (cp < 128) return (cp >= 48 && cp <= 57) || (cp >= 97 && cp <= 122) || (cp >= 65 && cp <= 90);
    return WORD.test(String.fromCodePoint(cp));
  }

  function isWordChar(c) {
    return isWordCode(c.codePointAt(0));
  }

  function isConnector(cp) {
    return cp < 0x10000 && CONNECTORS.indexOf(String.fromCharCode(cp)) >= 0;
  }

  /**
   * Splits text into terms: each word, and each identifier (words joined by
   * single connectors) whole and as its words. Tokens carry UTF-16 offsets
   * into the original text and a role: "word", "whole" or "part".
   * (Parallel arrays and an ASCII fast path: snippets tokenize whole documents.)
   */
  function tokenize(text) {
    // Pure ASCII (most text): the lower-cased string is the folded text, one
    // character per offset. Otherwise fold character by character.
    var ascii = !/[^\x00-\x7f]/.test(text);
    var folded = ascii ? text.toLowerCase() : null;
    var cps = [];
    var starts = [];
    var ends = [];
    for (var i = 0; !ascii && i < text.length; ) {
      var code = text.charCodeAt(i);
      if (code < 128) {
        cps.push(code >= 65 && code <= 90 ? code + 32 : code);
        starts.push(i);
        ends.push(i + 1);
        i++;
        continue;
      }
      var cp = text.codePointAt(i);
      var size = cp > 0xffff ? 2 : 1;
      for (var f of foldChar(String.fromCodePoint(cp))) {
        cps.push(f.codePointAt(0));
        starts.push(i);
        ends.push(i + size);
      }
      i += size;
    }
    if (ascii) {
      for (var a = 0; a < folded.length; a++) cps.push(folded.charCodeAt(a));
    }
    var tokens = [];
    var n = cps.length;
    function push(from, to, role) {
      if (to - from > MAX_TOKEN_CHARS) return;
      if (ascii) tokens.push({ text: folded.slice(from, to), start: from, end: to, role: role });
      else tokens.push({ text: String.fromCodePoint.apply(null, cps.slice(from, to)), start: starts[from], end: ends[to - 1], role: role });
    }
    var at = 0;
    while (at < n) {
      if (!isWordCode(cps[at])) {
        at++;
        continue;
      }
      var parts = [];
      var runStart = at;
      for (;;) {
        var j = runStart;
        while (j < n && isWordCode(cps[j])) j++;
        parts.push(runStart, j);
        if (j + 1 < n && isConnector(cps[j]) && isWordCode(cps[j + 1])) {
          runStart = j + 1;
          continue;
        }
        at = j;
        break;
      }
      if (parts.length === 2) {
        push(parts[0], parts[1], "word");
      } else {
        push(parts[0], at, "whole");
        for (var p = 0; p < parts.length; p += 2) push(parts[p], parts[p + 1], "part");
      }
    }
    return tokens;
  }

  /* ---------- Index format helpers ---------- */

  var DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  var DIGIT_VALUE = {};
  for (var d = 0; d < DIGITS.length; d++) DIGIT_VALUE[DIGITS.charCodeAt(d)] = d;
  var FIELD_ID = 1;
  var FIELD_TITLE = 2;
  var FIELD_META = 4;
  var FIELD_BODY = 8;

  /** Reads the varints of an encoded list. */
  function Reader(s) {
    this.s = s;
    this.i = 0;
  }
  Reader.prototype.more = function () {
    return this.i < this.s.length;
  };
  Reader.prototype.next = function () {
    var n = 0;
    var shift = 1;
    for (;;) {
      var v = DIGIT_VALUE[this.s.charCodeAt(this.i++)];
      n += (v & 31) * shift;
      if (v < 32) return n;
      shift *= 32;
    }
  };

  /** A posting list: parallel arrays of document numbers, weights and title word counts. */
  function decodePostings(s) {
    var r = new Reader(s);
    var docs = [];
    var weights = [];
    var titleWords = [];
    var doc = 0;
    while (r.more()) {
      doc += r.next();
      var w = r.next();
      docs.push(doc);
      weights.push(w);
      titleWords.push(w & FIELD_TITLE ? r.next() : 0);
    }
    return { docs: docs, weights: weights, titleWords: titleWords };
  }

  /** A list of runs of consecutive document numbers (tags.json). */
  function decodeRuns(s) {
    var r = new Reader(s);
    var docs = [];
    var next = 0;
    while (r.more()) {
      var v = r.next();
      var first = next + Math.floor(v / 2);
      var extra = v % 2 === 1 ? r.next() : 0;
      for (var d = first; d <= first + extra; d++) docs.push(d);
      next = first + extra + 1;
    }
    return docs;
  }

  /** Compares strings by code point, the order of Rust's `str` (and of the index). */
  function compare(a, b) {
    if (a === b) return 0;
    var n = Math.min(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var x = a.charCodeAt(i);
      var y = b.charCodeAt(i);
      if (x !== y) {
        if (x >= 0xd800 && y >= 0xd800) {
          x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
          y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
        }
        return x < y ? -1 : 1;
      }
    }
    return a.length < b.length ? -1 : 1;
  }

  /** The first index in sorted `list` whose value is greater than `term` (or ≥ with `orEqual`). */
  function bound(list, term, orEqual) {
    var lo = 0;
    var hi = list.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      var c = compare(list[mid], term);
      if (c < 0 || (c === 0 && !orEqual)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** True when `a` and `b` differ by one insertion, deletion, substitution or adjacent swap. */
  function oneEdit(a, b) {
    var la = a.length;
    var lb = b.length;
    if (Math.abs(la - lb) > 1 || a === b) return false;
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  /* ---------- Engine ---------- */

  var PREFIX_MIN = 2;
  var FUZZY_MIN = 5;
  var MAX_EXPANSIONS = 24;
  var MAX_PREFIX_SHARDS = 2;
  var MAX_FUZZY = 4;
  var FACETS = ["kind", "severity", "status", "year", "vendor", "tag"];
  /* Facets whose values are lists per entry, each in its own file of the index. */
  var LIST_FACETS = ["vendor", "tag"];
  var LIST_FILES = { vendor: "vendors.json", tag: "tags.json" };

  /**
   * The query engine over one index. `load(path, fresh)` returns a promise of
   * the parsed JSON file at `path` under the index folder (`fresh`: bypass
   * caches, for the manifest), decompressed when the name ends in `.gz`.
   */
  function createEngine(load) {
    var manifest = null;
    var common = new Set();
    var files = new Map();
    var listTables = {};

    function file(path) {
      if (!files.has(path)) {
        var p = load(path + "?v=" + manifest.generation, false);
        p.catch(function () {
          files.delete(path);
        });
        files.set(path, p);
      }
      return files.get(path);
    }

    function open() {
      return load("manifest.json", true).then(function (m) {
        if (!m || m.format !== "seckb-search" || m.version !== 2) throw new Error("unsupported search index format");
        manifest = m;
        common = new Set(m.common);
        return m;
      });
    }

    function shardIndex(term) {
      return bound(manifest.shards, term, false);
    }

    function shard(i) {
      return file("terms/" + i + ".json.gz").then(function (rows) {
        if (!rows.terms) {
          rows.terms = rows.map(function (r) {
            return r[0];
          });
        }
        return rows;
      });
    }

    function lookup(rows, term) {
      var i = bound(rows.terms, term, true);
      return i < rows.length && rows[i][0] === term ? postingsAt(rows, i) : null;
    }

    /** Decoded postings of a shard's row `i`, decoded once. */
    function postingsAt(rows, i) {
      if (!rows.decoded) rows.decoded = new Map();
      if (!rows.decoded.has(i)) rows.decoded.set(i, decodePostings(rows[i][1]));
      return rows.decoded.get(i);
    }

    /** Terms that start with `prefix` (not `prefix` itself), most frequent first. */
    function expand(prefix) {
      var first = shardIndex(prefix);
      var last = first;
      while (last + 1 - first < MAX_PREFIX_SHARDS && last < manifest.shards.length && manifest.shards[last].indexOf(prefix) === 0) last++;
      var wanted = [];
      for (var s = first; s <= last; s++) wanted.push(shard(s));
      return Promise.all(wanted).then(function (shards) {
        var found = [];
        shards.forEach(function (rows) {
          for (var i = bound(rows.terms, prefix, true); i < rows.length && rows[i][0].indexOf(prefix) === 0; i++) {
            if (rows[i][0] !== prefix) found.push({ rows: rows, i: i, size: rows[i][1].length });
          }
        });
        // The longest posting lists (the most frequent terms) first; only those are decoded.
        found.sort(function (a, b) {
          return b.size - a.size || compare(a.rows[a.i][0], b.rows[b.i][0]);
        });
        return found.slice(0, MAX_EXPANSIONS).map(function (f) {
          return { term: f.rows[f.i][0], postings: postingsAt(f.rows, f.i) };
        });
      });
    }

    function exact(term) {
      return shard(shardIndex(term)).then(function (rows) {
        return lookup(rows, term);
      });
    }

    /** Terms one edit away from `word` (same first letter), with their postings. */
    function fuzzy(word) {
      var first = String.fromCodePoint(word.codePointAt(0));
      if (manifest.vocab.indexOf(first) < 0) return Promise.resolve([]);
      return file("vocab/" + first.codePointAt(0).toString(16) + ".json").then(function (terms) {
        var near = terms.filter(function (t) {
          return oneEdit(word, t);
        });
        near.sort(function (a, b) {
          return Math.abs(a.length - word.length) - Math.abs(b.length - word.length) || compare(a, b);
        });
        return Promise.all(
          near.slice(0, MAX_FUZZY).map(function (t) {
            return exact(t).then(function (postings) {
              return { term: t, postings: postings };
            });
          })
        );
      });
    }

    /** Query text → word groups: a word, or an identifier with its parts. */
    function parse(text) {
      var groups = [];
      tokenize(text).forEach(function (t) {
        var last = groups[groups.length - 1];
        if (t.role === "part" && last && last.parts && t.start >= last.start && t.end <= last.end) {
          last.parts.push(t.text);
        } else {
          groups.push({ word: t.text, parts: t.role === "whole" ? [] : null, start: t.start, end: t.end });
        }
      });
      var lastGroup = groups[groups.length - 1];
      if (lastGroup && lastGroup.end === text.length && isWordChar(text[text.length - 1])) lastGroup.prefix = true;
      return groups;
    }

    function idf(df) {
      var n = manifest.documents;
      return Math.log(1 + (n - df + 0.5) / (df + 0.5));
    }

    function fieldScore(w) {
      var s = 0;
      if (w & FIELD_ID) s += 12;
      if (w & FIELD_TITLE) s += 6;
      if (w & FIELD_META) s += 3;
      if (w & FIELD_BODY) s += 1 + Math.log(Math.max(1, w >> 4));
      return s;
    }

    /**
     * Every way a group can match, as {term, postings, quality, exact}.
     * Identifier groups also match through all of their parts (`viaParts`).
     */
    function alternatives(group) {
      var jobs = [exact(group.word)];
      jobs.push(group.prefix && group.word.length >= PREFIX_MIN ? expand(group.word) : Promise.resolve([]));
      var parts = group.parts || [];
      jobs.push(
        Promise.all(
          parts.map(function (p, i) {
            if (group.prefix && i === parts.length - 1 && p.length >= PREFIX_MIN) {
              return Promise.all([exact(p), expand(p)]).then(function (r) {
                return [{ term: p, postings: r[0], quality: 1 }].concat(
                  r[1].map(function (e) {
                    return { term: e.term, postings: e.postings, quality: prefixQuality(p, e.term) };
                  })
                );
              });
            }
            return exact(p).then(function (postings) {
              return [{ term: p, postings: postings, quality: 1 }];
            });
          })
        )
      );
      return Promise.all(jobs).then(function (r) {
        var alts = [];
        if (r[0]) alts.push({ term: group.word, postings: r[0], quality: 1, exact: true });
        r[1].forEach(function (e) {
          alts.push({ term: e.term, postings: e.postings, quality: prefixQuality(group.word, e.term) });
        });
        var viaParts = r[2].length > 0 ? r[2] : null;
        var plainWord = !group.parts && /^\p{Alphabetic}+$/u.test(group.word);
        if (alts.length === 0 && plainWord && [...group.word].length >= FUZZY_MIN) {
          return fuzzy(group.word).then(function (near) {
            near.forEach(function (e) {
              if (e.postings) alts.push({ term: e.term, postings: e.postings, quality: 0.5, fuzzy: true });
            });
            return { alts: alts, viaParts: viaParts };
          });
        }
        return { alts: alts, viaParts: viaParts };
      });
    }

    function prefixQuality(prefix, term) {
      return 0.5 + (0.4 * prefix.length) / term.length;
    }

    /**
     * Per document: the group's best score, and whether that match was the
     * exact id or in the title. Typed arrays over all entries, since a common
     * word matches thousands; `docs` lists the entries that matched.
     */
    function scoreGroup(found) {
      var n = manifest.documents;
      var best = { docs: [], score: new Float64Array(n), id: new Uint8Array(n), title: new Uint8Array(n), words: new Uint16Array(n) };
      function offer(doc, score, idExact, title, titleWords) {
        if (best.score[doc] === 0) best.docs.push(doc);
        if (score > best.score[doc]) {
          best.score[doc] = score;
          best.id[doc] = idExact ? 1 : 0;
          best.title[doc] = title ? 1 : 0;
          best.words[doc] = titleWords;
        }
      }
      found.alts.forEach(function (a) {
        var weight = idf(a.postings.docs.length) * a.quality;
        var docs = a.postings.docs;
        var weights = a.postings.weights;
        for (var i = 0; i < docs.length; i++) {
          var w = weights[i];
          offer(docs[i], weight * fieldScore(w), a.exact && (w & FIELD_ID) !== 0, (w & FIELD_TITLE) !== 0, a.postings.titleWords[i]);
        }
      });
      var parts = found.viaParts;
      if (parts && parts.every(function (alts) { return alts.some(function (a) { return a.postings; }); })) {
        // A document matches through parts when it has every part (any alternative of each).
        var perPart = parts.map(function (alts) {
          var m = new Map();
          alts.forEach(function (a) {
            if (!a.postings) return;
            var weight = idf(a.postings.docs.length) * a.quality;
            for (var i = 0; i < a.postings.docs.length; i++) {
              var w = a.postings.weights[i];
              var s = weight * fieldScore(w);
              var prev = m.get(a.postings.docs[i]);
              if (!prev || s > prev.score) m.set(a.postings.docs[i], { score: s, title: (w & FIELD_TITLE) !== 0, titleWords: a.postings.titleWords[i] });
            }
          });
          return m;
        });
        perPart[0].forEach(function (first, doc) {
          var total = first.score;
          var title = first.title;
          for (var k = 1; k < perPart.length; k++) {
            var hit = perPart[k].get(doc);
            if (!hit) return;
            total += hit.score;
            title = title && hit.title;
          }
          offer(doc, (0.8 * total) / perPart.length, false, title, first.titleWords);
        });
      }
      return best;
    }

    /** Every term a query matched, for highlighting: {exact: Set, prefixes: [..]}. */
    function highlightTerms(groups, found) {
      var terms = new Set();
      groups.forEach(function (g, i) {
        if (!found[i]) return;
        found[i].alts.forEach(function (a) {
          terms.add(a.term);
        });
        (found[i].viaParts || []).forEach(function (alts) {
          alts.forEach(function (a) {
            if (a.postings) terms.add(a.term);
          });
        });
      });
      return terms;
    }

    /**
     * Runs a query. Resolves to {docs: ranked document numbers, partial: true
     * when no document has every word, terms: matched terms}.
     */
    function search(text) {
      var all = parse(text);
      // Very common words are left out while the query has others.
      var groups = all.filter(function (g) {
        return g.prefix || g.parts || !common.has(g.word);
      });
      if (groups.length === 0) groups = all;
      if (groups.length === 0) return Promise.resolve({ docs: [], partial: false, terms: new Set() });
      return Promise.all(groups.map(alternatives)).then(function (found) {
        var n = manifest.documents;
        var matched = new Uint8Array(n);
        var score = new Float64Array(n);
        var idExact = new Uint8Array(n);
        var inTitle = new Uint8Array(n);
        var titleWords = new Uint16Array(n);
        var touched = [];
        found.forEach(function (f) {
          var best = scoreGroup(f);
          best.docs.forEach(function (d) {
            if (matched[d] === 0) touched.push(d);
            matched[d]++;
            score[d] += best.score[d];
            idExact[d] |= best.id[d];
            if (best.title[d]) {
              inTitle[d]++;
              titleWords[d] = best.words[d];
            }
          });
        });
        var list = touched.filter(function (d) {
          return matched[d] === groups.length;
        });
        var partial = list.length === 0;
        if (partial) list = touched;
        // An exact id or CVE (a one-word query), then an exact title, then
        // the words matched, then the score.
        var tier = new Uint8Array(n);
        list.forEach(function (d) {
          if (groups.length === 1 && idExact[d]) tier[d] = 2;
          else if (inTitle[d] === groups.length && titleWords[d] === all.length) tier[d] = 1;
        });
        list.sort(function (a, b) {
          return tier[b] - tier[a] || matched[b] - matched[a] || score[b] - score[a] || a - b;
        });
        return {
          docs: list,
          partial: partial,
          terms: highlightTerms(groups, found),
          prefix: groups[groups.length - 1].prefix ? groups[groups.length - 1].word : null,
        };
      });
    }

    /* Facets: kind, severity, status and year come from the entry's group
     * (entries are numbered in facet order); vendors and tags from
     * vendors.json and tags.json. */
    var GROUP_FACETS = ["kind", "severity", "status", "year"];
    var LIST_BIT = 1 << GROUP_FACETS.length;
    var groupOfDoc = null;
    var groupValues = null;

    /** Which group each entry is in, and each group's facet values. */
    function groupTables() {
      if (groupOfDoc) return;
      var g = manifest.groups;
      var f = manifest.facets;
      groupOfDoc = new Uint16Array(manifest.documents);
      groupValues = g.map(function (row, i) {
        var end = i + 1 < g.length ? g[i + 1][0] : manifest.documents;
        groupOfDoc.fill(i, row[0], end);
        return [f.kind[row[1]], row[2] >= 0 ? f.severity[row[2]] : null, row[3] >= 0 ? f.status[row[3]] : null, row[4] > 0 ? String(row[4]) : null];
      });
    }

    /** The values of list facet `f` ([slug, name, runs] rows) and each entry's. */
    function listTable(f) {
      if (listTables[f]) return Promise.resolve(listTables[f]);
      return file(LIST_FILES[f]).then(function (rows) {
        var byDoc = new Array(manifest.documents);
        var list = rows.map(function (r, i) {
          decodeRuns(r[2]).forEach(function (doc) {
            if (byDoc[doc]) byDoc[doc].push(i);
            else byDoc[doc] = [i];
          });
          return { value: r[0], label: r[1] };
        });
        listTables[f] = { list: list, byDoc: byDoc };
        return listTables[f];
      });
    }

    /** Loads every list facet's file (vendors, tags). */
    function tags() {
      return Promise.all(LIST_FACETS.map(listTable));
    }

    /**
     * Filters ranked entries by the selected facet values ({severity: ["high"], …};
     * OR within a facet, AND across facets) and counts each facet's values over
     * the entries that pass every other facet. A list facet's file (tags.json,
     * vendors.json) is waited for only when one of its values is selected;
     * otherwise, until they are loaded (`tags()`), the result has no counts of
     * them and `tags: false`.
     */
    function facet(docs, selected) {
      var wantedLists = LIST_FACETS.filter(function (f) {
        return selected[f] && selected[f].length > 0;
      });
      return Promise.all(wantedLists.map(listTable)).then(function () {
        groupTables();
        var groupCount = groupValues.length;
        // Per group, a bit for each facet whose selection it fails.
        var fails = new Uint8Array(groupCount);
        groupValues.forEach(function (values, gi) {
          GROUP_FACETS.forEach(function (f, bit) {
            var want = selected[f];
            if (want && want.length && want.indexOf(values[bit]) < 0) fails[gi] |= 1 << bit;
          });
        });
        // Per list facet: its bit, its table (if loaded), the value numbers selected.
        var lists = LIST_FACETS.map(function (f, i) {
          var table = listTables[f] || null;
          var wanted = null;
          if (wantedLists.indexOf(f) >= 0) {
            wanted = new Set();
            table.list.forEach(function (t, n) {
              if (selected[f].indexOf(t.value) >= 0) wanted.add(n);
            });
          }
          return { facet: f, bit: LIST_BIT << i, table: table, wanted: wanted, counts: table ? new Uint32Array(table.list.length) : null };
        });
        // Entries per group that pass every facet, and those that fail only facet `bit`.
        var passing = new Uint32Array(groupCount);
        var failingOnly = GROUP_FACETS.map(function () {
          return new Uint32Array(groupCount);
        });
        var shown = [];
        var hasAny = function (values, wanted) {
          return values && values.some(function (v) {
            return wanted.has(v);
          });
        };
        for (var k = 0; k < docs.length; k++) {
          var doc = docs[k];
          var gi = groupOfDoc[doc];
          var mask = fails[gi];
          for (var l = 0; l < lists.length; l++) {
            var w = lists[l];
            if (w.wanted && !hasAny(w.table.byDoc[doc], w.wanted)) mask |= w.bit;
          }
          if (mask === 0) {
            shown.push(doc);
            passing[gi]++;
          } else if (mask < LIST_BIT && (mask & (mask - 1)) === 0) {
            failingOnly[Math.log2(mask)][gi]++;
          }
          for (var c = 0; c < lists.length; c++) {
            var lc = lists[c];
            var values = lc.table ? lc.table.byDoc[doc] : null;
            if (values && (mask === 0 || mask === lc.bit)) {
              for (var t = 0; t < values.length; t++) lc.counts[values[t]]++;
            }
          }
        }
        var counts = {};
        var labels = {};
        GROUP_FACETS.forEach(function (f, bit) {
          var m = new Map();
          groupValues.forEach(function (values, gi) {
            var c = passing[gi] + failingOnly[bit][gi];
            if (values[bit] !== null && c > 0) m.set(values[bit], (m.get(values[bit]) || 0) + c);
          });
          counts[f] = m;
        });
        lists.forEach(function (lf) {
          counts[lf.facet] = new Map();
          labels[lf.facet] = new Map();
          if (!lf.table) return;
          lf.table.list.forEach(function (t, i) {
            labels[lf.facet].set(t.value, t.label);
            if (lf.counts[i] > 0) counts[lf.facet].set(t.value, lf.counts[i]);
          });
        });
        var loaded = lists.every(function (lf) {
          return lf.table !== null;
        });
        return { docs: shown, counts: counts, labels: labels, tags: loaded };
      });
    }

    /**
     * Entry `n`'s document. Documents are gathered in files of
     * `manifest.chunks[kind]` consecutive entries, counted from the start of
     * the entry's group, each file named by its first entry.
     */
    function doc(n) {
      groupTables();
      var row = manifest.groups[groupOfDoc[n]];
      var per = manifest.chunks[row[1]];
      var first = row[0] + Math.floor((n - row[0]) / per) * per;
      return file("docs/" + first + ".json.gz").then(function (docs) {
        return docs[n - first];
      });
    }

    function allDocs() {
      var out = [];
      for (var i = 0; i < manifest.documents; i++) out.push(i);
      return out;
    }

    return {
      open: open,
      search: search,
      facet: facet,
      tags: tags,
      doc: doc,
      allDocs: allDocs,
      manifest: function () {
        return manifest;
      },
    };
  }

  /* ---------- Snippets ---------- */

  /** Whether a token of the text is one the query matched. */
  function matcher(terms, prefix) {
    return function (t) {
      return terms.has(t) || (prefix !== null && prefix.length >= PREFIX_MIN && t.indexOf(prefix) === 0);
    };
  }

  /**
   * Cuts text to a window of about `size` characters around the densest run
   * of matched words. Returns [{text, mark}] pieces, or null without a match.
   */
  function snippet(text, isMatch, size) {
    var hits = tokenize(text).filter(function (t) {
      return isMatch(t.text);
    });
    if (hits.length === 0) return null;
    var best = 0;
    var bestScore = -1;
    for (var i = 0; i < hits.length; i++) {
      var distinct = new Set();
      for (var j = i; j < hits.length && hits[j].start < hits[i].start + size * 0.75; j++) distinct.add(hits[j].text);
      if (distinct.size > bestScore) {
        bestScore = distinct.size;
        best = i;
      }
    }
    var from = Math.max(0, hits[best].start - Math.floor(size / 4));
    if (from > 0) {
      var space = text.indexOf(" ", from);
      if (space >= 0 && space < hits[best].start) from = space + 1;
    }
    var to = Math.min(text.length, from + size);
    if (to < text.length) {
      var cut = text.lastIndexOf(" ", to);
      if (cut > hits[best].end) to = cut;
    }
    return pieces(text, hits, from, to);
  }

  /** Splits text[from, to) into plain and marked pieces. */
  function pieces(text, hits, from, to) {
    var out = [];
    var at = from;
    if (from > 0) out.push({ text: "…", mark: false });
    hits.forEach(function (h) {
      // Whole identifiers and their parts overlap: mark each stretch once.
      if (h.start < at || h.end > to) return;
      if (h.start > at) out.push({ text: text.slice(at, h.start), mark: false });
      out.push({ text: text.slice(h.start, h.end), mark: true });
      at = h.end;
    });
    if (at < to) out.push({ text: text.slice(at, to), mark: false });
    if (to < text.length) out.push({ text: "…", mark: false });
    return out;
  }

  /** The start of a text, cut at a word before `size` characters. */
  function lead(text, size) {
    if (text.length <= size) return text;
    var cut = text.lastIndexOf(" ", size);
    return text.slice(0, cut > size / 2 ? cut : size) + "…";
  }

  function highlightAll(text, isMatch) {
    var hits = tokenize(text).filter(function (t) {
      return isMatch(t.text);
    });
    return pieces(text, hits, 0, text.length);
  }

  var api = {
    tokenize: tokenize,
    fold: fold,
    createEngine: createEngine,
    snippet: snippet,
    matcher: matcher,
  };
  root.seckbSearch = api;

  /* ---------- The search page ---------- */

  if (typeof document === "undefined") return;
  var input = document.getElementById("search-input");
  var form = document.getElementById("search-form");
  var status = document.getElementById("search-status");
  var resultsList = document.getElementById("search-results");
  var facetsBox = document.getElementById("search-facets");
  if (!input || !status || !resultsList || !facetsBox) return;

  // The index sits in search/ beside this script, whatever the base path.
  var script = document.currentScript || document.querySelector('script[src*="search.js"]');
  var indexUrl = new URL("search/", script ? script.src : window.location.href);
  var engine = createEngine(function (path, fresh) {
    return fetch(new URL(path, indexUrl), fresh ? { cache: "no-cache" } : {}).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status + " for " + path);
      return /\.gz(\?|$)/.test(path) ? gunzipJson(r) : r.json();
    });
  });

  /**
   * The JSON of a gzip-compressed response. A server that sends the file
   * with `Content-Encoding: gzip` has had the browser decompress it already:
   * then it no longer starts with gzip's magic bytes.
   */
  function gunzipJson(response) {
    return response.arrayBuffer().then(function (buffer) {
      var head = new Uint8Array(buffer, 0, Math.min(2, buffer.byteLength));
      var body = new Blob([buffer]).stream();
      if (head[0] === 0x1f && head[1] === 0x8b) {
        if (typeof DecompressionStream === "undefined") throw new Error("this browser has no DecompressionStream");
        body = body.pipeThrough(new DecompressionStream("gzip"));
      }
      return new Response(body).json();
    });
  }

  var PAGE_SIZE = 10;
  // The page's strings (search.html's #search-strings block, in the site's language).
  var i18n = window.seckbI18n;
  var words = i18n.strings("search-strings");
  function tr(key, args) {
    return i18n.t(words, "search." + key, args);
  }
  var MAX_TAGS_SHOWN = 12;
  var state = { query: "", selected: {}, ranked: null, shown: [], limit: PAGE_SIZE };
  var sequence = 0;
  var ready = engine.open();

  function capitalize(s) {
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  function label(facet, value, labels) {
    if (facet === "kind") return tr("kind_" + value);
    if (facet === "tag" || facet === "vendor") return labels[facet].get(value) || value;
    if (facet === "year") return value;
    return facet === "severity" || facet === "status" ? i18n.t(words, facet + "." + value) : capitalize(value);
  }

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    state.query = params.get("q") || "";
    state.selected = {};
    FACETS.forEach(function (f) {
      var values = params.getAll(f).filter(Boolean);
      if (values.length) state.selected[f] = values;
    });
    input.value = state.query;
  }

  function writeUrl() {
    var params = new URLSearchParams();
    if (state.query) params.set("q", state.query);
    FACETS.forEach(function (f) {
      (state.selected[f] || []).forEach(function (v) {
        params.append(f, v);
      });
    });
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  function hasFilters() {
    return FACETS.some(function (f) {
      return state.selected[f] && state.selected[f].length > 0;
    });
  }

  function setStatus(text) {
    if (status.textContent !== text) status.textContent = text;
  }

  /** Runs the query (when it changed) and the facets, then renders. */
  function update(queryChanged) {
    var mine = ++sequence;
    var query = state.query.trim();
    ready
      .then(function () {
        if (!queryChanged && state.ranked && query) return state.ranked;
        if (!query) {
          return { docs: hasFilters() ? engine.allDocs() : [], partial: false, terms: new Set(), prefix: null, browse: true };
        }
        return engine.search(query);
      })
      .then(function (ranked) {
        if (mine !== sequence) return null;
        state.ranked = ranked;
        return engine.facet(ranked.docs, state.selected).then(function (faceted) {
          return { ranked: ranked, faceted: faceted };
        });
      })
      .then(function (r) {
        if (!r || mine !== sequence) return null;
        state.shown = r.faceted.docs;
        state.limit = PAGE_SIZE;
        renderFacets(r.faceted, r.ranked);
        return renderResults(mine, r.ranked, true).then(function () {
          // The vendor and tag facets follow the first results: their files are not on their path.
          if (r.faceted.tags || r.ranked.docs.length === 0) return null;
          return engine
            .tags()
            .then(function () {
              return engine.facet(r.ranked.docs, state.selected);
            })
            .then(function (faceted) {
              if (mine === sequence) renderListFacets(faceted);
            });
        });
      })
      .catch(function (e) {
        if (mine !== sequence) return;
        setStatus(tr("unavailable", { error: e.message }));
      });
  }

  function renderFacets(faceted, ranked) {
    facetsBox.textContent = "";
    if (ranked.docs.length === 0 && !hasFilters()) return;
    FACETS.forEach(function (f) {
      var fieldset = facetFieldset(f, faceted);
      if (fieldset) facetsBox.appendChild(fieldset);
    });
  }

  /** Adds the vendor and tag facets once their files have arrived, leaving the others as they are. */
  function renderListFacets(faceted) {
    LIST_FACETS.forEach(function (f) {
      var old = facetsBox.querySelector('fieldset[data-facet="' + f + '"]');
      if (old) old.remove();
      var fieldset = facetFieldset(f, faceted);
      if (fieldset) facetsBox.appendChild(fieldset);
    });
  }

  /** One facet's checkboxes with counts, or null when it has no value to show. */
  function facetFieldset(f, faceted) {
    var counts = faceted.counts[f];
    var selected = state.selected[f] || [];
    var values = Array.from(counts.keys());
    selected.forEach(function (v) {
      if (values.indexOf(v) < 0) values.push(v);
    });
    if (values.length === 0) return null;
    var order = engine.manifest().facets[f];
    values.sort(function (a, b) {
      if (f === "year") return Number(b) - Number(a);
      if (LIST_FACETS.indexOf(f) >= 0) return (counts.get(b) || 0) - (counts.get(a) || 0) || compare(a, b);
      return order.indexOf(a) - order.indexOf(b);
    });
    if (LIST_FACETS.indexOf(f) >= 0) {
      values = values.filter(function (v, i) {
        return i < MAX_TAGS_SHOWN || selected.indexOf(v) >= 0;
      });
    }
    var fieldset = document.createElement("fieldset");
    fieldset.setAttribute("data-facet", f);
    var legend = document.createElement("legend");
    legend.textContent = tr("facet_" + f);
    fieldset.appendChild(legend);
    values.forEach(function (v) {
      var id = "facet-" + f + "-" + v.replace(/[^a-z0-9-]/gi, "_");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.id = id;
      box.name = f;
      box.value = v;
      box.checked = selected.indexOf(v) >= 0;
      var lab = document.createElement("label");
      lab.htmlFor = id;
      lab.appendChild(box);
      var text = document.createElement("span");
      text.textContent = label(f, v, faceted.labels);
      lab.appendChild(text);
      var count = document.createElement("span");
      count.className = "facet-count";
      count.textContent = "(" + (counts.get(v) || 0) + ")";
      lab.appendChild(count);
      fieldset.appendChild(lab);
    });
    return fieldset;
  }

  function appendPieces(el, parts) {
    parts.forEach(function (p) {
      if (p.mark) {
        var m = document.createElement("mark");
        m.textContent = p.text;
        el.appendChild(m);
      } else {
        el.appendChild(document.createTextNode(p.text));
      }
    });
  }

  function badge(kind, value) {
    var b = document.createElement("span");
    b.className = "badge " + (kind === "severity" ? "sev sev-" : "status status-") + value;
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = i18n.t(words, kind + ".label_prefix");
    b.appendChild(hidden);
    b.appendChild(document.createTextNode(i18n.t(words, kind + "." + value)));
    return b;
  }

  function resultItem(d, isMatch) {
    var li = document.createElement("li");
    li.className = "search-result summary" + (d.severity ? " summary-sev-" + d.severity : "");
    var kicker = document.createElement("p");
    kicker.className = "summary-kicker";
    var kind = document.createElement("span");
    kind.className = "kind-label";
    kind.textContent = d.parent ? tr("question", { kind: tr("kind_" + d.kind) }) : tr("kind_" + d.kind);
    kicker.appendChild(kind);
    (d.ids || []).slice(0, 3).forEach(function (id) {
      var s = document.createElement("span");
      s.className = "doc-id";
      appendPieces(s, highlightAll(id, isMatch));
      kicker.appendChild(document.createTextNode(" "));
      kicker.appendChild(s);
    });
    li.appendChild(kicker);
    var h = document.createElement("h2");
    h.className = "summary-title";
    var a = document.createElement("a");
    a.href = d.url;
    appendPieces(a, highlightAll(d.title, isMatch));
    h.appendChild(a);
    li.appendChild(h);
    var meta = document.createElement("p");
    meta.className = "badges";
    if (d.severity) meta.appendChild(badge("severity", d.severity));
    if (d.status) meta.appendChild(badge("status", d.status));
    if (d.date) {
      var t = document.createElement("time");
      t.dateTime = d.date;
      t.textContent = i18n.date(words, d.date);
      meta.appendChild(t);
    }
    if (d.parent) {
      var from = document.createElement("span");
      from.className = "search-result-parent";
      from.textContent = tr("in_parent", { parent: d.parent });
      meta.appendChild(from);
    }
    li.appendChild(meta);
    var body = d.text || "";
    var parts = snippet(body, isMatch, 220) || snippet(d.summary || "", isMatch, 220);
    var text = document.createElement("p");
    text.className = "summary-text search-snippet";
    if (parts) appendPieces(text, parts);
    else text.textContent = d.summary || lead(body, 220);
    li.appendChild(text);
    return li;
  }

  /**
   * Shows the next page of results (or the first, replacing the list). The
   * first result is drawn as soon as it arrives; the page then replaces it in
   * one piece (drawing results one by one leaves the page's final pixels to
   * the order they happened to arrive in).
   */
  function renderResults(mine, ranked, replace) {
    var docs = state.shown.slice(replace ? 0 : state.limit - PAGE_SIZE, state.limit);
    var isMatch = matcher(ranked.terms, ranked.prefix);
    var loads = docs.map(engine.doc);
    var settled = false;
    if (replace && loads.length > 0) {
      loads[0]
        .then(function (d) {
          if (mine === sequence && !settled) resultsList.replaceChildren(resultItem(d, isMatch));
        })
        .catch(function () {
          // Reported by the page's own chain below.
        });
    }
    return Promise.all(loads).then(function (loaded) {
      settled = true;
      if (mine !== sequence) return;
      var items = loaded.map(function (d) {
        return resultItem(d, isMatch);
      });
      if (replace) resultsList.replaceChildren.apply(resultsList, items);
      else items.forEach(function (li) {
        resultsList.appendChild(li);
      });
      var more = document.getElementById("search-more");
      if (more) more.remove();
      var total = state.shown.length;
      var query = state.query.trim();
      var message;
      if (!query && !hasFilters()) {
        message = "";
      } else if (total === 0) {
        message = query ? tr(hasFilters() ? "no_results_filtered" : "no_results", { query: query }) : tr("no_documents");
      } else if (ranked.browse) {
        message = tr("n_documents_match", { n: total });
      } else {
        message = tr(hasFilters() ? "n_results_filtered" : "n_results", { n: total, query: query });
        if (ranked.partial) message += tr("partial");
      }
      setStatus(message);
      if (total > state.limit) {
        var button = document.createElement("button");
        button.type = "button";
        button.id = "search-more";
        button.className = "search-more";
        button.textContent = tr("more");
        button.addEventListener("click", function () {
          state.limit += PAGE_SIZE;
          var first = resultsList.children.length;
          renderResults(sequence, ranked, false).then(function () {
            var link = resultsList.children[first] && resultsList.children[first].querySelector("a");
            if (link) link.focus();
          });
        });
        resultsList.insertAdjacentElement("afterend", button);
      }
    });
  }

  /* Typing: a search per keystroke (older answers are dropped when a newer one
   * is under way); the URL follows a moment later, since browsers limit how
   * often history may be rewritten. */
  var urlTimer = 0;
  function writeUrlSoon() {
    window.clearTimeout(urlTimer);
    urlTimer = window.setTimeout(writeUrl, 300);
  }

  input.addEventListener("input", function () {
    if (input.value === state.query) return;
    state.query = input.value;
    writeUrlSoon();
    update(true);
  });

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      state.query = input.value;
      writeUrl();
      update(true);
    });
  }

  facetsBox.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || box.type !== "checkbox") return;
    var list = state.selected[box.name] || [];
    list = list.filter(function (v) {
      return v !== box.value;
    });
    if (box.checked) list.push(box.value);
    state.selected[box.name] = list;
    writeUrl();
    var focusId = box.id;
    update(false);
    // Facets are redrawn: keep the focus on the same checkbox.
    window.setTimeout(function () {
      var again = document.getElementById(focusId);
      if (again) again.focus();
    }, 50);
  });

  /* Keyboard: arrows move between the field and the result links; Enter follows a link. */
  function resultLinks() {
    return Array.prototype.slice.call(resultsList.querySelectorAll(".summary-title a"));
  }

  input.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown") return;
    var links = resultLinks();
    if (links.length === 0) return;
    event.preventDefault();
    links[0].focus();
  });

  resultsList.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp" && event.key !== "Escape") return;
    var links = resultLinks();
    var at = links.indexOf(document.activeElement);
    if (at < 0) return;
    event.preventDefault();
    if (event.key === "Escape" || (event.key === "ArrowUp" && at === 0)) {
      input.focus();
      return;
    }
    var next = links[at + (event.key === "ArrowDown" ? 1 : -1)];
    if (next) next.focus();
  });

  readUrl();
  if (state.query || hasFilters()) update(true);
  else ready.catch(function (e) {
    setStatus(tr("unavailable", { error: e.message }));
  });
})(typeof window !== "undefined" ? window : globalThis);
