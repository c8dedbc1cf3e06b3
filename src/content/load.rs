//! Discovery: walks `content/` in sorted order and finds every document,
//! section index and asset; documents are read by validation, one at a time
//! per thread, so a build never holds every file at once. Hidden files and editor leftovers are skipped;
//! symlinks that leave the site are refused.

use super::{Asset, SourceFile};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Everything found under `content/`.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Documents, as (absolute, site-relative) paths.
    pub documents: Vec<(PathBuf, PathBuf)>,
    /// `_index.md` files, keyed by their folder (`""` for `content/` itself).
    pub section_indexes: Vec<(String, SourceFile)>,
    /// Top folders under `content/`, in sorted order.
    pub sections: Vec<String>,
    pub assets: Vec<Asset>,
}

/// True for names editors and tools leave behind, and for hidden files.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
}

/// Paths relative to the site root, with `/` separators.
fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

pub fn discover(root: &Path, diagnostics: &mut Diagnostics) -> Discovered {
    let content = root.join("content");
    let mut found = Discovered::default();
    if !content.is_dir() {
        diagnostics.push(
            Diagnostic::error(Code::Io, "the site has no content/ folder")
                .help("documents live in content/incidents/, content/faq/ and other folders"),
        );
        return found;
    }
    let mut markdown = Vec::new();
    let keep = |e: &walkdir::DirEntry| !is_ignored_name(&e.file_name().to_string_lossy());
    walk(root, &content, keep, diagnostics, |entry| {
        let rel = relative(root, entry.path());
        let under_content = entry.path().strip_prefix(&content).unwrap_or(entry.path());
        if entry.depth() == 1 && entry.file_type().is_dir() {
            found
                .sections
                .push(under_content.to_string_lossy().into_owned());
        }
        if !entry.file_type().is_file() {
            return;
        }
        let is_markdown = entry.path().extension().is_some_and(|e| e == "md");
        if is_markdown && entry.file_name() == "_index.md" {
            markdown.push((entry.path().to_path_buf(), rel));
        } else if is_markdown {
            found.documents.push((entry.path().to_path_buf(), rel));
        } else {
            found.assets.push(Asset {
                source: entry.path().to_path_buf(),
                path: under_content.to_string_lossy().replace('\\', "/"),
            });
        }
    });
    let read: Vec<Result<SourceFile, Diagnostic>> = markdown
        .par_iter()
        .map(|(abs, rel)| read_source(abs, rel))
        .collect();
    for result in read {
        match result {
            Ok(file) => {
                let under = file.path.strip_prefix("content").unwrap_or(&file.path);
                let folder = under
                    .parent()
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default();
                found.section_indexes.push((folder, file));
            }
            Err(d) => diagnostics.push(d),
        }
    }
    found
}

/// Visits every file and folder under `dir` (itself first), in sorted
/// order, that `keep` keeps (a folder it does not keep is not entered);
/// reports each that cannot be read. Symlinks are followed when
/// their target is a file or folder of the site (under `root`, and not
/// below a hidden or ignored name such as `.git/` or `.env`, which no walk
/// reads); any other is an error (E0004) and is not read, nor anything
/// below it. A link to nothing and a loop of links are errors (E0001).
/// `content/`, `static/`, `templates/` and the theme's folders are all
/// read through this one walk.
pub fn walk(
    root: &Path,
    dir: &Path,
    keep: impl Fn(&walkdir::DirEntry) -> bool,
    diagnostics: &mut Diagnostics,
    mut visit: impl FnMut(walkdir::DirEntry),
) {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let sources = LinkSources::of(&canonical_root, dir, root);
    let mut walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || keep(e));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| relative(root, p)).unwrap_or_default();
                let message = if e.loop_ancestor().is_some() {
                    "symlink loop".to_string()
                } else if let Some(target) = e
                    .path()
                    .filter(|p| !p.exists())
                    .and_then(|p| std::fs::read_link(p).ok())
                {
                    format!(
                        "it is a symlink to {}, which does not exist",
                        target.display()
                    )
                } else {
                    e.io_error()
                        .map_or_else(|| e.to_string(), |io| io.to_string())
                };
                diagnostics.push(
                    Diagnostic::error(
                        Code::Io,
                        format!("cannot read {}: {message}", path.display()),
                    )
                    .at(Location::file(&path)),
                );
                continue;
            }
        };
        // The folder walked may itself be reached through a link.
        if entry.path_is_symlink() || entry.depth() == 0 {
            if let Err(d) = link_target(root, &canonical_root, &sources, entry.path()) {
                diagnostics.push(d);
                // Nothing below a linked folder outside the site is read (a
                // link to /usr would otherwise walk all of it).
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
        }
        visit(entry);
    }
}

