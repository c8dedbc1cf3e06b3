//! Code highlighting with syntect, as CSS classes (one generated stylesheet
//! serves light and dark mode): each run of text is resolved in both
//! themes and written as one flat span whose short classes name a palette
//! colour and font style per mode (`l3 lb d7`). The syntax set and themes
//! are loaded once per process,
//! in the background while the content is read ([`preload`]), and each
//! distinct block is highlighted once ([`Cache`]).

use crate::html::escape;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex, OnceLock};
use syntect::highlighting::{Color, FontStyle, Highlighter, Theme, ThemeSet};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxSet};
use syntect::util::LinesWithEndings;

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
                modes();
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

/// Highlights `code` as flat spans, one per run of text that looks the
/// same in both modes ([`Run`]); `None` for a language syntect does not
/// know or a line it cannot parse (the caller shows plain text then).
fn highlight(code: &str, lang: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(lang)?;
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out = Run::default();
    for line in LinesWithEndings::from(code) {
        let mut at = 0;
        for (end, op) in state.parse_line(line, set).ok()? {
            // syntect's ops are in order and on char boundaries; `get` keeps a
            // broken promise from panicking.
            out.push(line.get(at..end)?, &stack);
            at = end;
            stack.apply(&op).ok()?;
        }
        out.push(line.get(at..)?, &stack);
    }
    Some(out.finish())
}

/// The HTML written so far and the text of the run not yet written, with
/// the classes it shows in.
#[derive(Default)]
struct Run {
    html: String,
    text: String,
    look: Look,
}

impl Run {
    /// Adds `text`, shown as `stack` says: to the open run if it looks the
    /// same (white space looks the same in any colour), else in a new one.
    fn push(&mut self, text: &str, stack: &ScopeStack) {
        if text.is_empty() {
            return;
        }
        let look = Look::of(stack.as_slice());
        let blank = text.bytes().all(|b| b.is_ascii_whitespace());
        let alike = look == self.look || blank && !look.underline && !self.look.underline;
        if !alike {
            self.flush();
            self.look = look;
        }
        self.text.push_str(text);
    }

    /// Writes the open run: escaped, in a span unless both modes show it in
    /// the default style.
    fn flush(&mut self) {
        if self.text.is_empty() {
            return;
        }
        let text = escape(&self.text);
        if self.look.classes.is_empty() {
            self.html.push_str(&text);
        } else {
            self.html.push_str("<span class=\"");
            self.html.push_str(&self.look.classes);
            self.html.push_str("\">");
            self.html.push_str(&text);
            self.html.push_str("</span>");
        }
        self.text.clear();
    }

    fn finish(mut self) -> String {
        self.flush();
        self.html
    }
}

/// How a scope stack looks in both modes: its classes (`"l3 lb d7"`, empty
/// for the default style of both) and whether a mode underlines it.
#[derive(Clone, Default, PartialEq, Eq)]
struct Look {
    classes: Rc<str>,
    underline: bool,
}

/// Scope stacks resolved so far on this thread, by their scopes.
/// Resolving matches every selector of both themes against the stack, and
/// stacks repeat on every line. Bounded: past [`Look::MAX_SCOPES`] scopes
/// in its keys (deeply nested input makes long, distinct stacks) it starts
/// again empty.
#[derive(Default)]
struct Looks {
    by_stack: FxHashMap<Box<[Scope]>, Look>,
    scopes: usize,
}

thread_local! {
    static LOOKS: RefCell<Looks> = RefCell::new(Looks::default());
}

impl Look {
    const MAX_SCOPES: usize = 1 << 20;

    /// The look of `stack`, from this thread's [`Looks`] or resolved.
    fn of(stack: &[Scope]) -> Look {
        LOOKS.with(|looks| {
            let mut looks = looks.borrow_mut();
            if let Some(look) = looks.by_stack.get(stack) {
                return look.clone();
            }
            let look = Look::resolve(stack);
            if looks.scopes + stack.len() > Look::MAX_SCOPES {
                looks.by_stack.clear();
                looks.scopes = 0;
            }
            looks.scopes += stack.len();
            looks.by_stack.insert(stack.into(), look.clone());
            look
        })
    }

    /// Matches `stack` against both themes' rules: each mode's palette
    /// class, if its colour is not the default, and its font classes.
    fn resolve(stack: &[Scope]) -> Look {
        let mut classes = Vec::new();
        let mut underline = false;
        for mode in modes() {
            let style = mode.highlighter.style_for_stack(stack);
            let colour = mode.colours.iter().find(|&&(c, _)| c == style.foreground);
            if let Some((_, i)) = colour {
                classes.push(format!("{}{i}", mode.prefix));
            }
            for (font, suffix) in FONT_CLASSES {
                if style.font_style.contains(font) {
                    classes.push(format!("{}{suffix}", mode.prefix));
                }
            }
            underline |= style.font_style.contains(FontStyle::UNDERLINE);
        }
        Look {
            classes: classes.join(" ").into(),
            underline,
        }
    }
}

