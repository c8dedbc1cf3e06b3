//! `seckb init` and `seckb new`: write a ready site, or a new document with a
//! commented front-matter skeleton. The files live in the repository's
//! `scaffold/` folder as real files (so they can be read, linted and built
//! like any site) and are embedded in the binary.

use crate::content::{self, Kind};
use crate::diagnostics::{Code, Diagnostic, Location};
use chrono::Datelike;
use std::path::{Path, PathBuf};

/// The workflow `init` writes, with `{{seckb_action}}` and
/// `{{seckb_version}}` still in it.
const PAGES_WORKFLOW: &str = include_str!("../scaffold/site/pages.yml");

/// Where `init` writes the workflow.
pub const PAGES_WORKFLOW_PATH: &str = ".github/workflows/pages.yml";

/// The other files `seckb init` writes: their paths in the new site and texts.
const SITE_FILES: [(&str, &str); 6] = [
    ("seckb.yaml", include_str!("../scaffold/site/seckb.yaml")),
    (".gitignore", include_str!("../scaffold/site/gitignore")),
    (
        "content/_index.md",
        include_str!("../scaffold/site/content/_index.md"),
    ),
    (
        "content/incidents/2026-01-12-phishing-emails-impersonating-support.md",
        include_str!(
            "../scaffold/site/content/incidents/2026-01-12-phishing-emails-impersonating-support.md"
        ),
    ),
    (
        "content/faq/reporting-security-issues.md",
        include_str!("../scaffold/site/content/faq/reporting-security-issues.md"),
    ),
    (
        "content/guides/verify-our-emails.md",
        include_str!("../scaffold/site/content/guides/verify-our-emails.md"),
    ),
];

/// The GitHub Pages workflow `init` writes: it sets seckb up with the
/// action of seckb's repository at the tag of this version.
pub fn pages_workflow() -> String {
    PAGES_WORKFLOW
        .replace("{{seckb_action}}", action_repository())
        .replace("{{seckb_version}}", env!("CARGO_PKG_VERSION"))
}

/// The setup action's `OWNER/REPO`: seckb's repository (Cargo.toml's
/// `repository`, a GitHub URL) without its host.
pub fn action_repository() -> &'static str {
    let url = env!("CARGO_PKG_REPOSITORY");
    url.strip_prefix("https://github.com/").unwrap_or(url)
}

/// Writes a new site into `dir` and returns the files written, relative to it.
/// `dir` must be empty (a lone `.git` folder is fine) unless `force` is set;
/// with `force`, files of the same names are replaced and others kept.
pub fn init(dir: &Path, force: bool) -> Result<Vec<PathBuf>, Diagnostic> {
    let io = |e: std::io::Error, what: &Path| {
        Diagnostic::error(Code::Io, format!("cannot write {}: {e}", what.display()))
            .at(Location::file(what))
    };
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            let mut found: Vec<String> = entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name != ".git")
                .collect();
            found.sort();
            if !found.is_empty() && !force {
                return Err(Diagnostic::error(
                    Code::WouldOverwrite,
                    format!(
                        "{} is not empty (it holds {}); seckb init writes only into an empty folder",
                        dir.display(),
                        list(&found)
                    ),
                )
                .at(Location::file(dir))
                .help("choose a new folder, or pass --force to write the site's files over what is there"));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(Diagnostic::error(
                Code::WouldOverwrite,
                format!("{} exists and is not a folder", dir.display()),
            )
            .at(Location::file(dir)));
        }
        Err(e) => return Err(io(e, dir)),
    }
    let workflow = pages_workflow();
    let files = SITE_FILES
        .into_iter()
        .chain([(PAGES_WORKFLOW_PATH, workflow.as_str())]);
    let mut written = Vec::with_capacity(SITE_FILES.len() + 1);
    for (path, text) in files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(e, parent))?;
        }
        std::fs::write(&target, text).map_err(|e| io(e, &target))?;
        written.push(PathBuf::from(path));
    }
    Ok(written)
}

/// `a, b and 3 more`: a short list of names for a message.
fn list(names: &[String]) -> String {
    let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
    match names.len() {
        0..=3 => shown.join(", "),
        n => format!("{} and {} more", shown.join(", "), n - 3),
    }
}

/// What `seckb new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NewKind {
    Incident,
    Faq,
    Page,
}

/// The folder under `content/` that `seckb new page` uses without `--section`.
pub const DEFAULT_PAGE_SECTION: &str = "guides";

