//! Translations (issue 23): every shipped language has exactly the keys of
//! `en`; no template holds English outside a `t()` call; a demo built in
//! German shows no English UI string; a site's override is checked key by
//! key; an unknown language is a located config error; and the sharing
//! (OpenGraph, Twitter) meta of every page.

use crate::common::{copy_demo, errors, options, repo};
use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// The shipped translation file of `language`.
fn language(language: &str) -> Mapping {
    let path = repo().join(format!("themes/default/i18n/{language}.yaml"));
    let text = std::fs::read_to_string(&path).expect("read");
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Each key of a file with its forms (one string, or the `one` and `other` of a plural).
fn forms(map: &Mapping) -> BTreeMap<String, Vec<String>> {
    map.iter()
        .map(|(k, v)| {
            let key = k.as_str().expect("string key").to_string();
            let forms = match v {
                Value::String(s) => vec![s.clone()],
                Value::Mapping(m) => ["one", "other"]
                    .iter()
                    .map(|f| {
                        m.get(*f)
                            .and_then(Value::as_str)
                            .unwrap_or_else(|| panic!("{key}: no {f}"))
                            .to_string()
                    })
                    .collect(),
                other => panic!("{key}: {other:?} is neither a string nor a plural"),
            };
            (key, forms)
        })
        .collect()
}

#[test]
fn every_shipped_language_has_exactly_the_keys_of_en_in_the_same_shape() {
    let en = forms(&language("en"));
    let dir = repo().join("themes/default/i18n");
    let mut languages = Vec::new();
    let placeholder = Regex::new(r"\{([a-z_]+)\}").unwrap();
    for entry in std::fs::read_dir(&dir).expect("i18n/") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let lang = name
            .strip_suffix(".yaml")
            .unwrap_or_else(|| panic!("{name} is not <lang>.yaml"));
        let own = forms(&language(lang));
        let missing: Vec<_> = en.keys().filter(|k| !own.contains_key(*k)).collect();
        let extra: Vec<_> = own.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{lang} misses {missing:?}");
        assert!(extra.is_empty(), "{lang} has keys en lacks: {extra:?}");
        for (key, f) in &own {
            assert_eq!(
                f.len(),
                en[key].len(),
                "{lang}: `{key}` is not of en's shape"
            );
            let placeholders = |s: &str| {
                let mut p: Vec<String> = placeholder
                    .captures_iter(s)
                    .map(|c| c[1].to_string())
                    .collect();
                p.sort();
                p.dedup();
                p
            };
            // A date's pattern may use every part of a date.
            let allowed = match key.as_str() {
                "date_format" => ["day", "dd", "mm", "month", "year"]
                    .map(String::from)
                    .to_vec(),
                _ => placeholders(&en[key].join(" ")),
            };
            for form in f {
                for p in placeholders(form) {
                    assert!(
                        allowed.contains(&p),
                        "{lang}: `{key}` uses {{{p}}}, which en's does not"
                    );
                }
            }
        }
        languages.push(lang.to_string());
    }
    languages.sort();
    assert_eq!(languages, ["de", "en", "fr"]);
}

/// Words a template may hold outside t(): names of standards, written the
/// same in every language (their expansions are translated, in `title`).
const ALLOWED: [&str; 4] = ["TLP", "CVSS", "CVE", "CWE"];

/// The attributes a reader sees or hears.
const READ_ATTRIBUTES: [&str; 5] = ["title", "aria-label", "placeholder", "alt", "data-label"];

/// `text` without Tera's tags, comments and output: what a template writes itself.
fn template_own_text(text: &str) -> String {
    let tags = Regex::new(r"(?s)\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}").unwrap();
    // <noscript> is raw text to a parser with scripting on: read it as a <div>.
    tags.replace_all(text, " ")
        .replace("<noscript>", "<div>")
        .replace("</noscript>", "</div>")
}

/// The words (two letters or more) of `text` that are not allowed.
fn words_outside_t(text: &str) -> Vec<String> {
    Regex::new(r"[A-Za-zÀ-ÿ]{2,}")
        .unwrap()
        .find_iter(text)
        .map(|m| m.as_str().to_string())
        .filter(|w| !ALLOWED.contains(&w.as_str()))
        .collect()
}

