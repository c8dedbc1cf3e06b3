//! Generates a synthetic security knowledge base for benchmarks.
//!
//! ```sh
//! cargo run --release --bin gen-corpus -- --docs 10000 --out /dev/shm/kb10k [--seed 1] \
//!     [--format seckb|hugo|zola] [--shape gen|code|prose]
//! ```
//!
//! The corpus has the shape of a real team's knowledge base: 60% incidents,
//! 30% FAQs (several `##` questions each) and 10% guides. Front matter carries
//! tags, affected vendors, third parties, severities, statuses, ordered
//! timelines, CVEs, unique ids, actions and https references; bodies link to
//! each other with relative `.md` links (anchors included) that all resolve.
//! `--shape` picks the bodies: `gen` (the default; template sentences,
//! incidents of 600–1,500 words with headings, lists, a table and a fenced
//! code block in one of three), `code` (code-heavy, code.rs) or `prose` (the
//! demo site's documents recombined, prose.rs).
//!
//! Output is a pure function of `--docs`, `--seed` and `--shape` (a
//! SplitMix64 stream per document), so benchmark runs on different days read
//! the same bytes. `--format hugo` writes the same documents as a Hugo site
//! (the same links, resolved by Hugo's link render hook; the same taxonomies;
//! a JSON search index output) and `--format zola` as a Zola site (zola.rs),
//! so the generators can be timed on identical content.

// A function is at most 80 lines (clippy.toml), as in the library: longer
// ones are split into named steps, so each reads in one screen.
#![warn(clippy::too_many_lines)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod code;
mod prose;
mod zola;

/// SplitMix64: tiny, fast, and good enough for synthetic text.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index.rotate_left(32));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        seckb_bench_tools::splitmix64(&mut self.0)
    }
    /// A number in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }
    fn pick_ref<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    /// `n` distinct items (fewer if the list is shorter).
    fn sample<'a, T>(&mut self, items: &'a [T], n: usize) -> Vec<&'a T> {
        let mut idx: Vec<usize> = (0..items.len()).collect();
        let n = n.min(items.len());
        for i in 0..n {
            let j = i + (self.next() % (items.len() - i) as u64) as usize;
            idx.swap(i, j);
        }
        idx[..n].iter().map(|&i| &items[i]).collect()
    }
    /// Between `lo` and `hi` distinct words, as owned strings.
    fn words(&mut self, items: &[&str], lo: u64, hi: u64) -> Vec<String> {
        let n = self.range(lo, hi) as usize;
        self.sample(items, n)
            .into_iter()
            .map(|s| s.to_string())
            .collect()
    }
}

const VENDORS: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Wonka",
    "Stark Systems",
    "Wayne Data",
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Oceanic",
    "Massive Dynamic",
    "Aperture",
    "Black Mesa",
    "Gringotts",
    "Monarch",
    "Nakatomi",
    "Oscorp",
    "Pendant",
    "Rekall",
    "Sirius Cybernetics",
    "Virtucon",
    "Weyland",
    "Zorg",
    "Bluth",
    "Dunder",
    "Gekko",
    "Kramerica",
];

const PRODUCTS: &[&str] = &[
    "API gateway",
    "Console",
    "Python SDK",
    "Go SDK",
    "mobile app",
    "VPN appliance",
    "single sign-on service",
    "billing portal",
    "support desk",
    "CI runners",
    "object storage",
    "identity provider",
    "mail relay",
    "status page",
    "container registry",
    "analytics dashboard",
    "customer portal",
    "payments API",
    "webhook service",
    "browser extension",
    "desktop client",
    "backup service",
    "DNS service",
    "CDN edge",
];

const THIRD_PARTIES: &[&str] = &[
    "Metricly",
    "Trackwise",
    "Mailbird",
    "Pagerly",
    "Logstream",
    "Cloudnest",
    "Ticketbay",
    "Chatterbox",
    "Formwell",
    "Billworks",
    "Sendloop",
    "Statusly",
    "Hostgrid",
    "Codeforge",
    "Datamesh",
    "Authbridge",
];

const TAGS: &[&str] = &[
    "phishing",
    "ransomware",
    "third-party",
    "data-exposure",
    "rce",
    "xss",
    "sql-injection",
    "ssrf",
    "credential-stuffing",
    "misconfiguration",
    "supply-chain",
    "dos",
    "privilege-escalation",
    "open-redirect",
    "csrf",
    "tls",
    "dns",
    "email",
    "api",
    "sdk",
    "mobile",
    "cloud",
    "s3",
    "oauth",
    "sso",
    "mfa",
    "logging",
    "insider",
    "malware",
    "vendor",
    "patch",
    "zero-day",
    "web",
    "authentication",
    "authorization",
    "encryption",
    "backup",
    "availability",
    "compliance",
    "gdpr",
    "kubernetes",
    "containers",
    "ci-cd",
    "secrets-management",
    "deserialization",
    "path-traversal",
    "session",
    "cookies",
    "cors",
    "waf",
    "ddos",
    "spam",
    "account-takeover",
    "fraud",
    "payment",
    "pii",
    "hardware",
    "firmware",
    "vpn",
    "browser",
    "extension",
    "library",
    "npm",
    "pypi",
    "docker",
    "linux",
    "windows",
    "macos",
];

const DATA: &[&str] = &[
    "Names",
    "Email addresses",
    "Phone numbers",
    "Coarse location",
    "IP addresses",
    "Account identifiers",
    "Billing addresses",
    "Support ticket contents",
    "Hashed passwords",
    "Device identifiers",
];

