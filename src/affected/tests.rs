//! Tests of `affected`.

use super::*;

fn events(c: &Compact) -> Vec<(&'static str, &str)> {
    c.events
        .iter()
        .map(|e| (e.kind.key(), e.version.as_str()))
        .collect()
}

#[test]
fn the_compact_syntax_makes_osv_events() {
    let c = parse_compact(">= 1.2.0, < 1.4.3 || >= 2.0.0, < 2.0.5", Scheme::SemVer).unwrap();
    assert_eq!(
        events(&c),
        [
            ("introduced", "1.2.0"),
            ("fixed", "1.4.3"),
            ("introduced", "2.0.0"),
            ("fixed", "2.0.5")
        ]
    );
    assert_eq!(c.fixed, ["1.4.3", "2.0.5"]);
    let c = parse_compact("<= 3.1", Scheme::Pep440).unwrap();
    assert_eq!(events(&c), [("introduced", "0"), ("last_affected", "3.1")]);
    let c = parse_compact(">= v1.20.0", Scheme::Go).unwrap();
    assert_eq!(events(&c), [("introduced", "1.20.0")]);
    let c = parse_compact("= 1.0.3 || >= 1.1.0, < 1.1.4", Scheme::SemVer).unwrap();
    assert_eq!(c.exact, ["1.0.3"]);
    assert_eq!(events(&c), [("introduced", "1.1.0"), ("fixed", "1.1.4")]);
    assert_eq!(
        events(&parse_compact("*", Scheme::Maven).unwrap()),
        [("introduced", "0")]
    );
}

#[test]
fn bad_compact_ranges_say_where_and_what() {
    let bad = |text: &str, scheme| parse_compact(text, scheme).unwrap_err();
    let p = bad(">= 1.2.0, < 1.4", Scheme::SemVer);
    assert_eq!(p.offset, 12);
    assert!(
        p.message.starts_with("`1.4` is not a SemVer version"),
        "{}",
        p.message
    );
    assert_eq!(bad("banana <<>> 7", Scheme::Maven).offset, 0);
    assert_eq!(bad(">= 2.0.0, < 1.0.0", Scheme::SemVer).offset, 12);
    assert_eq!(bad("> 1.0.0", Scheme::SemVer).offset, 0);
    assert_eq!(
        bad(">= 1.0.0, < 2.0.0 || >= 1.5.0, < 3.0.0", Scheme::SemVer).offset,
        24
    );
    assert_eq!(bad(">= 1.0.0 || >= 2.0.0", Scheme::SemVer).offset, 12);
    assert_eq!(bad(">= 1.0.0, >= 1.1.0", Scheme::SemVer).offset, 10);
    assert_eq!(bad("<< 7", Scheme::SemVer).offset, 1);
    assert_eq!(bad(">= 1.0, < 2.0 ||", Scheme::Pep440).offset, 16);
    assert!(bad(">= 1.0", Scheme::Unordered).help.contains("list"));
    assert!(bad("< 1.0 || >= 2.0, <= 3.0", Scheme::Pep440)
        .message
        .contains("fixed"));
}

fn range(kind: RangeType, list: &[(EventKind, &str)]) -> Range {
    Range {
        kind,
        repo: None,
        events: list
            .iter()
            .map(|(k, v)| Event {
                kind: *k,
                version: v.to_string(),
            })
            .collect(),
    }
}

#[test]
fn ranges_are_checked_as_osv_requires() {
    use EventKind::*;
    let ok = range(RangeType::Ecosystem, &[(Introduced, "0"), (Fixed, "3.6.2")]);
    assert!(check_range(&ok, Scheme::Pep440).is_empty());
    let no_start = range(RangeType::Semver, &[(Fixed, "1.0.0")]);
    assert_eq!(check_range(&no_start, Scheme::SemVer)[0].event, None);
    let both = range(
        RangeType::Semver,
        &[(Introduced, "0"), (Fixed, "1.0.0"), (LastAffected, "0.9.0")],
    );
    assert_eq!(check_range(&both, Scheme::SemVer)[0].event, Some(2));
    let backwards = range(
        RangeType::Semver,
        &[(Introduced, "2.0.0"), (Fixed, "1.0.0")],
    );
    assert_eq!(check_range(&backwards, Scheme::SemVer)[0].event, Some(1));
    let bad_version = range(RangeType::Semver, &[(Introduced, "1.0")]);
    assert_eq!(check_range(&bad_version, Scheme::Pep440)[0].event, Some(0));
    let mut git = range(RangeType::Git, &[(Introduced, "0"), (Fixed, "abc")]);
    let found = check_range(&git, Scheme::Go);
    assert_eq!(found.len(), 2, "{found:?}");
    git.repo = Some("https://github.com/acme/gateway".into());
    git.events[1].version = "a".repeat(40);
    assert!(check_range(&git, Scheme::Go).is_empty());
}

#[test]
fn evaluation_follows_osv() {
    use EventKind::*;
    let r = [range(
        RangeType::Semver,
        &[
            (Introduced, "2.0.0"),
            (Fixed, "2.0.5"),
            (Introduced, "1.2.0"),
            (Fixed, "1.4.3"),
        ],
    )];
    let at = |v| affects(Scheme::SemVer, &r, &[], v).unwrap();
    assert!(
        !at("1.1.9") && at("1.2.0") && at("1.4.2") && !at("1.4.3") && at("2.0.4") && !at("2.0.5")
    );
    let last = [range(
        RangeType::Ecosystem,
        &[(Introduced, "0"), (LastAffected, "3.6.1")],
    )];
    assert!(affects(Scheme::Pep440, &last, &[], "3.6.1").unwrap());
    assert!(!affects(Scheme::Pep440, &last, &[], "3.6.1.post1").unwrap());
    assert!(affects(Scheme::Unordered, &[], &["1:2.3-4".into()], "1:2.3-4").unwrap());
    assert!(affects(Scheme::SemVer, &r, &[], "x").is_err());
    assert!(affects(Scheme::Go, &r, &[], "v2.0.1").unwrap());
}
