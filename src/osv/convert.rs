//! Converting one OSV record into an incident file: front matter from the
//! record (ids, dates, severity from the CVSS vector, affected packages and
//! their ranges, typed references), body from its `details`.

use crate::affected::ecosystem;
use crate::yaml::quoted;
use serde_json::Value;

/// A record as an incident file.
#[derive(Debug)]
pub(super) struct Converted {
    pub id: String,
    /// `<published date>-<slug of the id>.md`.
    pub file_name: String,
    pub text: String,
    /// What the record holds that the incident leaves out.
    pub notes: Vec<String>,
}

/// Converts a record to incident Markdown, or says why it cannot be.
pub(super) fn convert(record: &Value) -> Result<Converted, String> {
    let mut notes = Vec::new();
    let id = string(record, "id")?
        .ok_or("it has no `id`")?
        .trim()
        .to_string();
    let Dated { date, modified } = dates(record)?;
    let title = string(record, "summary")?
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(&id)
        .to_string();
    let body = body(record, &title, &mut notes)?;
    let mut front = vec![
        format!("title: {}", quoted(&title)),
        format!("id: {}", quoted(&id)),
        format!("date: {}", date.rfc3339()),
    ];
    if let Some(m) = modified.filter(|m| *m > date) {
        front.push(format!("updated: {}", m.rfc3339()));
    }
    let specific = record.get("database_specific").filter(|v| v.is_object());
    let (cvss, severity) = severity(record, specific, &mut notes)?;
    if let Some(vector) = &cvss {
        front.push(format!("cvss: {}", quoted(vector)));
    }
    if let Some(s) = severity {
        front.push(format!("severity: {s}"));
    }
    let affected = affected(record)?;
    let status = specific
        .and_then(|s| s["status"].as_str())
        .filter(|s| crate::content::Status::ALL.iter().any(|k| k.as_str() == *s))
        .map(str::to_string)
        .unwrap_or_else(|| {
            if affected.all_fixed {
                "resolved"
            } else {
                "identified"
            }
            .to_string()
        });
    front.push(format!("status: {status}"));
    let tlp = specific
        .and_then(|s| s["tlp"].as_str())
        .and_then(|t| t.parse::<crate::content::Tlp>().ok())
        .unwrap_or(crate::content::Tlp::Clear);
    front.push(format!("tlp: {}", tlp.as_str()));
    let (cves, others) = aliases(record, &id, &mut notes)?;
    push_list(&mut front, "cves", &cves);
    push_list(&mut front, "advisory_ids", &others);
    if !affected.yaml.is_empty() {
        front.push(format!("affected:\n{}", affected.yaml.join("\n")));
    }
    let references = references(record, &mut notes)?;
    if !references.is_empty() {
        front.push(format!("references:\n{}", references.join("\n")));
    }
    notes.extend(unimported(record));
    let slug = crate::content::slugify(&id);
    if slug.is_empty() {
        return Err(format!(
            "its id `{id}` has no letter or digit to name a file by"
        ));
    }
    let text = format!("---\n{}\n---\n\n{body}\n", front.join("\n"));
    Ok(Converted {
        id,
        file_name: format!("{}-{slug}.md", date.ymd()),
        text,
        notes,
    })
}

/// A record's date (`published`, else `modified`) and its `modified`.
struct Dated {
    date: crate::content::Date,
    modified: Option<crate::content::Date>,
}

fn dates(record: &Value) -> Result<Dated, String> {
    let published = string(record, "published")?
        .or(string(record, "modified")?)
        .ok_or("it has neither `published` nor `modified`")?;
    let date = crate::content::Date::parse(published).map_err(|e| format!("`published`: {e}"))?;
    let modified = match string(record, "modified")? {
        Some(m) => Some(crate::content::Date::parse(m).map_err(|e| format!("`modified`: {e}"))?),
        None => None,
    };
    Ok(Dated { date, modified })
}

/// The incident's body: `details` with images of other sites as links, or
/// the title when there are none.
fn body(record: &Value, title: &str, notes: &mut Vec<String>) -> Result<String, String> {
    let details = string(record, "details")?
        .map(str::trim)
        .unwrap_or_default();
    if details.is_empty() {
        return Ok(title.to_string());
    }
    let body = images_as_links(details);
    if body != details {
        notes.push("images of other sites in `details` are links (a seckb page loads nothing from another origin)".into());
    }
    Ok(body)
}

/// `key: [a, b]` in the front matter, when there are items.
fn push_list(front: &mut Vec<String>, key: &str, items: &[String]) {
    if !items.is_empty() {
        let quoted: Vec<String> = items.iter().map(|c| quoted(c)).collect();
        front.push(format!("{key}: [{}]", quoted.join(", ")));
    }
}