const ACTORS: &[&str] = &[
    "Unknown actor",
    "Financially motivated group",
    "Former contractor",
    "Automated botnet",
    "Researcher acting in good faith",
    "Ransomware affiliate",
];

const CWES: &[&str] = &[
    "CWE-79", "CWE-89", "CWE-22", "CWE-287", "CWE-352", "CWE-918", "CWE-502", "CWE-200", "CWE-306",
    "CWE-601",
];

const INCIDENT_KINDS: &[&str] = &[
    "Phishing campaign impersonating",
    "Credential stuffing against",
    "Exposed storage bucket in",
    "Remote code execution in",
    "Cross-site scripting in",
    "Outage and data loss in",
    "Unauthorised access to",
    "Vulnerable dependency in",
    "Session fixation in",
    "Open redirect in",
    "Misissued certificate for",
    "Leaked build logs from",
    "Privilege escalation in",
    "Denial of service against",
    "Malicious package targeting",
];

const VERBS: &[&str] = &[
    "detected",
    "contained",
    "reviewed",
    "rotated",
    "patched",
    "isolated",
    "confirmed",
    "restored",
    "analysed",
    "disabled",
    "reported",
    "escalated",
    "notified",
    "monitored",
    "removed",
    "revoked",
];

const NOUNS: &[&str] = &[
    "the affected hosts",
    "the deployment pipeline",
    "the audit logs",
    "every session",
    "the load balancers",
    "the customer records",
    "the access policies",
    "the firewall rules",
    "the backup snapshots",
    "the on-call rotation",
    "the vendor integration",
    "the build artefacts",
    "the signing keys' usage records",
    "the database replicas",
    "the edge configuration",
    "the incident channel",
    "the support queue",
    "the DNS records",
    "the package mirror",
    "the container images",
];

const CLAUSES: &[&str] = &[
    "within the first hour of the report",
    "before any customer data left the environment",
    "as soon as the alert fired",
    "after a second review by the response team",
    "while the investigation continued",
    "using the standard incident runbook",
    "together with the vendor's security team",
    "across all production regions",
    "without any downtime for customers",
    "once the scope was understood",
    "and documented every step in the ticket",
    "to rule out any further exposure",
];

const CONNECTIVES: &[&str] = &[
    "In parallel,",
    "Shortly afterwards,",
    "At the same time,",
    "As a precaution,",
    "During the review,",
    "Later that day,",
    "To limit the impact,",
    "Following the runbook,",
    "In the meantime,",
    "Once confirmed,",
];

const ACTIONS: &[&str] = &[
    "Rotate the API keys of every integration that used the affected service.",
    "Enable two-factor authentication for every member of your organization.",
    "Review the audit log for sign-ins from unfamiliar locations.",
    "Update the SDK to the latest release.",
    "Forward suspicious messages as an attachment to the security team.",
    "Revoke personal access grants that are no longer needed.",
    "Check that webhooks point only at endpoints you control.",
    "Apply the vendor's patch and restart the service.",
    "Reset passwords that were reused on other sites.",
    "Restrict network access to the management interface.",
];

const FAQ_QUESTIONS: &[&str] = &[
    "What happened?",
    "Was my data affected?",
    "What information was exposed?",
    "Do I need to change my password?",
    "Should I rotate my API keys?",
    "How do I know an email really comes from us?",
    "Were payment details involved?",
    "Why did it take several days to notify customers?",
    "Is the vulnerability being exploited?",
    "Which versions are affected?",
    "How do I update to a fixed version?",
    "Who else was affected?",
    "Will there be a full post-mortem?",
    "How can I report a related issue?",
    "Does this affect self-hosted installations?",
    "What are you doing to prevent this from happening again?",
];

const GUIDE_TOPICS: &[&str] = &[
    "Rotating API keys without downtime",
    "Hardening single sign-on",
    "Reviewing audit logs",
    "Verifying emails from the security team",
    "Securing CI pipelines",
    "Setting up two-factor authentication",
    "Responding to a phishing report",
    "Handling a leaked credential",
    "Configuring webhooks safely",
    "Patching self-hosted gateways",
    "Backing up and restoring projects",
    "Running a tabletop exercise",
];

const GUIDE_HEADINGS: &[&str] = &[
    "Before you start",
    "Step by step",
    "Checking the result",
    "Common mistakes",
    "Automating the process",
    "Rolling back",
    "Who to contact",
    "Further reading",
    "Background",
    "Permissions you need",
];

/// Incident headings every incident has; other documents link to them.
const INCIDENT_ANCHORS: &[&str] = &[
    "summary",
    "impact",
    "what-you-should-do",
    "timeline-of-the-response",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Incident,
    Faq,
    Guide,
}

impl Kind {
    fn section(self) -> &'static str {
        match self {
            Kind::Incident => "incidents",
            Kind::Faq => "faq",
            Kind::Guide => "guides",
        }
    }
    fn stream(self) -> u64 {
        match self {
            Kind::Incident => 1,
            Kind::Faq => 2,
            Kind::Guide => 3,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Seckb,
    Hugo,
    Zola,
}

/// What the documents' bodies are made of (the front matter is the same
/// code path for all three).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// The generator's own template sentences (the original corpus).
    Gen,
    /// Code-heavy: several fenced blocks per incident in ten languages,
    /// long FAQs, many cross links (`code.rs`).
    Code,
    /// Real advisory prose: the demo site's documents recombined (`prose.rs`).
    Prose,
}

/// What other documents need to know about a document to link to it.
struct Plan {
    kind: Kind,
    index: usize,
    /// File name under its section folder.
    file: String,
    title: String,
    /// Days since 1970-01-01.
    day: i64,
    /// Incident id (incidents only).
    id: String,
    /// The affected vendor and product named in an incident's title.
    subject: (&'static str, &'static str),
}

