//! The theme's words in the site's language: one translation file per
//! language (`themes/<theme>/i18n/<lang>.yaml`), overridable key by key by
//! the site's `i18n/<lang>.yaml`, picked by `language:` in seckb.yaml.
//!
//! A file maps keys to strings. A string may hold `{name}` placeholders,
//! filled from the arguments of the template call (`t(key="…", name=…)`);
//! a key whose value is a map `{one, other}` is a plural, picked by the
//! argument `n`. `en` is the reference: every other language has exactly
//! its keys, each of the same shape (string or plural), and a site
//! override may only replace keys `en` has.

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::yaml::{self, Segment, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The reference language: its file defines the keys.
pub(crate) const REFERENCE: &str = "en";

/// One translation file as read: its language (the file's stem), where it
/// came from (relative to the site root, for messages), its text, and
/// whether the site (rather than the theme) holds it.
#[derive(Debug, Clone)]
pub(crate) struct TranslationFile {
    pub language: String,
    pub path: PathBuf,
    pub text: String,
    pub site: bool,
}

/// One translated string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entry {
    Text(String),
    Plural { one: String, other: String },
}

/// The strings of one language, every key of `en` present.
#[derive(Debug, Clone, Default)]
pub(crate) struct Strings {
    pub language: String,
    entries: BTreeMap<String, Entry>,
}

impl Strings {
    /// Strings of English made of `entries`, for tests.
    #[cfg(test)]
    pub(crate) fn of(entries: &[(&str, Entry)]) -> Strings {
        Strings {
            language: "en".into(),
            entries: entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        }
    }

    /// The entry of `key`, if the language has it.
    pub(crate) fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.get(key)
    }

    /// Every key with its entry, in key order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Whether `n` takes the `one` form: French counts 0 and 1 as one, the
    /// other shipped languages only 1 (CLDR's rules for them).
    pub(crate) fn is_one(&self, n: i64) -> bool {
        match self.language.split('-').next() {
            Some("fr") => n == 0 || n == 1,
            _ => n == 1,
        }
    }

    /// `key` with its `{name}` placeholders filled from `args`; the plural
    /// form follows `args["n"]`. An error says what is wrong, for the
    /// template's error message.
    pub(crate) fn format(
        &self,
        key: &str,
        args: &BTreeMap<String, String>,
    ) -> Result<String, String> {
        let entry = self.entry(key).ok_or_else(|| {
            format!(
                "there is no translation key `{key}` (language `{}`)",
                self.language
            )
        })?;
        let text = match entry {
            Entry::Text(text) => text,
            Entry::Plural { one, other } => {
                let n = args
                    .get("n")
                    .and_then(|n| n.parse::<i64>().ok())
                    .ok_or_else(|| {
                        format!("`{key}` is a plural: its call needs a whole number `n`")
                    })?;
                if self.is_one(n) {
                    one
                } else {
                    other
                }
            }
        };
        fill(text, args).map_err(|name| {
            format!("`{key}` has the placeholder `{{{name}}}`, but the call gives no `{name}`")
        })
    }

    /// The plain text of `key` (the `other` form of a plural), or the key
    /// itself: for built-in texts (the charts), whose keys the reference
    /// file is checked to have.
    pub(crate) fn text(&self, key: &str, args: &[(&str, String)]) -> String {
        let args = args
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        self.format(key, &args).unwrap_or_else(|_| key.to_string())
    }

    /// An ISO date (`2026-12-03`, or a longer timestamp starting with one)
    /// in the language's `date_format`, month names from `month_1` …
    /// `month_12`; what does not start with a date is returned as it is.
    pub(crate) fn date(&self, value: &str) -> String {
        let parsed = value
            .get(..10)
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let Some(date) = parsed else {
            return value.to_string();
        };
        use chrono::Datelike;
        let args = [
            ("day", date.day().to_string()),
            ("dd", format!("{:02}", date.day())),
            ("mm", format!("{:02}", date.month())),
            ("month", self.text(&format!("month_{}", date.month()), &[])),
            ("year", format!("{:04}", date.year())),
        ];
        format!("{}{}", self.text("date_format", &args), &value[10..])
    }

    /// `month_short_<m> <year>`, the charts' month label.
    pub(crate) fn month_label(&self, year: i32, month: u32) -> String {
        self.text(
            "month_label",
            &[
                ("month", self.text(&format!("month_short_{month}"), &[])),
                ("year", year.to_string()),
            ],
        )
    }
}

