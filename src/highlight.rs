//! Code highlighting with syntect, as CSS classes (one generated stylesheet
//! serves light and dark mode). The syntax set is loaded once per process,
//! in the background while the content is read ([`preload`]), and each
//! distinct block is highlighted once ([`Cache`]).

use crate::html::escape;
use rustc_hash::FxHashMap;
use std::sync::{Arc, Mutex, OnceLock};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Starts loading the syntax set on a thread of its own, so that the first
/// document with code does not wait for it (tens of milliseconds, on the
/// document pass's critical path otherwise). The build calls it before it
/// reads the content; a later call, or a build without code, costs nothing.
pub(crate) fn preload() {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        // Without a thread (none left), the first code block loads it.
        let _ = std::thread::Builder::new()
            .name("seckb-syntaxes".into())
            .spawn(|| {
                syntaxes();
            });
    });
}

/// The blocks highlighted so far in this process, by language and code:
/// knowledge bases repeat the same commands, configuration and log excerpts
/// across documents, and `seckb serve` rebuilds the same blocks on every
/// save. Bounded: past [`Cache::MAX_BYTES`] of keys and HTML it starts
/// again empty, and a block over [`Cache::MAX_BLOCK`] is not kept.
struct Cache {
    /// `"{lang}\n{code}"` (an info string is one line) → the `<pre>` block.
    blocks: FxHashMap<Box<str>, Arc<str>>,
    bytes: usize,
}

impl Cache {
    const MAX_BYTES: usize = 64 << 20;
    const MAX_BLOCK: usize = 256 << 10;

    fn shared() -> &'static Mutex<Cache> {
        static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
        CACHE.get_or_init(|| {
            Mutex::new(Cache {
                blocks: FxHashMap::default(),
                bytes: 0,
            })
        })
    }

    fn get(key: &str) -> Option<Arc<str>> {
        Cache::shared().lock().ok()?.blocks.get(key).cloned()
    }

    fn put(key: String, html: &Arc<str>) {
        let size = key.len() + html.len();
        if size > Cache::MAX_BLOCK {
            return;
        }
        let Ok(mut cache) = Cache::shared().lock() else {
            return;
        };
        if cache.bytes + size > Cache::MAX_BYTES {
            cache.blocks.clear();
            cache.bytes = 0;
        }
        cache.bytes += size;
        cache.blocks.insert(key.into(), Arc::clone(html));
    }
}

/// A complete `<pre>` block for `code`; unknown or missing languages render
/// as escaped plain text (no error: authors quote logs in odd formats).
pub(crate) fn code_block(code: &str, lang: &str) -> String {
    let lang = lang.split([',', ' ']).next().unwrap_or("").trim();
    if lang.is_empty() {
        return render_block(code, lang);
    }
    let key = format!("{lang}\n{code}");
    if let Some(html) = Cache::get(&key) {
        return html.to_string();
    }
    let html: Arc<str> = render_block(code, lang).into();
    Cache::put(key, &html);
    html.to_string()
}

/// [`code_block`] without the cache.
fn render_block(code: &str, lang: &str) -> String {
    let highlighted = (!lang.is_empty()).then(|| highlight(code, lang)).flatten();
    let lang_attr = if lang.is_empty() {
        String::new()
    } else {
        format!(" data-lang=\"{}\"", escape(lang))
    };
    let body = highlighted.unwrap_or_else(|| escape(code));
    // Focusable: a block wider than the page scrolls, and the keyboard must reach it.
    format!("<pre class=\"code\"{lang_attr} tabindex=\"0\"><code>{body}</code></pre>\n")
}