struct Corpus {
    seed: u64,
    format: Format,
    shape: Shape,
    incidents: Vec<Plan>,
    faqs: Vec<Plan>,
    guides: Vec<Plan>,
}

/// (year, month, day) of a day number (Howard Hinnant's civil_from_days).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn date(days: i64) -> String {
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// First day of the corpus: 2014-01-01; the corpus spans twelve years.
const FIRST_DAY: i64 = 16_071;
const SPAN_DAYS: u64 = 12 * 365;

fn slug(text: &str) -> String {
    let mut out = String::new();
    for w in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&w.to_ascii_lowercase());
    }
    out
}

/// A YAML double-quoted string.
fn q(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

impl Corpus {
    fn new(docs: usize, seed: u64, format: Format, shape: Shape) -> Corpus {
        let n_inc = docs * 6 / 10;
        let n_faq = docs * 3 / 10;
        let n_guide = docs - n_inc - n_faq;
        let incidents = (0..n_inc)
            .map(|i| {
                let mut r = Rng::new(seed, 11, i as u64);
                let day = FIRST_DAY + r.range(0, SPAN_DAYS) as i64;
                let what = r.pick(INCIDENT_KINDS);
                let vendor = r.pick(VENDORS);
                let product = r.pick(PRODUCTS);
                let title = format!("{what} {vendor} {product}");
                let (y, _, _) = civil(day);
                Plan {
                    kind: Kind::Incident,
                    index: i,
                    file: format!("{}-{}-{i:06}.md", date(day), slug(&title)),
                    title,
                    day,
                    id: format!("INC-{y}-{i:06}"),
                    subject: (vendor, product),
                }
            })
            .collect();
        let faqs = (0..n_faq)
            .map(|i| {
                let mut r = Rng::new(seed, 12, i as u64);
                let day = FIRST_DAY + r.range(0, SPAN_DAYS) as i64;
                let title = format!(
                    "Questions about the {} {} incident",
                    r.pick(VENDORS),
                    r.pick(PRODUCTS)
                );
                Plan {
                    kind: Kind::Faq,
                    index: i,
                    file: format!("{}-{i:06}.md", slug(&title)),
                    title,
                    day,
                    id: String::new(),
                    subject: ("", ""),
                }
            })
            .collect();
        let guides = (0..n_guide)
            .map(|i| {
                let mut r = Rng::new(seed, 13, i as u64);
                let day = FIRST_DAY + r.range(0, SPAN_DAYS) as i64;
                let title = format!("{} for the {}", r.pick(GUIDE_TOPICS), r.pick(PRODUCTS));
                Plan {
                    kind: Kind::Guide,
                    index: i,
                    file: format!("{}-{i:06}.md", slug(&title)),
                    title,
                    day,
                    id: String::new(),
                    subject: ("", ""),
                }
            })
            .collect();
        let mut c = Corpus {
            seed,
            format,
            shape,
            incidents,
            faqs,
            guides,
        };
        if shape == Shape::Prose {
            prose::retitle(&mut c);
        }
        c
    }

    fn plans(&self, kind: Kind) -> &[Plan] {
        match kind {
            Kind::Incident => &self.incidents,
            Kind::Faq => &self.faqs,
            Kind::Guide => &self.guides,
        }
    }

    /// The `##` questions of an FAQ: recomputable by anyone linking to it.
    fn faq_questions(&self, index: usize) -> Vec<&'static str> {
        let mut r = Rng::new(self.seed, 21, index as u64);
        let n = r.range(3, 8) as usize;
        r.sample(FAQ_QUESTIONS, n).into_iter().copied().collect()
    }

    /// The `##` headings of a guide.
    fn guide_headings(&self, index: usize) -> Vec<&'static str> {
        let mut r = Rng::new(self.seed, 22, index as u64);
        let n = r.range(4, 7) as usize;
        r.sample(GUIDE_HEADINGS, n).into_iter().copied().collect()
    }

    /// Any document of any kind with a valid anchor of it (or none).
    fn random_target<'a>(&'a self, r: &mut Rng) -> (&'a Plan, Option<String>) {
        let kind = match r.range(0, 9) {
            0..=4 => Kind::Incident,
            5..=7 => Kind::Faq,
            _ => Kind::Guide,
        };
        let kind = if self.plans(kind).is_empty() {
            Kind::Incident
        } else {
            kind
        };
        let plan = r.pick_ref(self.plans(kind));
        let anchor = if r.chance(50) {
            None
        } else {
            Some(r.pick_ref(&self.anchors(kind, plan.index)).clone())
        };
        (plan, anchor)
    }

    /// The `#anchors` of a document's `##` headings that others may link to
    /// (a pure function of seed, shape, kind and index).
    fn anchors(&self, kind: Kind, index: usize) -> Vec<String> {
        match (self.shape, kind) {
            (Shape::Gen, Kind::Incident) => {
                INCIDENT_ANCHORS.iter().map(|a| a.to_string()).collect()
            }
            (Shape::Gen, Kind::Faq) => self.faq_questions(index).into_iter().map(slug).collect(),
            (Shape::Code, Kind::Incident) => {
                code::INCIDENT_HEADINGS.iter().map(|h| slug(h)).collect()
            }
            (Shape::Code, Kind::Faq) => code::faq_questions(self.seed, index)
                .into_iter()
                .map(slug)
                .collect(),
            (Shape::Gen | Shape::Code, Kind::Guide) => {
                self.guide_headings(index).into_iter().map(slug).collect()
            }
            (Shape::Prose, _) => prose::headings(self.seed, kind, index)
                .iter()
                .map(|h| slug(h))
                .collect(),
        }
    }

    /// A Markdown link from a document of `from` to `to`.
    fn link(&self, from: Kind, to: &Plan, anchor: Option<&str>, text: &str) -> String {
        let frag = anchor.map(|a| format!("#{a}")).unwrap_or_default();
        // Hugo resolves the same relative `.md` links with its embedded link
        // render hook (enabled in hugo.toml). Hugo resolves a page's relative
        // links from the page's own URL, so it always needs the section.
        // Zola resolves (and checks) `@/` links from the content root.
        if self.format == Format::Zola {
            format!("[{text}](@/{}/{}{frag})", to.kind.section(), to.file)
        } else if from == to.kind && self.format == Format::Seckb {
            format!("[{text}]({}{frag})", to.file)
        } else {
            format!("[{text}](../{}/{}{frag})", to.kind.section(), to.file)
        }
    }

    fn random_link(&self, from: Kind, r: &mut Rng) -> String {
        let (plan, anchor) = self.random_target(r);
        let text = match plan.kind {
            Kind::Incident => plan.id.clone(),
            _ => plan.title.clone(),
        };
        self.link(from, plan, anchor.as_deref(), &text)
    }
}

