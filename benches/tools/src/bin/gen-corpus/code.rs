//! `--shape code`: a code-heavy knowledge base. Every incident has 2–6 fenced
//! blocks in ten languages every tool here highlights (seckb through
//! syntect's default syntaxes, Hugo through Chroma, Zola through Giallo),
//! each block built from RNG-chosen identifiers, values and statements so
//! blocks are mostly distinct; FAQs have 8–15 questions with long answers;
//! every document has 10 or more relative links with resolving anchors.

use std::fmt::Write as _;

use crate::{
    paragraph, sentence, slug, Corpus, Kind, Plan, Rng, ACTIONS, FAQ_QUESTIONS, PRODUCTS, VENDORS,
};

/// An incident's `##` headings, in order; other documents link to them.
pub const INCIDENT_HEADINGS: &[&str] = &[
    "Summary",
    "Timeline of the response",
    "Root cause",
    "Reproduction",
    "Detection",
    "Mitigation",
    "Fix details",
    "Indicators of compromise",
    "What you should do",
    "Related reading",
];

/// Questions beyond the gen shape's, so an FAQ of 15 has variety.
const MORE_QUESTIONS: &[&str] = &[
    "How do I check whether my deployment is vulnerable?",
    "Which log lines show an exploitation attempt?",
    "Can I block the attack at the load balancer?",
    "Is there a configuration workaround?",
    "Does the fix change any API behaviour?",
    "How do I roll back if the upgrade fails?",
    "Are container images rebuilt?",
    "Which SDK versions contain the fix?",
    "How do I verify the release signature?",
    "Do I need to rotate database credentials?",
    "How do I search my audit logs for the indicators?",
    "Can I automate the check in CI?",
    "What does the detection rule look for?",
    "Will the workaround affect performance?",
];

const LANGS: &[&str] = &[
    "json",
    "python",
    "bash",
    "yaml",
    "go",
    "rust",
    "javascript",
    "sql",
    "java",
    "c",
];

const IDENT_VERBS: &[&str] = &[
    "check", "load", "parse", "verify", "rotate", "block", "scan", "collect", "export", "filter",
    "revoke", "audit", "fetch", "match", "render", "sign",
];

const IDENT_NOUNS: &[&str] = &[
    "token", "session", "request", "event", "policy", "key", "header", "user", "bucket", "rule",
    "payload", "record", "webhook", "grant", "cert", "digest",
];

const FIELDS: &[&str] = &[
    "host",
    "source_ip",
    "user_id",
    "region",
    "status",
    "path",
    "method",
    "bytes",
    "duration_ms",
    "scope",
    "client_id",
    "tenant",
    "severity",
    "rule_id",
    "country",
    "user_agent",
];

/// The FAQ's questions: 8–15 of the gen pool and this shape's own.
pub fn faq_questions(seed: u64, index: usize) -> Vec<&'static str> {
    let mut r = Rng::new(seed, 31, index as u64);
    let pool: Vec<&'static str> = FAQ_QUESTIONS
        .iter()
        .chain(MORE_QUESTIONS)
        .copied()
        .collect();
    let n = r.range(8, 15) as usize;
    r.sample(&pool, n).into_iter().copied().collect()
}

/// `verbNoun`-style identifier parts.
fn ident(r: &mut Rng) -> (&'static str, &'static str) {
    (r.pick(IDENT_VERBS), r.pick(IDENT_NOUNS))
}

fn camel(v: &str, n: &str) -> String {
    let mut c = n.chars();
    let head = c
        .next()
        .map(|h| h.to_ascii_uppercase().to_string())
        .unwrap_or_default();
    format!("{v}{head}{}", c.as_str())
}

fn host(r: &mut Rng) -> String {
    let sub = r.pick(&["api", "edge", "auth", "build", "mail", "cdn", "sso"]);
    format!("{sub}.{}.example", slug(r.pick(VENDORS)))
}

fn ip(r: &mut Rng) -> String {
    format!("198.51.100.{}", r.range(1, 254))
}

