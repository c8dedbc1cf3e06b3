//! Publication: whether a document is in this build (drafts, embargoes,
//! the TLP ceiling), and whether diagnostics may quote it.

use crate::content::validate::{self, Declared};
use crate::content::{Date, Document, SourceFile, Tlp};

/// Why a document is left out of a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpublished {
    Draft,
    Embargo(Date),
    AboveCeiling(Tlp),
}

impl std::fmt::Display for Unpublished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unpublished::Draft => f.write_str("a draft"),
            Unpublished::Embargo(d) => write!(f, "under embargo until {}", d.rfc3339()),
            Unpublished::AboveCeiling(t) => {
                write!(f, "{} (above this build's TLP ceiling)", t.label())
            }
        }
    }
}

/// What decides publication: `--drafts`, `--tlp` (or `publish_tlp`) and the
/// clock; and whether the output is a preview (`serve`).
#[derive(Debug, Clone, Copy)]
pub struct Publication {
    pub drafts: bool,
    pub ceiling: Tlp,
    pub now: chrono::DateTime<chrono::Utc>,
    pub preview: bool,
}

impl Publication {
    /// A build that is not the site as published: it shows drafts and
    /// unlifted embargoes (`--drafts`, which alone overrides an embargo), or
    /// it is `serve`'s preview. Such output must not be mistaken for the
    /// site: crawlers are kept out and CSAF aggregators are told not to list it.
    pub fn is_preview(&self) -> bool {
        self.drafts || self.preview
    }

    /// Whether search engines may index the output: the published site at
    /// TLP:CLEAR. Otherwise robots.txt disallows everything and every page
    /// carries `noindex`.
    pub fn is_indexable(&self) -> bool {
        !self.is_preview() && self.ceiling == Tlp::Clear
    }

    pub fn check(&self, doc: &Document) -> Result<(), Unpublished> {
        self.admits(&Declared {
            tlp: doc.meta.tlp,
            draft: doc.meta.draft,
            embargo: doc.meta.embargo,
        })
    }

    fn admits(&self, declared: &Declared) -> Result<(), Unpublished> {
        if declared.draft && !self.drafts {
            return Err(Unpublished::Draft);
        }
        if let Some(e) = declared.embargo {
            if e.instant > self.now && !self.drafts {
                return Err(Unpublished::Embargo(e));
            }
        }
        if declared.tlp > self.ceiling {
            return Err(Unpublished::AboveCeiling(declared.tlp));
        }
        Ok(())
    }

    /// Whether diagnostics may quote `file` (its lines, what they say of
    /// it): always in a build, and in a preview when the preview publishes
    /// the document. `doc` is the file validated, None when it failed: then
    /// its front matter is read leniently, and one that does not say plainly
    /// where it stands counts as unpublished.
    pub fn may_quote(&self, file: &SourceFile, doc: Option<&Document>, default_tlp: Tlp) -> bool {
        if !self.preview {
            return true;
        }
        match doc {
            Some(doc) => self.check(doc).is_ok(),
            None => validate::declared_publication(file, default_tlp)
                .is_some_and(|declared| self.admits(&declared).is_ok()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(front_matter: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from("content/incidents/a.md"),
            text: format!("---\n{front_matter}---\nBody.\n"),
        }
    }

    fn preview(drafts: bool) -> Publication {
        Publication {
            drafts,
            ceiling: Tlp::Clear,
            now: chrono::DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
                .map(|d| d.with_timezone(&chrono::Utc))
                .unwrap(),
            preview: true,
        }
    }

    /// Files that failed validation: quoted only when their front matter
    /// plainly says the preview publishes them.
    #[test]
    fn a_preview_quotes_an_invalid_document_only_when_it_plainly_publishes_it() {
        let quotes = |publication: Publication, front_matter: &str| {
            publication.may_quote(&file(front_matter), None, Tlp::Clear)
        };
        for published in [
            "title: x\nseverty: high\n",
            "title: x\ntlp: clear\ndraft: false\n",
            "title: x\nembargo: 2026-01-01T00:00:00Z\n",
        ] {
            assert!(quotes(preview(false), published), "{published}");
        }
        for withheld in [
            // Above the ceiling, a draft, under embargo.
            "title: x\ntlp: red\nseverty: high\n",
            "title: x\ndraft: true\n",
            "title: x\nembargo: 2026-12-01T00:00:00Z\n",
            // Where it stands cannot be read: not taken as published.
            "title: x\ntlp: RED\n",
            "title: x\ntlp:\n",
            "title: x\ntlp: [red\n",
            "title: x\ndraft: yes please\n",
            "title: x\nembargo: soon\n",
            "title: x: y\n",
            "- a list\n",
        ] {
            assert!(!quotes(preview(false), withheld), "{withheld}");
        }
        assert!(quotes(preview(true), "title: x\ndraft: true\n"));
        assert!(quotes(
            preview(true),
            "title: x\nembargo: 2026-12-01T00:00:00Z\n"
        ));
        assert!(!quotes(preview(true), "title: x\ntlp: amber\n"));
        // A build (not a preview) quotes everything: its reader is the author.
        let build = Publication {
            preview: false,
            ..preview(false)
        };
        assert!(quotes(build, "title: x\ntlp: red\n"));
        // A missing `tlp` is the site's default.
        assert!(!preview(false).may_quote(&file("title: x\n"), None, Tlp::Green));
    }
}