/// One sentence of incident prose, sometimes with a link.
fn sentence(c: &Corpus, from: Kind, r: &mut Rng, out: &mut String) {
    match r.range(0, 7) {
        0 => {
            let _ = write!(
                out,
                "{} the team {} {} {}.",
                r.pick(CONNECTIVES),
                r.pick(VERBS),
                r.pick(NOUNS),
                r.pick(CLAUSES)
            );
        }
        1 => {
            let _ = write!(
                out,
                "Engineers at {} {} {} and {} {}.",
                r.pick(VENDORS),
                r.pick(VERBS),
                r.pick(NOUNS),
                r.pick(VERBS),
                r.pick(NOUNS)
            );
        }
        2 => {
            let _ = write!(
                out,
                "The {} handled about {} requests per minute from 203.0.113.{} before it was {}.",
                r.pick(PRODUCTS),
                r.range(100, 90_000),
                r.range(1, 254),
                r.pick(VERBS)
            );
        }
        3 => {
            let _ = write!(
                out,
                "See {} for the related background, which explains why {} were {} {}.",
                c.random_link(from, r),
                r.pick(NOUNS),
                r.pick(VERBS),
                r.pick(CLAUSES)
            );
        }
        4 => {
            let _ = write!(
                out,
                "**{}** was notified, and the `{}` service was {} {}.",
                r.pick(THIRD_PARTIES),
                slug(r.pick(PRODUCTS)),
                r.pick(VERBS),
                r.pick(CLAUSES)
            );
        }
        5 => {
            let _ = write!(
                out,
                "No evidence suggests that {} were accessed, but {} remain under review {}.",
                r.pick(NOUNS),
                r.pick(NOUNS),
                r.pick(CLAUSES)
            );
        }
        _ => {
            let _ = write!(
                out,
                "{} {} customers on the {} plan were affected, and each of them received a direct notice.",
                r.pick(CONNECTIVES),
                r.range(2, 40_000),
                r.pick(&["free", "team", "business", "enterprise"])
            );
        }
    }
}

/// A paragraph of roughly `words` words. Returns the words written.
fn paragraph(c: &Corpus, from: Kind, r: &mut Rng, words: usize, out: &mut String) -> usize {
    let start = out.len();
    let mut n = 0;
    while n < words {
        let s = out.len();
        sentence(c, from, r, out);
        n += out[s..].split_whitespace().count();
        out.push(' ');
    }
    out.truncate(out.trim_end().len().max(start));
    out.push_str("\n\n");
    n
}

fn code_block(r: &mut Rng, out: &mut String) {
    let host = format!(
        "{}.{}.example",
        r.pick(&["api", "edge", "auth", "build", "mail"]),
        slug(r.pick(VENDORS))
    );
    let ip = format!("198.51.100.{}", r.range(1, 254));
    let n = r.range(2, 500);
    let code = match r.range(0, 8) {
        0 => (
            "bash",
            format!(
                "# Find requests from the attacker's address\ngrep -F '{ip}' /var/log/nginx/access.log \\\n  | awk '{{print $7}}' | sort | uniq -c | sort -rn | head -n {n}\nsystemctl restart gateway.service\n"
            ),
        ),
        1 => (
            "python",
            format!(
                "import json\n\n\ndef suspicious(events, limit={n}):\n    \"\"\"Events from {host} above the rate limit.\"\"\"\n    seen = {{}}\n    for e in events:\n        seen[e[\"ip\"]] = seen.get(e[\"ip\"], 0) + 1\n    return [ip for ip, count in seen.items() if count > limit]\n\n\nprint(json.dumps(suspicious([]), indent=2))\n"
            ),
        ),
        2 => (
            "json",
            format!(
                "{{\n  \"host\": \"{host}\",\n  \"source_ip\": \"{ip}\",\n  \"requests\": {n},\n  \"blocked\": true,\n  \"rules\": [\"rate-limit\", \"geo-fence\"]\n}}\n"
            ),
        ),
        3 => (
            "yaml",
            format!(
                "rules:\n  - name: block-{n}\n    match:\n      source: {ip}/32\n      host: {host}\n    action: deny\n  - name: alert-on-export\n    threshold: {n}\n"
            ),
        ),
        4 => (
            "sql",
            format!(
                "SELECT user_id, count(*) AS attempts\nFROM sign_in_events\nWHERE source_ip = '{ip}'\n  AND created_at > now() - interval '{n} hours'\nGROUP BY user_id\nORDER BY attempts DESC;\n"
            ),
        ),
        5 => (
            "rust",
            format!(
                "fn is_blocked(ip: &str, hits: u32) -> bool {{\n    // Rule added after the incident on {host}\n    ip == \"{ip}\" || hits > {n}\n}}\n"
            ),
        ),
        6 => (
            "go",
            format!(
                "package main\n\nimport \"fmt\"\n\nfunc main() {{\n\tblocked := map[string]bool{{\"{ip}\": true}}\n\tfmt.Println(\"{host}\", len(blocked), {n})\n}}\n"
            ),
        ),
        7 => (
            "javascript",
            format!(
                "const blocked = new Set([\"{ip}\"]);\nexport function allow(req) {{\n  // limit: {n} requests per minute on {host}\n  return !blocked.has(req.ip);\n}}\n"
            ),
        ),
        _ => (
            "text",
            format!("{host} {ip} - - [access] \"GET /export HTTP/1.1\" 200 {n}\n"),
        ),
    };
    let _ = write!(out, "```{}\n{}```\n\n", code.0, code.1);
}