#[test]
fn no_template_writes_a_word_outside_a_translation_call() {
    let dir = repo().join("themes/default/templates");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("templates/") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let html = Html::parse_fragment(&template_own_text(&text));
        for node in html.tree.nodes() {
            let inside_code = node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "code" | "script" | "style"))
            });
            match node.value() {
                Node::Text(t) if !inside_code => {
                    found.extend(words_outside_t(t).into_iter().map(|w| (path.clone(), w)))
                }
                Node::Element(e) => {
                    for (name, value) in e.attrs() {
                        if READ_ATTRIBUTES.contains(&name) {
                            found.extend(
                                words_outside_t(value)
                                    .into_iter()
                                    .map(|w| (path.clone(), w)),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
    assert!(found.is_empty(), "words outside t(): {found:#?}");
    // The check sees English: a template with a word fails it.
    let probe = Html::parse_fragment(&template_own_text(
        r#"<p title="Open">{{ t(key="x") }} Timeline</p>"#,
    ));
    let text: String = probe.root_element().text().collect();
    assert_eq!(words_outside_t(&text), ["Timeline"]);
}

/// The demo, copied to a temporary folder, with `language:` set to `lang`.
fn demo_in(lang: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_demo(dir.path());
    let config = dir.path().join("seckb.yaml");
    let text = std::fs::read_to_string(&config).expect("read");
    std::fs::write(
        &config,
        text.replace("\nlanguage: en\n", &format!("\nlanguage: {lang}\n")),
    )
    .expect("write");
    dir
}

/// Elements that hold a document's own words: bodies, answers, timeline
/// events, update texts, actions (their Markdown), and the table of
/// contents (its headings).
const CONTENT_CLASSES: [&str; 5] = [
    "prose",
    "faq-answer",
    "timeline-event",
    "changelog-text",
    "checklist",
];

/// The text nodes and read attributes of a page outside its documents'
/// own content ([`CONTENT_CLASSES`]; scripts, styles, code).
fn ui_texts(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut out = Vec::new();
    for node in doc.tree.nodes() {
        let skipped = node.ancestors().any(|a| {
            ElementRef::wrap(a).is_some_and(|e| {
                matches!(e.value().name(), "script" | "style" | "code" | "pre")
                    || e.value()
                        .classes()
                        .any(|c| CONTENT_CLASSES.contains(&c) || c.starts_with("toc-l"))
            })
        });
        if skipped {
            continue;
        }
        match node.value() {
            Node::Text(t) if !t.trim().is_empty() => out.push(t.trim().to_string()),
            Node::Element(e) => out.extend(
                e.attrs()
                    .filter(|(n, _)| READ_ATTRIBUTES.contains(n) || n.starts_with("data-label"))
                    .map(|(_, v)| v.trim().to_string()),
            ),
            _ => {}
        }
    }
    out
}

#[test]
fn the_demo_in_german_shows_no_english_ui_string() {
    let dir = demo_in("de");
    let built =
        seckb::build(&options(dir.path())).unwrap_or_else(|f| panic!("{:#?}", f.diagnostics));
    let (en, de) = (forms(&language("en")), forms(&language("de")));
    // Each English string that German says differently, as a pattern of a
    // whole text (placeholders match anything).
    let patterns: Vec<(String, Regex)> = en
        .iter()
        .filter(|(k, v)| de[*k] != **v)
        .flat_map(|(k, v)| v.iter().map(move |f| (k.clone(), f.clone())))
        .filter(|(_, f)| {
            let words = Regex::new(r"\{[a-z_]+\}").unwrap().replace_all(f, "");
            Regex::new(r"[A-Za-z]{3,}").unwrap().is_match(&words)
        })
        .map(|(k, f)| {
            let parts: Vec<String> = Regex::new(r"\{[a-z_]+\}")
                .unwrap()
                .split(f.trim())
                .map(regex::escape)
                .collect();
            (k, Regex::new(&format!("^{}$", parts.join(".+?"))).unwrap())
        })
        .collect();
    // Document titles come from the content, as written.
    let content: std::collections::HashSet<&str> = built
        .site
        .pages
        .iter()
        .map(|p| p.doc.meta.title.as_str())
        .collect();
    let mut english = Vec::new();
    let mut pages = 0;
    for (path, file) in built.output.files() {
        if !path.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = file.text().expect("text");
        assert!(html.contains("<html lang=\"de\">"), "{path}");
        for text in ui_texts(&html) {
            if content.contains(text.as_str())
                || built.site.lists.iter().any(|l| l.section.title == text)
            {
                continue;
            }
            if let Some((key, _)) = patterns.iter().find(|(_, p)| p.is_match(&text)) {
                english.push(format!("{path}: {text:?} (en `{key}`)"));
            }
        }
    }
    assert!(pages > 20, "{pages} pages");
    assert!(
        english.is_empty(),
        "English left in the German build:\n{}",
        english.join("\n")
    );
    // A severity's page is titled in German too.
    let high = built
        .output
        .get("severity/high/index.html")
        .and_then(|f| f.text())
        .expect("severity page")
        .into_owned();
    assert!(
        high.contains("<title>Schweregrad: hoch · "),
        "{}",
        &high[..high.len().min(1500)]
    );
    // Dates are German, the machine-readable ones ISO.
    let home = home_page(&built);
    assert!(Regex::new(r#"<time datetime="\d{4}-\d{2}-\d{2}">\d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4}</time>"#).unwrap().is_match(&home));
}

#[test]
fn french_dates_and_plurals_follow_french_rules() {
    let dir = demo_in("fr");
    let built =
        seckb::build(&options(dir.path())).unwrap_or_else(|f| panic!("{:#?}", f.diagnostics));
    let home = home_page(&built);
    assert!(home.contains("<html lang=\"fr\">"));
    assert!(Regex::new(r#">\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}</time>"#).unwrap().is_match(&home));
    assert!(home.contains("Incidents en cours"));
}

#[test]
fn an_unknown_language_is_a_config_error_at_the_key_listing_the_languages() {
    let dir = demo_in("xx");
    let failed = seckb::build(&options(dir.path())).expect_err("must fail");
    let e = errors(&failed.diagnostics);
    assert_eq!(
        e,
        [crate::common::diag("E0002", "seckb.yaml", 5, 11)],
        "{:#?}",
        failed.diagnostics
    );
    let help = failed.diagnostics[0].help.clone().unwrap_or_default();
    assert!(help.contains("de, en, fr"), "{help}");
}

#[test]
fn a_site_overrides_keys_and_an_unknown_key_is_an_error_at_its_line() {
    let dir = demo_in("de");
    std::fs::create_dir_all(dir.path().join("i18n")).expect("mkdir");
    std::fs::write(dir.path().join("i18n/de.yaml"), "nav.tags: Themen\n").expect("write");
    let built =
        seckb::build(&options(dir.path())).unwrap_or_else(|f| panic!("{:#?}", f.diagnostics));
    let home = home_page(&built);
    assert!(home.contains(">Themen</a>"));
    std::fs::write(
        dir.path().join("i18n/de.yaml"),
        "nav.tags: Themen\nnav.tagz: Tippfehler\n",
    )
    .expect("write");
    let failed = seckb::build(&options(dir.path())).expect_err("must fail");
    assert_eq!(
        errors(&failed.diagnostics),
        [crate::common::diag("E0102", "i18n/de.yaml", 2, 1)]
    );
    // A language the theme lacks, added by the site, must have every key.
    let dir = demo_in("nl");
    std::fs::create_dir_all(dir.path().join("i18n")).expect("mkdir");
    std::fs::write(dir.path().join("i18n/nl.yaml"), "nav.tags: Trefwoorden\n").expect("write");
    let failed = seckb::build(&options(dir.path())).expect_err("must fail");
    assert_eq!(errors(&failed.diagnostics)[0].file, "i18n/nl.yaml");
}

#[test]
fn a_translation_key_no_language_has_fails_when_the_templates_load() {
    let dir = demo_in("en");
    std::fs::create_dir_all(dir.path().join("templates")).expect("mkdir");
    std::fs::write(dir.path().join("templates/404.html"), "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ t(key=\"no.such.key\") }}</p>\n{% endblock content %}\n").expect("write");
    let failed = seckb::build(&options(dir.path())).expect_err("must fail");
    assert_eq!(
        errors(&failed.diagnostics),
        [crate::common::diag("E0500", "templates/404.html", 3, 7)]
    );
}

/// The `content` of `<meta property|name="name">` on a page.
fn meta(doc: &Html, name: &str) -> Option<String> {
    let s = Selector::parse(&format!(r#"meta[property="{name}"], meta[name="{name}"]"#)).unwrap();
    doc.select(&s)
        .next()
        .and_then(|e| e.value().attr("content"))
        .map(str::to_string)
}

#[test]
fn every_page_carries_sharing_meta_escaped_and_without_images() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "seckb.yaml",
        "title: Kb \"q\" <b>\nbase_url: https://kb.example.org/sub/\n",
    );
    write(root, "content/incidents/x.md", "---\ntitle: 'He said \"hi\" <script>alert(1)</script>'\ndate: 2026-11-01\nseverity: high\nstatus: resolved\nsummary: A & B < C\n---\nBody.\n");
    let built = seckb::build(&options(root)).unwrap_or_else(|f| panic!("{:#?}", f.diagnostics));
    let mut pages = 0;
    for (path, file) in built.output.files() {
        if !path.ends_with(".html") {
            continue;
        }
        let html = file.text().expect("text");
        let doc = Html::parse_document(&html);
        let canonical = Selector::parse(r#"link[rel="canonical"]"#).unwrap();
        let canonical = doc
            .select(&canonical)
            .next()
            .and_then(|e| e.value().attr("href"))
            .map(str::to_string);
        if path.as_str() == "404.html"
            || meta(&doc, "og:url").is_none() && html.contains("http-equiv=\"refresh\"")
        {
            // alias redirects carry no card
        }
        if html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        pages += 1;
        assert_eq!(meta(&doc, "og:url"), canonical, "{path}");
        assert!(
            meta(&doc, "og:url").is_some_and(|u| u.starts_with("https://kb.example.org/sub/")),
            "{path}"
        );
        assert_eq!(
            meta(&doc, "og:site_name").as_deref(),
            Some("Kb \"q\" <b>"),
            "{path}"
        );
        assert_eq!(
            meta(&doc, "twitter:card").as_deref(),
            Some("summary"),
            "{path}"
        );
        assert!(
            meta(&doc, "og:title").is_some() && meta(&doc, "og:description").is_some(),
            "{path}"
        );
        assert!(
            meta(&doc, "og:image").is_none() && meta(&doc, "twitter:image").is_none(),
            "{path}"
        );
        let kind = if path.as_str() == "incidents/x/index.html" {
            "article"
        } else {
            "website"
        };
        assert_eq!(meta(&doc, "og:type").as_deref(), Some(kind), "{path}");
        assert!(!html.contains("<script>alert(1)"), "{path}");
        assert!(!html.contains("<b>\">"), "{path}");
    }
    assert!(pages > 5);
    let page = built
        .output
        .get("incidents/x/index.html")
        .and_then(|f| f.text())
        .expect("page")
        .into_owned();
    let doc = Html::parse_document(&page);
    assert_eq!(
        meta(&doc, "og:title").as_deref(),
        Some("He said \"hi\" <script>alert(1)</script>")
    );
    assert_eq!(meta(&doc, "og:description").as_deref(), Some("A & B < C"));
    assert!(
        page.contains("content=\"He said &quot;hi&quot; &lt;script&gt;alert(1)&lt;/script&gt;\"")
    );
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// The keys seckb's own code asks for (page titles, taxonomy titles, the
/// charts' texts, month names) are all in `en.yaml`: `Strings::text` falls
/// back to the key itself, which a reader must never see. Literal keys are
/// found in the source; the built ones are listed with what builds them.
#[test]
fn every_key_the_code_asks_for_is_in_en() {
    let en = forms(&language("en"));
    let mut keys: Vec<String> = Vec::new();
    let literal = Regex::new(r#"\.text\(\s*"([a-z_]+\.[a-z_.]+|[a-z_]+_[a-z_]+)""#).unwrap();
    let mut stack = vec![repo().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read");
                keys.extend(literal.captures_iter(&text).map(|c| c[1].to_string()));
            }
        }
    }
    assert!(keys.len() >= 6, "{keys:?}");
    keys.extend(["tags", "vendors", "severity", "status"].map(|t| format!("taxonomy.{t}")));
    keys.extend(["critical", "high", "medium", "low"].map(|s| format!("severity.term_{s}")));
    keys.extend(
        ["investigating", "identified", "monitoring", "resolved"]
            .map(|s| format!("status.term_{s}")),
    );
    keys.extend(["none", "low", "medium", "high", "critical"].map(|s| format!("cvss.{s}")));
    for m in 1..=12 {
        keys.push(format!("month_{m}"));
        keys.push(format!("month_short_{m}"));
    }
    keys.extend(
        [
            "date_format",
            "month_label",
            "chart.months_title",
            "chart.months_desc",
            "chart.months_desc_empty",
            "chart.vendors_desc",
        ]
        .map(String::from),
    );
    let missing: Vec<&String> = keys.iter().filter(|k| !en.contains_key(*k)).collect();
    assert!(
        missing.is_empty(),
        "keys the code uses that en.yaml lacks: {missing:?}"
    );
}

/// The keys affected.js asks for: full `checker.*`/`severity.*` literals
/// (the parsers' reasons, the scheme names) and the short names of `tr()`
/// (`checker.<name>`), among them both sides of a `tr(a ? "x" : "y", …)`;
/// the severities its badges name are built, so they are listed.
fn checker_script_keys() -> Vec<String> {
    let path = repo().join("themes/default/static/affected.js");
    let script = std::fs::read_to_string(&path).expect("affected.js");
    let full = Regex::new(r#""((?:checker|severity)\.[a-z0-9_.]*[a-z0-9_])""#).unwrap();
    let tr_call = Regex::new(r"\btr\(([^,)]*)").unwrap();
    let name = Regex::new(r#""([a-z_]+)""#).unwrap();
    let mut keys: Vec<String> = full
        .captures_iter(&script)
        .map(|c| c[1].to_string())
        .collect();
    for call in tr_call.captures_iter(&script) {
        keys.extend(
            name.captures_iter(&call[1])
                .map(|c| format!("checker.{}", &c[1])),
        );
    }
    keys.extend(["critical", "high", "medium", "low"].map(|s| format!("severity.{s}")));
    keys.sort();
    keys.dedup();
    keys
}

/// Every message the lock-file checker and the version box show (the
/// parsers' reasons included) is in `en.yaml`, hence in every language, and
/// in the `checker-strings` block of both pages that load the script: a key
/// missing from either would show the reader the key itself.
#[test]
fn every_key_the_checker_script_asks_for_is_in_en_and_in_its_strings_block() {
    let en = forms(&language("en"));
    let keys = checker_script_keys();
    for family in [
        "checker.why.",
        "checker.lock.",
        "checker.skip.",
        "checker.compact.",
    ] {
        assert!(
            keys.iter().filter(|k| k.starts_with(family)).count() >= 5,
            "few {family} keys found: {keys:?}"
        );
    }
    let missing: Vec<&String> = keys.iter().filter(|k| !en.contains_key(*k)).collect();
    assert!(
        missing.is_empty(),
        "affected.js asks for keys en.yaml lacks: {missing:?}"
    );
    let block =
        Regex::new(r#"id="checker-strings">\{\{ strings_json\(prefixes=\[([^\]]*)\]\)"#).unwrap();
    let prefix = Regex::new(r#""([^"]+)""#).unwrap();
    for template in ["incident.html", "affected.html"] {
        let path = repo().join("themes/default/templates").join(template);
        let text = std::fs::read_to_string(&path).expect("template");
        let list = block
            .captures(&text)
            .unwrap_or_else(|| panic!("{template} has no checker-strings block"));
        let prefixes: Vec<String> = prefix
            .captures_iter(&list[1])
            .map(|c| c[1].to_string())
            .collect();
        let outside: Vec<&String> = keys
            .iter()
            .filter(|k| !prefixes.iter().any(|p| k.starts_with(p.as_str())))
            .collect();
        assert!(
            outside.is_empty(),
            "{template}'s checker-strings lacks {outside:?}"
        );
    }
}

/// The home page of a build, as text.
fn home_page(built: &seckb::Built) -> String {
    built
        .output
        .get("index.html")
        .and_then(|f| f.text())
        .expect("home")
        .into_owned()
}
