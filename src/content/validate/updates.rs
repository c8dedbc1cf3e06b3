//! `updates:` of incidents: dated changes, oldest first, whose latest
//! status and severity are the incident's.

use super::Validator;
use crate::content::frontmatter::RawFrontMatter;
use crate::content::{Date, Severity, Status, Update};
use crate::diagnostics::Code;
use crate::yaml::Segment;

impl Validator<'_> {
    /// The updates, each dated in order (not before the one above it, nor
    /// before the incident's `date`); an entry whose date fails is left out.
    pub(super) fn updates(&mut self, raw: &RawFrontMatter, date: Option<Date>) -> Vec<Update> {
        let at = self.at;
        let mut out: Vec<Update> = Vec::new();
        for (i, entry) in raw
            .updates
            .as_deref()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let date_path = [
                Segment::Key("updates"),
                Segment::Index(i),
                Segment::Key("date"),
            ];
            let Some(when) = self.date(Some(&entry.date), &date_path) else {
                continue;
            };
            if let Some(previous) = out.last().filter(|p| when < p.date) {
                self.error(
                    Code::DateOrder,
                    format!(
                        "update {} ({}) comes before the update above it ({})",
                        i + 1,
                        entry.date.trim(),
                        previous.date.ymd()
                    ),
                    &date_path,
                    Some("list updates oldest first, each on or after the one above it".into()),
                );
            } else if let Some(d) = date.filter(|d| when < *d) {
                self.error(
                    Code::DateOrder,
                    format!(
                        "update {} ({}) is before the incident's `date` ({})",
                        i + 1,
                        entry.date.trim(),
                        d.ymd()
                    ),
                    &date_path,
                    Some("an update is on or after the incident's `date`".into()),
                );
            }
            let text_path = [
                Segment::Key("updates"),
                Segment::Index(i),
                Segment::Key("text"),
            ];
            if entry.text.trim().is_empty() {
                self.error(
                    Code::InvalidValue,
                    format!("update {} has an empty `text`", i + 1),
                    &text_path,
                    Some("say what changed, in a sentence".into()),
                );
            }
            out.push(Update {
                date: when,
                status: entry.status,
                severity: entry.severity,
                text: at.located(entry.text.trim().to_string(), &text_path),
            });
        }
        out
    }

    /// The latest update that gives `field`, with its index as written.
    fn latest<T: Copy>(
        raw: &RawFrontMatter,
        field: impl Fn(&crate::content::frontmatter::RawUpdate) -> Option<T>,
    ) -> Option<(usize, T)> {
        raw.updates
            .as_deref()
            .unwrap_or_default()
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, u)| field(u).map(|v| (i, v)))
    }

    /// The severity of the latest update that gives one; `severity:` in the
    /// front matter must then say the same (an error at it otherwise).
    pub(super) fn severity_of_updates(&mut self, raw: &RawFrontMatter) -> Option<Severity> {
        let (i, latest) = Self::latest(raw, |u| u.severity)?;
        if let Some(written) = raw.severity.filter(|s| *s != latest) {
            self.disagreement("severity", written.as_str(), latest.as_str(), i);
        }
        Some(latest)
    }

    /// The status of the latest update that gives one, checked like
    /// [`Validator::severity_of_updates`].
    pub(super) fn status_of_updates(&mut self, raw: &RawFrontMatter) -> Option<(usize, Status)> {
        let (i, latest) = Self::latest(raw, |u| u.status)?;
        if let Some(written) = raw.status.filter(|s| *s != latest) {
            self.disagreement("status", written.as_str(), latest.as_str(), i);
        }
        Some((i, latest))
    }

    /// `key: written` disagrees with update `index`, which says `latest`.
    fn disagreement(&mut self, key: &str, written: &str, latest: &str, index: usize) {
        let update = self.at.located(
            (),
            &[
                Segment::Key("updates"),
                Segment::Index(index),
                Segment::Key(key),
            ],
        );
        self.error(
            Code::UpdateMismatch,
            format!(
                "`{key}: {written}` disagrees with the latest update that sets it (update {} on line {}, `{key}: {latest}`)",
                index + 1,
                update.line
            ),
            &[Segment::Key(key)],
            Some(format!(
                "the incident's {key} is its latest update's: set `{key}: {latest}` or drop `{key}`"
            )),
        );
    }

    /// `updated` defaults to the latest update's date, and must not be
    /// before it when written. An `updated` before `date` is reported as
    /// that alone (one mistake, one error): every update is on or after
    /// `date` already.
    pub(super) fn updated_after_updates(
        &mut self,
        updated: Option<Date>,
        date: Option<Date>,
        updates: &[Update],
    ) -> Option<Date> {
        let Some(latest) = updates.last().map(|u| u.date) else {
            return updated;
        };
        match updated {
            None => Some(latest),
            Some(u) if u < latest && date.is_none_or(|d| u >= d) => {
                self.error(
                    Code::DateOrder,
                    format!(
                        "`updated` ({}) is before the latest update ({})",
                        u.ymd(),
                        latest.ymd()
                    ),
                    &[Segment::Key("updated")],
                    Some("drop `updated`: it defaults to the latest update's date".into()),
                );
                Some(u)
            }
            Some(u) => Some(u),
        }
    }
}