/// A fenced block in a random language.
pub fn block(r: &mut Rng, out: &mut String) {
    let lang = r.pick(LANGS);
    let body = match lang {
        "json" => json(r),
        "python" => python(r),
        "bash" => bash(r),
        "yaml" => yaml(r),
        "go" => go(r),
        "rust" => rust(r),
        "javascript" => javascript(r),
        "sql" => sql(r),
        "java" => java(r),
        _ => c_code(r),
    };
    let _ = write!(out, "```{lang}\n{body}```\n\n");
}

fn json(r: &mut Rng) -> String {
    let mut s = String::from("{\n");
    let n = r.range(4, 10) as usize;
    let fields = r.sample(FIELDS, n);
    for f in &fields {
        let v = match r.range(0, 3) {
            0 => format!("\"{}\"", host(r)),
            1 => r.range(0, 99_999).to_string(),
            2 => format!("\"{}\"", ip(r)),
            _ => (if r.chance(50) { "true" } else { "false" }).to_string(),
        };
        let _ = writeln!(s, "  \"{f}\": {v},");
    }
    let (v, n) = ident(r);
    let _ = writeln!(
        s,
        "  \"rules\": [\"{v}-{n}\", \"rate-limit-{}\"]\n}}",
        r.range(10, 900)
    );
    s
}

fn python(r: &mut Rng) -> String {
    let (v, n) = ident(r);
    let limit = r.range(2, 500);
    let mut s = format!("import json\nimport re\n\nPATTERN = re.compile(r\"/{}/[0-9a-f]{{{}}}\")\n\n\ndef {v}_{n}s(events, limit={limit}):\n    \"\"\"{} events from {} above the limit.\"\"\"\n    seen = {{}}\n", slug(r.pick(PRODUCTS)), r.range(8, 40), camel(v, n), host(r));
    for _ in 0..r.range(1, 4) {
        let f = r.pick(FIELDS);
        let _ = writeln!(s, "    for e in events:\n        if PATTERN.search(e.get(\"{f}\", \"\")):\n            seen[e[\"{f}\"]] = seen.get(e[\"{f}\"], 0) + {}", r.range(1, 5));
    }
    let _ = write!(s, "    return sorted(k for k, c in seen.items() if c > limit)\n\n\nif __name__ == \"__main__\":\n    print(json.dumps({v}_{n}s([]), indent={}))\n", r.range(2, 4));
    s
}

fn bash(r: &mut Rng) -> String {
    let mut s = format!(
        "#!/usr/bin/env bash\nset -euo pipefail\n# {} the {} on {}\n",
        r.pick(IDENT_VERBS),
        r.pick(IDENT_NOUNS),
        host(r)
    );
    for _ in 0..r.range(3, 7) {
        let line = match r.range(0, 5) {
            0 => format!("grep -F '{}' /var/log/nginx/access.log | awk '{{print ${}}}' | sort | uniq -c | sort -rn | head -n {}", ip(r), r.range(1, 9), r.range(5, 50)),
            1 => format!("curl -fsS -H 'Authorization: Bearer $TOKEN' https://{}/v{}/{}s?limit={}", host(r), r.range(1, 3), r.pick(IDENT_NOUNS), r.range(10, 500)),
            2 => format!("systemctl restart {}-{}.service", slug(r.pick(PRODUCTS)), r.pick(IDENT_NOUNS)),
            3 => format!("kubectl -n {} rollout restart deployment/{}", r.pick(&["prod", "staging", "edge"]), r.pick(IDENT_NOUNS)),
            4 => format!("find /srv/{} -name '*.log' -mtime +{} -delete", r.pick(IDENT_NOUNS), r.range(7, 90)),
            _ => format!("jq -r '.{} | select(. != null)' events-{}.json", r.pick(FIELDS), r.range(1, 31)),
        };
        s.push_str(&line);
        s.push('\n');
    }
    s
}

fn yaml(r: &mut Rng) -> String {
    let mut s = String::from("rules:\n");
    for _ in 0..r.range(2, 5) {
        let (v, n) = ident(r);
        let _ = writeln!(s, "  - name: {v}-{n}-{}\n    match:\n      source: {}/32\n      host: {}\n      path: /{}/*\n    action: {}\n    threshold: {}", r.range(1, 999), ip(r), host(r), slug(r.pick(PRODUCTS)), r.pick(&["deny", "alert", "log", "challenge"]), r.range(5, 5000));
    }
    s
}

