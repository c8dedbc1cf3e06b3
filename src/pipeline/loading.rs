//! The first stages: the configuration, the theme and its templates, the
//! content folder discovered, and every document file read, validated and
//! scanned for secrets (one thread per file). What they make is [`Loaded`].

use super::{BuildOptions, Timer};
use crate::config::{self, Config};
use crate::content::{load, validate, Asset, Document, Section};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::site::{self, Publication};
use crate::theme::{self, Theme};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::PathBuf;

/// The site as read: its configuration, theme and templates, and its
/// documents validated (those with errors included: they take part in
/// assembly as far as they can).
pub(super) struct Loaded {
    pub(super) config: Config,
    pub(super) publication: Publication,
    /// The theme and its templates compiled; `None` when either has an
    /// error (reported).
    pub(super) theme: Option<(Theme, tera::Tera)>,
    pub(super) documents: Vec<Document>,
    pub(super) invalid: site::Invalid,
    pub(super) sections: Vec<Section>,
    pub(super) assets: Vec<Asset>,
    /// The secrets every source holds, allowed or not: the output scan
    /// reports only those no source explains.
    pub(super) known: crate::secrets::Known,
}

/// Reads and validates the site; `withheld` gets the documents whose
/// diagnostics must not quote them.
pub(super) fn load_site(
    options: &BuildOptions,
    config: Config,
    found: &mut Diagnostics,
    timer: &mut Timer,
    withheld: &mut HashSet<PathBuf>,
) -> Loaded {
    let now = options.now.unwrap_or_else(chrono::Utc::now);
    let theme = theme::load(&options.root, &config.theme, &config.language, found);
    let tera = theme
        .as_ref()
        .and_then(|t| crate::render::load_templates(t, &config.base_path(), found));
    let mut scanned = scan_site_sources(&options.root, &config, theme.as_ref());
    found.append(std::mem::take(&mut scanned.diagnostics));
    timer.lap("config and theme");

    let publication = Publication {
        drafts: options.drafts,
        ceiling: config.publish_tlp,
        now,
        preview: options.preview,
    };
    let discovered = load::discover(&options.root, found);
    timer.lap("discover");

    let meter = &options.meter;
    meter.begin("validating documents", discovered.documents.len());
    let validated: Vec<Validated> = discovered
        .documents
        .par_iter()
        .map(|(abs, rel)| {
            let validated = validate_file(abs, rel, &config, &publication);
            meter.tick();
            validated
        })
        .collect();
    let mut documents = Vec::with_capacity(validated.len());
    let mut invalid = site::Invalid::default();
    for v in validated {
        found.append(v.diagnostics);
        withheld.extend(v.withheld);
        scanned.known.extend(v.secrets);
        documents.extend(v.document);
        if let Some((path, id)) = v.invalid {
            invalid.paths.push(path);
            invalid.ids.extend(id);
        }
    }
    let sections = sections(&discovered, found);
    upcoming_embargoes(&documents, now, found);
    timer.lap("parse and validate");
    Loaded {
        config,
        publication,
        theme: theme.zip(tera),
        documents,
        invalid,
        sections,
        assets: discovered.assets,
        known: scanned.known,
    }
}

/// The home folder and every folder under content/, each with its
/// `_index.md` validated.
fn sections(discovered: &load::Discovered, found: &mut Diagnostics) -> Vec<Section> {
    let mut names: Vec<String> = vec![String::new()];
    names.extend(discovered.sections.iter().cloned());
    names
        .iter()
        .map(|name| {
            let index = discovered
                .section_indexes
                .iter()
                .find(|(f, _)| f == name)
                .map(|(_, s)| s);
            validate::section(name, index, found)
        })
        .collect()
}

/// One document file, validated.
struct Validated {
    /// The document, flawed or not ([`validate::Checked`]).
    document: Option<Document>,
    diagnostics: Diagnostics,
    /// The secrets found in it, allowed or not.
    secrets: crate::secrets::Known,
    /// A file whose front matter is unusable: its path and the id it declares.
    invalid: Option<(PathBuf, Option<String>)>,
    /// The file's path, when diagnostics must not quote it
    /// ([`Publication::may_quote`]).
    withheld: Option<PathBuf>,
}

fn validate_file(
    abs: &std::path::Path,
    rel: &std::path::Path,
    config: &Config,
    publication: &Publication,
) -> Validated {
    let file = match load::read_source(abs, rel) {
        Ok(file) => file,
        Err(d) => {
            return Validated {
                document: None,
                diagnostics: d.into(),
                secrets: Default::default(),
                invalid: None,
                // What an unreadable file would publish is unknown.
                withheld: publication.preview.then(|| rel.to_path_buf()),
            };
        }
    };
    let mut diagnostics = Diagnostics::new();
    let checked = validate::document(&file, config, publication.now, &mut diagnostics);
    let scanned = crate::secrets::check_source(
        &file.path,
        file.text.as_bytes(),
        // As written: what its Markdown joins is found on its page, and
        // located here then (`secrets::output_errors`).
        crate::secrets::Format::Text,
        &config.secrets.allow,
    );
    diagnostics.append(scanned.diagnostics);
    // What a flawed document says of its publication may be a failed key's
    // default: it is read leniently instead, as an unusable one is.
    let quotable = match &checked {
        validate::Checked::Valid(doc) => Some(doc),
        validate::Checked::Flawed(_) | validate::Checked::Unusable => None,
    };
    let withheld =
        (!publication.may_quote(&file, quotable, config.default_tlp)).then(|| file.path.clone());
    let (document, invalid) = match checked {
        validate::Checked::Valid(doc) | validate::Checked::Flawed(doc) => (Some(doc), None),
        validate::Checked::Unusable => (
            None,
            Some((file.path.clone(), validate::declared_id(&file))),
        ),
    };
    Validated {
        document,
        diagnostics,
        secrets: scanned.known,
        invalid,
        withheld,
    }
}

/// Scans the sources besides documents for secrets: seckb.yaml and every
/// template (read as HTML: what they print is in every page they make).
fn scan_site_sources(
    root: &std::path::Path,
    config: &Config,
    theme: Option<&theme::Theme>,
) -> crate::secrets::Checked {
    let allow = &config.secrets.allow;
    let mut scanned = match std::fs::read_to_string(root.join(config::CONFIG_FILE)) {
        Ok(text) => crate::secrets::check_config(&text, allow),
        Err(_) => crate::secrets::Checked::default(),
    };
    for template in theme.map_or(&[][..], |t| &t.templates) {
        scanned.extend(crate::secrets::check_source(
            &template.path,
            template.text.as_bytes(),
            crate::secrets::Format::Html,
            allow,
        ));
    }
    scanned
}

/// A note for every document whose embargo lifts after `now`, so `seckb check`
/// lists what will go public and when.
fn upcoming_embargoes(
    documents: &[Document],
    now: chrono::DateTime<chrono::Utc>,
    found: &mut Diagnostics,
) {
    let notes = documents
        .iter()
        .filter_map(|d| d.meta.embargo.filter(|e| e.instant > now).map(|e| (d, e)))
        .map(|(d, e)| {
            Diagnostic::note(
                Code::EmbargoLift,
                format!("\"{}\" is under embargo until {}; it is published by the first build after that", d.meta.title, e.rfc3339()),
            )
            .at(crate::diagnostics::Location::file(&d.source))
        });
    found.extend(notes);
}