/// The font styles a theme rule can set, each with its class suffix and
/// CSS declaration.
const FONT_CLASSES: [(FontStyle, &str); 3] = [
    (FontStyle::BOLD, "b"),
    (FontStyle::ITALIC, "i"),
    (FontStyle::UNDERLINE, "u"),
];

fn font_css(font: FontStyle) -> &'static str {
    if font == FontStyle::BOLD {
        "font-weight: bold"
    } else if font == FontStyle::ITALIC {
        "font-style: italic"
    } else {
        "text-decoration: underline"
    }
}

/// One colour mode of highlighted code: a syntect theme, its class prefix
/// (`l` light, `d` dark), and the palette it resolves colours to.
struct Mode {
    name: &'static str,
    other: &'static str,
    prefix: char,
    highlighter: Highlighter<'static>,
    /// The colours of the theme's rules other than its default, made to
    /// reach [`MIN_CONTRAST`] on the mode's code background, each once, in the order its rules
    /// first name them: colour `i` is class `{prefix}{i}`. From the theme
    /// alone, so that a class means the same colour in every document,
    /// whatever renders first.
    palette: Vec<Rgb>,
    /// Each colour of the theme's rules → its index in `palette`.
    colours: Vec<(Color, usize)>,
    /// The font styles the theme's rules set.
    fonts: FontStyle,
}

/// The foreground the themes' own default is replaced with: text that no
/// rule colours resolves to it and gets no class, so that it shows in the
/// page's code colour (as it did with syntect's CSS, whose default rule
/// matched no element), while a rule that names the theme's default colour
/// still gets its class. Transparent: no opaque theme colour equals it.
const UNSTYLED: Color = Color {
    r: 0,
    g: 0,
    b: 0,
    a: 0,
};

/// The two modes, loaded once per process (on [`preload`]'s thread
/// usually: loading syntect's themes takes milliseconds).
fn modes() -> &'static [Mode; 2] {
    static THEMES: OnceLock<[Theme; 2]> = OnceLock::new();
    static MODES: OnceLock<[Mode; 2]> = OnceLock::new();
    MODES.get_or_init(|| {
        let themes = THEMES.get_or_init(|| {
            let mut set = ThemeSet::load_defaults();
            let mut take = |name: &str| {
                let mut theme = set.themes.remove(name).unwrap_or_default();
                theme.settings.foreground = Some(UNSTYLED);
                theme
            };
            [take("InspiredGitHub"), take("base16-ocean.dark")]
        });
        let [light, dark] = themes;
        [
            Mode::new(light, "light", "dark", 'l', CODE_BG[0]),
            Mode::new(dark, "dark", "light", 'd', CODE_BG[1]),
        ]
    })
}

impl Mode {
    fn new(
        theme: &'static Theme,
        name: &'static str,
        other: &'static str,
        prefix: char,
        bg: Rgb,
    ) -> Mode {
        let highlighter = Highlighter::new(theme);
        let default = highlighter.get_default().foreground;
        let (mut palette, mut colours) = (Vec::new(), Vec::new());
        let mut fonts = FontStyle::empty();
        for rule in &theme.scopes {
            if let Some(c) = rule.style.foreground {
                if c != default && !colours.iter().any(|&(known, _)| known == c) {
                    let shown = contrasting(over(c, bg), bg);
                    let i = palette.iter().position(|&p| p == shown).unwrap_or_else(|| {
                        palette.push(shown);
                        palette.len() - 1
                    });
                    colours.push((c, i));
                }
            }
            fonts |= rule.style.font_style.unwrap_or_else(FontStyle::empty);
        }
        Mode {
            name,
            other,
            prefix,
            highlighter,
            palette,
            colours,
            fonts,
        }
    }

    /// This mode's rules, each selector under `scope`: a colour per palette
    /// entry, made to reach [`MIN_CONTRAST`] on the code background, and a
    /// rule per font style the theme uses.
    fn rules(&self, scope: &str) -> String {
        let mut css = String::new();
        for (i, &colour) in self.palette.iter().enumerate() {
            let colour = hex(colour);
            css.push_str(&format!(
                "{scope} .code .{}{i} {{ color: {colour}; }}\n",
                self.prefix
            ));
        }
        for (font, suffix) in FONT_CLASSES {
            if self.fonts.contains(font) {
                let declaration = font_css(font);
                css.push_str(&format!(
                    "{scope} .code .{}{suffix} {{ {declaration}; }}\n",
                    self.prefix
                ));
            }
        }
        css
    }
}