fn go(r: &mut Rng) -> String {
    let (v, n) = ident(r);
    let mut s = format!("package {n}\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\n// {} reports whether a request must be blocked.\nfunc {}(req *http.Request) bool {{\n\tblocked := map[string]bool{{\n", camel(v, n), camel(v, n));
    for _ in 0..r.range(2, 6) {
        let _ = writeln!(s, "\t\t\"{}\": true,", ip(r));
    }
    let _ = write!(s, "\t}}\n\tif req.Header.Get(\"X-{}\") == \"\" {{\n\t\treturn true\n\t}}\n\tfmt.Println(\"{}\", len(blocked), {})\n\treturn blocked[req.RemoteAddr]\n}}\n", camel("", r.pick(IDENT_NOUNS)), host(r), r.range(1, 999));
    s
}

fn rust(r: &mut Rng) -> String {
    let (v, n) = ident(r);
    let mut s = format!("/// Added after the incident on {}.\npub fn {v}_{n}(path: &str, hits: u32) -> Verdict {{\n    match path {{\n", host(r));
    for _ in 0..r.range(2, 6) {
        let _ = writeln!(
            s,
            "        \"/{}/{}\" if hits > {} => Verdict::{},",
            slug(r.pick(PRODUCTS)),
            r.pick(IDENT_NOUNS),
            r.range(1, 900),
            r.pick(&["Block", "Alert", "Throttle"])
        );
    }
    s.push_str("        _ => Verdict::Allow,\n    }\n}\n");
    s
}

fn javascript(r: &mut Rng) -> String {
    let (v, n) = ident(r);
    let mut s = String::from("const blocked = new Set([\n");
    for _ in 0..r.range(2, 5) {
        let _ = writeln!(s, "  \"{}\",", ip(r));
    }
    let _ = write!(s, "]);\n\nexport async function {}(req, res, next) {{\n  // limit: {} requests per minute on {}\n  if (blocked.has(req.ip) || req.headers[\"x-{}\"] === undefined) {{\n    return res.status({}).json({{ error: \"{v}_{n}\" }});\n  }}\n  return next();\n}}\n", camel(v, n), r.range(10, 900), host(r), r.pick(IDENT_NOUNS), r.pick(&[401, 403, 429]));
    s
}

fn sql(r: &mut Rng) -> String {
    let n = r.range(2, 5) as usize;
    let cols = r.sample(FIELDS, n);
    let cols: Vec<&str> = cols.into_iter().copied().collect();
    format!(
        "SELECT {}, count(*) AS attempts\nFROM {}_{}s\nWHERE source_ip = '{}'\n  AND created_at > now() - interval '{} hours'\n  AND status IN ({}, {})\nGROUP BY {}\nHAVING count(*) > {}\nORDER BY attempts DESC\nLIMIT {};\n",
        cols.join(", "),
        r.pick(IDENT_VERBS),
        r.pick(IDENT_NOUNS),
        ip(r),
        r.range(1, 720),
        r.pick(&[401, 403, 404]),
        r.pick(&[429, 500, 502]),
        cols.join(", "),
        r.range(3, 300),
        r.range(10, 1000)
    )
}

fn java(r: &mut Rng) -> String {
    let (v, n) = ident(r);
    let class = camel("", n) + "Guard";
    let mut s = format!("package example.{};\n\nimport java.util.Set;\n\npublic final class {class} {{\n    private static final Set<String> BLOCKED = Set.of(\n", slug(r.pick(VENDORS)).replace('-', ""));
    let ips: Vec<String> = (0..r.range(2, 4))
        .map(|_| format!("        \"{}\"", ip(r)))
        .collect();
    let _ = write!(s, "{});\n\n    public static boolean {}(String ip, int hits) {{\n        return BLOCKED.contains(ip) || hits > {};\n    }}\n}}\n", ips.join(",\n"), camel(v, n), r.range(5, 900));
    s
}

fn c_code(r: &mut Rng) -> String {
    let (v, n) = ident(r);
    let len = r.range(16, 4096);
    format!(
        "#include <stddef.h>\n#include <string.h>\n\n/* Bounds check added for {} */\nint {v}_{n}(const char *buf, size_t len) {{\n    char copy[{len}];\n    if (len >= sizeof copy) {{\n        return -{};\n    }}\n    memcpy(copy, buf, len);\n    copy[len] = '\\0';\n    return strncmp(copy, \"{}\", {}) == 0;\n}}\n",
        host(r),
        r.range(1, 40),
        r.pick(IDENT_NOUNS),
        r.range(2, 12)
    )
}