/// Writes a new draft document into the site at `root` and returns its path
/// relative to the root. Incidents are `content/incidents/<date>-<slug>.md`,
/// FAQs `content/faq/<slug>.md`, pages `content/<section>/<slug>.md`. An
/// existing file, or one that would take the same URL, is never overwritten.
pub fn new_document(
    root: &Path,
    kind: NewKind,
    title: &str,
    section: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<PathBuf, Diagnostic> {
    let usage = |message: String, help: &str| Diagnostic::error(Code::Config, message).help(help);
    let title = title.trim();
    if title.is_empty() || title.contains(['\n', '\r']) {
        return Err(usage(
            "the title must be one non-empty line".into(),
            "for example: seckb new incident \"Phishing emails impersonating support\"",
        ));
    }
    let slug = content::slugify(title);
    if slug.is_empty() {
        return Err(usage(
            format!("the title `{title}` has no letters or digits to make a file name of"),
            "give a title with letters or digits",
        ));
    }
    let section = match (kind, section) {
        (NewKind::Incident, None) => "incidents",
        (NewKind::Faq, None) => "faq",
        (NewKind::Page, None) => DEFAULT_PAGE_SECTION,
        (NewKind::Page, Some(s)) => page_section(s)?,
        (_, Some(_)) => return Err(usage(
            "--section is only for pages: incidents go to content/incidents/, FAQs to content/faq/"
                .into(),
            "leave out --section",
        )),
    };
    let date = today.format("%Y-%m-%d").to_string();
    let name = match kind {
        NewKind::Incident => format!("{date}-{slug}.md"),
        NewKind::Faq | NewKind::Page => format!("{slug}.md"),
    };
    let relative = PathBuf::from("content").join(section).join(&name);
    let folder = root.join("content").join(section);
    if let Some(existing) = same_url(&folder, &slug) {
        let existing = Path::new("content").join(section).join(existing);
        let message = if existing == relative {
            format!(
                "{} already exists; seckb new never overwrites a file",
                existing.display()
            )
        } else {
            format!(
                "{} already has the URL {section}/{slug}/ that {} would take",
                existing.display(),
                relative.display()
            )
        };
        return Err(Diagnostic::error(Code::WouldOverwrite, message)
            .at(Location::file(&existing))
            .help("choose another title, or edit the existing document"));
    }
    let template = match kind {
        NewKind::Incident => include_str!("../scaffold/new/incident.md"),
        NewKind::Faq => include_str!("../scaffold/new/faq.md"),
        NewKind::Page => include_str!("../scaffold/new/page.md"),
    };
    let text = template
        .replace("{{title}}", &crate::yaml::quoted(title))
        .replace("{{date}}", &date)
        .replace("{{id}}", &next_free_id(root, today.year()));
    let io = |e: std::io::Error| {
        Diagnostic::error(
            Code::Io,
            format!("cannot write {}: {e}", relative.display()),
        )
        .at(Location::file(&relative))
    };
    std::fs::create_dir_all(&folder).map_err(io)?;
    // `create_new` refuses a file that appeared since the check above.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(root.join(&relative))
        .map_err(io)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(io)?;
    Ok(relative)
}

/// The id `seckb new incident` suggests: one the site does not use yet,
/// in the site's own pattern. Ids of the form `PREFIX-YEAR-NUMBER` found
/// in the front matter of every document under `content/` give the prefix
/// (the one most used) and the number's width; the number follows the
/// highest of this year's. Without any, `INC-YEAR-0001`.
fn next_free_id(root: &Path, year: i32) -> String {
    let mut used = std::collections::BTreeSet::new();
    let mut prefixes: std::collections::BTreeMap<String, usize> = Default::default();
    for entry in walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
    {
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let Ok(file) = crate::content::load::read_source(entry.path(), rel) else {
            continue;
        };
        let Some(id) = crate::content::validate::declared_id(&file) else {
            continue;
        };
        if let Some((prefix, _, _)) = split_id(&id) {
            *prefixes.entry(prefix.to_string()).or_default() += 1;
        }
        used.insert(id);
    }
    let prefix = prefixes
        .iter()
        .max_by_key(|(_, count)| **count)
        .map_or("INC", |(prefix, _)| prefix.as_str());
    let width = used
        .iter()
        .filter_map(|id| split_id(id))
        .filter(|(p, _, _)| *p == prefix)
        .map(|(_, _, n)| n.len())
        .max()
        .unwrap_or(4);
    let highest = used
        .iter()
        .filter_map(|id| split_id(id))
        .filter(|(p, y, _)| *p == prefix && *y == year)
        .filter_map(|(_, _, n)| n.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    (highest + 1..)
        .map(|n| format!("{prefix}-{year}-{n:0width$}"))
        .find(|id| !used.contains(id))
        .unwrap_or_else(|| format!("{prefix}-{year}-{}", highest + 1))
}

/// `ACME-2026-0042` as (`ACME`, 2026, `0042`).
fn split_id(id: &str) -> Option<(&str, i32, &str)> {
    let (rest, number) = id.rsplit_once('-')?;
    let (prefix, year) = rest.rsplit_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(number) && year.len() == 4 && digits(year) && !prefix.is_empty())
        .then(|| Some((prefix, year.parse().ok()?, number)))
        .flatten()
}

/// Checks a `--section` for a page: a plain folder name that makes pages.
fn page_section(section: &str) -> Result<&str, Diagnostic> {
    let reserved = crate::site::RESERVED
        .iter()
        .any(|r| r.trim_end_matches('/') == section);
    let problem = if section.is_empty() || content::slugify(section) != section {
        Some("lower-case letters, digits and `-` only")
    } else if Kind::from_section(section) != Kind::Page {
        Some("incidents/ and faq/ hold incidents and FAQs: use `seckb new incident` or `seckb new faq`")
    } else if reserved {
        Some("seckb generates pages there")
    } else {
        None
    };
    match problem {
        Some(why) => Err(Diagnostic::error(
            Code::Config,
            format!("--section `{section}` cannot hold pages: {why}"),
        )
        .help(format!(
            "for example --section {DEFAULT_PAGE_SECTION} or --section policies"
        ))),
        None => Ok(section),
    }
}

/// The file directly in `folder` whose URL slug is `slug`, if any: the same
/// file name, or another date in front of it.
fn same_url(folder: &Path, slug: &str) -> Option<String> {
    let entries = std::fs::read_dir(folder).ok()?;
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    names.sort();
    names
        .into_iter()
        .find(|n| crate::content::validate::slug_from_path(Path::new(n)) == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with_ids(ids: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let incidents = dir.path().join("content/incidents");
        std::fs::create_dir_all(&incidents).unwrap();
        for (i, id) in ids.iter().enumerate() {
            std::fs::write(
                incidents.join(format!("{i}.md")),
                format!("---\ntitle: T{i}\nid: {id}\n---\n"),
            )
            .unwrap();
        }
        dir
    }

    #[test]
    fn new_suggests_the_next_free_id_in_the_sites_pattern() {
        let cases: [(&[&str], &str); 5] = [
            (&[], "INC-2026-0001"),
            (
                &["INC-2026-0007", "INC-2026-0002", "INC-2025-0100"],
                "INC-2026-0008",
            ),
            (&["INC-2025-0100"], "INC-2026-0001"),
            (
                &["ACME-SA-2026-017", "ACME-SA-2026-003", "INC-2026-0099"],
                "ACME-SA-2026-018",
            ),
            (&["INC-2026-9999"], "INC-2026-10000"),
        ];
        for (ids, expected) in cases {
            let site = site_with_ids(ids);
            assert_eq!(next_free_id(site.path(), 2026), expected, "{ids:?}");
        }
        assert_eq!(split_id("ACME-SA-2026-017"), Some(("ACME-SA", 2026, "017")));
        assert_eq!(split_id("INC-26-1"), None);
        assert_eq!(split_id("2026-0001"), None);
    }

    #[test]
    fn the_sample_configuration_names_every_option() {
        let text = SITE_FILES[0].1;
        for key in crate::yaml::struct_fields::<crate::config::RawConfig>() {
            assert!(
                text.lines().any(|l| l
                    .trim_start_matches(['#', ' '])
                    .starts_with(&format!("{key}:"))),
                "seckb.yaml of `seckb init` does not mention `{key}`"
            );
        }
        let mut found = crate::diagnostics::Diagnostics::new();
        assert!(crate::config::parse(Path::new("."), text, &mut found).is_some());
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn the_workflow_uses_the_action_at_this_version() {
        let text = pages_workflow();
        let action = format!(
            "uses: \"{}@v{}\"\n",
            action_repository(),
            env!("CARGO_PKG_VERSION")
        );
        assert!(text.contains(&action), "{text}");
        assert!(!text.contains("{{seckb"), "{text}");
        // OWNER/REPO: the repository is a GitHub URL.
        assert_eq!(action_repository().matches('/').count(), 1);
        assert_ne!(action_repository(), env!("CARGO_PKG_REPOSITORY"));
    }

    #[test]
    fn titles_are_quoted_for_yaml() {
        for title in [
            "Breach: \"phase 2\" # not a comment",
            "- starts like a list",
            "Back\\slash and tab\t and ünïcode",
            "line\u{2028}separator",
        ] {
            let yaml = format!("title: {}\n", crate::yaml::quoted(title));
            let value = crate::yaml::parse(&yaml).unwrap();
            assert_eq!(value["title"].as_str(), Some(title), "{yaml}");
        }
    }

    #[test]
    fn sections_for_pages_are_checked() {
        assert_eq!(page_section("policies").ok(), Some("policies"));
        for bad in ["faq", "incidents", "tags", "Big Folder", "../x", ""] {
            assert!(page_section(bad).is_err(), "{bad}");
        }
    }
}
