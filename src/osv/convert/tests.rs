//! Tests of `convert`.

use super::*;

#[test]
fn external_images_become_links_and_local_ones_stay() {
    assert_eq!(
        images_as_links("a ![x](https://e.org/i.png) b ![y](y.png) `![z](https://e.org/)`"),
        "a [x](https://e.org/i.png) b ![y](y.png) `![z](https://e.org/)`"
    );
}

#[test]
fn a_record_becomes_front_matter_and_body() {
    let record = serde_json::json!({
        "id": "GHSA-aaaa-bbbb-cccc",
        "modified": "2024-05-02T00:00:00Z",
        "published": "2024-05-01T00:00:00Z",
        "aliases": ["CVE-2024-1234", "GO-2024-0001"],
        "summary": "A: with \"quotes\"",
        "details": "Details.",
        "affected": [{"package": {"ecosystem": "npm", "name": "x"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.1"}]}]}],
        "references": [{"type": "FIX", "url": "https://example.org/fix"}],
    });
    let c = convert(&record).unwrap();
    assert_eq!(c.file_name, "2024-05-01-ghsa-aaaa-bbbb-cccc.md");
    assert!(
        c.text.contains("title: \"A: with \\\"quotes\\\"\"\n"),
        "{}",
        c.text
    );
    assert!(
        c.text
            .contains("cves: [\"CVE-2024-1234\"]\nadvisory_ids: [\"GO-2024-0001\"]\n"),
        "{}",
        c.text
    );
    assert!(c.text.contains("status: resolved\n"), "{}", c.text);
    assert!(
        c.text.contains("          - fixed: \"1.0.1\"\n"),
        "{}",
        c.text
    );
    assert!(c.text.ends_with("---\n\nDetails.\n"), "{}", c.text);
    assert_eq!(
        c.notes,
        ["it gives no severity: written as `severity: medium`, to be reviewed"]
    );
    assert!(convert(&serde_json::json!({"id": 5}))
        .unwrap_err()
        .contains("not a string"));
}
