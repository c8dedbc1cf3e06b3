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

impl Urls {
    pub fn new(base_url: &str) -> Urls {
        Urls {
            base_url: base_url.to_string(),
            base_path: crate::config::base_path_of(base_url),
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
        format!("{}{}", self.base_path, site_path.trim_start_matches('/'))
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

#[cfg(test)]
mod tests {
    use super::*;

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
