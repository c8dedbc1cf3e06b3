//! Tests of `yaml`.

use super::*;
use Segment::{Index, Key};

const DOC: &str = "title: Hello\nseverity: critcal\ntimeline:\n  - date: 2026-01-02\n    event: first\n  - date: 2026-01-01\n    event: second\ntags: [a, b]\naffected:\n- vendor: Acme\n  product: Widget\n";

#[test]
fn locates_top_level_keys_and_values() {
    let p = locate(DOC, &[Key("severity")]);
    assert_eq!((p.line, p.key_column, p.value_column), (2, 1, 11));
}

#[test]
fn locates_items_and_nested_keys() {
    let p = locate(DOC, &[Key("timeline"), Index(1), Key("date")]);
    assert_eq!((p.line, p.key_column, p.value_column), (6, 5, 11));
    let p = locate(DOC, &[Key("timeline"), Index(0), Key("event")]);
    assert_eq!((p.line, p.value_column), (5, 12));
    let p = locate(DOC, &[Key("affected"), Index(0), Key("product")]);
    assert_eq!((p.line, p.key_column), (11, 3));
}

#[test]
fn flow_style_falls_back_to_the_key() {
    let p = locate(DOC, &[Key("tags"), Index(1)]);
    assert_eq!((p.line, p.key_column), (8, 1));
}

#[test]
fn finds_a_word_inside_a_key_block() {
    assert_eq!(find_in_key(DOC, "severity", "critcal"), Some((2, 11)));
    assert_eq!(find_in_key(DOC, "timeline", "second"), Some((7, 12)));
    assert_eq!(find_in_key(DOC, "timeline", "Acme"), None);
}

#[test]
fn finds_a_whole_scalar_inside_a_key_block() {
    let doc =
        "tags: [C++, \"C\", C#]\naffected:\n  - Acme Corp\n  - vendor: 'Acme'\nthird: [Acme]\n";
    assert_eq!(find_scalar_in_key(doc, "tags", "C++"), Some((1, 8)));
    assert_eq!(find_scalar_in_key(doc, "tags", "C"), Some((1, 14)));
    assert_eq!(find_scalar_in_key(doc, "tags", "C#"), Some((1, 18)));
    assert_eq!(find_scalar_in_key(doc, "affected", "Acme"), Some((4, 14)));
    assert_eq!(
        find_scalar_in_key(doc, "affected", "Acme Corp"),
        Some((3, 5))
    );
    assert_eq!(find_scalar_in_key(doc, "tags", "Acme"), None);
}

#[test]
fn duplicate_keys_point_at_the_repeat() {
    let e = parse("title: A\ndate: 2026-01-01\ntitle: B\n").unwrap_err();
    assert_eq!(e.message, "duplicate entry with key \"title\"");
    assert_eq!((e.line, e.column), (3, 1));
    let e = parse("timeline:\n  - date: a\n    event: x\n    date: b\n").unwrap_err();
    assert_eq!((e.line, e.column), (4, 5));
}

#[test]
fn syntax_errors_carry_positions() {
    let e = parse("title: [unclosed\n").unwrap_err();
    assert_eq!(e.kind, ParseErrorKind::Syntax);
    assert!(e.line >= 1);
    assert!(!e.message.contains(" at line "));
}
