//! `--shape prose`: real advisory prose. The demo site's 17 hand-written
//! documents (copied to benches/tools/prose/, embedded so the corpus does
//! not change when the demo does) are cut into headings, sentences, list
//! items, tables and code blocks; each generated document recombines them
//! across documents, with vendor, product, third-party, id, CVE, date and
//! number substitutions and synonyms, and its relative links rewritten to
//! other documents of the corpus (anchors included).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use crate::{
    civil, date, slug, Corpus, Kind, Plan, Rng, FAQ_QUESTIONS, FIRST_DAY, GUIDE_HEADINGS,
    SPAN_DAYS, THIRD_PARTIES, VENDORS,
};

const SOURCES: &[(Kind, &str)] = &[
    (
        Kind::Faq,
        include_str!("../../../prose/faq-acme-gateway-cve-2025-48213.md"),
    ),
    (
        Kind::Faq,
        include_str!("../../../prose/faq-how-to-report-a-vulnerability.md"),
    ),
    (
        Kind::Faq,
        include_str!("../../../prose/faq-metricly-incident.md"),
    ),
    (
        Kind::Faq,
        include_str!("../../../prose/faq-will-acme-ask-for-my-password.md"),
    ),
    (
        Kind::Guide,
        include_str!("../../../prose/guides-api-key-policy.md"),
    ),
    (
        Kind::Guide,
        include_str!("../../../prose/guides-security-audit-checklist.md"),
    ),
    (
        Kind::Guide,
        include_str!("../../../prose/guides-verify-acme-email.md"),
    ),
    (
        Kind::Incident,
        include_str!("../../../prose/incidents-2024-12-04-weak-tls-legacy-api-hostname.md"),
    ),
    (
        Kind::Incident,
        include_str!("../../../prose/incidents-2025-04-15-open-redirect-console-sign-in.md"),
    ),
    (
        Kind::Incident,
        include_str!("../../../prose/incidents-2025-06-17-acme-cli-token-file-permissions.md"),
    ),
    (
        Kind::Incident,
        include_str!("../../../prose/incidents-2025-08-26-acme-gateway-rce-cve-2025-48213.md"),
    ),
    (
        Kind::Incident,
        include_str!("../../../prose/incidents-2025-11-03-ci-artifact-bucket-publicly-listable.md"),
    ),
    (
        Kind::Incident,
        include_str!("../../../prose/incidents-2026-03-12-credential-stuffing-acme-console.md"),
    ),
    (
        Kind::Incident,
        include_str!("../../../prose/incidents-2026-11-09-metricly-analytics-vendor-breach.md"),
    ),
    (
        Kind::Incident,
        include_str!("../../../prose/incidents-2026-11-20-acme-python-sdk-logs-api-keys.md"),
    ),
    (
        Kind::Incident,
        include_str!("../../../prose/incidents-2026-11-26-phishing-impersonating-acme-billing.md"),
    ),
    (
        Kind::Incident,
        include_str!("../../../prose/incidents-2026-11-28-suspicious-oauth-app-consent-grants.md"),
    ),
];