/// What the record holds that the incident leaves out, as notes.
fn unimported(record: &Value) -> Vec<String> {
    [
        ("related", "related ids"),
        ("credits", "credits"),
        ("upstream", "upstream ids"),
    ]
    .into_iter()
    .filter(|(key, _)| {
        record
            .get(*key)
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
    })
    .map(|(_, what)| format!("its {what} are not imported"))
    .collect()
}

/// `record[key]` as text: absent or null is None, another type an error.
pub(super) fn string<'a>(record: &'a Value, key: &str) -> Result<Option<&'a str>, String> {
    match record.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("`{key}` is not a string")),
    }
}

/// `![alt](https://…)` as `[alt](https://…)`: a seckb page loads no image
/// from another origin (it would be an error), but keeps the link.
pub(super) fn images_as_links(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut bangs = Vec::new();
    for (event, range) in Parser::new_ext(markdown, crate::markdown::options()).into_offset_iter() {
        if let Event::Start(Tag::Image { dest_url, .. }) = event {
            if crate::markdown::is_external(dest_url.trim())
                && markdown[range.start..].starts_with('!')
            {
                bangs.push(range.start);
            }
        }
    }
    let mut out = String::with_capacity(markdown.len());
    let mut done = 0;
    for at in bangs {
        out.push_str(&markdown[done..at]);
        done = at + 1;
    }
    out.push_str(&markdown[done..]);
    out
}

/// The CVSS vector to keep (4.0 before 3.x, one the build parses) and the
/// severity to write: `database_specific.severity` (GHSA's words: MODERATE
/// is medium) when it agrees with the vector or there is none; without
/// either, medium, with a note.
pub(super) fn severity(
    record: &Value,
    specific: Option<&Value>,
    notes: &mut Vec<String>,
) -> Result<(Option<String>, Option<&'static str>), String> {
    let mut vectors: Vec<(u8, String)> = Vec::new();
    for s in record
        .get("severity")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(kind), Some(score)) = (s["type"].as_str(), s["score"].as_str()) else {
            return Err("a `severity` entry without `type` and `score`".into());
        };
        let rank = match kind {
            "CVSS_V4" => 0,
            "CVSS_V3" => 1,
            _ => continue,
        };
        if score.trim().parse::<cvss::Cvss>().is_ok() {
            vectors.push((rank, score.trim().to_string()));
        } else {
            notes.push(format!(
                "its {kind} vector `{score}` cannot be read and is left out"
            ));
        }
    }
    vectors.sort();
    if vectors.len() > 1 {
        notes.push(format!(
            "of its {} CVSS vectors only {} is kept",
            vectors.len(),
            vectors[0].1
        ));
    }
    let vector = vectors.into_iter().next().map(|(_, v)| v);
    let rating = vector
        .as_deref()
        .and_then(|v| v.parse::<cvss::Cvss>().ok())
        .map(|c| match c.severity() {
            cvss::Severity::None | cvss::Severity::Low => "low",
            cvss::Severity::Medium => "medium",
            cvss::Severity::High => "high",
            cvss::Severity::Critical => "critical",
        });
    let stated = specific.and_then(|s| s["severity"].as_str()).and_then(|s| {
        match s.to_ascii_lowercase().as_str() {
            "low" => Some("low"),
            "moderate" | "medium" => Some("medium"),
            "high" => Some("high"),
            "critical" => Some("critical"),
            _ => None,
        }
    });
    let severity = match (stated, rating) {
        (Some(s), Some(r)) if s != r => {
            notes.push(format!(
                "its severity `{s}` disagrees with its CVSS rating `{r}`: the rating is kept"
            ));
            None
        }
        (Some(s), _) => Some(s),
        (None, Some(_)) => None,
        (None, None) => {
            notes
                .push("it gives no severity: written as `severity: medium`, to be reviewed".into());
            Some("medium")
        }
    };
    Ok((vector, severity))
}

/// Aliases as CVE ids and other databases' ids (others left out).
pub(super) fn aliases(
    record: &Value,
    id: &str,
    notes: &mut Vec<String>,
) -> Result<(Vec<String>, Vec<String>), String> {
    let (mut cves, mut others) = (Vec::new(), Vec::new());
    let cve = regex::Regex::new(r"^CVE-\d{4}-\d{4,}$").map_err(|e| e.to_string())?;
    let other =
        regex::Regex::new(r"^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9._:-]+$").map_err(|e| e.to_string())?;
    for alias in record
        .get("aliases")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(a) = alias.as_str().map(str::trim) else {
            return Err("an alias is not a string".into());
        };
        if a == id {
            continue;
        }
        if cve.is_match(a) {
            cves.push(a.to_string());
        } else if other.is_match(a) {
            others.push(a.to_string());
        } else {
            notes.push(format!("its alias `{a}` is not an id seckb keeps"));
        }
    }
    Ok((cves, others))
}