fn highlight(code: &str, lang: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(lang)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// The background of code blocks in the default theme (`--code-bg` in its
/// style.css, `light-dark(LIGHT, DARK)`; a test compares them): every token colour is
/// made to reach [`MIN_CONTRAST`] against it.
const CODE_BG: [Rgb; 2] = [(0xf3, 0xf4, 0xf6), (0x1b, 0x21, 0x29)];

/// WCAG 2 AA for normal text (4.5:1), with a margin for rounding.
const MIN_CONTRAST: f64 = 4.6;

type Rgb = (u8, u8, u8);

/// The stylesheet for highlighted code: a light theme, and a dark one that
/// follows the reader's choice (`<html data-theme>`, set by theme.js) or,
/// without one, `prefers-color-scheme: dark`. Each colour is adjusted to
/// meet WCAG AA contrast against the code background of its mode. Made
/// once per process (loading syntect's themes is most of it).
pub(crate) fn stylesheet() -> &'static str {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(make_stylesheet)
}

fn make_stylesheet() -> String {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let css = |name: &str| {
        themes
            .themes
            .get(name)
            .and_then(|t| syntect::html::css_for_theme_with_class_style(t, CLASS_STYLE).ok())
            .unwrap_or_default()
    };
    // Each mode's rules under a scope of the same specificity, so that in
    // every case (OS light or dark, reader's choice or none) exactly one
    // mode's rules apply and none of the other's outweighs them.
    let mut out = String::from(
        "/* Generated by seckb from syntect's themes, colours adjusted for WCAG AA contrast. */\n",
    );
    for (theme, bg, mode, other) in [
        ("InspiredGitHub", CODE_BG[0], "light", "dark"),
        ("base16-ocean.dark", CODE_BG[1], "dark", "light"),
    ] {
        let rules = css(theme);
        let chosen = readable(&rules, bg, &format!(":root[data-theme=\"{mode}\"] "));
        let preferred = readable(&rules, bg, &format!(":root:not([data-theme=\"{other}\"]) "));
        out.push_str(&format!(
            "{chosen}\n@media (prefers-color-scheme: {mode}) {{\n{preferred}\n}}\n"
        ));
    }
    out
}

/// `css` (syntect's rules) without comments, each selector under `scope`,
/// each `color` moved towards black or white until it reaches
/// [`MIN_CONTRAST`] against the rule's own `background-color`, else `bg`.
fn readable(css: &str, bg: Rgb, scope: &str) -> String {
    let mut out = String::new();
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    out.push_str(rest);
    let mut styled = String::new();
    for rule in out.split('}') {
        let Some((selectors, body)) = rule.split_once('{') else {
            continue;
        };
        let selectors: Vec<String> = selectors
            .split(',')
            .map(|s| format!("{scope}{}", s.trim()))
            .collect();
        let declarations: Vec<(&str, &str)> = body
            .split(';')
            .filter_map(|d| d.split_once(':'))
            .map(|(k, v)| (k.trim(), v.trim()))
            .collect();
        let own_bg = declarations
            .iter()
            .find(|(k, _)| *k == "background-color")
            .and_then(|(_, v)| parse_hex(v))
            .unwrap_or(bg);
        let body: Vec<String> = declarations
            .iter()
            .map(|&(k, v)| match (k, parse_hex(v)) {
                ("color", Some(c)) => format!(" color: {};", hex(contrasting(c, own_bg))),
                _ => format!(" {k}: {v};"),
            })
            .collect();
        styled.push_str(&format!(
            "{} {{\n{}\n}}\n",
            selectors.join(", "),
            body.join("\n")
        ));
    }
    styled
}

fn parse_hex(value: &str) -> Option<Rgb> {
    let h = value.strip_prefix('#').filter(|h| h.len() == 6)?;
    let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some((byte(0)?, byte(2)?, byte(4)?))
}

fn hex((r, g, b): Rgb) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// WCAG 2's relative luminance.
fn luminance((r, g, b): Rgb) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

