//! The home dashboard's SVG charts tell the truth: the bars of the monthly
//! chart add up to the published incidents per month and severity (drafts,
//! embargoed and above-ceiling incidents left out), stacked segments sit on
//! each other at one scale, the vendor chart counts what the vendor pages
//! count, labels are escaped, and each chart has a title, a description and a
//! data table with the same numbers.

use crate::common::*;
use scraper::{ElementRef, Html, Selector};
use std::collections::BTreeMap;
use std::path::Path;

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn build(root: &Path, out: &Path) -> Html {
    built(&seckb::BuildOptions {
        output: Some(out.to_path_buf()),
        ..options(root)
    });
    Html::parse_document(&std::fs::read_to_string(out.join("index.html")).unwrap())
}

fn attr<'a>(e: &ElementRef<'a>, name: &str) -> &'a str {
    e.value()
        .attr(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", e.value().name()))
}

fn number(e: &ElementRef, name: &str) -> f64 {
    attr(e, name).parse().unwrap()
}

fn text(e: &ElementRef) -> String {
    e.text().collect::<String>().trim().to_string()
}

/// (month, severity) → count, summed over the monthly chart's bars.
type Counts = BTreeMap<(String, String), usize>;

/// Reads the monthly chart, checking on the way that it is drawn consistently:
/// 24 month groups in order, each group's total equal to its segments and
/// printed above the bar, segments stacked without gaps, one scale for all.
fn read_monthly_chart(home: &Html) -> (Vec<String>, Counts) {
    let svg = home
        .select(&sel(".chart-months svg"))
        .next()
        .expect("monthly chart");
    let mut months = Vec::new();
    let mut counts = Counts::new();
    let mut per_incident: Option<f64> = None;
    for group in svg.select(&sel("g.chart-month")) {
        let month = attr(&group, "data-month").to_string();
        let rects: Vec<ElementRef> = group.select(&sel("rect")).collect();
        let mut sum = 0;
        let mut previous_top: Option<f64> = None;
        for rect in &rects {
            assert_eq!(attr(rect, "data-month"), month);
            let count: usize = attr(rect, "data-count").parse().unwrap();
            assert!(count > 0, "empty segment drawn in {month}");
            let (y, height) = (number(rect, "y"), number(rect, "height"));
            let scale = height / count as f64;
            let first = *per_incident.get_or_insert(scale);
            assert!(
                (scale - first).abs() < 0.1,
                "{month}: {height} units for {count} incidents, other bars use {first} per incident"
            );
            if let Some(top) = previous_top {
                assert!(
                    (y + height - top).abs() < 0.15,
                    "{month}: segments do not touch"
                );
            }
            previous_top = Some(y);
            let title = text(&rect.select(&sel("title")).next().expect("bar tooltip"));
            assert!(
                title.contains(&format!("{count} incident")),
                "tooltip `{title}`"
            );
            *counts
                .entry((month.clone(), attr(rect, "data-severity").to_string()))
                .or_default() += count;
            sum += count;
        }
        let total: usize = attr(&group, "data-total").parse().unwrap();
        assert_eq!(sum, total, "{month}: segments add up to the group total");
        let label = group
            .select(&sel("text.chart-value"))
            .next()
            .map(|t| text(&t));
        if total > 0 {
            assert_eq!(label, Some(total.to_string()), "{month}: printed total");
        } else {
            assert_eq!(label, None);
        }
        months.push(month);
    }
    assert_eq!(months.len(), 24, "24 months");
    let mut sorted = months.clone();
    sorted.sort();
    assert_eq!(months, sorted, "months in order");
    (months, counts)
}

/// The monthly chart's data table, read the way a screen reader user would.
fn read_monthly_table(home: &Html) -> Counts {
    let table = home
        .select(&sel(".chart-months details table"))
        .next()
        .expect("monthly data table");
    let severities: Vec<String> = table
        .select(&sel("thead th"))
        .skip(1)
        .map(|th| text(&th).to_lowercase())
        .collect();
    assert_eq!(
        severities,
        ["critical", "high", "medium", "low", "total"],
        "table columns"
    );
    let mut counts = Counts::new();
    for row in table.select(&sel("tbody tr")) {
        let month = attr(&row.select(&sel("time")).next().unwrap(), "datetime").to_string();
        let cells: Vec<usize> = row
            .select(&sel("td"))
            .map(|td| text(&td).parse().unwrap())
            .collect();
        assert_eq!(cells.len(), 5);
        assert_eq!(
            cells[..4].iter().sum::<usize>(),
            cells[4],
            "{month}: row total"
        );
        for (severity, &count) in severities.iter().zip(&cells[..4]) {
            if count > 0 {
                counts.insert((month.clone(), severity.clone()), count);
            }
        }
    }
    counts
}