/// The `affected` entries as YAML lines, and whether every range ends in
/// a fix (or the record has none).
pub(super) struct AffectedYaml {
    yaml: Vec<String>,
    all_fixed: bool,
}

pub(super) fn affected(record: &Value) -> Result<AffectedYaml, String> {
    let mut yaml = Vec::new();
    let mut all_fixed = true;
    for (i, entry) in record
        .get("affected")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let package = entry
            .get("package")
            .filter(|p| p.is_object())
            .ok_or(format!("`affected[{i}]` names no package"))?;
        let eco = string(package, "ecosystem")?
            .ok_or(format!("`affected[{i}].package` has no ecosystem"))?;
        let name =
            string(package, "name")?.ok_or(format!("`affected[{i}].package` has no name"))?;
        ecosystem::check(eco).map_err(|(message, _)| format!("`affected[{i}]`: {message}"))?;
        yaml.push(format!("  - ecosystem: {}", quoted(eco)));
        yaml.push(format!("    name: {}", quoted(name)));
        if let Some(purl) = string(package, "purl")? {
            yaml.push(format!("    purl: {}", quoted(purl)));
        }
        if let Some(versions) = entry
            .get("versions")
            .and_then(Value::as_array)
            .filter(|v| !v.is_empty())
        {
            let list: Result<Vec<String>, String> = versions
                .iter()
                .map(|v| {
                    v.as_str().map(quoted).ok_or(format!(
                        "`affected[{i}].versions` holds a value that is not a string"
                    ))
                })
                .collect();
            yaml.push(format!("    versions: [{}]", list?.join(", ")));
        }
        let ranges = entry
            .get("ranges")
            .and_then(Value::as_array)
            .filter(|r| !r.is_empty());
        if let Some(ranges) = ranges {
            yaml.push("    ranges:".into());
            for (j, range) in ranges.iter().enumerate() {
                all_fixed &= range_yaml(range, i, j, &mut yaml)?;
            }
        }
    }
    Ok(AffectedYaml { yaml, all_fixed })
}

/// One OSV range (`affected[i].ranges[j]`) as YAML lines in `yaml`;
/// returns whether it has a `fixed` event.
fn range_yaml(range: &Value, i: usize, j: usize, yaml: &mut Vec<String>) -> Result<bool, String> {
    let kind = string(range, "type")?.ok_or(format!("`affected[{i}].ranges[{j}]` has no type"))?;
    if !["SEMVER", "ECOSYSTEM", "GIT"].contains(&kind) {
        return Err(format!(
            "`affected[{i}].ranges[{j}]`: unknown range type `{kind}`"
        ));
    }
    yaml.push(format!("      - type: {kind}"));
    if let Some(repo) = string(range, "repo")? {
        yaml.push(format!("        repo: {}", quoted(repo)));
    }
    yaml.push("        events:".into());
    let events = range
        .get("events")
        .and_then(Value::as_array)
        .ok_or(format!("`affected[{i}].ranges[{j}]` has no events"))?;
    let mut fixed = false;
    for event in events {
        let (key, version) = event
            .as_object()
            .filter(|o| o.len() == 1)
            .and_then(|o| o.iter().next())
            .and_then(|(k, v)| Some((k.as_str(), v.as_str()?)))
            .ok_or(format!(
                "`affected[{i}].ranges[{j}]` has an event that is not one `kind: version`"
            ))?;
        if !["introduced", "fixed", "last_affected", "limit"].contains(&key) {
            return Err(format!(
                "`affected[{i}].ranges[{j}]`: unknown event `{key}`"
            ));
        }
        fixed |= key == "fixed";
        yaml.push(format!("          - {key}: {}", quoted(version)));
    }
    Ok(fixed)
}

/// References as YAML lines with their OSV type; URLs a page may not link
/// are left out with a note.
pub(super) fn references(record: &Value, notes: &mut Vec<String>) -> Result<Vec<String>, String> {
    let mut yaml = Vec::new();
    for r in record
        .get("references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let url = string(r, "url")?.ok_or("a reference has no url")?.trim();
        if let Err(why) = crate::urls::check_external(url) {
            notes.push(format!("its reference {url} is left out: {why}"));
            continue;
        }
        yaml.push(format!("  - url: {}", quoted(url)));
        if let Some(kind) = string(r, "type")? {
            let known = crate::content::frontmatter::ReferenceType::ALL
                .iter()
                .find(|t| t.osv() == kind);
            match known {
                Some(t) => yaml.push(format!("    type: {}", t.as_str())),
                None => notes.push(format!(
                    "the type `{kind}` of reference {url} is not one of OSV's and is left out"
                )),
            }
        }
    }
    Ok(yaml)
}

#[cfg(test)]
mod tests;