/// WCAG 2's contrast ratio of two colours.
pub(crate) fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `fg`, or the first mix of it towards black or white (whichever is
/// further from `bg`) in 5% steps that reaches [`MIN_CONTRAST`] on `bg`.
fn contrasting(fg: Rgb, bg: Rgb) -> Rgb {
    let target: Rgb = if luminance(bg) > 0.18 {
        (0, 0, 0)
    } else {
        (255, 255, 255)
    };
    let mix = |t: f64| {
        let m = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        (m(fg.0, target.0), m(fg.1, target.1), m(fg.2, target.2))
    };
    (0..=20)
        .map(|step| mix(f64::from(step) / 20.0))
        .find(|&c| contrast(c, bg) >= MIN_CONTRAST)
        .unwrap_or(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes_and_unknown_ones_plain_text() {
        let html = code_block("let x = 1;\n", "rust");
        assert!(
            html.starts_with(
                "<pre class=\"code\" data-lang=\"rust\" tabindex=\"0\"><code><span class=\"hl-source hl-rust\">"
            ),
            "{html}"
        );
        let plain = code_block("a < b\n", "no-such-language");
        assert_eq!(
            plain,
            "<pre class=\"code\" data-lang=\"no-such-language\" tabindex=\"0\"><code>a &lt; b\n</code></pre>\n"
        );
    }

    /// A block seen before comes from the cache, keyed by language and
    /// code both: the same code in another language is highlighted anew.
    #[test]
    fn repeated_blocks_come_from_the_cache_by_language_and_code() {
        let code = "SELECT 1 FROM cache_test_table;\n";
        let sql = code_block(code, "sql");
        assert!(Cache::get(&format!("sql\n{code}")).is_some());
        assert_eq!(code_block(code, "sql"), sql);
        let python = code_block(code, "python");
        assert_ne!(python, sql);
        assert!(python.contains("data-lang=\"python\""), "{python}");
        assert_eq!(code_block(code, "python"), python);
        // Both agree with an uncached rendering.
        assert_eq!(render_block(code, "sql"), sql);
    }

    #[test]
    fn stylesheet_has_both_modes() {
        let css = stylesheet();
        assert!(
            css.contains(".hl-source") || css.contains(".hl-"),
            "{}",
            &css[..200.min(css.len())]
        );
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(css.contains(":root[data-theme=\"dark\"] .hl-comment"));
        assert!(css.contains(":root:not([data-theme=\"light\"]) .hl-comment"));
    }

    /// Every token colour of both modes reaches WCAG AA against the code
    /// background its mode shows (the theme's `--code-bg`, read from its
    /// style.css, so the two cannot drift apart).
    #[test]
    fn every_token_colour_meets_wcag_aa_on_the_code_background() {
        let style = crate::theme::DEFAULT_THEME
            .iter()
            .find(|(p, _)| *p == "static/style.css")
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        // `--code-bg: light-dark(#LIGHT, #DARK);`
        let code_bgs: Vec<Rgb> = style
            .split("--code-bg: light-dark(")
            .skip(1)
            .flat_map(|rest| rest.split(')').next().unwrap_or("").split(','))
            .filter_map(|hex| parse_hex(hex.trim()))
            .collect();
        assert!(
            code_bgs.contains(&CODE_BG[0]) && code_bgs.contains(&CODE_BG[1]),
            "{code_bgs:?}"
        );
        let css = stylesheet();
        let (light, dark) = css.split_at(css.find(":root[data-theme=\"dark\"]").unwrap_or(0));
        let mut checked = 0;
        for (part, bg) in [(light, CODE_BG[0]), (dark, CODE_BG[1])] {
            for rule in part.split('}') {
                let own_bg = rule
                    .split("background-color: ")
                    .nth(1)
                    .and_then(|v| parse_hex(v.get(..7)?));
                for (i, m) in rule.match_indices(" color: ") {
                    let colour = parse_hex(&rule[i + m.len()..i + m.len() + 7]).expect("a colour");
                    let on = own_bg.unwrap_or(bg);
                    assert!(
                        contrast(colour, on) >= 4.5,
                        "{} on {}: {rule}",
                        hex(colour),
                        hex(on)
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }
}
