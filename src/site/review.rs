//! Review: a published document whose last review is older than its kind's
//! interval (`review:` of seckb.yaml) at the build's clock is a warning
//! (W0102), at its `reviewed.date`, or at the top of a file that has none.

use super::loc;
use crate::config::Review;
use crate::content::{Date, Document};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};

/// Warns about each of `published` whose review is overdue at `now`: due
/// `interval` days after `reviewed.date`, or, without `reviewed`, after
/// its `updated` or `date` (a document with neither is due at once).
pub(super) fn overdue(
    published: &[Document],
    review: &Review,
    now: chrono::DateTime<chrono::Utc>,
    diagnostics: &mut Diagnostics,
) {
    for doc in published {
        let Some(days) = review.days(doc.kind.kind()) else {
            continue;
        };
        let reviewed = doc.meta.reviewed.as_ref();
        let since: Option<Date> = reviewed.map(|r| r.date.value).or(doc.last_changed());
        let due = since.map(|d| d.instant + chrono::Duration::days(i64::from(days)));
        if due.is_some_and(|due| due > now) {
            continue;
        }
        let at = reviewed.map_or_else(|| loc(doc, 1, 1), |r| loc(doc, r.date.line, r.date.column));
        let what = match (reviewed, since) {
            (Some(r), _) => format!("last reviewed on {}", r.date.value.ymd()),
            (None, Some(d)) => format!("never reviewed, last changed on {}", d.ymd()),
            (None, None) => "never reviewed".to_string(),
        };
        let kind = doc.kind.kind().as_str();
        diagnostics.push(
            Diagnostic::warning(
                Code::ReviewOverdue,
                format!("review overdue: {what}, and {kind}s are reviewed every {days} days"),
            )
            .at(at)
            .help(format!(
                "review the {kind}, then set `reviewed: {{by: …, date: {}}}`",
                now.format("%Y-%m-%d")
            )),
        );
    }
}
