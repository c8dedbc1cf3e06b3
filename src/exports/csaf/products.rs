//! The vulnerability half of an incident's CSAF document: a product tree
//! made from `affected` entries and third parties (vendor → product name →
//! version range or version → product), and for each vulnerability its
//! product status, CVSS score, CWE, other ids, remediations, notes and
//! threats. A document carries them when the incident names a CVE or has
//! a CVSS vector: product statuses belong to a vulnerability, and a
//! product no vulnerability names would be an unused definition.

use crate::affected::{ecosystem, EventKind, Range, RangeType};
use crate::content::{Affected, IncidentMeta};
use crate::markdown::inline_text;
use crate::site::Page;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

/// CWE names as the CSAF mandatory test 6.1.11 checks them (CWE 4.17).
fn cwe_name(id: &str) -> Option<&'static str> {
    static NAMES: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    NAMES
        .get_or_init(|| {
            include_str!("../cwe-names.tsv")
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_once('\t'))
                .collect()
        })
        .get(id)
        .copied()
}

/// One product of the tree: its id, full name and identification helper.
struct Leaf {
    id: String,
    name: String,
    helper: Value,
}

/// A version branch: its category, its name (a version or `vers:` range)
/// and its product.
type Version = (&'static str, String, Leaf);

/// A `product_name` branch and its versions.
type Product = (String, Vec<Version>);

/// `vendor` → `product_name` → versions, in the order first named.
#[derive(Default)]
struct Tree {
    vendors: Vec<(String, Vec<Product>)>,
    count: usize,
}

impl Tree {
    /// Adds a product at `vendor / product / version`, or returns the one
    /// already there; returns its product id.
    fn add(
        &mut self,
        vendor: &str,
        product: &str,
        category: &'static str,
        version: &str,
        name: String,
        helper: Value,
    ) -> String {
        let v = match self.vendors.iter().position(|(n, _)| n == vendor) {
            Some(i) => i,
            None => {
                self.vendors.push((vendor.to_string(), Vec::new()));
                self.vendors.len() - 1
            }
        };
        let products = &mut self.vendors[v].1;
        let p = match products.iter().position(|(n, _)| n == product) {
            Some(i) => i,
            None => {
                products.push((product.to_string(), Vec::new()));
                products.len() - 1
            }
        };
        let leaves = &mut products[p].1;
        if let Some((_, _, leaf)) = leaves
            .iter()
            .find(|(c, n, _)| *c == category && n == version)
        {
            return leaf.id.clone();
        }
        self.count += 1;
        let id = format!("CSAFPID-{:04}", self.count);
        leaves.push((
            category,
            version.to_string(),
            Leaf {
                id: id.clone(),
                name,
                helper,
            },
        ));
        id
    }

    fn json(&self) -> Value {
        let vendors: Vec<Value> = self
            .vendors
            .iter()
            .map(|(vendor, products)| {
                let products: Vec<Value> = products
                    .iter()
                    .map(|(product, leaves)| {
                        let leaves: Vec<Value> = leaves
                            .iter()
                            .map(|(category, version, leaf)| {
                                json!({
                                    "category": category,
                                    "name": version,
                                    "product": { "name": leaf.name, "product_id": leaf.id, "product_identification_helper": leaf.helper },
                                })
                            })
                            .collect();
                        json!({ "category": "product_name", "name": product, "branches": leaves })
                    })
                    .collect();
                json!({ "category": "vendor", "name": vendor, "branches": products })
            })
            .collect();
        json!({ "branches": vendors })
    }
}

/// A CPE 2.3 component: lower case, spaces as `_`, punctuation escaped,
/// letters outside ASCII folded to theirs (`Café` → `cafe`).
fn cpe_component(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in text.trim().nfd() {
        if c.is_ascii_alphanumeric() || "-._".contains(c) {
            out.push(c.to_ascii_lowercase());
        } else if c == ' ' {
            out.push('_');
        } else if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        }
    }
    if out.is_empty() {
        "*".into()
    } else {
        out
    }
}

/// How a product is identified: the package's purl (given or made from
/// its ecosystem and name), else a CPE 2.3 name from vendor and product
/// (the publisher naming its own product, or a third party's).
fn helper(entry: Option<&Affected>, vendor: &str, product: &str) -> Value {
    let purl = entry.and_then(|a| a.package.as_ref()).and_then(|p| {
        p.purl
            .clone()
            .or_else(|| ecosystem::purl_of(&p.ecosystem, &p.name))
    });
    match purl {
        Some(purl) => json!({ "purl": purl }),
        None => {
            json!({ "cpe": format!("cpe:2.3:a:{}:{}:*:*:*:*:*:*:*:*", cpe_component(vendor), cpe_component(product)) })
        }
    }
}

/// The `vers:` scheme of an entry's versions: its ecosystem's purl type,
/// `generic` for vendor products and ecosystems without one.
fn vers_scheme(entry: &Affected) -> &'static str {
    entry
        .package
        .as_ref()
        .and_then(|p| ecosystem::purl_type(&p.ecosystem))
        .unwrap_or("generic")
}

