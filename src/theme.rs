//! The theme: templates and static files from `themes/<name>/` (the built-in
//! default theme when the site has no such folder), each overridable by the
//! site's own `templates/` and `static/`.

use crate::content::load::{is_ignored_name, walk};
use crate::content::validate::regex;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::i18n::{Strings, TranslationFile};
use regex::Regex;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub name: String,
    pub text: String,
    /// Where it came from, relative to the site root (for messages).
    pub path: PathBuf,
}

#[derive(Debug, Clone)]
pub enum StaticSource {
    File(PathBuf),
    Embedded(&'static [u8]),
}

#[derive(Debug, Clone)]
pub(crate) struct Theme {
    /// `themes/<name>`, relative to the site root.
    pub dir: PathBuf,
    pub templates: Vec<Template>,
    /// Output path → source; the site's `static/` wins over the theme's.
    pub statics: BTreeMap<String, StaticSource>,
    /// The UI strings in the site's `language` (`crate::i18n`): the theme's
    /// `i18n/<lang>.yaml`, the site's `i18n/<lang>.yaml` over it.
    pub strings: std::sync::Arc<Strings>,
}

impl Theme {
    pub(crate) fn template_path(&self, name: &str) -> PathBuf {
        self.templates
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.path.clone())
            .unwrap_or_else(|| self.dir.join("templates").join(name))
    }

    /// A chain of templates that include, extend or import each other in a
    /// loop (Tera would recurse until the stack overflows), if any.
    pub(crate) fn include_cycle(&self) -> Option<Vec<String>> {
        let edges: HashMap<String, Vec<String>> = references(self)
            .into_iter()
            .map(|(name, targets)| (name.to_string(), targets))
            .collect();
        crate::graph::find_cycle(&edges)
    }
}

/// The files under `dir` as (path below `dir`, path to read), through the
/// site's one walk (`content::load::walk`: symlinks out of the site are
/// errors). Hidden files and editor leftovers are skipped, except where
/// `dir` is a `static/` folder and the name is one seckb writes at the top
/// of the site (`.nojekyll`, `.well-known/`): such a file is kept for the
/// build to refuse, not dropped unseen.
fn read_dir_files(
    root: &Path,
    dir: &Path,
    statics: bool,
    errors: &mut Diagnostics,
) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    let keep = |e: &walkdir::DirEntry| {
        let name = e.file_name().to_string_lossy();
        !is_ignored_name(&name) || (statics && e.depth() == 1 && is_generated_top_name(&name))
    };
    walk(root, dir, keep, errors, |entry| {
        if !entry.file_type().is_file() {
            return;
        }
        if let Ok(rel) = entry.path().strip_prefix(dir) {
            out.push((
                rel.to_string_lossy().replace('\\', "/"),
                entry.path().to_path_buf(),
            ));
        }
    });
    out
}

/// Whether a hidden name at the top of the output is one seckb writes.
fn is_generated_top_name(name: &str) -> bool {
    crate::site::RESERVED
        .iter()
        .any(|r| r.starts_with('.') && r.trim_end_matches('/') == name)
}

/// Loads the theme named in the config, then the site's overrides, with
/// its strings in `language`; `None` after reporting why.
pub(crate) fn load(
    root: &Path,
    name: &str,
    language: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Theme> {
    let dir = PathBuf::from("themes").join(name);
    let abs = root.join(&dir);
    let mut templates: BTreeMap<String, Template> = BTreeMap::new();
    let mut statics = BTreeMap::new();
    let mut translations = Vec::new();
    let mut errors = Diagnostics::new();
    let mut add_template =
        |name: String, bytes: Vec<u8>, path: PathBuf, errors: &mut Diagnostics| {
            match String::from_utf8(bytes) {
                Ok(text) => {
                    templates.insert(name.clone(), Template { name, text, path });
                }
                Err(_) => errors.push(
                    Diagnostic::error(Code::Encoding, "template is not valid UTF-8")
                        .at(Location::file(&path)),
                ),
            }
        };
    if abs.is_dir() {
        read_folder(root, &dir, &mut errors, &mut add_template, &mut statics);
        read_translations(root, &dir, false, &mut translations, &mut errors);
        // A theme without its own i18n/ speaks the built-in theme's words.
        if translations.is_empty() {
            translations.extend(builtin_translations(&dir));
        }
    } else if name == "default" {
        translations.extend(builtin_translations(&dir));
        for (path, bytes) in DEFAULT_THEME {
            if let Some(t) = path.strip_prefix("templates/") {
                add_template(t.to_string(), bytes.to_vec(), dir.join(path), &mut errors);
            } else if let Some(s) = path.strip_prefix("static/") {
                statics.insert(s.to_string(), StaticSource::Embedded(bytes));
            }
        }
    } else {
        diagnostics.push(
            Diagnostic::error(
                Code::Config,
                format!(
                    "theme `{name}` not found: there is no {} folder",
                    dir.display()
                ),
            )
            .at(Location::file(Path::new(crate::config::CONFIG_FILE)))
            .help("set `theme: default` or add the theme under themes/"),
        );
        return None;
    }
    // The site's own templates/ and static/ override the theme's.
    read_folder(
        root,
        Path::new(""),
        &mut errors,
        &mut add_template,
        &mut statics,
    );
    read_translations(root, Path::new(""), true, &mut translations, &mut errors);
    let strings = crate::i18n::resolve(
        root,
        Path::new(crate::config::CONFIG_FILE),
        &translations,
        language,
        &mut errors,
    );
    let valid = errors.is_empty();
    diagnostics.append(errors);
    let strings = strings.filter(|_| valid)?;
    Some(Theme {
        dir,
        templates: templates.into_values().collect(),
        statics,
        strings: std::sync::Arc::new(strings),
    })
}

/// The built-in theme's translation files, shown as below `dir`.
fn builtin_translations(dir: &Path) -> impl Iterator<Item = TranslationFile> + '_ {
    DEFAULT_THEME.iter().filter_map(move |(path, bytes)| {
        Some(TranslationFile {
            language: translation_language(path)?.to_string(),
            path: dir.join(path),
            text: String::from_utf8_lossy(bytes).into_owned(),
            site: false,
        })
    })
}

