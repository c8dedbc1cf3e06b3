//! The home dashboard's charts, drawn at build time as inline SVG: incidents
//! per month over the last 24 months (stacked by severity) and the vendors
//! most often involved. No chart library and no JavaScript: the page works
//! offline, under a strict CSP and in print.
//!
//! Colours come from CSS classes (`chart-sev-*`, `chart-bar-vendor`, …), never
//! from inline styles, so the theme's light, dark and print palettes apply.
//! Every bar carries `data-*` attributes with its real values, so tests (and
//! curious readers) can check the drawing against the data. Coordinates are
//! rounded to one decimal, so two builds are byte-identical.

use crate::content::Severity;
use crate::html::escape;
use crate::i18n::Strings;
use crate::site::Site;
use chrono::{DateTime, Datelike, Utc};
use serde_json::{json, Value};
use std::fmt::Write;

/// How many months the monthly chart covers, ending with the build's month.
pub(crate) const MONTHS: usize = 24;
/// How many vendors the vendor chart shows.
pub(crate) const TOP_VENDORS: usize = 10;

/// A calendar month, ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Month {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl Month {
    pub(crate) fn of(instant: DateTime<Utc>) -> Month {
        Month {
            year: instant.year(),
            month: instant.month(),
        }
    }

    /// The month `n` months before this one.
    fn back(self, n: usize) -> Month {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 - n as i64;
        Month {
            year: index.div_euclid(12) as i32,
            month: index.rem_euclid(12) as u32 + 1,
        }
    }

    /// `2026-11`, the machine-readable form (`data-month`, `<time datetime>`).
    pub(crate) fn key(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// `Nov`, in the site's language (`month_short_11`).
    fn short_name(self, s: &Strings) -> String {
        s.text(&format!("month_short_{}", self.month.clamp(1, 12)), &[])
    }

    /// `Nov 2026`, the human-readable form, in the site's language.
    pub(crate) fn label(self, s: &Strings) -> String {
        s.month_label(self.year, self.month.clamp(1, 12))
    }
}

/// One month of the monthly chart: incident counts in `Severity::ALL` order
/// (critical first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MonthBar {
    pub month: Month,
    pub counts: [usize; 4],
}

impl MonthBar {
    pub(crate) fn total(&self) -> usize {
        self.counts.iter().sum()
    }
}

fn severity_index(severity: Severity) -> usize {
    Severity::ALL
        .iter()
        .position(|s| *s == severity)
        .unwrap_or(0)
}

/// Counts incidents by the month of their `date`, for the `MONTHS` months that
/// end with the month of `now`. Incidents outside that window are left out.
pub(crate) fn monthly(
    incidents: impl IntoIterator<Item = (DateTime<Utc>, Severity)>,
    now: DateTime<Utc>,
) -> Vec<MonthBar> {
    let last = Month::of(now);
    let mut bars: Vec<MonthBar> = (0..MONTHS)
        .rev()
        .map(|n| MonthBar {
            month: last.back(n),
            counts: [0; 4],
        })
        .collect();
    for (date, severity) in incidents {
        let month = Month::of(date);
        if let Some(bar) = bars.iter_mut().find(|b| b.month == month) {
            bar.counts[severity_index(severity)] += 1;
        }
    }
    bars
}

/// A vendor and the number of published incidents that name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VendorBar {
    pub name: String,
    pub url: String,
    pub count: usize,
}

/// The vendors with the most incidents, most first (ties in name order).
pub(crate) fn top_vendors(mut vendors: Vec<VendorBar>) -> Vec<VendorBar> {
    vendors.retain(|v| v.count > 0);
    vendors.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.name.cmp(&b.name))
    });
    vendors.truncate(TOP_VENDORS);
    vendors
}

/// The smallest "nice" axis maximum ≥ `max` and its tick step (1, 2, 5 × 10ⁿ),
/// with at most five steps.
fn axis(max: usize) -> (usize, usize) {
    let max = max.max(1);
    let mut magnitude = 1;
    loop {
        for factor in [1, 2, 5] {
            let step = factor * magnitude;
            if max.div_ceil(step) <= 5 {
                return (max.div_ceil(step) * step, step);
            }
        }
        magnitude *= 10;
    }
}