/// The ranges of an entry (GIT ranges, which name commits, left out) as
/// one vers constraint list: `>=1.2.0|<1.4.3|>=2.0.0|<2.0.5`, `*` for all.
fn vers(ranges: &[&Range]) -> String {
    let mut constraints = Vec::new();
    for range in ranges {
        for e in &range.events {
            match e.kind {
                EventKind::Introduced if e.version == "0" => {}
                EventKind::Introduced => constraints.push(format!(">={}", e.version)),
                EventKind::Fixed | EventKind::Limit => constraints.push(format!("<{}", e.version)),
                EventKind::LastAffected => constraints.push(format!("<={}", e.version)),
            }
        }
    }
    if constraints.is_empty() {
        "*".into()
    } else {
        constraints.join("|")
    }
}

/// The products of an incident and their statuses.
#[derive(Default)]
struct Statuses {
    affected: Vec<String>,
    fixed: Vec<String>,
    not_affected: Vec<String>,
    /// (fixed version, the affected products it fixes).
    fixes: Vec<(String, Vec<String>)>,
}

fn push_new(list: &mut Vec<String>, id: String) {
    if !list.contains(&id) {
        list.push(id);
    }
}

/// Builds the tree: each entry's affected versions (its ranges as a
/// `product_version_range`, listed versions as `product_version`s; all
/// versions when it gives none), its fixed versions, and each third party
/// as not affected.
fn products(incident: &IncidentMeta) -> (Tree, Statuses) {
    let mut tree = Tree::default();
    let mut s = Statuses::default();
    for entry in &incident.affected {
        let package = entry.package.as_ref();
        let vendor = entry
            .vendor
            .clone()
            .or_else(|| package.map(|p| p.ecosystem.clone()))
            .unwrap_or_default();
        let product = entry
            .product
            .clone()
            .or_else(|| package.map(|p| p.name.clone()))
            .unwrap_or_else(|| vendor.clone());
        let helper = helper(Some(entry), &vendor, &product);
        let mut ids = Vec::new();
        let ranges: Vec<&Range> = entry
            .ranges
            .iter()
            .filter(|r| r.kind != RangeType::Git)
            .collect();
        if !ranges.is_empty() || (entry.listed.is_empty() && entry.fixed.is_empty()) {
            let constraints = vers(&ranges);
            let range = format!("vers:{}/{constraints}", vers_scheme(entry));
            let shown = match (&entry.versions, constraints.as_str()) {
                (Some(v), _) if !ranges.is_empty() || entry.listed.is_empty() => {
                    format!("{product} {v}")
                }
                (_, "*") => format!("{product} (all versions)"),
                _ => format!("{product} {constraints}"),
            };
            ids.push(tree.add(
                &vendor,
                &product,
                "product_version_range",
                &range,
                shown,
                helper.clone(),
            ));
        }
        for v in &entry.listed {
            ids.push(tree.add(
                &vendor,
                &product,
                "product_version",
                v,
                format!("{product} {v}"),
                helper.clone(),
            ));
        }
        for id in &ids {
            push_new(&mut s.affected, id.clone());
        }
        for f in &entry.fixed {
            if entry
                .ranges
                .iter()
                .any(|r| r.kind == RangeType::Git && r.events.iter().any(|e| e.version == *f))
            {
                continue;
            }
            let id = tree.add(
                &vendor,
                &product,
                "product_version",
                f,
                format!("{product} {f}"),
                helper.clone(),
            );
            push_new(&mut s.fixed, id);
            s.fixes.push((f.clone(), ids.clone()));
        }
    }
    for third in &incident.third_parties {
        let helper = helper(None, third, "*");
        let id = tree.add(
            third,
            third,
            "product_version_range",
            "vers:generic/*",
            format!("{third} (all products)"),
            helper,
        );
        push_new(&mut s.not_affected, id);
    }
    (tree, s)
}

/// CVSS 3.x as CSAF 2.0's `cvss_v3` (CSAF 2.0 has no place for 4.0).
fn score(incident: &IncidentMeta) -> Option<Value> {
    let c = incident.cvss.as_ref()?;
    let version = c.vector.strip_prefix("CVSS:")?.split('/').next()?;
    if !matches!(version, "3.0" | "3.1") {
        return None;
    }
    Some(json!({
        "version": version,
        "vectorString": c.vector,
        "baseScore": c.score,
        "baseSeverity": c.rating.to_ascii_uppercase(),
    }))
}