fn front_list(out: &mut String, key: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "{key}:");
    for i in items {
        let _ = writeln!(out, "  - {}", q(i));
    }
}

/// An incident document: front matter with the fields a real one carries,
/// then a body of 600–1,500 words over fixed sections. Every draw comes from
/// one stream in a fixed order, so the text is a pure function of the seed.
fn incident(c: &Corpus, p: &Plan) -> String {
    let mut r = Rng::new(c.seed, Kind::Incident.stream(), p.index as u64);
    let mut f = String::with_capacity(12_000);
    incident_front_matter(c, p, &mut r, &mut f);
    match c.shape {
        Shape::Gen => incident_body(c, p, &mut r, &mut f),
        Shape::Code => code::incident_body(c, p, &mut r, &mut f),
        Shape::Prose => prose::incident_body(c, p, &mut r, &mut f),
    }
    f
}

/// The incident's front matter, between its `---` lines: dates, severity,
/// status, tags, affected products, optional CWEs, data, actors, a sorted
/// timeline, actions, references and related documents.
fn incident_front_matter(c: &Corpus, p: &Plan, r: &mut Rng, f: &mut String) {
    let (year, _, _) = civil(p.day);
    let updated = p.day + r.range(0, 120) as i64;
    let severity = r.pick(&["low", "medium", "medium", "high", "high", "critical"]);
    let status = r.pick(&[
        "resolved",
        "resolved",
        "resolved",
        "resolved",
        "monitoring",
        "identified",
    ]);
    let third: Vec<String> = r.words(THIRD_PARTIES, 0, 2);
    let tags: Vec<String> = r.words(TAGS, 2, 6);
    let cves: Vec<String> = (0..r.range(0, 3))
        .map(|k| format!("CVE-{year}-{}", 10_000 + p.index * 3 + k as usize))
        .collect();

    f.push_str("---\n");
    let _ = writeln!(f, "title: {}", q(&p.title));
    let _ = writeln!(f, "id: {}", p.id);
    let _ = writeln!(f, "date: {}", date(p.day));
    let _ = writeln!(f, "updated: {}", date(updated));
    let _ = writeln!(f, "severity: {severity}");
    let _ = writeln!(f, "status: {status}");
    let _ = writeln!(f, "tags: [{}]", tags.join(", "));
    incident_affected(c, p, r, f);
    front_list(f, "third_parties", &third);
    front_list(f, "cves", &cves);
    if r.chance(40) {
        let cwes: Vec<String> = r.words(CWES, 1, 2);
        front_list(f, "cwes", &cwes);
    }
    if r.chance(50) {
        let data: Vec<String> = r.words(DATA, 1, 4);
        front_list(f, "data_exposed", &data);
        let _ = writeln!(f, "records_affected: {}", r.range(10, 2_000_000));
    }
    if r.chance(30) {
        let _ = writeln!(f, "actors:\n  - {}", q(r.pick(ACTORS)));
    }
    incident_timeline(c, p, updated, r, f);
    let actions: Vec<String> = r.words(ACTIONS, 1, 4);
    front_list(f, "actions", &actions);
    incident_references(c, p, r, f);
    f.push_str("---\n\n");
}

/// `affected:` (the plan's product, and in two of five a second vendor's
/// with a version range); for Hugo also the `vendors:` list seckb derives.
fn incident_affected(c: &Corpus, p: &Plan, r: &mut Rng, f: &mut String) {
    let (vendor, product) = p.subject;
    let _ = writeln!(
        f,
        "affected:\n  - vendor: {}\n    product: {}",
        q(vendor),
        q(product)
    );
    let mut vendors = vec![q(vendor)];
    if r.chance(40) {
        let other = r.pick(VENDORS);
        let _ = writeln!(
            f,
            "  - vendor: {}\n    product: {}\n    versions: \"< {}.{}\"",
            q(other),
            q(r.pick(PRODUCTS)),
            r.range(1, 9),
            r.range(0, 20)
        );
        if other != vendor {
            vendors.push(q(other));
        }
    }
    if c.format == Format::Hugo {
        // seckb derives its vendors taxonomy from `affected`; Hugo needs a list.
        let _ = writeln!(f, "vendors: [{}]", vendors.join(", "));
    }
}