/// `text` with each `{name}` replaced by `args[name]`; `Err(name)` for a
/// placeholder without an argument. A `{` not followed by a name and `}`
/// stays as it is.
fn fill(text: &str, args: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with('}') {
            let name = &after[..name_len];
            out.push_str(args.get(name).ok_or_else(|| name.to_string())?);
            rest = &after[name_len + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The strings of `language`: the theme's reference file, the theme's file
/// of the language over it, the site's file over that. `None` after
/// reporting why (an unknown language at `language:` in seckb.yaml, a
/// file that is not a map of keys to strings, an unknown key, a language
/// the theme lacks that the site's file does not complete). `config` is
/// the configuration file (below `root`) that names the language.
pub(crate) fn resolve(
    root: &Path,
    config: &Path,
    files: &[TranslationFile],
    language: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Strings> {
    let mut found = Diagnostics::new();
    let find = |site: bool, lang: &str| files.iter().find(|f| f.site == site && f.language == lang);
    let Some(reference) = find(false, REFERENCE) else {
        diagnostics.push(
            Diagnostic::error(
                Code::Config,
                format!("the theme has no translation file i18n/{REFERENCE}.yaml"),
            )
            .at(Location::file(Path::new("i18n"))),
        );
        return None;
    };
    let reference = parse(reference, None, &mut found)?;
    let theme_file = find(false, language);
    let site_file = find(true, language);
    if theme_file.is_none() && site_file.is_none() {
        diagnostics.push(unknown_language(root, config, language, files));
        return None;
    }
    let mut entries = reference.clone();
    if language != REFERENCE {
        if let Some(file) = theme_file {
            if let Some(own) = parse(file, Some(&reference), &mut found) {
                complete(file, &reference, &own, &mut found);
                entries.extend(own);
            }
        }
    }
    if let Some(file) = site_file {
        if let Some(own) = parse(file, Some(&reference), &mut found) {
            if theme_file.is_none() {
                complete(file, &reference, &own, &mut found);
            }
            entries.extend(own);
        }
    }
    let valid = found.is_empty();
    diagnostics.append(found);
    valid.then(|| Strings {
        language: language.to_string(),
        entries,
    })
}

/// `language:` names a language no translation file has.
fn unknown_language(
    root: &Path,
    config: &Path,
    language: &str,
    files: &[TranslationFile],
) -> Diagnostic {
    let location = match std::fs::read_to_string(root.join(config)) {
        Ok(text) => {
            let p = yaml::locate(&text, &[Segment::Key("language")]);
            Location::in_text(config, &text, p.line, p.value_column)
        }
        Err(_) => Location::file(config),
    };
    let mut available: Vec<&str> = files.iter().map(|f| f.language.as_str()).collect();
    available.sort_unstable();
    available.dedup();
    Diagnostic::error(
        Code::Config,
        format!("`language: {language}` has no translation file"),
    )
    .at(location)
    .help(format!(
        "the languages available are {}; add i18n/{language}.yaml to the site (with every key of the theme's {REFERENCE}.yaml) to add one",
        available.join(", ")
    ))
}

/// Reports the keys of `reference` that `file` lacks.
fn complete(
    file: &TranslationFile,
    reference: &BTreeMap<String, Entry>,
    own: &BTreeMap<String, Entry>,
    found: &mut Diagnostics,
) {
    let missing: Vec<&str> = reference
        .keys()
        .filter(|k| !own.contains_key(*k))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        found.push(
            Diagnostic::error(
                Code::MissingField,
                format!(
                    "the translation lacks {} key{} of {REFERENCE}.yaml: {}",
                    missing.len(),
                    if missing.len() == 1 { "" } else { "s" },
                    missing.join(", ")
                ),
            )
            .at(Location::file(&file.path))
            .help("add each key with its translation"),
        );
    }
}

/// The entries of one file. With `reference`, each key must be one of its
/// keys, of the same shape; reported at the key.
fn parse(
    file: &TranslationFile,
    reference: Option<&BTreeMap<String, Entry>>,
    found: &mut Diagnostics,
) -> Option<BTreeMap<String, Entry>> {
    let at = |key: &str| {
        let p = yaml::locate(&file.text, &[Segment::Key(key)]);
        Location::in_text(&file.path, &file.text, p.line, p.key_column)
    };
    let value = match yaml::parse(&file.text) {
        Ok(v) => v,
        Err(e) => {
            found.push(
                Diagnostic::error(Code::YamlSyntax, e.message)
                    .at(Location::in_text(&file.path, &file.text, e.line, e.column)),
            );
            return None;
        }
    };
    let Value::Mapping(map) = value else {
        found.push(
            Diagnostic::error(
                Code::WrongType,
                "a translation file is a map of keys to strings",
            )
            .at(Location::file(&file.path)),
        );
        return None;
    };
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let Some(key) = yaml::key_text(&k) else {
            continue;
        };
        let Some(entry) = entry(&v) else {
            found.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!(
                        "`{key}` must be a string, or a map `{{one: …, other: …}}` for a plural"
                    ),
                )
                .at(at(&key)),
            );
            continue;
        };
        if let Some(reference) = reference {
            match reference.get(&key) {
                None => {
                    found.push(
                        Diagnostic::error(
                            Code::UnknownKey,
                            format!("unknown translation key `{key}`"),
                        )
                        .at(at(&key))
                        .help(format!(
                            "a translation may only set the keys of the theme's i18n/{REFERENCE}.yaml; a new string needs a key there"
                        )),
                    );
                    continue;
                }
                Some(r) if std::mem::discriminant(r) != std::mem::discriminant(&entry) => {
                    let shape = match r {
                        Entry::Text(_) => "a string",
                        Entry::Plural { .. } => "a plural `{one: …, other: …}`",
                    };
                    found.push(
                        Diagnostic::error(
                            Code::WrongType,
                            format!("`{key}` must be {shape}, as in {REFERENCE}.yaml"),
                        )
                        .at(at(&key)),
                    );
                    continue;
                }
                Some(_) => {}
            }
        }
        out.insert(key, entry);
    }
    Some(out)
}