/// One decimal place, without a trailing `.0`: compact and deterministic.
fn num(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// `2 incidents`, in the site's language.
fn incidents(s: &Strings, n: usize) -> String {
    s.text("chart.n_incidents", &[("n", n.to_string())])
}

/// Shortens a label to `max` characters, ending in `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

const MONTH_WIDTH: f64 = 520.0;
const MONTH_HEIGHT: f64 = 262.0;
const MONTH_LEFT: f64 = 30.0;
const MONTH_RIGHT: f64 = 4.0;
const MONTH_TOP: f64 = 18.0;
const MONTH_BOTTOM: f64 = 40.0;

/// The SVG of the monthly chart, stacked with the most severe at the bottom.
/// `id` prefixes the ids of its `<title>` and `<desc>`.
pub(crate) fn months_svg(
    bars: &[MonthBar],
    id: &str,
    title: &str,
    desc: &str,
    s: &Strings,
) -> String {
    let plot_height = MONTH_HEIGHT - MONTH_TOP - MONTH_BOTTOM;
    let plot_width = MONTH_WIDTH - MONTH_LEFT - MONTH_RIGHT;
    let baseline = MONTH_TOP + plot_height;
    let (axis_max, step) = axis(bars.iter().map(MonthBar::total).max().unwrap_or(0));
    let unit = plot_height / axis_max as f64;
    let slot = plot_width / bars.len().max(1) as f64;
    let bar_width = slot * 0.68;
    let id = escape(id);

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart-svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>",
        w = num(MONTH_WIDTH),
        h = num(MONTH_HEIGHT),
        title = escape(title),
        desc = escape(desc),
    );
    month_gridlines(&mut svg, axis_max, step, unit, baseline);
    let mut last_year = None;
    for (i, bar) in bars.iter().enumerate() {
        let geometry = BarGeometry {
            x: MONTH_LEFT + slot * i as f64 + (slot - bar_width) / 2.0,
            centre: num(MONTH_LEFT + slot * (i as f64 + 0.5)),
            width: bar_width,
            unit,
            baseline,
            labelled: (bars.len() - 1 - i).is_multiple_of(3),
        };
        month_bar(&mut svg, bar, &geometry, &mut last_year, s);
    }
    svg.push_str("</svg>");
    svg
}

const VENDOR_WIDTH: f64 = 520.0;
const VENDOR_LABEL: f64 = 168.0;
const VENDOR_RIGHT: f64 = 34.0;
const VENDOR_ROW: f64 = 28.0;
const VENDOR_BAR: f64 = 18.0;
const VENDOR_TOP: f64 = 6.0;
/// Longest vendor name drawn in full; longer ones end in `…` (the full name
/// is in the bar's tooltip and the data table).
const VENDOR_NAME_CHARS: usize = 24;

