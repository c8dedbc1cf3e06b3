//! The keys every document has: title, dates, publication, slug, aliases,
//! tags and the lists of plain values.

use super::Validator;
use crate::config::Config;
use crate::content::frontmatter::RawFrontMatter;
use crate::content::{slugify, Kind, Located, Meta, Reviewed};
use crate::diagnostics::{Code, Diagnostic};
use crate::yaml::Segment;

impl Validator<'_> {
    pub(super) fn meta(&mut self, raw: &RawFrontMatter, kind: Kind, config: &Config) -> Meta {
        let title = self.title(raw);
        let date = self.date(raw.date.as_deref(), &[Segment::Key("date")]);
        if raw.date.is_none() && kind != Kind::Page && !self.failed("date") {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::MissingField,
                    format!("missing `date` (required for {}s)", kind.as_str()),
                )
                .at(self.at.line(1, 1))
                .help("add `date: YYYY-MM-DD`"),
            );
        }
        let updated = self.date(raw.updated.as_deref(), &[Segment::Key("updated")]);
        if let (Some(d), Some(u)) = (date, updated) {
            if u < d {
                self.error(
                    Code::DateOrder,
                    format!("`updated` ({}) is before `date` ({})", u.ymd(), d.ymd()),
                    &[Segment::Key("updated")],
                    Some("`updated` must be on or after `date`".into()),
                );
            }
        }
        let embargo = self.date(raw.embargo.as_deref(), &[Segment::Key("embargo")]);
        if embargo.is_some_and(|e| !e.has_time) {
            self.error(
                Code::InvalidDate,
                "`embargo` needs a time and offset".into(),
                &[Segment::Key("embargo")],
                Some("write an RFC 3339 date-time such as 2026-12-01T09:00:00Z".into()),
            );
        }
        self.check_slug(raw.slug.as_deref());
        let tags = self.terms(raw.tags.as_deref(), "tags");
        let aliases = self.aliases(raw.aliases.as_deref());
        Meta {
            title,
            date,
            updated,
            summary: raw
                .summary
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from),
            tags,
            tlp: raw.tlp.unwrap_or(config.default_tlp),
            draft: raw.draft.unwrap_or(false),
            embargo,
            slug: raw
                .slug
                .as_ref()
                .map(|s| self.at.located(s.clone(), &[Segment::Key("slug")])),
            aliases,
            extra: raw.extra.clone().unwrap_or(serde_json::Value::Null),
            owners: self.identifiers(
                raw.owners.as_deref(),
                "owners",
                super::owner_regex(),
                "a CODEOWNERS owner: `@user`, `@org/team` or an email address",
            ),
            reviewed: self.reviewed(raw),
        }
    }

    /// `reviewed: {by, date}`: a non-empty `by` and a valid date.
    fn reviewed(&mut self, raw: &RawFrontMatter) -> Option<Reviewed> {
        let r = raw.reviewed.as_ref()?;
        if r.by.trim().is_empty() {
            self.error(
                Code::InvalidValue,
                "`reviewed.by` is empty".into(),
                &[Segment::Key("reviewed"), Segment::Key("by")],
                Some("name who reviewed it".into()),
            );
        }
        let path = [Segment::Key("reviewed"), Segment::Key("date")];
        let date = self.date(Some(&r.date), &path)?;
        Some(Reviewed {
            by: r.by.trim().to_string(),
            date: self.at.located(date, &path),
        })
    }

    /// The title, trimmed; missing or empty is an error (unless the key
    /// itself failed, which is reported already).
    fn title(&mut self, raw: &RawFrontMatter) -> String {
        let title = raw
            .title
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_string();
        if title.is_empty() && !self.failed("title") {
            let message = if raw.title.is_some() {
                "`title` is empty"
            } else {
                "missing `title`"
            };
            let location = if raw.title.is_some() {
                self.at.value(&[Segment::Key("title")])
            } else {
                self.at.line(1, 1)
            };
            self.diagnostics.push(
                Diagnostic::error(Code::MissingField, message)
                    .at(location)
                    .help("every document needs a non-empty `title:`"),
            );
        }
        title
    }

    /// A slug is a-z, 0-9 and `-`.
    fn check_slug(&mut self, slug: Option<&str>) {
        if let Some(slug) = slug {
            if slug.is_empty()
                || !slug
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                self.error(
                    Code::InvalidValue,
                    format!("invalid slug `{slug}`"),
                    &[Segment::Key("slug")],
                    Some(format!(
                        "use only a-z, 0-9 and `-`, e.g. `{}`",
                        slugify(slug)
                    )),
                );
            }
        }
    }

    /// Non-empty strings, trimmed.
    pub(super) fn strings(&mut self, items: Option<&[String]>, key: &str) -> Vec<String> {
        self.list(items, key, false)
    }

    /// Non-empty taxonomy terms, trimmed, each with a URL slug.
    pub(super) fn terms(&mut self, items: Option<&[String]>, key: &str) -> Vec<String> {
        self.list(items, key, true)
    }

    pub(super) fn list(&mut self, items: Option<&[String]>, key: &str, terms: bool) -> Vec<String> {
        let mut out = Vec::new();
        for (i, s) in items.unwrap_or_default().iter().enumerate() {
            let s = s.trim();
            let path = [Segment::Key(key), Segment::Index(i)];
            if s.is_empty() {
                self.error(
                    Code::InvalidValue,
                    format!("empty entry in `{key}`"),
                    &path,
                    None,
                );
            } else if !terms || self.term(s, &path) {
                out.push(s.to_string());
            }
        }
        out
    }

    /// A taxonomy term (a tag or vendor) must have letters or digits to
    /// make its page's URL from: `!!!` would be `/tags//`, the list itself.
    /// Returns whether it has; one that has not is reported and left out, so
    /// that it makes no term page to collide with.
    pub(super) fn term(&mut self, name: &str, path: &[Segment]) -> bool {
        let valid = !slugify(name).is_empty();
        if !valid {
            let message = if name.is_empty() {
                "empty vendor name".to_string()
            } else {
                format!("`{name}` has no letter or digit to make its term page's URL from")
            };
            self.error(
                Code::InvalidValue,
                message,
                path,
                Some("a term's page is named by its letters and digits, such as /tags/c-plus-plus/ for `C plus plus`".into()),
            );
        }
        valid
    }

    pub(super) fn aliases(&mut self, items: Option<&[String]>) -> Vec<Located<String>> {
        let mut out = Vec::new();
        for (i, a) in items.unwrap_or_default().iter().enumerate() {
            let path = [Segment::Key("aliases"), Segment::Index(i)];
            match crate::urls::alias_path(a) {
                Ok(normalized) => out.push(self.at.located(normalized, &path)),
                Err(why) => self.error(
                    Code::InvalidValue,
                    format!("invalid alias: {why}"),
                    &path,
                    Some("an alias is a site path such as /advisories/2026/old-name/".into()),
                ),
            }
        }
        out
    }
}