/// `c` as it shows on `bg` (the themes' colours are opaque today).
fn over(c: Color, bg: Rgb) -> Rgb {
    let a = f64::from(c.a) / 255.0;
    let mix = |fg: u8, bg: u8| (f64::from(fg) * a + f64::from(bg) * (1.0 - a)).round() as u8;
    (mix(c.r, bg.0), mix(c.g, bg.1), mix(c.b, bg.2))
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
    // Each mode's rules under a scope of the same specificity, so that in
    // every case (OS light or dark, reader's choice or none) exactly one
    // mode's rules apply and none of the other's outweighs them.
    let mut out = String::from(
        "/* Generated by seckb from syntect's themes, colours adjusted for WCAG AA contrast. */\n",
    );
    for mode in modes() {
        let (name, other) = (mode.name, mode.other);
        let chosen = mode.rules(&format!(":root[data-theme=\"{name}\"]"));
        let preferred = mode.rules(&format!(":root:not([data-theme=\"{other}\"])"));
        out.push_str(&format!(
            "{chosen}@media (prefers-color-scheme: {name}) {{\n{preferred}}}\n"
        ));
    }
    out
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

    fn parse_hex(value: &str) -> Option<Rgb> {
        let h = value.strip_prefix('#').filter(|h| h.len() == 6)?;
        let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
        Some((byte(0)?, byte(2)?, byte(4)?))
    }

    #[test]
    fn known_languages_get_flat_short_classes_and_unknown_ones_plain_text() {
        let html = code_block("let x = 1;\n", "rust");
        assert!(
            html.starts_with(
                "<pre class=\"code\" data-lang=\"rust\" tabindex=\"0\"><code><span class=\"l"
            ),
            "{html}"
        );
        assert!(!html.contains("hl-"), "{html}");
        let plain = code_block("a < b\n", "no-such-language");
        assert_eq!(
            plain,
            "<pre class=\"code\" data-lang=\"no-such-language\" tabindex=\"0\"><code>a &lt; b\n</code></pre>\n"
        );
    }

    /// Text no rule colours has no class (it shows in the page's code
    /// colour), while a rule that names its theme's default colour keeps
    /// its class: InspiredGitHub colours JSON values with its default.
    #[test]
    fn a_rule_naming_the_default_colour_keeps_its_class() {
        let light = &modes()[0];
        let default = ThemeSet::load_defaults().themes["InspiredGitHub"]
            .settings
            .foreground;
        let default = default.map(|c| light.colours.iter().find(|&&(k, _)| k == c));
        let Some(Some(&(_, i))) = default else {
            panic!("InspiredGitHub's default colour is no rule's");
        };
        let html = render_block("{\"key\": \"value\"}\n", "json");
        assert!(html.contains(&format!("<span class=\"l{i} d")), "{html}");
        assert!(html.contains("<code>{<span class="), "{html}");
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
    fn stylesheet_has_both_modes_for_the_choice_and_the_preference() {
        let css = stylesheet();
        for mode in ["light", "dark"] {
            assert!(css.contains(&format!("@media (prefers-color-scheme: {mode})")));
        }
        assert!(css.contains(":root[data-theme=\"light\"] .code .l0 { color: #"));
        assert!(css.contains(":root:not([data-theme=\"dark\"]) .code .l0 { color: #"));
        assert!(css.contains(":root[data-theme=\"dark\"] .code .d0 { color: #"));
        assert!(css.contains(":root:not([data-theme=\"light\"]) .code .d0 { color: #"));
        assert!(css.contains(":root[data-theme=\"light\"] .code .lb { font-weight: bold; }"));
    }

    /// The rules of the stylesheet, `(selector, declarations)`.
    fn rules(css: &str) -> Vec<(&str, &str)> {
        css.lines()
            .filter_map(|line| line.strip_suffix(" }")?.split_once(" { "))
            .collect()
    }

    /// Every colour rule of both modes reaches WCAG AA against the code
    /// background its mode shows (the theme's `--code-bg`, read from its
    /// style.css, so the two cannot drift apart), for the reader's choice
    /// and for the OS preference, and every palette colour has its rules.
    #[test]
    fn every_class_colour_meets_wcag_aa_on_the_code_background() {
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
        let mut checked = 0;
        for (selector, body) in rules(stylesheet()) {
            let class = selector.rsplit(" .").next().unwrap_or("");
            let (bg, mode) = match class.chars().next() {
                Some('l') => (CODE_BG[0], "light"),
                Some('d') => (CODE_BG[1], "dark"),
                _ => panic!("a rule for no mode's class: {selector}"),
            };
            let scoped = selector.starts_with(&format!(":root[data-theme=\"{mode}\"] .code ."))
                || selector.starts_with(":root:not([data-theme=\"")
                    && !selector.contains(&format!("\"{mode}\"]"));
            assert!(scoped, "{selector}");
            if let Some(colour) = body.strip_prefix("color: ") {
                let colour = parse_hex(colour.trim_end_matches(';')).expect("a colour");
                assert!(
                    contrast(colour, bg) >= 4.5,
                    "{} on {}: {selector}",
                    hex(colour),
                    hex(bg)
                );
                checked += 1;
            } else {
                assert!(
                    body.starts_with("font-") || body.starts_with("text-"),
                    "{body}"
                );
            }
        }
        let palettes: usize = modes().iter().map(|m| m.palette.len()).sum();
        assert_eq!(checked, 2 * palettes);
        assert!(checked > 30, "{checked}");
    }

    /// `html` without its tags, unescaped.
    fn visible_text(html: &str) -> String {
        let mut text = String::new();
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            text.push_str(&rest[..start]);
            rest = rest[start..].split_once('>').map_or("", |(_, after)| after);
        }
        text.push_str(rest);
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    const SAMPLES: [(&str, &str); 8] = [
        ("json", "{\"a\": [1, 2.5e3, true, null], \"<b>\": \"x & 'y'\"}\n"),
        ("python", "import os\n\ndef f(x: int) -> str:\n    \"\"\"Doc <b>.\"\"\"\n    return f'{x!r} & {os.sep}'  # note\n"),
        ("bash", "#!/bin/bash\nfor f in *.log; do\n  grep -c \"<err>\" \"$f\" && echo '&' > /dev/null\ndone\n"),
        ("yaml", "key: value # c\nlist:\n  - \"a & <b>\"\n  - 'c'\nn: 1.5\n"),
        ("go", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tif a < b && c > d { fmt.Println(\"<&>\") }\n}\n"),
        ("rust", "/// Doc.\nfn f<'a>(x: &'a str) -> Option<u8> {\n    let y = x.len() as u8; // c\n    Some(y)\n}\n"),
        ("javascript", "const a = `t ${b}` + '<c>';\nif (a && b < 2) { console.log(/re&/g); }\n"),
        ("sql", "SELECT a, 'x<y' FROM t WHERE b > 1 AND c = \"&\"; -- note\n"),
    ];

    /// In every language: the text a reader sees is the code, every span
    /// is flat and names only classes the stylesheet has rules for, in
    /// both modes, for the choice and the preference.
    #[test]
    fn highlighted_text_is_the_code_and_every_class_has_a_rule() {
        let css = stylesheet();
        for (lang, code) in SAMPLES {
            let html = render_block(code, lang);
            let body = html
                .strip_prefix(&format!(
                    "<pre class=\"code\" data-lang=\"{lang}\" tabindex=\"0\"><code>"
                ))
                .and_then(|b| b.strip_suffix("</code></pre>\n"))
                .unwrap_or_else(|| panic!("{html}"));
            assert_eq!(visible_text(body), code, "{lang}: {body}");
            let spans: Vec<&str> = body.split("<span class=\"").skip(1).collect();
            assert!(spans.len() > 2, "{lang}: {body}");
            for span in spans {
                let (classes, rest) = span.split_once("\">").expect("a closed attribute");
                let inner = rest.split("</span>").next().unwrap_or("");
                assert!(!inner.contains('<'), "{lang}: nested span {span}");
                for class in classes.split(' ') {
                    let mode = if class.starts_with('l') {
                        "light"
                    } else {
                        "dark"
                    };
                    let other = if mode == "light" { "dark" } else { "light" };
                    for scope in [
                        format!("[data-theme=\"{mode}\"]"),
                        format!(":not([data-theme=\"{other}\"])"),
                    ] {
                        let rule = format!(":root{scope} .code .{class} {{ ");
                        assert!(css.contains(&rule), "{lang}: no rule {rule}");
                    }
                }
            }
        }
    }

    /// The classes of a block do not depend on what rendered before it
    /// (documents render in parallel, each thread with its own cache).
    #[test]
    fn classes_do_not_depend_on_rendering_order() {
        let render = |order: [usize; 3]| {
            std::thread::spawn(move || order.map(|i| render_block(SAMPLES[i].1, SAMPLES[i].0)))
                .join()
                .expect("a rendering thread")
        };
        let [a0, a1, a2] = render([0, 1, 2]);
        let [b2, b1, b0] = render([2, 1, 0]);
        assert_eq!((a0, a1, a2), (b0, b1, b2));
    }
}