/// The SVG of the vendor chart: one horizontal bar per vendor.
pub(crate) fn vendors_svg(
    vendors: &[VendorBar],
    id: &str,
    title: &str,
    desc: &str,
    s: &Strings,
) -> String {
    let height = VENDOR_TOP * 2.0 + VENDOR_ROW * vendors.len() as f64;
    let max = vendors.iter().map(|v| v.count).max().unwrap_or(0).max(1);
    let unit = (VENDOR_WIDTH - VENDOR_LABEL - VENDOR_RIGHT) / max as f64;
    let id = escape(id);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart-svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>",
        w = num(VENDOR_WIDTH),
        h = num(height),
        title = escape(title),
        desc = escape(desc),
    );
    let _ = write!(
        svg,
        "<line class=\"chart-axis-line\" x1=\"{x}\" x2=\"{x}\" y1=\"{y1}\" y2=\"{y2}\"/>",
        x = num(VENDOR_LABEL),
        y1 = num(VENDOR_TOP / 2.0),
        y2 = num(height - VENDOR_TOP / 2.0),
    );
    for (i, vendor) in vendors.iter().enumerate() {
        let row = VENDOR_TOP + VENDOR_ROW * i as f64;
        let middle = num(row + VENDOR_ROW / 2.0);
        let width = vendor.count as f64 * unit;
        let name = escape(&vendor.name);
        let _ = write!(
            svg,
            "<g class=\"chart-vendor\">\
             <text class=\"chart-label\" x=\"{lx}\" y=\"{middle}\" dy=\"0.32em\" text-anchor=\"end\">{short}</text>\
             <rect class=\"chart-bar chart-bar-vendor\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" data-vendor=\"{name}\" data-count=\"{count}\">\
             <title>{name}: {what}</title></rect>\
             <text class=\"chart-value\" x=\"{vx}\" y=\"{middle}\" dy=\"0.32em\">{count}</text></g>",
            lx = num(VENDOR_LABEL - 8.0),
            short = escape(&shorten(&vendor.name, VENDOR_NAME_CHARS)),
            x = num(VENDOR_LABEL),
            y = num(row + (VENDOR_ROW - VENDOR_BAR) / 2.0),
            w = num(width),
            h = num(VENDOR_BAR),
            count = vendor.count,
            what = incidents(s, vendor.count),
            vx = num(VENDOR_LABEL + width + 6.0),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The horizontal lines and ticks of the monthly chart, every `step` up to `axis_max`.
fn month_gridlines(svg: &mut String, axis_max: usize, step: usize, unit: f64, baseline: f64) {
    svg.push_str("<g class=\"chart-gridlines\">");
    for tick in (0..=axis_max).step_by(step) {
        let y = num(baseline - tick as f64 * unit);
        let _ = write!(
            svg,
            "<line class=\"chart-grid-line{zero}\" x1=\"{x1}\" x2=\"{x2}\" y1=\"{y}\" y2=\"{y}\"/>\
             <text class=\"chart-tick\" x=\"{tx}\" y=\"{y}\" dy=\"0.32em\" text-anchor=\"end\">{tick}</text>",
            zero = if tick == 0 { " chart-axis-line" } else { "" },
            x1 = num(MONTH_LEFT),
            x2 = num(MONTH_WIDTH - MONTH_RIGHT),
            tx = num(MONTH_LEFT - 6.0),
        );
    }
    svg.push_str("</g>");
}

/// Where one month's bar goes.
struct BarGeometry {
    x: f64,
    centre: String,
    width: f64,
    unit: f64,
    baseline: f64,
    /// Whether the month's name is shown under it (every third month).
    labelled: bool,
}

/// One month's stacked bar, its total, and (every third month) its name
/// and, where it changes, the year.
fn month_bar(
    svg: &mut String,
    bar: &MonthBar,
    g: &BarGeometry,
    last_year: &mut Option<i32>,
    s: &Strings,
) {
    let (x, centre, bar_width, unit, baseline) = (g.x, &g.centre, g.width, g.unit, g.baseline);
    let total = bar.total();
    let _ = write!(
        svg,
        "<g class=\"chart-month\" data-month=\"{}\" data-total=\"{total}\">",
        bar.month.key()
    );
    let mut top = baseline;
    for (severity, &count) in Severity::ALL.iter().zip(&bar.counts) {
        if count == 0 {
            continue;
        }
        let height = count as f64 * unit;
        top -= height;
        let _ = write!(
            svg,
            "<rect class=\"chart-bar chart-sev-{s}\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" \
             data-month=\"{m}\" data-severity=\"{s}\" data-count=\"{count}\">\
             <title>{label}: {what} {severity_name}</title></rect>",
            s = severity.as_str(),
            severity_name = s.text(&format!("severity.term_{}", severity.as_str()), &[]),
            x = num(x),
            y = num(top),
            w = num(bar_width),
            h = num(height),
            m = bar.month.key(),
            label = bar.month.label(s),
            what = incidents(s, count),
        );
    }
    if total > 0 {
        let _ = write!(
            svg,
            "<text class=\"chart-value\" x=\"{centre}\" y=\"{y}\" text-anchor=\"middle\">{total}</text>",
            y = num(top - 5.0),
        );
    }
    // A month name every third month, ending with the latest; the year
    // under the first label and wherever it changes.
    if g.labelled {
        let _ = write!(
            svg,
            "<text class=\"chart-tick\" x=\"{centre}\" y=\"{y}\" text-anchor=\"middle\">{name}</text>",
            y = num(baseline + 17.0),
            name = bar.month.short_name(s),
        );
        if *last_year != Some(bar.month.year) {
            let _ = write!(
                svg,
                "<text class=\"chart-tick chart-year\" x=\"{centre}\" y=\"{y}\" text-anchor=\"middle\">{year}</text>",
                y = num(baseline + 34.0),
                year = bar.month.year,
            );
            *last_year = Some(bar.month.year);
        }
    }
    svg.push_str("</g>");
}

/// `home.charts` for the home template: each chart's SVG (output it with
/// `| safe`), its title and the rows of its data table (the text alternative).
pub(crate) fn dashboard(site: &Site, s: &Strings) -> Value {
    json!({
        "months": months_chart(site, s),
        "vendors": vendors_chart(site, s),
    })
}

/// The monthly chart of `home.charts`: its SVG, title, window and rows.
fn months_chart(site: &Site, s: &Strings) -> Value {
    let now = site.publication.now;
    let bars = monthly(
        site.incidents()
            .filter_map(|(_, p, incident)| Some((p.doc.meta.date?.instant, incident.severity))),
        now,
    );
    let window_total: usize = bars.iter().map(MonthBar::total).sum();
    let (first, last) = (bars[0].month, bars[bars.len() - 1].month);
    let (from, to) = (first.label(s), last.label(s));
    let months_title = s.text(
        "chart.months_title",
        &[("from", from.clone()), ("to", to.clone())],
    );
    let busiest = bars
        .iter()
        .rev()
        .max_by_key(|b| b.total())
        .filter(|b| b.total() > 0);
    let months_desc = match busiest {
        Some(b) => s.text(
            "chart.months_desc",
            &[
                ("incidents", incidents(s, window_total)),
                ("from", from.clone()),
                ("to", to.clone()),
                ("month", b.month.label(s)),
                ("count", incidents(s, b.total())),
            ],
        ),
        None => s.text(
            "chart.months_desc_empty",
            &[("from", from.clone()), ("to", to.clone())],
        ),
    };
    let month_rows: Vec<Value> = bars
        .iter()
        .map(|b| {
            json!({
                "month": b.month.key(),
                "label": b.month.label(s),
                "counts": Severity::ALL.iter().zip(&b.counts).map(|(s, c)| json!({"severity": s, "count": c})).collect::<Vec<_>>(),
                "total": b.total(),
            })
        })
        .collect();

    json!({
        "svg": months_svg(&bars, "chart-months", &months_title, &months_desc, s),
        "title": months_title,
        "from": from,
        "to": to,
        "total": window_total,
        "severities": Severity::ALL,
        "rows": month_rows,
    })
}

/// The vendor chart of `home.charts`: its SVG, title and rows.
fn vendors_chart(site: &Site, s: &Strings) -> Value {
    let vendor_terms = site
        .taxonomies
        .iter()
        .find(|t| t.name == "vendors")
        .map(|t| {
            t.terms
                .iter()
                .map(|term| VendorBar {
                    name: term.name.clone(),
                    url: site.urls.path(&t.term_path(term)),
                    count: term.pages.len(),
                })
                .collect()
        })
        .unwrap_or_default();
    let vendors = top_vendors(vendor_terms);
    let vendors_title = s.text("chart.vendors_title", &[]);
    let vendors_desc = match vendors.first() {
        Some(top) => s.text(
            "chart.vendors_desc",
            &[
                ("n", vendors.len().to_string()),
                ("top", top.name.clone()),
                ("count", incidents(s, top.count)),
            ],
        ),
        None => s.text("chart.vendors_desc_empty", &[]),
    };

    json!({
        "svg": if vendors.is_empty() { String::new() } else { vendors_svg(&vendors, "chart-vendors", &vendors_title, &vendors_desc, s) },
        "title": vendors_title,
        "rows": vendors.iter().map(|v| json!({"name": v.name, "url": v.url, "count": v.count})).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// The default theme's English strings.
    fn en() -> Strings {
        let theme = crate::theme::load(
            std::path::Path::new("/nonexistent"),
            "default",
            "en",
            &mut Default::default(),
        );
        theme.map(|t| (*t.strings).clone()).unwrap_or_default()
    }

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
    }

    #[test]
    fn months_cover_the_last_24_ending_with_the_clock() {
        let bars = monthly(Vec::new(), at(2026, 2, 3));
        assert_eq!(bars.len(), 24);
        assert_eq!(bars[0].month.key(), "2024-03");
        assert_eq!(bars[23].month.key(), "2026-02");
        assert_eq!(bars[22].month.label(&en()), "Jan 2026");
    }

    #[test]
    fn incidents_are_counted_by_month_and_severity_inside_the_window() {
        let bars = monthly(
            vec![
                (at(2026, 11, 1), Severity::High),
                (at(2026, 11, 28), Severity::High),
                (at(2026, 11, 2), Severity::Low),
                (at(2024, 12, 1), Severity::Critical),
                (at(2024, 11, 30), Severity::Critical), // one month too old
                (at(2026, 12, 1), Severity::Low),       // after the clock's month
            ],
            at(2026, 11, 29),
        );
        assert_eq!(bars[23].counts, [0, 2, 0, 1]);
        assert_eq!(bars[0].counts, [1, 0, 0, 0]);
        assert_eq!(bars.iter().map(MonthBar::total).sum::<usize>(), 4);
    }

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(axis(0), (1, 1));
        assert_eq!(axis(3), (3, 1));
        assert_eq!(axis(7), (8, 2));
        assert_eq!(axis(23), (25, 5));
        assert_eq!(axis(140), (150, 50));
    }

    #[test]
    fn vendors_are_ranked_by_count_then_name_and_cut_at_ten() {
        let v = |name: &str, count| VendorBar {
            name: name.into(),
            url: String::new(),
            count,
        };
        let mut all: Vec<VendorBar> = (0..12).map(|i| v(&format!("v{i:02}"), 1)).collect();
        all.push(v("beta", 3));
        all.push(v("Alpha", 3));
        all.push(v("none", 0));
        let top = top_vendors(all);
        assert_eq!(top.len(), TOP_VENDORS);
        assert_eq!(top[0].name, "Alpha");
        assert_eq!(top[1].name, "beta");
        assert_eq!(top[2].name, "v00");
    }

    #[test]
    fn labels_are_escaped_and_shortened() {
        let svg = vendors_svg(
            &[VendorBar {
                name: "<script>alert(1)</script> & a very long vendor name".into(),
                url: String::new(),
                count: 2,
            }],
            "c",
            "T <b>",
            "D \"q\"",
            &en(),
        );
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(!svg.contains("<b>"), "{svg}");
        assert!(svg.contains(
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; a very long vendor name: 2 incidents"
        ));
        assert!(
            svg.contains(">&lt;script&gt;alert(1)&lt;/scrip…</text>"),
            "{svg}"
        );
        assert!(svg.contains("<desc id=\"c-desc\">D &quot;q&quot;</desc>"));
    }

    #[test]
    fn stacked_segments_sit_on_each_other() {
        let bars = vec![MonthBar {
            month: Month {
                year: 2026,
                month: 1,
            },
            counts: [1, 0, 2, 0],
        }];
        let svg = months_svg(&bars, "m", "t", "d", &en());
        // Axis 0..3, plot height 204: one incident is 68 units.
        assert!(svg.contains("y=\"154\" width=\"330.5\" height=\"68\" data-month=\"2026-01\" data-severity=\"critical\" data-count=\"1\""), "{svg}");
        assert!(svg.contains("y=\"18\" width=\"330.5\" height=\"136\" data-month=\"2026-01\" data-severity=\"medium\" data-count=\"2\""), "{svg}");
        assert!(svg.contains(">3</text>"));
    }
}