/// The remediations: a vendor fix per fixed version, for the products it
/// fixes; the recommended actions as a mitigation for every affected
/// product; `none_available` for affected products neither covers.
fn remediations(incident: &IncidentMeta, s: &Statuses) -> Vec<Value> {
    let mut out = Vec::new();
    let mut covered: Vec<&String> = Vec::new();
    for (version, ids) in &s.fixes {
        if ids.is_empty() {
            continue;
        }
        out.push(json!({
            "category": "vendor_fix",
            "details": format!("Fixed in {version}: upgrade to {version} or a later version."),
            "product_ids": ids,
        }));
        covered.extend(ids);
    }
    if !incident.actions.is_empty() && !s.affected.is_empty() {
        let lines: Vec<String> = incident
            .actions
            .iter()
            .map(|a| format!("- {}", inline_text(&a.value)))
            .collect();
        out.push(json!({ "category": "mitigation", "details": lines.join("\n"), "product_ids": s.affected }));
        covered.extend(&s.affected);
    }
    let uncovered: Vec<&String> = s
        .affected
        .iter()
        .filter(|id| !covered.contains(id))
        .collect();
    if !uncovered.is_empty() {
        out.push(json!({ "category": "none_available", "details": "No fix or mitigation is known yet; this document will be updated.", "product_ids": uncovered }));
    }
    out
}

/// What the incident did or exposed, as `threats`: its impact (severity,
/// data exposed, records) and, where actors are named, its exploitation.
fn threats(incident: &IncidentMeta) -> Vec<Value> {
    let mut impact = vec![format!("Severity: {}.", incident.severity.as_str())];
    if !incident.data_exposed.is_empty() {
        impact.push(format!(
            "Data exposed: {}.",
            incident.data_exposed.join("; ")
        ));
    }
    if let Some(n) = incident.records_affected {
        impact.push(format!("Records affected: {n}."));
    }
    let mut out = vec![json!({ "category": "impact", "details": impact.join(" ") })];
    if !incident.actors.is_empty() {
        out.push(json!({ "category": "exploit_status", "details": format!("Exploitation attempts by: {}.", incident.actors.join("; ")) }));
    }
    out
}

/// `ids` from `advisory_ids`: `GHSA-…` as system `GHSA`.
fn other_ids(incident: &IncidentMeta) -> Vec<Value> {
    incident
        .advisory_ids
        .iter()
        .map(|id| json!({ "system_name": id.split('-').next().unwrap_or(id), "text": id }))
        .collect()
}

/// The product tree and the vulnerabilities of an incident's document:
/// one vulnerability per CVE, or one without a CVE when the incident has a
/// CVSS vector; none (and no tree) otherwise.
pub(super) fn vulnerabilities(
    page: &Page,
    summary: &str,
    incident: &IncidentMeta,
) -> (Option<Value>, Vec<Value>) {
    let mut cves: Vec<&str> = Vec::new();
    for cve in &incident.cves {
        if !cves.contains(&cve.as_str()) {
            cves.push(cve);
        }
    }
    if cves.is_empty() && incident.cvss.is_none() {
        return (None, Vec::new());
    }
    let (tree, s) = products(incident);
    let mut status = serde_json::Map::new();
    for (key, ids) in [
        ("known_affected", &s.affected),
        ("fixed", &s.fixed),
        ("known_not_affected", &s.not_affected),
    ] {
        if !ids.is_empty() {
            status.insert(key.into(), json!(ids));
        }
    }
    let mut base = json!({ "title": page.doc.meta.title, "threats": threats(incident) });
    if !summary.trim().is_empty() {
        base["notes"] = json!([{ "category": "summary", "title": "Summary", "text": summary }]);
    }
    if !status.is_empty() {
        base["product_status"] = Value::Object(status);
    }
    if let (Some(score), false) = (score(incident), s.affected.is_empty()) {
        base["scores"] = json!([{ "products": s.affected, "cvss_v3": score }]);
    }
    let remediations = remediations(incident, &s);
    if !remediations.is_empty() {
        base["remediations"] = json!(remediations);
    }
    if let Some((id, name)) = incident
        .cwes
        .iter()
        .find_map(|c| cwe_name(c).map(|n| (c, n)))
    {
        base["cwe"] = json!({ "id": id, "name": name });
    }
    let ids = other_ids(incident);
    if !ids.is_empty() {
        base["ids"] = json!(ids);
    }
    let vulnerabilities = if cves.is_empty() {
        vec![base]
    } else {
        cves.iter()
            .map(|cve| {
                let mut v = base.clone();
                v["cve"] = json!(cve);
                v
            })
            .collect()
    };
    let tree = (tree.count > 0).then(|| tree.json());
    (tree, vulnerabilities)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpe_components_are_escaped() {
        assert_eq!(cpe_component("Acme Gateway"), "acme_gateway");
        assert_eq!(
            cpe_component("Legacy API (api-v1.acme.example)"),
            "legacy_api_\\(api-v1.acme.example\\)"
        );
        assert_eq!(cpe_component("Café"), "cafe");
        assert_eq!(cpe_component("日本"), "*");
    }

    #[test]
    fn cwe_names_are_the_catalogues() {
        assert_eq!(cwe_name("CWE-79"), Some("Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')"));
        assert_eq!(cwe_name("CWE-0"), None);
    }
}
