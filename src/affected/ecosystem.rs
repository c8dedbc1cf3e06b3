//! Package ecosystems as OSV names them, the version order each uses, and
//! package URLs (purl) mapped to an ecosystem and package name.

use super::maven;
use std::cmp::Ordering;

/// The ecosystem names of OSV 1.7.5 (`$defs/ecosystemName` of its schema),
/// spelt exactly; one may carry a `:suffix` (`Debian:12`, `Alpine:v3.20`).
pub const ECOSYSTEMS: [&str; 48] = [
    "AlmaLinux",
    "Alpaquita",
    "Alpine",
    "Android",
    "Azure Linux",
    "BellSoft Hardened Containers",
    "Bioconductor",
    "Bitnami",
    "Chainguard",
    "CleanStart",
    "ConanCenter",
    "CRAN",
    "crates.io",
    "Debian",
    "Docker Hardened Images",
    "Echo",
    "FreeBSD",
    "GHC",
    "GitHub Actions",
    "Go",
    "Hackage",
    "Hex",
    "Julia",
    "Kubernetes",
    "Linux",
    "Mageia",
    "Maven",
    "MinimOS",
    "npm",
    "NuGet",
    "opam",
    "openEuler",
    "openSUSE",
    "OSS-Fuzz",
    "Packagist",
    "Photon OS",
    "Pub",
    "PyPI",
    "Red Hat",
    "Rocky Linux",
    "Root",
    "RubyGems",
    "SUSE",
    "SwiftURL",
    "TuxCare",
    "Ubuntu",
    "VSCode",
    "Wolfi",
];

/// How the versions of an ecosystem are read and ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// SemVer 2.0 (crates.io, npm, Hex, Pub), and SEMVER ranges anywhere.
    SemVer,
    /// SemVer, written with or without Go's leading `v` (OSV writes none).
    Go,
    /// PEP 440 (PyPI).
    Pep440,
    /// Maven's version order (Maven; and vendor products, as "generic").
    Maven,
    /// An order seckb does not know: versions are listed, not ranged.
    Unordered,
}

impl Scheme {
    /// The scheme of `ecosystem` (its name before any `:suffix`).
    pub fn of(ecosystem: &str) -> Scheme {
        match base(ecosystem) {
            "crates.io" | "npm" | "Hex" | "Pub" => Scheme::SemVer,
            "Go" => Scheme::Go,
            "PyPI" => Scheme::Pep440,
            "Maven" => Scheme::Maven,
            _ => Scheme::Unordered,
        }
    }

    /// The name docs and messages use.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::SemVer => "SemVer",
            Scheme::Go => "Go (SemVer)",
            Scheme::Pep440 => "PEP 440",
            Scheme::Maven => "Maven",
            Scheme::Unordered => "unordered",
        }
    }

    /// What a version of this scheme looks like, for messages.
    pub fn expected(self) -> &'static str {
        match self {
            Scheme::SemVer => "a SemVer version MAJOR.MINOR.PATCH such as 1.4.3 or 2.0.0-rc.1",
            Scheme::Go => "a Go module version such as 1.4.3 or v1.4.3 (SemVer)",
            Scheme::Pep440 => "a PEP 440 version such as 3.6.2, 2.0rc1 or 1.0.post1",
            Scheme::Maven => "a Maven version such as 2.17.1 or 1.0-beta-2",
            Scheme::Unordered => "a version without spaces",
        }
    }

    /// Whether versions of the scheme can be compared (and so ranged).
    pub fn is_ordered(self) -> bool {
        self != Scheme::Unordered
    }

    /// Parses `text` as a version of this scheme. An unordered scheme
    /// checks only that it is one word.
    pub fn parse(self, text: &str) -> Result<Version, String> {
        if text.is_empty() {
            return Err("an empty version".into());
        }
        if let Some(c) = text
            .chars()
            .find(|c| c.is_whitespace() || c.is_control() || "<>=,|^*\"'`".contains(*c))
        {
            return Err(format!("{c:?} cannot be part of a version"));
        }
        // Words that read as a range (CSAF refuses them as a version).
        let lower = text.to_ascii_lowercase();
        if [
            "after", "all", "before", "earlier", "later", "prior", "versions",
        ]
        .contains(&lower.as_str())
        {
            return Err(format!("`{text}` reads as a range, not as one version"));
        }
        match self {
            Scheme::SemVer => semver::Version::parse(text)
                .map(Version::Sem)
                .map_err(|e| e.to_string()),
            Scheme::Go => semver::Version::parse(text.strip_prefix('v').unwrap_or(text))
                .map(Version::Sem)
                .map_err(|e| e.to_string()),
            Scheme::Pep440 => text
                .parse::<pep440_rs::Version>()
                .map(Version::Pep)
                .map_err(|e| e.to_string()),
            Scheme::Maven => maven::Version::parse(text).map(Version::Maven),
            Scheme::Unordered => Ok(Version::Unordered),
        }
    }

    /// `text` as OSV writes it: Go versions without their `v`.
    pub fn canonical(self, text: &str) -> String {
        match self {
            Scheme::Go => text.strip_prefix('v').unwrap_or(text).to_string(),
            _ => text.to_string(),
        }
    }
}

