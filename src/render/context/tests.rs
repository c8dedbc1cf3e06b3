use super::*;
use crate::content::Kind;
use crate::template_fields::Reads;
use std::collections::{BTreeMap, BTreeSet};

/// The fields of one table of docs/templates.md, each with the fields its
/// value is said to have (`{a, b}` or `[{a, b}]`), if any.
type Table = BTreeMap<String, Option<BTreeSet<String>>>;

/// docs/templates.md's field tables, by what their header names: `variable`
/// for the variables of every page, else what follows `field of ` (``
/// `page` ``, `` `page` (incidents) ``, `a summary`).
fn documented() -> BTreeMap<String, Table> {
    let doc = include_str!("../../../docs/templates.md");
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        let cells: Vec<&str> = line
            .split(" | ")
            .map(|c| c.trim_matches([' ', '|']))
            .collect();
        if !line.starts_with('|') {
            current = None;
        } else if let Some(name) = cells[0].strip_prefix("field of ") {
            current = Some(name.to_string());
        } else if cells[0] == "variable" {
            current = Some("variable".to_string());
        } else if let (Some(table), Some(field)) = (&current, cells[0].strip_prefix('`')) {
            let nested = cells.get(1).and_then(|value| {
                let inner = value.strip_prefix("`{").or(value.strip_prefix("`[{"))?;
                let inner = &inner[..inner.find('}')?];
                Some(inner.split(", ").map(str::to_string).collect())
            });
            let field = field.trim_end_matches('`').to_string();
            tables
                .entry(table.clone())
                .or_default()
                .insert(field, nested);
        }
    }
    tables
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

/// What `table` says of `sample` (an object the code serialized): its
/// fields, apart from those of `beside` (documented in their own table),
/// and the fields of each nested object that `sample` has. Returns the
/// fields whose nesting it checked.
fn check(
    tables: &BTreeMap<String, Table>,
    table: &str,
    sample: &Value,
    beside: &[&str],
) -> Vec<String> {
    let documented = &tables[table];
    let mut fields = keys(sample);
    for other in beside {
        for field in tables[*other].keys() {
            fields.remove(field);
        }
    }
    let listed: BTreeSet<String> = documented.keys().cloned().collect();
    assert_eq!(fields, listed, "the fields of {table} in docs/templates.md");
    let mut checked = Vec::new();
    for (field, nested) in documented {
        let Some(nested) = nested else { continue };
        let objects: Vec<&Value> = match &sample[field] {
            Value::Array(items) => items.iter().collect(),
            Value::Null => Vec::new(),
            object => vec![object],
        };
        for object in objects {
            assert_eq!(
                &keys(object),
                nested,
                "{table}.{field} in docs/templates.md"
            );
            checked.push(format!("{table}.{field}"));
        }
    }
    checked
}

/// What docs/templates.md says of the contexts of list pages: `section`,
/// `paginator`, `taxonomy` and `term`, each checked on every list of `site`.
fn list_contexts(
    site: &Site,
    shared: &Shared,
    bodies: &crate::site::Bodies,
    tables: &BTreeMap<String, Table>,
) -> Vec<String> {
    let mut checked = Vec::new();
    for list in &site.lists {
        let facets = super::facets(site, &list.pages);
        let shows: (&[&str], Detail) = (&["item"], Detail::ALL);
        let value = section(site, bodies, shared, (list, &facets), &list.pages, shows);
        checked.extend(check(tables, "`section`", &value, &[]));
    }
    // Page 4 of 9: a pager with gaps on both sides.
    let paginator = Paginator::new(&site.urls, "incidents/", 9 * 3, 3, 5);
    let value = serde_json::to_value(&paginator).unwrap();
    checked.extend(check(tables, "`paginator`", &value, &[]));
    for tax in &site.taxonomies {
        checked.extend(check(
            tables,
            "`taxonomy`",
            &taxonomy(site, tax, tax.title),
            &[],
        ));
        for term in &tax.terms {
            let path = tax.term_path(term);
            let value = term_page(
                site,
                bodies,
                shared,
                (term, &path),
                &term.pages,
                Detail::ALL,
            );
            checked.extend(check(tables, "`term`", &value, &[]));
        }
    }
    checked
}

/// Every variable and field docs/templates.md lists is one the context's
/// types serialize, and the other way round: each kind of object, built
/// from the demo site of this repository, against its table.
#[test]
fn the_context_is_what_docs_templates_md_says() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let options = crate::pipeline::BuildOptions {
        root: root.clone(),
        now: chrono::DateTime::parse_from_rfc3339("2026-11-29T12:00:00Z")
            .ok()
            .map(|d| d.with_timezone(&chrono::Utc)),
        ..Default::default()
    };
    let mut site = crate::pipeline::build(&options).unwrap().site;
    // The demo shows no banner: one for every open incident gives a sample.
    site.config.banner = Some(crate::config::Banner {
        severity: crate::content::Severity::Low,
        max: std::num::NonZeroUsize::MIN,
    });
    let shared = Shared::new(&site);
    let theme = crate::theme::load(&root, "default", "en", &mut Default::default()).unwrap();
    // The summaries are gone with the build; their fields are what counts.
    let bodies = crate::site::Bodies::default();
    let tables = documented();
    let mut checked = Vec::new();

    let mut common = shared.context("page", "T", "https://x/".into(), false);
    shared.feed(&mut common, "tags/x/atom.xml", "F".into());
    let common = common.into_json();
    checked.extend(check(&tables, "variable", &common, &[]));
    checked.extend(check(&tables, "`site`", &common["site"], &[]));

    for (index, page) in site.pages.iter().enumerate() {
        let text = super::super::documents::read_again(&root, &page.doc).unwrap();
        let body = crate::site::render_body(
            &page.doc,
            &text,
            &site.links,
            site.config.raw_html,
            &mut Default::default(),
        );
        let value = serde_json::to_value(PageContext::new(&site, &shared, index, &body)).unwrap();
        checked.extend(match page.kind() {
            Kind::Page => check(&tables, "`page`", &value, &[]),
            Kind::Incident => check(&tables, "`page` (incidents)", &value, &["`page`"]),
            Kind::Faq => check(&tables, "`page` (FAQs)", &value, &["`page`"]),
        });
        let summary = shared.list(&site, &bodies, &[index], &["item"], Reads::ALL);
        checked.extend(check(&tables, "a summary", &summary[0], &[]));
    }
    checked.extend(list_contexts(&site, &shared, &bodies, &tables));
    let value = home(&site, &bodies, &theme, &shared);
    checked.extend(check(&tables, "`home`", &value, &[]));
    let charts = &value["charts"];
    checked.extend(check(&tables, "`charts.months`", &charts["months"], &[]));
    checked.extend(check(&tables, "`charts.vendors`", &charts["vendors"], &[]));
    let checker = serde_json::to_value(crate::exports::checker::context(&site)).unwrap();
    checked.extend(check(&tables, "`checker`", &checker, &[]));

    // The demo has an object of every nested kind the tables describe, so
    // each of their field lists was compared at least once.
    for (table, fields) in &tables {
        for (field, nested) in fields {
            let name = format!("{table}.{field}");
            assert!(
                nested.is_none() || checked.contains(&name),
                "no sample of {name} to check"
            );
        }
    }
}
