//! Tests of `diagnostics`.

use super::*;

#[test]
fn the_help_line_stands_under_the_gutter_at_any_line_number_width() {
    for line in [7, 42, 1234] {
        let text = "x\n".repeat(line);
        let d = Diagnostic::error(Code::InvalidValue, "bad")
            .at(Location::in_text(Path::new("a.md"), &text, line, 1))
            .help("fix it");
        let out = render(&[d], Format::Human, false);
        let bar = out.lines().find(|l| l.ends_with(" |")).unwrap();
        let help = out.lines().find(|l| l.contains("= help")).unwrap();
        assert_eq!(bar.find('|'), help.find('='), "{out}");
    }
}

#[test]
fn did_you_mean_finds_close_words_only() {
    let keys = ["severity", "status", "summary"];
    assert_eq!(did_you_mean("severty", keys), Some("severity"));
    assert_eq!(did_you_mean("stauts", keys), Some("status"));
    assert_eq!(did_you_mean("zzz", keys), None);
}

#[test]
fn human_output_shows_line_and_caret() {
    let d = Diagnostic::error(Code::UnknownKey, "unknown key `severty`")
        .at(Location::in_text(
            Path::new("a.md"),
            "---\nseverty: high\n",
            2,
            1,
        ))
        .help("did you mean `severity`?");
    let text = render(&[d], Format::Human, false);
    assert_eq!(
        text,
        "error[E0102]: unknown key `severty`\n  --> a.md:2:1\n  |\n2 | severty: high\n  | ^^^^^^^\n  = help: did you mean `severity`?\n\n"
    );
}

#[test]
fn locations_copy_their_line_like_str_lines() {
    for text in ["", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n\n", "a\n\nc\n"] {
        for line in 0..5 {
            let expected = text
                .lines()
                .nth(line.max(1) - 1)
                .map(|l| l.trim_end_matches('\r').to_string());
            let found = Location::in_text(Path::new("a"), text, line, 1).source_line;
            assert_eq!(found, expected, "{text:?} line {line}");
            let index = LineIndex::new(text);
            let indexed = index.location(Path::new("a"), text, line, 1).source_line;
            assert_eq!(indexed, expected, "indexed: {text:?} line {line}");
        }
    }
}

#[test]
fn long_lines_are_shown_cut_or_not_at_all() {
    let line = format!("{}{}", "word ".repeat(100), "x".repeat(1000));
    let shown = Location::in_text(Path::new("a"), &line, 1, 11)
        .source_line
        .unwrap();
    assert!(shown.len() < 410 && shown.ends_with("word …"), "{shown}");
    assert_eq!(
        Location::in_text(Path::new("a"), &line, 1, 600).source_line,
        None
    );
    let index = LineIndex::new(&line);
    let indexed = index.location(Path::new("a"), &line, 1, 11).source_line;
    assert_eq!(indexed, Some(shown));
    // One long token (a key, a base64 blob) is never cut in two.
    let token = "k".repeat(1000);
    assert_eq!(
        Location::in_text(Path::new("a"), &token, 1, 1).source_line,
        None
    );
}

#[test]
fn control_characters_from_content_never_reach_the_terminal() {
    let d = Diagnostic::error(Code::WrongType, "unknown variant `\x1b]0;pwned\x07`")
        .at(Location::in_text(
            Path::new("a\x1b[2J.md"),
            "severity: \"\x1b[31m\"\tx\n",
            1,
            11,
        ))
        .help("did you mean \x1b[0m?");
    for format in [Format::Human, Format::Github] {
        let text = render(std::slice::from_ref(&d), format, false);
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
    }
    let text = render(&[d], Format::Human, false);
    assert!(
        text.contains("unknown variant `\\u{1b}]0;pwned\\u{7}`"),
        "{text}"
    );
    assert!(text.contains("--> a\\u{1b}[2J.md:1:11"), "{text}");
    assert!(text.contains("severity: \"\\u{1b}[31m\"\tx"), "{text}");
}

#[test]
fn github_output_escapes_properties() {
    let d = Diagnostic::error(Code::BrokenLink, "broken: a,b").at(Location::in_text(
        Path::new("x,y.md"),
        "a\n",
        1,
        3,
    ));
    assert_eq!(
        render(&[d], Format::Github, false),
        "::error file=x%2Cy.md,line=1,col=3,title=E0300 broken-link::broken: a,b\n"
    );
}