/// Words any of whose group may replace it (same part of speech and tense).
const SYNONYMS: &[&[&str]] = &[
    &["attacker", "intruder", "adversary"],
    &["attackers", "intruders", "adversaries"],
    &["customers", "users", "clients"],
    &["immediately", "promptly", "straight away"],
    &["investigated", "examined", "analysed", "reviewed"],
    &["exposed", "disclosed", "leaked"],
    &["confirmed", "verified", "established"],
    &["notified", "informed", "alerted"],
    &["removed", "deleted"],
    &["suspicious", "unusual", "unexpected"],
    &["vulnerability", "flaw", "weakness"],
    &["quickly", "swiftly", "rapidly"],
    &["began", "started"],
    &["found", "discovered", "identified"],
    &["precaution", "safeguard"],
    &["important", "essential"],
    &["contains", "holds", "includes"],
    &["contained", "held", "included"],
    &[
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
];

/// What one kind of document contributes.
#[derive(Default)]
struct Pool {
    headings: Vec<String>,
    sentences: Vec<String>,
    items: Vec<String>,
    blocks: Vec<String>,
    titles: Vec<String>,
}

struct Pools {
    incident: Pool,
    faq: Pool,
    guide: Pool,
    /// Timeline events of the incidents' front matter.
    events: Vec<String>,
    synonyms: HashMap<String, usize>,
}

impl Pools {
    fn of(&self, kind: Kind) -> &Pool {
        match kind {
            Kind::Incident => &self.incident,
            Kind::Faq => &self.faq,
            Kind::Guide => &self.guide,
        }
    }
}

fn pools() -> &'static Pools {
    static POOLS: OnceLock<Pools> = OnceLock::new();
    POOLS.get_or_init(|| {
        let mut p = Pools {
            incident: Pool::default(),
            faq: Pool::default(),
            guide: Pool::default(),
            events: Vec::new(),
            synonyms: HashMap::new(),
        };
        for (kind, text) in SOURCES {
            let pool = match kind {
                Kind::Incident => &mut p.incident,
                Kind::Faq => &mut p.faq,
                Kind::Guide => &mut p.guide,
            };
            split_source(text, pool, &mut p.events);
        }
        p.faq
            .headings
            .extend(FAQ_QUESTIONS.iter().map(|q| q.to_string()));
        p.guide
            .headings
            .extend(GUIDE_HEADINGS.iter().map(|h| h.to_string()));
        for pool in [&mut p.incident, &mut p.faq, &mut p.guide] {
            let mut seen = std::collections::HashSet::new();
            pool.headings.retain(|h| seen.insert(slug(h)));
        }
        for (g, group) in SYNONYMS.iter().enumerate() {
            for w in *group {
                p.synonyms.insert(w.to_ascii_lowercase(), g);
            }
        }
        p
    })
}

/// A heading every tool slugs alike (no apostrophes, no spaced dashes),
/// naming no demo vendor (its anchor must not depend on substitution).
fn portable_heading(h: &str) -> bool {
    h.chars()
        .all(|c| c.is_ascii_alphabetic() || " ?(),-".contains(c))
        && !h.contains(" -")
        && !h.contains("- ")
        && !h.contains("Acme")
        && !h.contains("Metricly")
}

/// Cuts one source document into the pool of its kind.
fn split_source(text: &str, pool: &mut Pool, events: &mut Vec<String>) {
    let Some((front, body)) = text
        .strip_prefix("---\n")
        .and_then(|t| t.split_once("\n---\n"))
    else {
        return;
    };
    for line in front.lines() {
        if let Some(t) = line.strip_prefix("title: ") {
            pool.titles.push(t.trim_matches('"').to_string());
        } else if let Some(e) = line.strip_prefix("    event: ") {
            if !e.contains('\\') {
                events.push(e.trim_matches('"').to_string());
            }
        }
    }
    let lines: Vec<&str> = body.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        i = split_block(&lines, i, pool);
    }
}

/// Reads the block starting at line `i` into `pool`; returns the next line.
fn split_block(lines: &[&str], mut i: usize, pool: &mut Pool) -> usize {
    let line = lines[i];
    let item = line.strip_prefix("- ").or_else(|| numbered(line));
    if line.starts_with("```") {
        let start = i;
        i += 1;
        while i < lines.len() && !lines[i].starts_with("```") {
            i += 1;
        }
        pool.blocks
            .push(lines[start..=i.min(lines.len() - 1)].join("\n"));
        i + 1
    } else if line.starts_with('|') {
        let start = i;
        while i < lines.len() && lines[i].starts_with('|') {
            i += 1;
        }
        pool.blocks.push(lines[start..i].join("\n"));
        i
    } else if let Some(h) = line.strip_prefix("## ") {
        if portable_heading(h) {
            pool.headings.push(h.to_string());
        }
        i + 1
    } else if let Some(first) = item {
        let mut text = first.to_string();
        i += 1;
        while i < lines.len()
            && lines[i].starts_with("  ")
            && !lines[i].trim_start().starts_with("- ")
        {
            text.push(' ');
            text.push_str(lines[i].trim());
            i += 1;
        }
        pool.items.push(text);
        i
    } else if line.trim().is_empty()
        || line.starts_with('#')
        || line.starts_with('>')
        || line.starts_with(' ')
    {
        i + 1
    } else {
        let mut text = line.trim().to_string();
        i += 1;
        while i < lines.len()
            && !lines[i].trim().is_empty()
            && !lines[i].starts_with(['#', '|'])
            && !lines[i].starts_with("```")
            && !lines[i].starts_with("- ")
            && numbered(lines[i]).is_none()
        {
            text.push(' ');
            text.push_str(lines[i].trim());
            i += 1;
        }
        pool.sentences.extend(sentences(&text));
        i
    }
}

