//! schema.org structured data (JSON-LD) for document pages: `FAQPage` for
//! FAQs (one `Question` per `##` question, answers as plain text) and an
//! article for incidents (`Article`) and other pages (`TechArticle`). Built
//! from the `Site` model; the template drops it into
//! `<script type="application/ld+json">`, so it is escaped for that place.

use crate::content::{DocKind, Kind};
use crate::site::{Body, Page, Site};
use serde_json::{json, Map, Value};

/// The JSON-LD of a document page, ready to sit inside a `<script>` element.
pub(crate) fn for_page(site: &Site, page: &Page, body: &Body) -> String {
    let value = match page.kind() {
        Kind::Faq => faq_page(page, body),
        Kind::Incident | Kind::Page => article(site, page, body),
    };
    script_safe(&value)
}

/// Serialises JSON so that no `</script>`, `<!--` or `]]>` can appear in it:
/// `<`, `>` and `&` become `\u003c`, `\u003e` and `\u0026`, which every JSON
/// parser reads back as the same characters.
pub(crate) fn script_safe(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            _ => out.push(c),
        }
    }
    out
}

/// `FAQPage`: the questions a reader sees on the page, in order. An FAQ
/// without `##` headings is one question (its title) answered by its body.
fn faq_page(page: &Page, body: &Body) -> Value {
    let questions: Vec<Value> = if body.rendered.questions.is_empty() {
        vec![question(&page.doc.meta.title, &body.rendered.text)]
    } else {
        body.rendered
            .questions
            .iter()
            .map(|q| question(&q.question, &q.answer_text))
            .collect()
    };
    json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": questions,
    })
}

fn question(name: &str, answer: &str) -> Value {
    let answer = answer.split_whitespace().collect::<Vec<_>>().join(" ");
    json!({
        "@type": "Question",
        "name": name,
        "acceptedAnswer": { "@type": "Answer", "text": answer },
    })
}

/// `Article` for incidents, `TechArticle` for guides and other pages.
fn article(site: &Site, page: &Page, body: &Body) -> Value {
    let doc = &page.doc;
    let config = &site.config;
    let organisation =
        |name: &str| json!({ "@type": "Organization", "name": name, "url": site.urls.base_url() });
    let mut keywords: Vec<&str> = Vec::new();
    let mut words: Vec<&str> = doc.meta.tags.iter().map(String::as_str).collect();
    if let DocKind::Incident(inc) = &doc.kind {
        words.extend(inc.cves.iter().map(String::as_str));
        words.extend(inc.vendors());
    }
    for word in words {
        if !keywords.contains(&word) {
            keywords.push(word);
        }
    }
    let mut value = Map::new();
    value.insert("@context".into(), json!("https://schema.org"));
    let kind = if page.kind() == Kind::Incident {
        "Article"
    } else {
        "TechArticle"
    };
    value.insert("@type".into(), json!(kind));
    value.insert("headline".into(), json!(doc.meta.title));
    value.insert("description".into(), json!(body.summary));
    value.insert("url".into(), json!(site.urls.absolute(&doc.path)));
    value.insert("inLanguage".into(), json!(config.language));
    if let Some(date) = doc.meta.date {
        value.insert("datePublished".into(), json!(date.rfc3339()));
    }
    if let Some(changed) = doc.last_changed() {
        value.insert("dateModified".into(), json!(changed.rfc3339()));
    }
    value.insert("author".into(), organisation(&config.author));
    value.insert("publisher".into(), organisation(&config.title));
    if !keywords.is_empty() {
        value.insert("keywords".into(), json!(keywords));
    }
    if page.kind() == Kind::Incident {
        value.insert("articleSection".into(), json!("Security incident"));
    }
    Value::Object(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_cannot_close_the_script_element() {
        let v = json!({"text": "</script><script>alert(1)</script> <!-- a & b ]]>"});
        let s = script_safe(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
