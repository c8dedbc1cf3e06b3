//! Collecting the output: the theme's static files, the pages, the exports
//! and the attachments pages use, with every collision between them, the
//! secrets the sink spotted, and paths that cannot be written.

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::linkcheck;
use crate::output::{Content, Output};
use crate::site::{self, Site};
use crate::theme;
use crate::urls::Urls;
use std::collections::HashMap;
use std::path::PathBuf;

/// The whole output, and the links of every HTML page in it.
pub(super) struct Collected {
    pub(super) output: Output,
    pub(super) page_links: Vec<linkcheck::PageLinks>,
    pub(super) link_urls: crate::interner::Table,
}

/// Joins the theme's static files, the pages and the exports, then the
/// attachments the pages use; reports what collides, what the sink could
/// not write and the secrets it spotted that no source explains.
pub(super) fn collect(
    with: &super::rendering::Renderer,
    site: &Site,
    rendered: super::rendering::Rendered,
    known: &crate::secrets::Known,
    found: &mut Diagnostics,
) -> Collected {
    let (options, theme, sink) = (with.options, with.theme, with.sink);
    let root = &options.root;
    let super::rendering::Rendered {
        pages,
        mut page_links,
        exports,
        ..
    } = rendered;
    let mut output = Output::default();
    for (path, source) in &theme.statics {
        output.insert(path.clone(), Content::from(source));
    }
    if options.preview {
        crate::preview::add_assets(&mut output);
    }
    // Pages colliding with each other are reported by `site::assemble`.
    let mut replaced = replaced_files(
        root,
        theme,
        &output,
        pages.iter().map(|(path, _)| path.as_str()),
    );
    replaced.extend(replaced_files(
        root,
        theme,
        &output,
        exports.files().map(|(path, _)| path.as_str()),
    ));
    found.extend(copies_in_owned_folders(
        root,
        theme,
        &site.assets,
        &replaced,
    ));
    found.extend(replaced.into_iter().map(|(_, d)| d));
    // The copied files are scanned for secrets (and the built-in ones
    // written) before the pages join them: pages were scanned as they were
    // made, and the exports as they were written ([`crate::output::Writer`]).
    sink.drain(&mut output);
    for (path, content) in pages {
        output.insert(path, content);
    }
    output.append(exports);
    let link_urls = linkcheck::read_rest(&output, &mut page_links, with.link_urls);
    let mut attachments = used_attachments(root, site, &page_links, &link_urls, &output, found);
    sink.drain(&mut attachments);
    output.append(attachments);
    let (spotted, unreadable) = sink.secrets().take();
    crate::secrets::output_errors(
        spotted,
        unreadable,
        root,
        &site.config.secrets.allow,
        known,
        &made_from(site),
        found,
    );
    let conflicts = output.file_folder_conflicts();
    let write_failures = sink.take_failures();
    if conflicts.is_empty() {
        found.append(write_failures);
    }
    found.extend(conflicts.into_iter().map(|(file, inside)| {
        Diagnostic::error(
            Code::UrlCollision,
            format!("the output file `{file}` is in the way of `{inside}`: a path cannot be both a file and a folder"),
        )
        .help("rename the document, alias or file that makes one of them")
    }));
    Collected {
        output,
        page_links,
        link_urls,
    }
}

/// The files next to documents that the pages link to or embed
/// ([`crate::attachments`]), as an output of their own for the sink to
/// scan; and collisions with `output`, and a warning for each file no
/// document uses.
fn used_attachments(
    root: &std::path::Path,
    site: &Site,
    pages: &[linkcheck::PageLinks],
    urls: &crate::interner::Table,
    output: &Output,
    diagnostics: &mut Diagnostics,
) -> Output {
    let mut attachments = Output::default();
    if site.assets.is_empty() {
        return attachments;
    }
    let named = linkcheck::named_files(pages, urls, site.urls.base_path());
    let published = crate::attachments::publish(
        root,
        &site.assets,
        &named,
        &site.links.documents,
        diagnostics,
    );
    // A file in a folder seckb generates is reported by `copies_in_owned_folders`.
    for asset in published
        .into_iter()
        .filter(|a| generated_folder(&a.path).is_none())
    {
        match output.get(&asset.path) {
            Some(other) => diagnostics.push(attachment_in_the_way(root, asset, other)),
            None => attachments.insert(asset.path.clone(), Content::Copy(asset.source.clone())),
        }
    }
    attachments
}