fn numbered(line: &str) -> Option<&str> {
    let (n, rest) = line.split_once(". ")?;
    (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit())).then_some(rest)
}

/// A paragraph cut into sentences, never inside code or a link.
fn sentences(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let (mut out, mut start, mut code, mut depth) = (Vec::new(), 0, false, 0i32);
    for i in 0..b.len() {
        match b[i] {
            b'`' => code = !code,
            b'[' | b'(' if !code => depth += 1,
            b']' | b')' if !code => depth -= 1,
            b'.' | b'?' | b'!' | b':' if !code && depth == 0 => {
                let next = b.get(i + 2).copied().unwrap_or(b'A');
                let before = &text[start..i];
                let abbrev =
                    before.ends_with("e.g") || before.ends_with("i.e") || before.ends_with(" v3");
                if b.get(i + 1).is_none_or(|c| *c == b' ')
                    && (next.is_ascii_uppercase() || b"[`*".contains(&next))
                    && !abbrev
                {
                    out.push(text[start..=i].trim().to_string());
                    start = i + 1;
                }
            }
            _ => {}
        }
    }
    if start < text.len() {
        out.push(text[start..].trim().to_string());
    }
    out.retain(|s| {
        s.split_whitespace().count() >= 4 && s.matches('`').count() % 2 == 0 && !s.ends_with(':')
    });
    out
}

/// The `##` headings of a prose document (anchors others link to).
pub fn headings(seed: u64, kind: Kind, index: usize) -> Vec<String> {
    let mut r = Rng::new(seed, 41 + kind_stream(kind), index as u64);
    let pool = &pools().of(kind).headings;
    let mut out: Vec<String> = match kind {
        Kind::Incident => vec!["Summary".to_string()],
        _ => Vec::new(),
    };
    let n = match kind {
        Kind::Faq => r.range(5, 10),
        _ => r.range(4, 7),
    } as usize;
    for h in r.sample(pool, n + 1) {
        if out.len() < n + usize::from(kind == Kind::Incident) && slug(h) != "summary" {
            out.push(h.clone());
        }
    }
    out
}

fn kind_stream(kind: Kind) -> u64 {
    kind.stream() * 10
}

/// The names a document talks about, replacing the demo's Acme and Metricly.
struct Names {
    vendor: &'static str,
    third: &'static str,
}

impl Names {
    fn new(vendor: &'static str, r: &mut Rng) -> Names {
        Names {
            vendor,
            third: r.pick(THIRD_PARTIES),
        }
    }
}

/// Retitles every document after a source title of its kind (ids, CVEs
/// and dates replaced as in the bodies), and renames its file to match.
pub fn retitle(c: &mut Corpus) {
    let titles: Vec<Vec<String>> = [Kind::Incident, Kind::Faq, Kind::Guide]
        .iter()
        .map(|&k| c.plans(k).iter().map(|p| title(c, p)).collect())
        .collect();
    for (plans, titles) in [&mut c.incidents, &mut c.faqs, &mut c.guides]
        .into_iter()
        .zip(titles)
    {
        for (p, title) in plans.iter_mut().zip(titles) {
            p.file = match p.kind {
                Kind::Incident => format!("{}-{}-{:06}.md", date(p.day), slug(&title), p.index),
                _ => format!("{}-{:06}.md", slug(&title), p.index),
            };
            p.title = title;
        }
    }
}