/// The language of a translation file's path below its folder
/// (`i18n/de.yaml` → `de`).
fn translation_language(path: &str) -> Option<&str> {
    path.strip_prefix("i18n/")?
        .strip_suffix(".yaml")
        .filter(|l| !l.is_empty() && !l.contains('/'))
}

/// The translation files of `dir`'s `i18n/` folder (the theme's, or the
/// site's own with `site`).
fn read_translations(
    root: &Path,
    dir: &Path,
    site: bool,
    out: &mut Vec<TranslationFile>,
    errors: &mut Diagnostics,
) {
    for (rel, file) in read_dir_files(root, &root.join(dir).join("i18n"), false, errors) {
        let shown = dir.join("i18n").join(&rel);
        let Some(language) = translation_language(&format!("i18n/{rel}")).map(str::to_string)
        else {
            errors.push(
                Diagnostic::error(Code::Config, "a translation file is named <language>.yaml")
                    .at(Location::file(&shown)),
            );
            continue;
        };
        match std::fs::read_to_string(&file) {
            Ok(text) => out.push(TranslationFile {
                language,
                path: shown,
                text,
                site,
            }),
            Err(e) => errors.push(
                Diagnostic::error(Code::Io, format!("cannot read translation file: {e}"))
                    .at(Location::file(&shown)),
            ),
        }
    }
}

/// Takes a template's name, bytes and path as shown, reporting a bad one.
type AddTemplate<'a> = dyn FnMut(String, Vec<u8>, PathBuf, &mut Diagnostics) + 'a;

/// The `templates/` and `static/` of `dir` (relative to `root`: a theme's
/// folder, or the site itself), each template handed to `add_template`.
fn read_folder(
    root: &Path,
    dir: &Path,
    errors: &mut Diagnostics,
    add_template: &mut AddTemplate,
    statics: &mut BTreeMap<String, StaticSource>,
) {
    let abs = root.join(dir);
    for (rel, file) in read_dir_files(root, &abs.join("templates"), false, errors) {
        let shown = dir.join("templates").join(&rel);
        match std::fs::read(&file) {
            Ok(bytes) => add_template(rel, bytes, shown, errors),
            Err(e) => errors.push(
                Diagnostic::error(Code::Io, format!("cannot read template: {e}"))
                    .at(Location::file(&shown)),
            ),
        }
    }
    for (rel, file) in read_dir_files(root, &abs.join("static"), true, errors) {
        statics.insert(rel, StaticSource::File(file));
    }
}

/// Template text without its `{# … #}` comments, which Tera ignores.
pub(crate) fn strip_comments(text: &str) -> std::borrow::Cow<'_, str> {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, r"(?s)\{#.*?#\}").replace_all(text, "")
}

/// The templates each template includes, extends or imports, by name.
pub(crate) fn references(theme: &Theme) -> HashMap<&str, Vec<String>> {
    static R: OnceLock<Regex> = OnceLock::new();
    let pattern = regex(
        &R,
        r#"\{%-?\s*(?:include|extends|import)\s+["']([^"']+)["']"#,
    );
    theme
        .templates
        .iter()
        .map(|t| {
            let targets = pattern
                .captures_iter(&strip_comments(&t.text))
                .map(|c| c[1].to_string())
                .collect();
            (t.name.as_str(), targets)
        })
        .collect()
}
