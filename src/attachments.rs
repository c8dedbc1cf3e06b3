//! Files next to documents (attachments) belong to the documents that use
//! them. A build copies such a file only when a published page links to it
//! or embeds it, so evidence that only a draft, an embargoed or a
//! restricted write-up uses is never published, and a folder of files no
//! page uses leaves no trace.
//!
//! A bundle (`incidents/x/index.md` and the files below `incidents/x/`)
//! owns its files: while the bundle's document is unpublished, its files
//! are withheld from every other page too, and a published document that
//! links to one is an error (E0203), as a link to the document would be.

use crate::content::Asset;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::markdown::{resolve_relative, LinkTarget, TargetState, Withheld};
use pulldown_cmark::{Event, Parser, Tag};
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::Path;

/// Splits the files found under `content/` into those pages may use and
/// those an unpublished bundle owns. `documents` holds every document by
/// its path under `content/`, with its state in this build.
pub(crate) fn claim(
    assets: Vec<Asset>,
    documents: &FxHashMap<String, LinkTarget>,
) -> (Vec<Asset>, FxHashMap<String, Withheld>) {
    let mut usable = Vec::with_capacity(assets.len());
    let mut withheld = FxHashMap::default();
    for asset in assets {
        match bundle_of(&asset.path, documents) {
            Some((owner, target)) if target.state != TargetState::Published => {
                let state = target.state.clone();
                withheld.insert(asset.path, Withheld { owner, state });
            }
            _ => usable.push(asset),
        }
    }
    (usable, withheld)
}

/// The innermost bundle document (`folder/index.md`) whose folder holds
/// `path`, if any.
fn bundle_of<'d>(
    path: &str,
    documents: &'d FxHashMap<String, LinkTarget>,
) -> Option<(String, &'d LinkTarget)> {
    let mut folder = path;
    while let Some((parent, _)) = folder.rsplit_once('/') {
        let index = format!("{parent}/index.md");
        if let Some(target) = documents.get(&index) {
            return Some((index, target));
        }
        folder = parent;
    }
    None
}

/// The usable files that the published pages name (`named`: output paths
/// that the pages' links and embeds resolve to), in their order, and a
/// warning for each file that no document uses at all. A file only
/// unpublished documents use is left out without a word: it is not
/// unused, only not public in this build.
pub(crate) fn publish<'a>(
    root: &Path,
    usable: &'a [Asset],
    named: &FxHashSet<String>,
    documents: &FxHashMap<String, LinkTarget>,
    diagnostics: &mut Diagnostics,
) -> Vec<&'a Asset> {
    let (published, unused): (Vec<&Asset>, Vec<&Asset>) =
        usable.iter().partition(|a| named.contains(&a.path));
    if unused.is_empty() {
        return published;
    }
    let hidden_uses = used_by_unpublished(root, documents);
    let warnings = unused
        .into_iter()
        .filter(|a| !hidden_uses.contains(&a.path))
        .map(|a| {
            let file = Path::new("content").join(&a.path);
            Diagnostic::warning(
                Code::UnusedFile,
                format!(
                    "{} is not published: no document links to it or embeds it",
                    file.display()
                ),
            )
            .at(Location::file(&file))
            .help("link to it from a published document, or delete it")
        });
    diagnostics.extend(warnings);
    published
}

/// Paths under `content/` that the Markdown of unpublished documents links
/// to or embeds (front matter included: timeline events and actions are
/// Markdown too). Read again from disk: a build keeps no document bodies.
fn used_by_unpublished(
    root: &Path,
    documents: &FxHashMap<String, LinkTarget>,
) -> FxHashSet<String> {
    let mut used = FxHashSet::default();
    for (path, target) in documents {
        if target.state == TargetState::Published {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(root.join("content").join(path)) else {
            continue;
        };
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        for event in Parser::new(&text) {
            if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event {
                let file = dest_url.split(['#', '?']).next().unwrap_or_default();
                used.extend(resolve_relative(dir, file));
            }
        }
    }
    used
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(state: TargetState) -> LinkTarget {
        LinkTarget {
            url: String::new(),
            state,
        }
    }

    fn asset(path: &str) -> Asset {
        Asset {
            source: Path::new("content").join(path),
            path: path.into(),
        }
    }

    #[test]
    fn files_of_an_unpublished_bundle_are_withheld() {
        let mut documents = FxHashMap::default();
        documents.insert(
            "incidents/red/index.md".to_string(),
            target(TargetState::Unpublished("a draft".into())),
        );
        documents.insert(
            "incidents/clear/index.md".to_string(),
            target(TargetState::Published),
        );
        let (usable, withheld) = claim(
            vec![
                asset("incidents/red/evidence.png"),
                asset("incidents/red/logs/a.txt"),
                asset("incidents/clear/diagram.png"),
                asset("incidents/shared.png"),
            ],
            &documents,
        );
        let usable: Vec<&str> = usable.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(
            usable,
            ["incidents/clear/diagram.png", "incidents/shared.png"]
        );
        let mut withheld: Vec<(&str, &str)> = withheld
            .iter()
            .map(|(p, w)| (p.as_str(), w.owner.as_str()))
            .collect();
        withheld.sort();
        assert_eq!(
            withheld,
            [
                ("incidents/red/evidence.png", "incidents/red/index.md"),
                ("incidents/red/logs/a.txt", "incidents/red/index.md"),
            ]
        );
    }

    #[test]
    fn only_named_files_are_published_and_unused_ones_are_named() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("content/incidents")).unwrap();
        std::fs::write(
            root.path().join("content/incidents/red.md"),
            "---\ntitle: R\ntimeline:\n  - date: 2026-01-01\n    event: \"[log](logs/r.txt)\"\n---\n![x](red.png)\n",
        )
        .unwrap();
        let mut documents = FxHashMap::default();
        documents.insert(
            "incidents/red.md".to_string(),
            target(TargetState::Unpublished("red".into())),
        );
        let usable = vec![
            asset("incidents/used.png"),
            asset("incidents/red.png"),
            asset("incidents/logs/r.txt"),
            asset("incidents/stray.pdf"),
        ];
        let named: FxHashSet<String> = ["incidents/used.png".to_string()].into_iter().collect();
        let mut warnings = crate::diagnostics::Diagnostics::new();
        let published = publish(root.path(), &usable, &named, &documents, &mut warnings);
        let published: Vec<&str> = published.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(published, ["incidents/used.png"]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].code, Code::UnusedFile);
        assert!(warnings[0].message.contains("content/incidents/stray.pdf"));
    }
}