/// A document's new title: a source title of its kind, rewritten.
fn title(c: &Corpus, p: &Plan) -> String {
    let mut r = Rng::new(c.seed, 51 + kind_stream(p.kind), p.index as u64);
    let vendor = if p.kind == Kind::Incident {
        p.subject.0
    } else {
        r.pick(VENDORS)
    };
    let names = Names::new(vendor, &mut r);
    let source = r.pick_ref(&pools().of(p.kind).titles);
    let named = ids(c, &mut r, &names_in(source, &names), p.day);
    words(&named, &mut r)
}

fn names_in(text: &str, n: &Names) -> String {
    text.replace("Acme", n.vendor)
        .replace("acme", &slug(n.vendor))
        .replace("Metricly", n.third)
        .replace("metricly", &slug(n.third))
}

/// Rewrites `[text](url)` links that are not `http…` to links to other
/// documents of the corpus, in the target format.
fn relink(c: &Corpus, from: Kind, r: &mut Rng, text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(mid) = rest.find("](") {
        let (Some(open), Some(close)) = (rest[..mid].rfind('['), rest[mid..].find(')')) else {
            break;
        };
        let url = &rest[mid + 2..mid + close];
        out.push_str(&rest[..open]);
        if url.starts_with("http") || url.starts_with("mailto:") {
            out.push_str(&rest[open..mid + close + 1]);
        } else {
            let (plan, anchor) = c.random_target(r);
            out.push_str(&c.link(from, plan, anchor.as_deref(), &rest[open + 1..mid]));
        }
        rest = &rest[mid + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Ids, CVEs and dates get the corpus's own values.
fn ids(c: &Corpus, r: &mut Rng, text: &str, day: i64) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let tail = &text[i..];
        let is_date = b.len() >= i + 10
            && b[i..i + 10].iter().enumerate().all(|(k, c)| {
                if k == 4 || k == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if let (Some(rest), false) = (tail.strip_prefix("INC-"), c.incidents.is_empty()) {
            out.push_str(&r.pick_ref(&c.incidents).id);
            i += 4 + id_len(rest);
        } else if let Some(rest) = tail.strip_prefix("CVE-") {
            let _ = write!(out, "CVE-{}-{}", civil(day).0, r.range(10_000, 59_999));
            i += 4 + id_len(rest);
        } else if is_date {
            out.push_str(&date(FIRST_DAY + r.range(0, SPAN_DAYS) as i64));
            i += 10;
        } else {
            let ch = tail.chars().next().map_or(1, char::len_utf8);
            out.push_str(&tail[..ch]);
            i += ch;
        }
    }
    out
}

/// The length of an id's `2026-0042` part.
fn id_len(rest: &str) -> usize {
    rest.bytes()
        .take_while(|c| c.is_ascii_digit() || *c == b'-')
        .count()
}

/// Synonyms for words and new values for standalone numbers, outside code
/// spans and link targets.
fn words(text: &str, r: &mut Rng) -> String {
    let p = pools();
    let mut out = String::with_capacity(text.len() + 16);
    let (mut code, mut url) = (false, false);
    let mut chars = text.char_indices().peekable();
    let mut prev = ' ';
    while let Some((i, ch)) = chars.next() {
        if ch == '`' {
            code = !code;
        } else if ch == '(' && prev == ']' {
            url = true;
        } else if ch == ')' {
            url = false;
        }
        let literal = code || url;
        if !literal
            && (ch.is_ascii_alphabetic() || ch.is_ascii_digit())
            && !prev.is_ascii_alphanumeric()
            && !".-:/@_".contains(prev)
        {
            let end = text[i..]
                .find(|c: char| !c.is_ascii_alphanumeric())
                .map_or(text.len(), |e| i + e);
            let word = &text[i..end];
            let after = text[end..].chars().next().unwrap_or(' ');
            out.push_str(&replace_word(word, after, p, r));
            while chars.peek().is_some_and(|(j, _)| *j < end) {
                chars.next();
            }
            prev = word.chars().last().unwrap_or(' ');
            continue;
        }
        out.push(ch);
        prev = ch;
    }
    out
}

fn replace_word(word: &str, after: char, p: &Pools, r: &mut Rng) -> String {
    let standalone = !".-:/@_".contains(after) && !after.is_ascii_alphanumeric();
    if word.bytes().all(|b| b.is_ascii_digit()) {
        // Days of the month (1–2 digits) and years stay: "on 17 November
        // 2026" must remain a date; counts, ports and sizes change.
        let year = word.len() == 4 && (word.starts_with("19") || word.starts_with("20"));
        if standalone && word.len() >= 3 && !year && !word.starts_with('0') {
            let lo = 10u64.pow(word.len() as u32 - 1);
            return r.range(lo, lo * 10 - 1).to_string();
        }
        return word.to_string();
    }
    let Some(&g) = p.synonyms.get(&word.to_ascii_lowercase()) else {
        return word.to_string();
    };
    if !standalone || !r.chance(50) {
        return word.to_string();
    }
    let new = r.pick(SYNONYMS[g]);
    if word.starts_with(|c: char| c.is_ascii_uppercase()) {
        let mut cs = new.chars();
        cs.next()
            .map(|f| f.to_ascii_uppercase().to_string() + cs.as_str())
            .unwrap_or_default()
    } else {
        new.to_string()
    }
}

/// A source fragment rewritten for one document.
fn rewrite(c: &Corpus, from: Kind, r: &mut Rng, names: &Names, text: &str, day: i64) -> String {
    // Ids and dates first: the links written next carry dated file names.
    let named = ids(c, r, &names_in(text, names), day);
    let linked = relink(c, from, r, &named);
    words(&linked, r)
}

/// One sentence, 80% from the document's own kind, else from any kind.
fn pick_sentence(kind: Kind, r: &mut Rng) -> &'static str {
    let p = pools();
    let kind = if r.chance(80) {
        kind
    } else {
        *r.pick_ref(&[Kind::Incident, Kind::Faq, Kind::Guide])
    };
    r.pick_ref(&p.of(kind).sentences).as_str()
}

/// A timeline event for an incident's front matter.
pub fn event(c: &Corpus, r: &mut Rng, out: &mut String) {
    let names = Names::new(r.pick(VENDORS), r);
    let e = r.pick_ref(&pools().events);
    let day = FIRST_DAY + r.range(0, SPAN_DAYS) as i64;
    out.push_str(&rewrite(c, Kind::Incident, r, &names, e, day));
}

/// A paragraph of 2–5 recombined sentences.
fn paragraph(c: &Corpus, kind: Kind, r: &mut Rng, names: &Names, day: i64, f: &mut String) {
    let n = r.range(2, 5);
    for k in 0..n {
        if k > 0 {
            f.push(' ');
        }
        let s = pick_sentence(kind, r);
        f.push_str(&rewrite(c, kind, r, names, s, day));
    }
    f.push_str("\n\n");
}

/// The body of an incident: the shared section walk, with the plan's vendor.
pub fn incident_body(c: &Corpus, p: &Plan, r: &mut Rng, f: &mut String) {
    let names = Names::new(p.subject.0, r);
    sections(c, p, r, &names, f);
}

/// The body of an FAQ or a guide.
pub fn body(c: &Corpus, p: &Plan, r: &mut Rng, f: &mut String) {
    let names = Names::new(r.pick(VENDORS), r);
    if p.kind == Kind::Guide {
        paragraph(c, p.kind, r, &names, p.day, f);
    }
    sections(c, p, r, &names, f);
}

/// Every heading with 1–3 paragraphs, and sometimes a list, a table or a
/// code block from the sources.
fn sections(c: &Corpus, p: &Plan, r: &mut Rng, names: &Names, f: &mut String) {
    let pool = pools().of(p.kind);
    for h in headings(c.seed, p.kind, p.index) {
        let _ = write!(f, "## {h}\n\n");
        for _ in 0..r.range(1, 3) {
            paragraph(c, p.kind, r, names, p.day, f);
        }
        if r.chance(30) && !pool.items.is_empty() {
            for _ in 0..r.range(2, 5) {
                let item = r.pick_ref(&pool.items);
                let _ = writeln!(f, "- {}", rewrite(c, p.kind, r, names, item, p.day));
            }
            f.push('\n');
        }
        if r.chance(15) {
            let any = pools().of(*r.pick_ref(&[Kind::Incident, Kind::Guide]));
            let block = r.pick_ref(&any.blocks);
            let _ = write!(f, "{}\n\n", names_in(block, names));
        }
    }
}
