//! The keys only incidents have: severity and CVSS, status, identifiers
//! (CVE, CWE, other databases), timeline and references.

use super::{advisory_id_regex, cve_regex, cwe_regex, located_list, Validator};
use crate::content::frontmatter::{RawFrontMatter, RawReference};
use crate::content::{
    Affected, CvssScore, Date, IncidentMeta, Reference, Severity, Status, TimelineEntry,
};
use crate::diagnostics::{Code, Diagnostic};
use crate::yaml::Segment;
use regex::Regex;

impl Validator<'_> {
    pub(super) fn incident(
        &mut self,
        raw: &RawFrontMatter,
        date: Option<Date>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> IncidentMeta {
        let at = self.at;
        let cvss = raw.cvss.as_deref().and_then(|vector| self.cvss(vector));
        let rating = cvss.as_ref().map(|(_, r)| *r);
        let severity = match self.severity_of_updates(raw) {
            // `severity:` beside it is checked against the CVSS rating too.
            Some(latest) => {
                if raw.severity.is_some() {
                    self.severity(raw.severity, rating);
                }
                latest
            }
            None => self.severity(raw.severity, rating),
        };
        let updates = self.updates(raw, date);
        let status = self.status(raw, date, &updates, now);
        let id = raw.id.as_deref().map(|id| {
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
            {
                self.error(
                    Code::InvalidIdentifier,
                    format!("invalid incident id `{id}`"),
                    &[Segment::Key("id")],
                    Some("use letters, digits and - _ . : such as INC-2026-0042".into()),
                );
            }
            at.located(id.to_string(), &[Segment::Key("id")])
        });
        let cves = self.identifiers(
            raw.cves.as_deref(),
            "cves",
            cve_regex(),
            "CVE-YYYY-NNNN (four or more digits)",
        );
        let cwes = self.identifiers(
            raw.cwes.as_deref(),
            "cwes",
            cwe_regex(),
            "CWE-N such as CWE-79",
        );
        let affected = self.affected(raw);
        self.warn_without_products(raw, &cves, &affected);
        let advisory_ids = self.identifiers(
            raw.advisory_ids.as_deref(),
            "advisory_ids",
            advisory_id_regex(),
            "an id of another database such as GHSA-xxxx-xxxx-xxxx, RUSTSEC-2024-0001 or GO-2024-1234",
        );
        let third_parties = self.terms(raw.third_parties.as_deref(), "third_parties");
        let timeline = self.timeline(raw);
        let references = self.references(raw);
        IncidentMeta {
            id,
            severity,
            cvss: cvss.map(|(c, _)| c),
            status,
            affected,
            third_parties,
            cves,
            cwes,
            advisory_ids,
            data_exposed: self.strings(raw.data_exposed.as_deref(), "data_exposed"),
            actors: self.strings(raw.actors.as_deref(), "actors"),
            records_affected: raw.records_affected,
            timeline,
            updates,
            actions: located_list(at, "actions", raw.actions.as_deref()),
            references,
            related: located_list(at, "related", raw.related.as_deref()),
        }
    }

    /// The severity: as written, else the CVSS vector's rating; the two
    /// disagreeing, or both missing, is an error.
    fn severity(&mut self, written: Option<Severity>, rating: Option<Severity>) -> Severity {
        let at = self.at;
        match (written, rating) {
            (Some(s), Some(rating)) if s != rating => {
                self.error(
                    Code::CvssMismatch,
                    format!(
                        "`severity: {}` disagrees with the CVSS rating `{}`",
                        s.as_str(),
                        rating.as_str()
                    ),
                    &[Segment::Key("severity")],
                    Some(format!(
                        "set `severity: {}` or drop `severity` to use the CVSS rating",
                        rating.as_str()
                    )),
                );
                s
            }
            (Some(s), _) => s,
            (None, Some(rating)) => rating,
            (None, None) => {
                if !self.failed("severity") && !self.failed("cvss") {
                    self.diagnostics.push(
                        Diagnostic::error(
                            Code::MissingField,
                            "missing `severity` (or a `cvss` vector)",
                        )
                        .at(at.line(1, 1))
                        .help("add `severity: low | medium | high | critical`"),
                    );
                }
                Severity::Low
            }
        }
    }

    /// The status: the latest update's that gives one, else `status:`,
    /// else investigating. Still `investigating` a month after the date (or
    /// the latest update) is a warning.
    fn status(
        &mut self,
        raw: &RawFrontMatter,
        date: Option<Date>,
        updates: &[crate::content::Update],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Status {
        let at = self.at;
        let from_updates = self.status_of_updates(raw);
        let status = from_updates
            .map(|(_, s)| s)
            .or(raw.status)
            .unwrap_or(Status::Investigating);
        let since = updates.last().map(|u| u.date).or(date);
        if status != Status::Investigating || self.failed("status") || self.failed("updates") {
            return status;
        }
        let Some(d) = since else { return status };
        let days = (now - d.instant).num_days();
        if days > 30 {
            let place = match (raw.status, from_updates) {
                (Some(_), _) => at.value(&[Segment::Key("status")]),
                (None, Some((i, _))) => at.value(&[
                    Segment::Key("updates"),
                    Segment::Index(i),
                    Segment::Key("status"),
                ]),
                (None, None) => at.value(&[Segment::Key("date")]),
            };
            self.diagnostics.push(
                Diagnostic::warning(
                    Code::StaleInvestigation,
                    format!(
                        "incident still `investigating` {days} days after its {}",
                        if updates.is_empty() {
                            "date"
                        } else {
                            "latest update"
                        }
                    ),
                )
                .at(place)
                .help(
                    "once the cause is known, set `status` to identified, monitoring or resolved",
                ),
            );
        }
        status
    }

    /// CVEs without any affected product or package: a warning, since CSAF
    /// and OSV readers look for them (not when `affected` itself failed).
    fn warn_without_products(
        &mut self,
        raw: &RawFrontMatter,
        cves: &[String],
        affected: &[Affected],
    ) {
        let at = self.at;
        // An `affected` that could not be read is reported already, not missing.
        let unread =
            self.failed("affected") || affected.len() < raw.affected.as_ref().map_or(0, Vec::len);
        if !cves.is_empty() && !unread && !affected.iter().any(Affected::names_a_product) {
            self.diagnostics.push(
            Diagnostic::warning(
                Code::NoAffectedProducts,
                "the incident names CVEs but no affected product or package",
            )
            .at(at.key(&[Segment::Key("cves")]))
            .help("add an `affected` entry with `product` (and `versions`), or a package (`ecosystem`, `name`, `versions`): CSAF and OSV readers look for them"),
        );
        }
    }

    pub(super) fn cvss(&mut self, vector: &str) -> Option<(CvssScore, Severity)> {
        match vector.trim().parse::<cvss::Cvss>() {
            Ok(c) => {
                let rating = match c.severity() {
                    cvss::Severity::None | cvss::Severity::Low => Severity::Low,
                    cvss::Severity::Medium => Severity::Medium,
                    cvss::Severity::High => Severity::High,
                    cvss::Severity::Critical => Severity::Critical,
                };
                let score = CvssScore {
                    vector: vector.trim().to_string(),
                    score: c.score(),
                    rating: c.severity().as_str().to_string(),
                };
                Some((score, rating))
            }
            Err(e) => {
                self.error(
                    Code::InvalidCvss,
                    format!("malformed CVSS vector: {e}"),
                    &[Segment::Key("cvss")],
                    Some(
                        "expected a vector such as CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
                            .into(),
                    ),
                );
                None
            }
        }
    }

    pub(super) fn identifiers(
        &mut self,
        items: Option<&[String]>,
        key: &str,
        pattern: &Regex,
        expected: &str,
    ) -> Vec<String> {
        let mut out = Vec::new();
        for (i, s) in items.unwrap_or_default().iter().enumerate() {
            let s = s.trim();
            if pattern.is_match(s) {
                out.push(s.to_string());
            } else {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidIdentifier,
                        format!("`{s}` is not a valid entry for `{key}`"),
                    )
                    .at(self.at.item(key, i, s))
                    .help(format!("expected {expected}")),
                );
            }
        }
        out
    }

    pub(super) fn timeline(&mut self, raw: &RawFrontMatter) -> Vec<TimelineEntry> {
        let at = self.at;
        let mut out: Vec<TimelineEntry> = Vec::new();
        for (i, entry) in raw
            .timeline
            .as_deref()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let date_path = [
                Segment::Key("timeline"),
                Segment::Index(i),
                Segment::Key("date"),
            ];
            let Some(date) = self.date(Some(&entry.date), &date_path) else {
                continue;
            };
            if let Some(previous) = out.last() {
                if date < previous.date {
                    self.error(
                        Code::DateOrder,
                        format!(
                            "timeline entry {} ({}) comes before the entry above it ({})",
                            i + 1,
                            entry.date.trim(),
                            previous.date.ymd()
                        ),
                        &date_path,
                        Some("list timeline entries in chronological order".into()),
                    );
                }
            }
            let event_path = [
                Segment::Key("timeline"),
                Segment::Index(i),
                Segment::Key("event"),
            ];
            out.push(TimelineEntry {
                date,
                event: at.located(entry.event.clone(), &event_path),
            });
        }
        out
    }

    pub(super) fn references(&mut self, raw: &RawFrontMatter) -> Vec<Reference> {
        let mut out = Vec::new();
        for (i, r) in raw
            .references
            .as_deref()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let (title, url, kind, path) = match r {
                RawReference::Url(u) => (
                    None,
                    u,
                    None,
                    vec![Segment::Key("references"), Segment::Index(i)],
                ),
                RawReference::Titled(t) => (
                    t.title.clone(),
                    &t.url,
                    t.kind,
                    vec![
                        Segment::Key("references"),
                        Segment::Index(i),
                        Segment::Key("url"),
                    ],
                ),
            };
            match crate::urls::check_external(url) {
                Ok(()) => out.push(Reference {
                    title,
                    url: url.trim().to_string(),
                    kind,
                }),
                Err(message) => self.error(
                    Code::InvalidUrl,
                    message,
                    &path,
                    Some("references must be absolute http:// or https:// URLs".into()),
                ),
            }
        }
        out
    }
}