/// A parsed version of one scheme.
#[derive(Debug, Clone)]
pub enum Version {
    Sem(semver::Version),
    Pep(pep440_rs::Version),
    Maven(maven::Version),
    Unordered,
}

impl Version {
    /// The order of two versions of one scheme (None across schemes or for
    /// unordered ones). SemVer compares by precedence: build metadata
    /// (`+build.5`) is ignored, as SemVer 2.0 says.
    pub fn compare(&self, other: &Version) -> Option<Ordering> {
        match (self, other) {
            (Version::Sem(a), Version::Sem(b)) => Some(a.cmp_precedence(b)),
            (Version::Pep(a), Version::Pep(b)) => Some(a.cmp(b)),
            (Version::Maven(a), Version::Maven(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

/// The ecosystem's name without its `:suffix`.
pub fn base(ecosystem: &str) -> &str {
    ecosystem.split(':').next().unwrap_or(ecosystem)
}

/// Checks an ecosystem name: one of OSV's, exactly, with an optional
/// non-empty `:suffix`. The error says what was meant when the name differs
/// only in case or by a typo.
pub fn check(ecosystem: &str) -> Result<(), (String, String)> {
    let name = base(ecosystem);
    let suffix_ok = ecosystem.len() == name.len() || ecosystem.len() > name.len() + 1;
    if ECOSYSTEMS.contains(&name) && suffix_ok {
        return Ok(());
    }
    let meant = ECOSYSTEMS
        .iter()
        .find(|e| e.eq_ignore_ascii_case(name))
        .copied()
        .or_else(|| crate::diagnostics::did_you_mean(name, ECOSYSTEMS.iter().copied()));
    let help = match meant {
        Some(m) if suffix_ok => format!("did you mean `{m}`? OSV ecosystem names are exact"),
        _ => "use an OSV ecosystem name such as crates.io, npm, PyPI, Go, Maven, RubyGems, NuGet or Packagist, optionally with `:suffix` (Debian:12)".into(),
    };
    Err((format!("unknown ecosystem `{ecosystem}`"), help))
}

/// What a package URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purl {
    /// The OSV ecosystem of its type, when seckb knows one.
    pub ecosystem: Option<&'static str>,
    /// The package name as that ecosystem writes it.
    pub name: String,
}

/// Parses `pkg:TYPE/[NAMESPACE/]NAME[?QUALIFIERS][#SUBPATH]` (purl-spec). A
/// version (`@1.0.0`) is refused: the package is named, its versions are
/// given by the ranges.
pub fn parse_purl(purl: &str) -> Result<Purl, String> {
    let rest = purl
        .strip_prefix("pkg:")
        .ok_or("a package URL starts with `pkg:` (pkg:cargo/hyper, pkg:npm/%40scope/name)")?;
    let rest = rest.trim_start_matches('/');
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (kind, path) = rest
        .split_once('/')
        .ok_or("a package URL names a type and a package: pkg:TYPE/NAME")?;
    let kind = kind.to_ascii_lowercase();
    if kind.is_empty()
        || !kind
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".+-".contains(c))
        || kind.starts_with(|c: char| c.is_ascii_digit())
    {
        return Err(format!("`{kind}` is not a package URL type"));
    }
    if path.contains('@') && !path.starts_with('@') || path.matches('@').count() > 1 {
        return Err("the package URL has a version (`@…`): name the package without one, and give its versions in `versions` or `ranges`".into());
    }
    if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("a package URL has no spaces (percent-encode them)".into());
    }
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(crate::markdown::percent_decode)
        .collect();
    let Some((last, namespace)) = segments.split_last() else {
        return Err("the package URL names no package".into());
    };
    let ecosystem = match kind.as_str() {
        "cargo" => Some("crates.io"),
        "npm" => Some("npm"),
        "pypi" => Some("PyPI"),
        "golang" => Some("Go"),
        "maven" => Some("Maven"),
        "gem" => Some("RubyGems"),
        "nuget" => Some("NuGet"),
        "composer" => Some("Packagist"),
        "hex" => Some("Hex"),
        "pub" => Some("Pub"),
        "hackage" => Some("Hackage"),
        "cran" => Some("CRAN"),
        _ => None,
    };
    let name = match kind.as_str() {
        "maven" => format!("{}:{last}", namespace.join(".")),
        _ if namespace.is_empty() => last.clone(),
        _ => format!("{}/{last}", namespace.join("/")),
    };
    Ok(Purl { ecosystem, name })
}

/// The purl type of an ecosystem seckb maps both ways (`crates.io` →
/// `cargo`), which is also its `vers:` scheme.
pub fn purl_type(ecosystem: &str) -> Option<&'static str> {
    Some(match base(ecosystem) {
        "crates.io" => "cargo",
        "npm" => "npm",
        "PyPI" => "pypi",
        "Go" => "golang",
        "Maven" => "maven",
        "RubyGems" => "gem",
        "NuGet" => "nuget",
        "Packagist" => "composer",
        "Hex" => "hex",
        "Pub" => "pub",
        "Hackage" => "hackage",
        "CRAN" => "cran",
        _ => return None,
    })
}

/// A package URL of `name` in `ecosystem`, without version, when its
/// type is known (`pkg:npm/%40acme/sdk`, `pkg:maven/org.acme/core`).
pub fn purl_of(ecosystem: &str, name: &str) -> Option<String> {
    let kind = purl_type(ecosystem)?;
    let encode = |segment: &str| -> String {
        segment
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    let path = match kind {
        "maven" => {
            let (group, artifact) = name.split_once(':')?;
            format!("{}/{}", encode(group), encode(artifact))
        }
        _ => name.split('/').map(encode).collect::<Vec<_>>().join("/"),
    };
    Some(format!("pkg:{kind}/{path}"))
}

/// Whether two names of one package in `ecosystem` are the same: PyPI
/// names compare normalised (PEP 503: case, and runs of `-_.`).
pub fn same_name(ecosystem: &str, a: &str, b: &str) -> bool {
    if base(ecosystem) == "PyPI" {
        let norm = |s: &str| {
            s.to_ascii_lowercase()
                .split(['-', '_', '.'])
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        };
        return norm(a) == norm(b);
    }
    a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecosystem_names_are_exact() {
        assert!(check("crates.io").is_ok());
        assert!(check("Debian:12").is_ok());
        let (message, help) = check("pypi").unwrap_err();
        assert_eq!(message, "unknown ecosystem `pypi`");
        assert!(help.contains("`PyPI`"), "{help}");
        assert!(check("Debian:").is_err());
        assert!(check("cargo").is_err());
    }

    #[test]
    fn purls_name_an_ecosystem_and_package() {
        let p = parse_purl("pkg:npm/%40acme/console-sdk").unwrap();
        assert_eq!(
            (p.ecosystem, p.name.as_str()),
            (Some("npm"), "@acme/console-sdk")
        );
        let p = parse_purl("pkg:maven/org.apache.logging.log4j/log4j-core").unwrap();
        assert_eq!(p.name, "org.apache.logging.log4j:log4j-core");
        let p = parse_purl("pkg:golang/github.com/acme/gateway/v5").unwrap();
        assert_eq!(
            (p.ecosystem, p.name.as_str()),
            (Some("Go"), "github.com/acme/gateway/v5")
        );
        assert!(parse_purl("pkg:cargo/hyper@1.0.0")
            .unwrap_err()
            .contains("version"));
        assert!(parse_purl("cargo/hyper").is_err());
        assert!(parse_purl("pkg:cargo").is_err());
        assert_eq!(parse_purl("pkg:deb/debian/curl").unwrap().ecosystem, None);
    }

    #[test]
    fn versions_parse_by_scheme() {
        assert!(Scheme::SemVer.parse("1.4.3").is_ok());
        assert!(Scheme::SemVer.parse("1.4").is_err());
        assert!(Scheme::SemVer.parse("v1.4.3").is_err());
        assert!(Scheme::Go.parse("v1.4.3").is_ok());
        assert_eq!(Scheme::Go.canonical("v1.4.3"), "1.4.3");
        assert!(Scheme::Pep440.parse("2.0rc1").is_ok());
        assert!(Scheme::Pep440.parse("2.0-banana").is_err());
        assert!(Scheme::Maven.parse("1.0-SNAPSHOT").is_ok());
        assert!(Scheme::Unordered.parse("1:2.3-4").is_ok());
        assert!(Scheme::Unordered.parse("1 2").is_err());
        assert!(Scheme::Maven.parse("<1.0").is_err());
        assert!(Scheme::Unordered.parse("all").is_err());
        assert!(Scheme::Unordered.parse("1.0~rc1").is_ok());
        let v = |s: &str| Scheme::Pep440.parse(s).unwrap();
        assert_eq!(v("1.0").compare(&v("1.0.0")), Some(Ordering::Equal));
        assert_eq!(v("1.0rc1").compare(&v("1.0")), Some(Ordering::Less));
        let s = |s: &str| Scheme::SemVer.parse(s).unwrap();
        assert_eq!(s("1.0.0+a").compare(&s("1.0.0+b")), Some(Ordering::Equal));
    }

    #[test]
    fn purls_are_made_back_from_ecosystem_and_name() {
        assert_eq!(
            purl_of("npm", "@acme/sdk").as_deref(),
            Some("pkg:npm/%40acme/sdk")
        );
        assert_eq!(
            purl_of("Maven", "org.acme:core").as_deref(),
            Some("pkg:maven/org.acme/core")
        );
        assert_eq!(
            purl_of("Go", "github.com/acme/gateway/v5").as_deref(),
            Some("pkg:golang/github.com/acme/gateway/v5")
        );
        assert_eq!(purl_of("Debian:12", "curl"), None);
        for (eco, name) in [
            ("npm", "@acme/sdk"),
            ("Maven", "org.acme:core"),
            ("crates.io", "acme-cli"),
        ] {
            let back = parse_purl(&purl_of(eco, name).unwrap()).unwrap();
            assert_eq!((back.ecosystem, back.name.as_str()), (Some(eco), name));
        }
    }

    #[test]
    fn pypi_names_compare_normalised() {
        assert!(same_name("PyPI", "Acme_Python", "acme-python"));
        assert!(!same_name("npm", "Acme", "acme"));
    }
}