/// `timeline:`: two to seven events, in time order, between the incident's
/// date and its `updated` day.
fn incident_timeline(c: &Corpus, p: &Plan, updated: i64, r: &mut Rng, f: &mut String) {
    f.push_str("timeline:\n");
    let entries = r.range(2, 8);
    let span = ((updated - p.day) * 86_400).max(3_600) as u64;
    let mut times: Vec<u64> = (0..entries).map(|_| r.range(0, span)).collect();
    times.sort_unstable();
    for t in times {
        let at = p.day * 86_400 + t as i64;
        let (h, m) = ((at % 86_400) / 3600, (at % 3600) / 60);
        let mut event = String::new();
        match c.shape {
            Shape::Prose => prose::event(c, r, &mut event),
            Shape::Gen | Shape::Code => sentence(c, Kind::Incident, r, &mut event),
        }
        let _ = writeln!(
            f,
            "  - date: {}T{h:02}:{m:02}:00Z\n    event: {}",
            date(at / 86_400),
            q(&event)
        );
    }
}

/// `references:` (one to three https advisories) and, in half the
/// incidents, `related:` (another incident, sometimes a FAQ; never itself).
fn incident_references(c: &Corpus, p: &Plan, r: &mut Rng, f: &mut String) {
    f.push_str("references:\n");
    for k in 0..r.range(1, 4) {
        let _ = writeln!(
            f,
            "  - title: {}\n    url: https://{}.example/advisories/{}-{k}",
            q(&format!("{} advisory {}", r.pick(VENDORS), k + 1)),
            slug(r.pick(VENDORS)),
            p.id.to_ascii_lowercase()
        );
    }
    if r.chance(50) && c.incidents.len() > 1 {
        let mut related = vec![r.pick_ref(&c.incidents).id.clone()];
        if !c.faqs.is_empty() && r.chance(50) {
            let faq = r.pick_ref(&c.faqs);
            related.push(format!("faq/{}", faq.file));
        }
        related.retain(|x| *x != p.id);
        front_list(f, "related", &related);
    }
}

/// The incident's body: 600–1,500 words over fixed sections (summary,
/// response, an impact table, technical details with a code block in one of
/// three, indicators, lists of what was done and what to do, status).
fn incident_body(c: &Corpus, p: &Plan, r: &mut Rng, f: &mut String) {
    let total = r.range(600, 1440) as usize;
    let mut words = 0;
    f.push_str("## Summary\n\n");
    words += paragraph(c, Kind::Incident, r, total / 10, f);
    f.push_str("## Timeline of the response\n\n");
    for _ in 0..2 {
        words += paragraph(c, Kind::Incident, r, total / 8, f);
    }
    f.push_str("## Impact\n\n| System | Affected | Notes |\n|---|---|---|\n");
    for _ in 0..r.range(3, 7) {
        let _ = writeln!(
            f,
            "| {} {} | {} | {} |",
            r.pick(VENDORS),
            r.pick(PRODUCTS),
            r.pick(&["Yes", "No", "**Partially**", "Under review"]),
            r.pick(CLAUSES)
        );
        words += 10;
    }
    f.push('\n');
    words += paragraph(c, Kind::Incident, r, total / 10, f);
    f.push_str("## Technical details\n\n");
    words += paragraph(c, Kind::Incident, r, total / 8, f);
    if p.index.is_multiple_of(3) {
        code_block(r, f);
    }
    words += incident_lists(c, r, f);
    f.push_str("\n## Status\n\n");
    while words < total {
        words += paragraph(
            c,
            Kind::Incident,
            r,
            (total - words).min(total / 6).max(20),
            f,
        );
    }
}

/// The body's lists: indicators of compromise, what we have done, what you
/// should do (each step linking to another document). Returns the words
/// written (as the body counts them).
fn incident_lists(c: &Corpus, r: &mut Rng, f: &mut String) -> usize {
    let mut words = 0;
    f.push_str("### Indicators of compromise\n\n");
    for _ in 0..r.range(2, 5) {
        let _ = writeln!(
            f,
            "- Requests from `203.0.113.{}` to `/{}`",
            r.range(1, 254),
            slug(r.pick(PRODUCTS))
        );
        words += 5;
    }
    f.push_str("\n## What we have done\n\n");
    for _ in 0..r.range(3, 6) {
        f.push_str("- ");
        let s = f.len();
        sentence(c, Kind::Incident, r, f);
        words += f[s..].split_whitespace().count();
        f.push('\n');
    }
    f.push_str("\n## What you should do\n\n");
    for k in 1..=r.range(2, 4) {
        let _ = writeln!(
            f,
            "{k}. {} More in {}.",
            r.pick(ACTIONS),
            c.random_link(Kind::Incident, r)
        );
        words += 14;
    }
    words
}

fn faq(c: &Corpus, p: &Plan) -> String {
    let mut r = Rng::new(c.seed, Kind::Faq.stream(), p.index as u64);
    let mut f = String::with_capacity(6_000);
    faq_front_matter(c, p, &mut r, &mut f);
    match c.shape {
        Shape::Gen => faq_body(c, p, &mut r, &mut f),
        Shape::Code => code::faq_body(c, p, &mut r, &mut f),
        Shape::Prose => prose::body(c, p, &mut r, &mut f),
    }
    f
}

