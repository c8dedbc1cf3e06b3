//! The one base-path helper: every URL seckb emits is made here, so a site
//! under `https://org.github.io/kb/` works exactly like one at `/`.

/// Turns site paths (`incidents/x/`, no leading slash) into URLs.
#[derive(Debug, Clone)]
pub struct Urls {
    /// Absolute base URL ending in `/`.
    base_url: String,
    /// Its path, `/` or `/kb/`.
    base_path: String,
}

/// The path part of an absolute URL, with leading and trailing `/`.
pub(crate) fn base_path_of(base_url: &str) -> String {
    match url::Url::parse(base_url) {
        Ok(u) => {
            let p = u.path().trim_end_matches('/');
            format!("{p}/")
        }
        Err(_) => "/".into(),
    }
}

/// `site_path` under `base_path` (`/` or `/kb/`): `incidents/x/` →
/// `/kb/incidents/x/`. The one rule for root-relative URLs, for the stages
/// that know only the base path (Markdown links, the `url()` template
/// function).
pub(crate) fn under(base_path: &str, site_path: &str) -> String {
    format!("{base_path}{}", site_path.trim_start_matches('/'))
}

impl Urls {
    pub fn new(base_url: &str) -> Urls {
        Urls {
            base_url: base_url.to_string(),
            base_path: base_path_of(base_url),
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// Root-relative URL with the base path: `incidents/x/` → `/kb/incidents/x/`.
    pub fn path(&self, site_path: &str) -> String {
        under(&self.base_path, site_path)
    }

    /// Absolute URL: `incidents/x/` → `https://org.github.io/kb/incidents/x/`.
    pub fn absolute(&self, site_path: &str) -> String {
        format!("{}{}", self.base_url, site_path.trim_start_matches('/'))
    }

    /// The output file a site path is written to: `incidents/x/` → `incidents/x/index.html`.
    pub fn output_file(site_path: &str) -> String {
        let p = site_path.trim_start_matches('/');
        if p.is_empty() || p.ends_with('/') {
            format!("{p}index.html")
        } else {
            p.to_string()
        }
    }
}

/// What in `c` no URL seckb writes may hold, if anything: whitespace,
/// control and invisible formatting characters, and what RFC 3986 leaves
/// out (`"<>\^`{|}`). Browsers drop or rewrite these (the line break in
/// `https://a/\njavascript:…` vanishes), so the link a reader follows would
/// differ from the text that was reviewed.
fn refused_char(c: char) -> Option<&'static str> {
    if c.is_control() {
        Some("a control character")
    } else if c.is_whitespace() {
        Some("whitespace")
    } else if is_invisible(c) {
        Some("an invisible formatting character")
    } else if "\"<>\\^`{|}".contains(c) {
        Some("a character URLs do not allow")
    } else {
        None
    }
}

/// Unicode format characters (category Cf) that change how text shows
/// without showing themselves: zero-width spaces and joiners, direction
/// overrides, the byte order mark.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}'
        | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
}

/// Refuses a URL (or site path) holding a character no written URL may
/// hold; the message shows the text escaped and where the character is.
pub(crate) fn check_characters(text: &str) -> Result<(), String> {
    let found = text
        .chars()
        .enumerate()
        .find_map(|(i, c)| refused_char(c).map(|what| (i, c, what)));
    match found {
        Some((i, c, what)) => Err(format!(
            "{text:?} holds {what} ({c:?}, character {})",
            i + 1
        )),
        None => Ok(()),
    }
}