/// A sentence that introduces a code block and links to another document.
fn lead_in(c: &Corpus, from: Kind, r: &mut Rng, out: &mut String) {
    let _ = write!(
        out,
        "{} The snippet below is the one we used; {} explains the background.\n\n",
        r.pick(&[
            "We checked every host with a short script.",
            "The rule that now blocks the traffic is shown here.",
            "Detection relied on a query over the access logs.",
            "The fix is small and easy to review.",
            "A customer can run the same check.",
        ]),
        c.random_link(from, r)
    );
}

/// An incident body over `INCIDENT_HEADINGS`: prose, 2–6 code blocks, a
/// list of what to do and a reading list (10+ links in all).
pub fn incident_body(c: &Corpus, _p: &Plan, r: &mut Rng, f: &mut String) {
    let blocks = r.range(2, 6);
    let mut placed = 0;
    for (i, h) in INCIDENT_HEADINGS.iter().enumerate() {
        let _ = write!(f, "## {h}\n\n");
        match *h {
            "What you should do" => {
                for k in 1..=r.range(3, 5) {
                    let _ = writeln!(
                        f,
                        "{k}. {} More in {}.",
                        r.pick(ACTIONS),
                        c.random_link(Kind::Incident, r)
                    );
                }
                f.push('\n');
            }
            "Related reading" => link_list(c, Kind::Incident, r, f),
            _ => {
                let words = r.range(20, 50) as usize;
                paragraph(c, Kind::Incident, r, words, f);
                // Spread the blocks over the middle sections (2..=7).
                let left = 8usize.saturating_sub(i).max(1) as u64;
                while (2..=7).contains(&i)
                    && placed < blocks
                    && (r.range(0, left) < blocks - placed || i == 7)
                {
                    lead_in(c, Kind::Incident, r, f);
                    block(r, f);
                    placed += 1;
                }
            }
        }
    }
}

/// A list of 5–8 links to other documents, more if the document would
/// otherwise have fewer than 12 links.
fn link_list(c: &Corpus, from: Kind, r: &mut Rng, f: &mut String) {
    let wanted = r
        .range(5, 8)
        .max(12u64.saturating_sub(f.matches("](").count() as u64));
    for _ in 0..wanted {
        let _ = writeln!(f, "- {}", c.random_link(from, r));
    }
    f.push('\n');
}

/// A long FAQ: every question answered in 30–70 words, one in five with
/// a code block, and a reading list at the end.
pub fn faq_body(c: &Corpus, p: &Plan, r: &mut Rng, f: &mut String) {
    for question in faq_questions(c.seed, p.index) {
        let _ = write!(f, "## {question}\n\n");
        let words = r.range(30, 70) as usize;
        paragraph(c, Kind::Faq, r, words, f);
        if r.chance(20) {
            lead_in(c, Kind::Faq, r, f);
            block(r, f);
        } else if r.chance(40) {
            f.push_str("- ");
            sentence(c, Kind::Faq, r, f);
            let _ = writeln!(
                f,
                "\n- {} See {}.\n",
                r.pick(ACTIONS),
                c.random_link(Kind::Faq, r)
            );
        }
    }
    f.push_str("Further reading:\n\n");
    link_list(c, Kind::Faq, r, f);
}

/// A guide: the gen headings, each with prose and one or two code blocks.
pub fn guide_body(c: &Corpus, p: &Plan, r: &mut Rng, f: &mut String) {
    paragraph(c, Kind::Guide, r, 60, f);
    for heading in c.guide_headings(p.index) {
        let _ = write!(f, "## {heading}\n\n");
        let words = r.range(40, 90) as usize;
        paragraph(c, Kind::Guide, r, words, f);
        for _ in 0..r.range(1, 2) {
            lead_in(c, Kind::Guide, r, f);
            block(r, f);
        }
    }
    f.push_str("## Related reading\n\n");
    link_list(c, Kind::Guide, r, f);
}