fn read_vendor_chart(home: &Html) -> Vec<(String, usize)> {
    home.select(&sel(".chart-vendors svg rect"))
        .map(|r| {
            (
                attr(&r, "data-vendor").to_string(),
                attr(&r, "data-count").parse().unwrap(),
            )
        })
        .collect()
}

fn assert_accessible_svg(home: &Html, chart: &str) {
    let svg = home
        .select(&sel(&format!("{chart} svg")))
        .next()
        .expect("chart svg");
    assert_eq!(attr(&svg, "role"), "img");
    let title = attr(&svg, "aria-labelledby");
    let desc = attr(&svg, "aria-describedby");
    let title = svg
        .select(&sel(&format!("title[id='{title}']")))
        .next()
        .expect("labelledby points at the <title>");
    assert!(!text(&title).is_empty());
    let desc = svg
        .select(&sel(&format!("desc[id='{desc}']")))
        .next()
        .expect("describedby points at the <desc>");
    assert!(text(&desc).len() > 40, "a real description");
}

#[test]
fn fixture_charts_count_exactly_the_published_incidents() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let home = build(&fixture("charts"), &out);

    let (months, counts) = read_monthly_chart(&home);
    assert_eq!(months.first().map(String::as_str), Some("2024-12"));
    assert_eq!(months.last().map(String::as_str), Some("2026-11"));
    let expected: Counts = [
        ("2024-12", "low", 1),
        ("2025-06", "critical", 1),
        ("2025-06", "low", 1),
        ("2026-01", "medium", 1),
        // 2026-10-31T23:30-02:00 is 1 November in UTC.
        ("2026-11", "critical", 1),
        ("2026-11", "high", 2),
    ]
    .into_iter()
    .map(|(m, s, c)| ((m.to_string(), s.to_string()), c))
    .collect();
    assert_eq!(counts, expected);
    assert_eq!(read_monthly_table(&home), expected);

    assert_eq!(
        read_vendor_chart(&home),
        [
            ("Acme".to_string(), 4),
            ("Globex".to_string(), 3),
            ("Initech".to_string(), 3),
            ("Evil <b>& Co</b>".to_string(), 1),
        ]
    );
    let raw = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!raw.contains("<b>& Co"), "vendor names are escaped");
    assert!(raw.contains("Evil &lt;b&gt;&amp; Co&lt;/b&gt;"));
    for hidden in ["Hidden Draft", "Hidden Embargo", "Hidden Amber"] {
        assert!(!raw.contains(hidden), "{hidden} leaked into the dashboard");
    }
    assert_accessible_svg(&home, ".chart-months");
    assert_accessible_svg(&home, ".chart-vendors");
    // Colours come from classes: no style attributes (CSP) and no fills.
    let svg_html = home
        .select(&sel(".dashboard-charts"))
        .next()
        .unwrap()
        .html();
    assert!(!svg_html.contains("style="));
    assert!(!svg_html.contains("fill="));
}

#[test]
fn demo_charts_match_the_incident_list_and_the_vendor_pages() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let home = build(&repo(), &out);
    let (months, counts) = read_monthly_chart(&home);

    // Every published incident is a row of the incident table, with its
    // severity and publication date.
    let list =
        Html::parse_document(&std::fs::read_to_string(out.join("incidents/index.html")).unwrap());
    let mut expected = Counts::new();
    let mut rows = 0;
    for row in list.select(&sel("#incident-table tbody tr")) {
        rows += 1;
        let published = row.select(&sel("td[data-label=Published] time")).next();
        let month = attr(&published.unwrap(), "datetime")[..7].to_string();
        if months.contains(&month) {
            let severity = attr(&row, "data-severity").to_string();
            *expected.entry((month, severity)).or_default() += 1;
        }
    }
    assert!(rows >= 5, "the demo has incidents");
    assert!(!expected.is_empty());
    assert_eq!(counts, expected);
    assert_eq!(read_monthly_table(&home), expected);

    // The vendor chart shows the ten biggest terms of the vendors taxonomy.
    let vendors =
        Html::parse_document(&std::fs::read_to_string(out.join("vendors/index.html")).unwrap());
    let mut terms: Vec<(String, usize)> = vendors
        .select(&sel(".term"))
        .map(|t| {
            let name = text(&t.select(&sel(".term-name")).next().unwrap());
            let count = t.select(&sel(".term-count")).next().unwrap();
            let count = count.text().next().unwrap().trim().parse().unwrap();
            (name, count)
        })
        .collect();
    terms.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.0.to_lowercase().cmp(&b.0.to_lowercase()))
    });
    terms.truncate(10);
    assert!(!terms.is_empty());
    assert_eq!(read_vendor_chart(&home), terms);
}