/// Where the links of one walk may not point, although inside the site.
/// `static/`, `templates/` and theme files are published (or rendered) as
/// they are, so a link from them into `content/`, to `seckb.yaml` or into
/// the default output folder `public/` (an earlier build, perhaps at a
/// higher TLP) would publish drafts and restricted documents past every
/// publication rule. `content/` links may point anywhere in the site: what
/// they reach is a document or attachment like any other.
struct LinkSources {
    /// Empty for a walk of `content/`.
    denied: Vec<PathBuf>,
}

impl LinkSources {
    fn of(canonical_root: &Path, dir: &Path, root: &Path) -> LinkSources {
        let denied = if dir == root.join("content") {
            Vec::new()
        } else {
            ["content", "seckb.yaml", "public"]
                .iter()
                .map(|f| canonical_root.join(f))
                .collect()
        };
        LinkSources { denied }
    }

    fn allows(&self, target: &Path) -> bool {
        !self.denied.iter().any(|d| target.starts_with(d))
    }
}

/// Checks that `path` resolves to a file or folder of the site: inside
/// `canonical_root`, below no hidden or ignored name, and in a folder the
/// walk's links may reach ([`LinkSources`]).
fn link_target(
    root: &Path,
    canonical_root: &Path,
    sources: &LinkSources,
    path: &Path,
) -> Result<(), Diagnostic> {
    let rel = relative(root, path);
    let refuse = |why: String| {
        Diagnostic::error(
            Code::Symlink,
            format!("{} is a symlink {why}", rel.display()),
        )
        .at(Location::file(&rel))
        .help("copy the file into the site, or point the link at a file of it")
    };
    let target = path
        .canonicalize()
        .map_err(|e| refuse(format!("that cannot be followed ({e})")))?;
    let Ok(inside) = target.strip_prefix(canonical_root) else {
        return Err(refuse("that leaves the site folder".into()));
    };
    let hidden = inside
        .components()
        .any(|c| is_ignored_name(&c.as_os_str().to_string_lossy()));
    if hidden {
        return Err(refuse(format!(
            "to {}, a hidden or ignored path that seckb does not read",
            inside.display()
        )));
    }
    if !sources.allows(&target) {
        return Err(refuse(format!(
            "to {}: content/, seckb.yaml and public/ are published only by the rules of a build, never copied as they are",
            inside.display()
        )));
    }
    Ok(())
}

/// Reads a Markdown file as UTF-8, dropping a BOM and normalising CRLF.
pub fn read_source(abs: &Path, rel: &Path) -> Result<SourceFile, Diagnostic> {
    let bytes = std::fs::read(abs).map_err(|e| {
        Diagnostic::error(Code::Io, format!("cannot read {}: {e}", rel.display()))
            .at(Location::file(rel))
    })?;
    decode(rel, bytes)
}

/// Bytes of a document to text, with a located error for invalid UTF-8 or NUL.
pub fn decode(rel: &Path, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..valid]);
        let line = prefix.matches('\n').count() + 1;
        let column = prefix.len() - prefix.rfind('\n').map_or(0, |i| i + 1) + 1;
        let lossy = String::from_utf8_lossy(bytes);
        Diagnostic::error(Code::Encoding, "the file is not valid UTF-8")
            .at(Location::in_text(rel, &lossy, line, column))
            .help("save the file as UTF-8")
    })?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    };
    if let Some(i) = text.find('\0') {
        let line = text[..i].matches('\n').count() + 1;
        let column = i - text[..i].rfind('\n').map_or(0, |j| j + 1) + 1;
        return Err(
            Diagnostic::error(Code::Encoding, "the file contains a NUL byte")
                .at(Location::in_text(rel, &text, line, column))
                .help("remove the NUL character; documents are plain text"),
        );
    }
    Ok(SourceFile {
        path: rel.to_path_buf(),
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [".#x.md", "x.md~", ".x.md.swp", "#x.md#", ".hidden"] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("2026-11-09-x.md"));
    }

    #[test]
    fn decoding_strips_bom_and_crlf_and_locates_bad_bytes() {
        let f = decode(
            Path::new("a.md"),
            b"\xef\xbb\xbf---\r\ntitle: A\r\n".to_vec(),
        )
        .unwrap();
        assert_eq!(f.text, "---\ntitle: A\n");
        let e = decode(Path::new("a.md"), b"---\ntitle: \xff\n".to_vec()).unwrap_err();
        let loc = e.location.unwrap();
        assert_eq!((loc.line, loc.column), (2, 8));
        let e = decode(Path::new("a.md"), b"ab\0".to_vec()).unwrap_err();
        assert_eq!(e.message, "the file contains a NUL byte");
    }
}