/// A YAML value as an entry: a string, or a map of exactly `one` and `other`.
fn entry(value: &Value) -> Option<Entry> {
    match value {
        Value::String(s) => Some(Entry::Text(s.clone())),
        Value::Mapping(m) if m.len() == 2 => {
            let form = |name: &str| m.get(name).and_then(Value::as_str).map(str::to_string);
            Some(Entry::Plural {
                one: form("one")?,
                other: form("other")?,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(language: &str, text: &str, site: bool) -> TranslationFile {
        let dir = if site { "i18n" } else { "themes/default/i18n" };
        TranslationFile {
            language: language.into(),
            path: PathBuf::from(format!("{dir}/{language}.yaml")),
            text: text.into(),
            site,
        }
    }

    #[test]
    fn placeholders_plurals_and_dates_follow_the_language() {
        let en = "n_results: {one: \"{n} result\", other: \"{n} results\"}\ndate_format: \"{year}-{mm}-{dd}\"\nmonth_12: December\n";
        let fr = "n_results: {one: \"{n} résultat\", other: \"{n} résultats\"}\ndate_format: \"{day} {month} {year}\"\nmonth_12: décembre\n";
        let files = [file("en", en, false), file("fr", fr, false)];
        let mut d = Diagnostics::new();
        let s = resolve(
            Path::new("/nonexistent"),
            Path::new("seckb.yaml"),
            &files,
            "fr",
            &mut d,
        )
        .unwrap();
        let n = |n: &str| BTreeMap::from([("n".to_string(), n.to_string())]);
        assert_eq!(s.format("n_results", &n("0")).unwrap(), "0 résultat");
        assert_eq!(s.format("n_results", &n("2")).unwrap(), "2 résultats");
        assert_eq!(s.date("2026-12-03"), "3 décembre 2026");
        assert_eq!(s.date("2026-12-03 14:00 UTC"), "3 décembre 2026 14:00 UTC");
        assert!(s.format("n_results", &BTreeMap::new()).is_err());
        assert!(s.format("nope", &BTreeMap::new()).is_err());
    }

    #[test]
    fn unknown_keys_wrong_shapes_and_missing_keys_are_located() {
        let en = "a: A\nb: {one: B, other: Bs}\n";
        let files = [
            file("en", en, false),
            file("de", "a: A\n", false),
            file("en", "a: A\nzz: Z\nb: B\n", true),
        ];
        let mut d = Diagnostics::new();
        assert!(resolve(
            Path::new("/nonexistent"),
            Path::new("seckb.yaml"),
            &files,
            "en",
            &mut d
        )
        .is_none());
        let d = d.into_vec();
        assert!(d.iter().any(
            |x| x.code == Code::UnknownKey && x.location.as_ref().is_some_and(|l| l.line == 2)
        ));
        assert!(
            d.iter()
                .any(|x| x.code == Code::WrongType
                    && x.location.as_ref().is_some_and(|l| l.line == 3))
        );
        let mut d = Diagnostics::new();
        assert!(resolve(
            Path::new("/nonexistent"),
            Path::new("seckb.yaml"),
            &files,
            "de",
            &mut d
        )
        .is_none());
        assert!(d
            .into_vec()
            .iter()
            .any(|x| x.code == Code::MissingField && x.message.contains('b')));
        let mut d = Diagnostics::new();
        assert!(resolve(
            Path::new("/nonexistent"),
            Path::new("seckb.yaml"),
            &files,
            "xx",
            &mut d
        )
        .is_none());
        let d = d.into_vec();
        assert!(
            d[0].code == Code::Config && d[0].help.as_deref().is_some_and(|h| h.contains("de, en"))
        );
    }
}