/// An external link seckb writes (a reference, a publisher's address): an
/// absolute http(s) URL with a host, no credentials (`user:pw@host`, which
/// also disguises the host as `https://bank.example@evil.example/`) and no
/// character `check_characters` refuses. Surrounding blanks are ignored.
pub(crate) fn check_external(text: &str) -> Result<(), String> {
    let text = text.trim();
    check_characters(text)?;
    let url = url::Url::parse(text).map_err(|e| format!("`{text}` is not a valid URL ({e})"))?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err(format!(
            "`{text}` uses the `{}` scheme; only http and https are allowed",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{text}` has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "`{text}` holds a user name or password before its host"
        ));
    }
    Ok(())
}

/// An alias (an old address that redirects to a page) as the site path it
/// is written at: `/advisories/old-name` → `advisories/old-name/`, an
/// `.html` name kept as a file. Only plain paths are taken — segments of
/// letters, digits, `-`, `_`, `.` and `~`, none starting with `.` — so no
/// alias is a scheme (`javascript:`), another host (`//host`), a climb out
/// (`..`, also as `%2e%2e`), a dot-folder (`/.git/`, `/.well-known/`), a
/// query or a fragment. Percent-encoding is refused: the output path is
/// the text itself, so `caf%C3%A9` would not be where `/café/` is served.
pub(crate) fn alias_path(text: &str) -> Result<String, String> {
    let text = text.trim();
    check_characters(text)?;
    if let Some(c) = text.chars().find(|c| matches!(c, '%' | '?' | '#' | ':')) {
        return Err(format!(
            "`{text}` holds `{c}`; an alias is a plain path (non-ASCII letters are written as they are, not percent-encoded)"
        ));
    }
    let relative = text.strip_prefix('/').unwrap_or(text);
    if relative.starts_with('/') {
        return Err(format!(
            "`{text}` starts with `//`, which browsers read as another host"
        ));
    }
    let inner = relative.strip_suffix('/').unwrap_or(relative);
    if inner.is_empty() {
        return Err(format!("`{text}` is the site's home page"));
    }
    let plain = |c: char| c.is_alphanumeric() || "-_.~".contains(c);
    for segment in inner.split('/') {
        if segment.is_empty() {
            return Err(format!("`{text}` has an empty segment (`//`)"));
        }
        if segment.starts_with('.') {
            return Err(format!(
                "`{text}` has a segment starting with `.` (`..`, or a dot-folder such as `.git`)"
            ));
        }
        if let Some(c) = segment.chars().find(|&c| !plain(c)) {
            return Err(format!(
                "`{text}` holds `{c}`; path segments are letters, digits, `-`, `_`, `.` and `~`"
            ));
        }
    }
    Ok(if inner.ends_with(".html") {
        inner.to_string()
    } else {
        format!("{inner}/")
    })
}

/// A host name as a custom domain (GitHub Pages' `CNAME` file): two or more
/// labels of `a-z`, `0-9` and `-` (not at either end of a label), 1 to 63
/// characters each and 253 in all, the last not all digits (not an IP
/// address); no scheme, path, port or trailing dot.
pub(crate) fn check_hostname(text: &str) -> Result<(), String> {
    let labels: Vec<&str> = text.split('.').collect();
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let numeric = labels
        .last()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()));
    if text.len() > 253 || labels.len() < 2 || numeric || !labels.iter().all(|l| label_ok(l)) {
        return Err(format!("`{text}` is not a host name"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_urls_are_plain_http_links() {
        assert!(check_external("https://example.com/a?b=c#d").is_ok());
        assert!(check_external(" http://example.com/caf\u{e9}'s ").is_ok());
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "https://",
            "not a url",
            "https://a/\njavascript:alert(1)",
            "https://a/\tb",
            "https://a/ b",
            "https://a/\u{202E}txt.exe",
            "https://a/\u{200B}",
            "https://a/\u{85}b",
            "https://a/\"onmouseover=x",
            "https://a/<script>",
            "https:\\\\evil.example",
            "https://user:pw@a.example/",
            "https://bank.example@evil.example/",
        ] {
            assert!(check_external(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn aliases_are_plain_site_paths() {
        assert_eq!(alias_path("/old/name").as_deref(), Ok("old/name/"));
        assert_eq!(alias_path("old/name/").as_deref(), Ok("old/name/"));
        assert_eq!(alias_path("/2019/x.html").as_deref(), Ok("2019/x.html"));
        assert_eq!(
            alias_path("/caf\u{e9}/v1.2~x_y/").as_deref(),
            Ok("caf\u{e9}/v1.2~x_y/")
        );
        for bad in [
            "javascript:alert(1)",
            "https://evil.example/",
            "//evil.example/x",
            "/a\\b",
            "/a/../b",
            "..",
            "/a/%2e%2e/b",
            "/a%2fb",
            "/.git/config",
            "/.well-known/security.txt",
            "/a/.hidden/",
            "/a\nb",
            "/a?b",
            "/a#b",
            "/a//b",
            "/",
            "",
            "/a b/",
            "/a'b/",
        ] {
            assert!(alias_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn custom_domains_are_host_names() {
        assert!(check_hostname("advisories.acme.example").is_ok());
        assert!(check_hostname("xn--bcher-kva.example").is_ok());
        for bad in [
            "https://a.example",
            "a.example/path",
            "a.example:8080",
            "a.example.",
            "localhost",
            "A.example",
            "-a.example",
            "a_b.example",
            "1.2.3.4",
            "a..example",
            "a.example\n",
            "",
        ] {
            assert!(check_hostname(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn base_paths_are_kept_everywhere() {
        let u = Urls::new("https://org.github.io/kb/");
        assert_eq!(u.path("incidents/x/"), "/kb/incidents/x/");
        assert_eq!(u.path(""), "/kb/");
        assert_eq!(u.absolute("atom.xml"), "https://org.github.io/kb/atom.xml");
        assert_eq!(Urls::new("https://a.example/").path("faq/"), "/faq/");
        assert_eq!(Urls::output_file("incidents/x/"), "incidents/x/index.html");
        assert_eq!(Urls::output_file(""), "index.html");
        assert_eq!(Urls::output_file("404.html"), "404.html");
    }
}