/// A file next to documents has the output path of another file: a page,
/// an export or a static file.
fn attachment_in_the_way(
    root: &std::path::Path,
    asset: &crate::content::Asset,
    other: &Content,
) -> Diagnostic {
    let what = match other {
        Content::Copy(source) => format!(
            "the file {}",
            source.strip_prefix(root).unwrap_or(source).display()
        ),
        _ => "a page or file seckb makes".to_string(),
    };
    let file = std::path::Path::new("content").join(&asset.path);
    Diagnostic::error(
        Code::UrlCollision,
        format!(
            "{} has the output path `{}` of {what}",
            file.display(),
            asset.path
        ),
    )
    .at(crate::diagnostics::Location::file(&file))
    .help("rename or move the file")
}

/// Files seckb generates (`generated`: pages, feeds, sitemaps, robots.txt,
/// the search index, the API, CSAF, …, whatever this build made) that a
/// file copied from content/, static/ or the theme would otherwise replace
/// or be replaced by: each is a collision, at the copied file. Returns
/// (output path, diagnostic).
fn replaced_files<'a>(
    root: &std::path::Path,
    theme: &theme::Theme,
    output: &Output,
    generated: impl Iterator<Item = &'a str>,
) -> Vec<(&'a str, Diagnostic)> {
    generated
        .filter_map(|path| {
            let at = match output.get(path)? {
                Content::Copy(source) => source.strip_prefix(root).unwrap_or(source).to_path_buf(),
                Content::Embedded(_) => theme.dir.join("static").join(path),
                Content::Bytes(_) | Content::Written => return None,
            };
            let d = Diagnostic::error(
                Code::UrlCollision,
                format!(
                    "{} would take the place of `{path}`, which seckb generates",
                    at.display()
                ),
            )
            .at(crate::diagnostics::Location::file(&at))
            .help(format!(
                "rename or remove the file: seckb writes {path} itself"
            ));
            Some((path, d))
        })
        .collect()
}

/// The folder seckb generates (`site::RESERVED`) that `path` is inside, if any.
fn generated_folder(path: &str) -> Option<&'static str> {
    site::RESERVED
        .iter()
        .copied()
        .find(|r| r.ends_with('/') && path.starts_with(r))
}

/// Files copied from static/ (the site's or the theme's) or content/ into
/// a folder seckb generates (`site::RESERVED`: `api/`, `search/`,
/// `.well-known/`, the taxonomies): even one that replaces no file of this
/// build would be published as if seckb had made it (a CSAF advisory, an
/// API record). One that `replaced` reports already is left to that report.
fn copies_in_owned_folders(
    root: &std::path::Path,
    theme: &theme::Theme,
    assets: &[crate::content::Asset],
    replaced: &[(&str, Diagnostic)],
) -> Vec<Diagnostic> {
    let reported: std::collections::HashSet<&str> = replaced.iter().map(|(p, _)| *p).collect();
    let relative = |file: &std::path::Path| file.strip_prefix(root).unwrap_or(file).to_path_buf();
    let statics = theme.statics.iter().map(|(path, source)| {
        let at = match source {
            theme::StaticSource::File(file) => relative(file),
            theme::StaticSource::Embedded(_) => theme.dir.join("static").join(path),
        };
        (path.as_str(), at)
    });
    let assets = assets
        .iter()
        .map(|a| (a.path.as_str(), relative(&a.source)));
    statics
        .chain(assets)
        .filter(|(path, _)| !reported.contains(path))
        .filter_map(|(path, at)| {
            let folder = generated_folder(path)?;
            Some(
                Diagnostic::error(
                    Code::UrlCollision,
                    format!(
                        "{} is inside `{folder}`, which seckb generates",
                        at.display()
                    ),
                )
                .at(crate::diagnostics::Location::file(&at))
                .help(format!(
                    "move the file elsewhere: only seckb writes below /{folder}"
                )),
            )
        })
        .collect()
}

/// The document a generated page shows, by output path (for the secret
/// scan's message), through a table made on the first call.
fn made_from(site: &Site) -> impl Fn(&str) -> Option<PathBuf> + '_ {
    let table = std::sync::OnceLock::new();
    move |page: &str| {
        let pages: &HashMap<String, usize> = table.get_or_init(|| {
            site.pages
                .iter()
                .enumerate()
                .map(|(i, p)| (Urls::output_file(&p.doc.path), i))
                .collect()
        });
        pages.get(page).map(|&i| site.pages[i].doc.source.clone())
    }
}