/// An FAQ's front matter: dates, tags and the incidents it answers for.
fn faq_front_matter(c: &Corpus, p: &Plan, r: &mut Rng, f: &mut String) {
    let tags: Vec<String> = r.words(TAGS, 1, 4);
    f.push_str("---\n");
    let _ = writeln!(f, "title: {}", q(&p.title));
    let _ = writeln!(f, "date: {}", date(p.day));
    let _ = writeln!(f, "updated: {}", date(p.day + r.range(0, 60) as i64));
    let _ = writeln!(f, "tags: [{}]", tags.join(", "));
    if !c.incidents.is_empty() {
        let ids: Vec<String> = (0..r.range(1, 2))
            .map(|_| r.pick_ref(&c.incidents).id.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let _ = writeln!(f, "incidents: [{}]", ids.join(", "));
    }
    f.push_str("---\n\n");
}

/// The gen shape's FAQ: 3–8 questions of 40–120 words, some with a list.
fn faq_body(c: &Corpus, p: &Plan, r: &mut Rng, f: &mut String) {
    for question in c.faq_questions(p.index) {
        let _ = write!(f, "## {question}\n\n");
        let words = r.range(40, 120) as usize;
        paragraph(c, Kind::Faq, r, words, f);
        if r.chance(30) {
            for _ in 0..r.range(2, 4) {
                let _ = writeln!(f, "- {}", r.pick(ACTIONS));
            }
            f.push('\n');
        }
    }
}

fn guide(c: &Corpus, p: &Plan) -> String {
    let mut r = Rng::new(c.seed, Kind::Guide.stream(), p.index as u64);
    let tags: Vec<String> = r.words(TAGS, 1, 4);
    let mut f = String::with_capacity(8_000);
    f.push_str("---\n");
    let _ = writeln!(f, "title: {}", q(&p.title));
    let _ = writeln!(f, "date: {}", date(p.day));
    let _ = writeln!(f, "tags: [{}]", tags.join(", "));
    f.push_str("---\n\n");
    match c.shape {
        Shape::Gen => guide_body(c, p, &mut r, &mut f),
        Shape::Code => code::guide_body(c, p, &mut r, &mut f),
        Shape::Prose => prose::body(c, p, &mut r, &mut f),
    }
    f
}

/// The gen shape's guide: 4–7 headings, a numbered list and a code block
/// under "Step by step".
fn guide_body(c: &Corpus, p: &Plan, r: &mut Rng, f: &mut String) {
    paragraph(c, Kind::Guide, r, 60, f);
    for heading in c.guide_headings(p.index) {
        let _ = write!(f, "## {heading}\n\n");
        let words = r.range(60, 180) as usize;
        paragraph(c, Kind::Guide, r, words, f);
        if heading == "Step by step" {
            for k in 1..=r.range(3, 7) {
                let _ = writeln!(f, "{k}. {}", r.pick(ACTIONS));
            }
            f.push('\n');
            code_block(r, f);
        }
    }
}

const SECKB_CONFIG: &str = "\
# Generated by benches/tools/src/bin/gen-corpus.rs for benchmarks.
title: Benchmark Security Advisories
description: A generated knowledge base of incidents, FAQs and guides
base_url: https://kb.example/
language: en
theme: default
author: Benchmark Security Team
default_tlp: clear
publish_tlp: clear
raw_html: sanitize
";

const HUGO_CONFIG: &str = "\
# Generated by benches/tools/src/bin/gen-corpus.rs: the Hugo twin of the seckb corpus.
baseURL = 'https://kb.example/'
locale = 'en'
title = 'Benchmark Security Advisories'
disableKinds = ['robotsTXT', '404']
[taxonomies]
  tag = 'tags'
  severity = 'severity'
  status = 'status'
  vendor = 'vendors'
[markup.highlight]
  noClasses = false
[markup.goldmark.renderHooks.link]
  useEmbedded = 'always'
# One feed of the newest 50 entries, like seckb's atom.xml (Hugo's default is
# a feed of every page for every list page).
[services.rss]
  limit = 50
[outputs]
  home = ['HTML', 'RSS']
  section = ['HTML']
  taxonomy = ['HTML']
  term = ['HTML']
[outputFormats.SearchIndex]
  mediaType = 'application/json'
  baseName = 'search'
  isPlainText = true
  notAlternative = true
";

/// Added with `hugo --config hugo.toml,hugo-search.toml`: a JSON index of the
/// content (title, URL, tags, summary, plain text), seckb's search equivalent.
const HUGO_SEARCH_CONFIG: &str = "\
[outputs]
  home = ['HTML', 'RSS', 'SearchIndex']
";

const HUGO_LAYOUTS: &[(&str, &str)] = &[
    (
        "layouts/_default/baseof.html",
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }} · {{ .Site.Title }}</title><link rel=\"stylesheet\" href=\"{{ \"style.css\" | relURL }}\"></head><body><header><a href=\"{{ \"/\" | relURL }}\">{{ .Site.Title }}</a><nav><a href=\"{{ \"incidents/\" | relURL }}\">Incidents</a> <a href=\"{{ \"faq/\" | relURL }}\">FAQ</a> <a href=\"{{ \"guides/\" | relURL }}\">Guides</a> <a href=\"{{ \"tags/\" | relURL }}\">Tags</a></nav></header><main>{{ block \"main\" . }}{{ end }}</main><footer>{{ .Site.Title }}</footer></body></html>\n",
    ),
    (
        "layouts/_default/single.html",
        "{{ define \"main\" }}<article><h1>{{ .Title }}</h1>{{ with .Params.id }}<p class=\"id\">{{ . }}</p>{{ end }}<p>{{ .Date.Format \"2006-01-02\" }}{{ with .Params.severity }} · severity {{ . }}{{ end }}{{ with .Params.status }} · {{ . }}{{ end }}</p>{{ with .Params.affected }}<ul class=\"affected\">{{ range . }}<li>{{ .vendor }} {{ .product }}</li>{{ end }}</ul>{{ end }}{{ with .Params.cves }}<ul class=\"cves\">{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}{{ with .Params.timeline }}<ol class=\"timeline\">{{ range . }}<li><time>{{ .date }}</time> {{ .event | markdownify }}</li>{{ end }}</ol>{{ end }}{{ with .Params.actions }}<ul class=\"actions\">{{ range . }}<li>{{ . | markdownify }}</li>{{ end }}</ul>{{ end }}<nav class=\"toc\">{{ .TableOfContents }}</nav>{{ .Content }}{{ with .Params.references }}<ul class=\"refs\">{{ range . }}<li><a href=\"{{ .url }}\">{{ .title }}</a></li>{{ end }}</ul>{{ end }}<ul class=\"tags\">{{ range .GetTerms \"tags\" }}<li><a href=\"{{ .RelPermalink }}\">{{ .LinkTitle }}</a></li>{{ end }}</ul></article>{{ end }}\n",
    ),
    (
        "layouts/_default/list.html",
        "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Date.Format \"2006-01-02\" }}</li>{{ end }}</ul>{{ end }}\n",
    ),
    (
        "layouts/index.searchindex.json",
        "{{- $idx := slice -}}{{- range .Site.RegularPages -}}{{- $idx = $idx | append (dict \"title\" .Title \"url\" .RelPermalink \"tags\" .Params.tags \"summary\" .Summary \"content\" .Plain) -}}{{- end -}}{{- $idx | jsonify -}}\n",
    ),
    ("static/style.css", "body{font-family:sans-serif;max-width:50rem;margin:auto}\n"),
];

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(path, text)
}

/// The site's configuration and templates for `format`.
fn write_site_files(out: &Path, format: Format) -> std::io::Result<()> {
    match format {
        Format::Seckb => write(&out.join("seckb.yaml"), SECKB_CONFIG)?,
        Format::Hugo => {
            write(&out.join("hugo.toml"), HUGO_CONFIG)?;
            write(&out.join("hugo-search.toml"), HUGO_SEARCH_CONFIG)?;
            for (path, text) in HUGO_LAYOUTS {
                write(&out.join(path), text)?;
            }
        }
        Format::Zola => {
            write(&out.join("config.toml"), zola::CONFIG)?;
            for (path, text) in zola::TEMPLATES {
                write(&out.join(path), text)?;
            }
        }
    }
    Ok(())
}

fn generate(
    out: &Path,
    docs: usize,
    seed: u64,
    format: Format,
    shape: Shape,
) -> std::io::Result<()> {
    let c = Corpus::new(docs, seed, format, shape);
    let content = out.join("content");
    write_site_files(out, format)?;
    for (kind, title) in [
        (Kind::Incident, "Incidents"),
        (Kind::Faq, "Questions and answers"),
        (Kind::Guide, "Guides"),
    ] {
        let text = format!(
            "---\ntitle: {title}\n---\n\nEvery {} of the benchmark knowledge base.\n",
            kind.section()
        );
        write(
            &content.join(kind.section()).join("_index.md"),
            &format_fix(format, text),
        )?;
    }
    for p in &c.incidents {
        let text = incident(&c, p);
        write(
            &content.join("incidents").join(&p.file),
            &format_fix(format, text),
        )?;
    }
    for p in &c.faqs {
        write(
            &content.join("faq").join(&p.file),
            &format_fix(format, faq(&c, p)),
        )?;
    }
    for p in &c.guides {
        write(
            &content.join("guides").join(&p.file),
            &format_fix(format, guide(&c, p)),
        )?;
    }
    Ok(())
}

/// Hugo keeps seckb's front matter as page params; only keys Hugo gives a
/// meaning of its own need renaming (`updated` → `lastmod`). Zola wants
/// TOML front matter with its own keys (zola.rs).
fn format_fix(format: Format, text: String) -> String {
    match format {
        Format::Seckb => text,
        Format::Hugo => text.replacen("\nupdated: ", "\nlastmod: ", 1),
        Format::Zola => zola::front_matter(&text),
    }
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: gen-corpus --docs N --out DIR [--seed N] [--format seckb|hugo|zola] [--shape gen|code|prose]"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut docs = None;
    let mut out: Option<PathBuf> = None;
    let mut seed = 1u64;
    let mut format = Format::Seckb;
    let mut shape = Shape::Gen;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--docs", Some(v)) => match v.parse::<usize>() {
                Ok(n) => docs = Some(n),
                Err(_) => return usage(),
            },
            ("--out", Some(v)) => out = Some(PathBuf::from(v)),
            ("--seed", Some(v)) => match v.parse() {
                Ok(n) => seed = n,
                Err(_) => return usage(),
            },
            ("--format", Some(v)) => {
                format = match v.as_str() {
                    "seckb" => Format::Seckb,
                    "hugo" => Format::Hugo,
                    "zola" => Format::Zola,
                    _ => return usage(),
                }
            }
            ("--shape", Some(v)) => {
                shape = match v.as_str() {
                    "gen" => Shape::Gen,
                    "code" => Shape::Code,
                    "prose" => Shape::Prose,
                    _ => return usage(),
                }
            }
            _ => return usage(),
        }
    }
    let (Some(docs), Some(out)) = (docs, out) else {
        return usage();
    };
    if out.join("content").exists() {
        eprintln!(
            "gen-corpus: {} already has content/; remove it first",
            out.display()
        );
        return ExitCode::from(1);
    }
    match generate(&out, docs, seed, format, shape) {
        Ok(()) => {
            eprintln!("gen-corpus: {docs} documents in {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen-corpus: {}: {e}", out.display());
            ExitCode::from(1)
        }
    }
}
