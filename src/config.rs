//! `seckb.yaml`: typed site configuration. Unknown keys are errors with a
//! "did you mean", exactly like front matter.

use crate::content::Tlp;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::yaml;
use schemars::JsonSchema;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "seckb.yaml";

/// What to do with raw HTML inside Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    Allow,
    #[default]
    Sanitize,
    Deny,
}

/// `security_txt:`: the fields of `.well-known/security.txt` (RFC 9116).
/// `Canonical` comes from `base_url`, `CSAF` from `csaf:`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityTxt {
    /// mailto:, tel: or https: URIs, most preferred first (at least one).
    pub contact: Vec<String>,
    /// RFC 3339 date-time after which the file is stale; less than a year ahead.
    pub expires: String,
    pub policy: Option<String>,
    pub acknowledgments: Option<String>,
    /// URI of an OpenPGP key (https:, openpgp4fpr: or dns:).
    pub encryption: Option<String>,
    pub hiring: Option<String>,
    /// Comma-separated language tags, such as `en, de`.
    pub preferred_languages: Option<String>,
    /// Where `expires` is written, for the build's warning about its date.
    #[serde(skip)]
    pub expires_at: Option<Location>,
}

/// `csaf.publisher.category`: CSAF 2.0's publisher categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CsafPublisherCategory {
    Coordinator,
    Discoverer,
    Other,
    Translator,
    User,
    #[default]
    Vendor,
}

impl CsafPublisherCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            CsafPublisherCategory::Coordinator => "coordinator",
            CsafPublisherCategory::Discoverer => "discoverer",
            CsafPublisherCategory::Other => "other",
            CsafPublisherCategory::Translator => "translator",
            CsafPublisherCategory::User => "user",
            CsafPublisherCategory::Vendor => "vendor",
        }
    }
}

/// `csaf.role`: what the site is as a CSAF 2.0 distributor. seckb signs
/// nothing, so the default is the role that needs no signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CsafRole {
    #[default]
    CsafPublisher,
    CsafProvider,
    CsafTrustedProvider,
}

impl CsafRole {
    pub fn as_str(self) -> &'static str {
        match self {
            CsafRole::CsafPublisher => "csaf_publisher",
            CsafRole::CsafProvider => "csaf_provider",
            CsafRole::CsafTrustedProvider => "csaf_trusted_provider",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CsafPublisher {
    pub name: String,
    /// The publisher's web address (http(s) URL), not the site's.
    pub namespace: String,
    pub category: CsafPublisherCategory,
    pub contact_details: Option<String>,
    pub issuing_authority: Option<String>,
}

/// `csaf:`: CSAF 2.0 export of every published incident.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Csaf {
    pub publisher: CsafPublisher,
    pub role: Option<CsafRole>,
    /// provider-metadata.json's `list_on_CSAF_aggregators`; default: true when
    /// the build is TLP:CLEAR only. A preview (`--drafts`, serve) is never
    /// listed, whatever this says.
    pub list_on_aggregators: Option<bool>,
    /// provider-metadata.json's `mirror_on_CSAF_aggregators`; same default.
    pub mirror_on_aggregators: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Secrets {
    #[serde(default)]
    pub allow: Vec<String>,
}

/// `limits:`: bounds of the build that a site may move.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// The most bytes one rendered page may have (default 128 MiB): a
    /// template that writes without end fails the build (E0500) instead of
    /// taking all memory.
    #[serde(default = "default_page_bytes")]
    pub page_bytes: u64,
}

fn default_page_bytes() -> u64 {
    crate::template_env::PAGE_BYTES
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            page_bytes: default_page_bytes(),
        }
    }
}

impl Limits {
    /// `page_bytes` as a length in memory.
    pub fn page_bytes(&self) -> usize {
        usize::try_from(self.page_bytes).unwrap_or(usize::MAX)
    }
}

/// `pagination:`: how long lists are split into pages.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPagination {
    /// Entries per page of a list (section, term), from 1 to
    /// [`MAX_PER_PAGE`] (default [`PER_PAGE`]).
    pub per_page: Option<u64>,
}

/// Entries a list page shows when `pagination.per_page` is not set: a
/// page of 50 incident rows or summaries stays a few dozen KB.
pub const PER_PAGE: usize = 50;

/// The most `pagination.per_page` may be: a summary on a term page is
/// about 1.1 KB at 10,000 generated documents, so 1,000 of them a page
/// already passed the 1 MiB a list page is meant to stay under; 500 stay
/// near half of it.
pub const MAX_PER_PAGE: u64 = 500;

/// `links:`: how strict the link check is.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkCheck {
    /// What a broken internal link or anchor is (E0300, E0301): `error`
    /// (the default) fails the build; `warn` reports it and builds, for
    /// imported content that is published while it is fixed. A link to an
    /// unpublished document (E0203) is an error either way.
    #[serde(default)]
    pub internal: Strictness,
}

/// Whether a kind of problem fails the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Strictness {
    #[default]
    Error,
    Warn,
}

impl LinkCheck {
    /// Makes broken internal links and anchors warnings when the site asks
    /// for it: applied once to everything a run found, so every stage that
    /// checks links obeys it.
    pub fn apply(&self, diagnostics: &mut [crate::diagnostics::Diagnostic]) {
        use crate::diagnostics::Code;
        if self.internal == Strictness::Warn {
            diagnostics
                .iter_mut()
                .filter(|d| matches!(d.code, Code::BrokenLink | Code::BrokenAnchor))
                .for_each(crate::diagnostics::Diagnostic::to_warning);
        }
    }
}

/// `banner:`: the ongoing-incident banner every page shows.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Banner {
    /// The least severity an incident must have for the banner to announce
    /// it while it is not resolved.
    pub severity: crate::content::Severity,
    /// How many incidents it names at most (default 5); the others are
    /// counted ("and 12 more"). Every page carries the banner, so a list
    /// of every open incident would grow every page with the site.
    #[serde(default = "Banner::default_max")]
    pub max: std::num::NonZeroUsize,
}

impl Banner {
    fn default_max() -> std::num::NonZeroUsize {
        std::num::NonZeroUsize::MIN.saturating_add(4)
    }
}

/// `review:`: how long a review holds, per kind of document, such as
/// `180d` (days) or `26w` (weeks); a kind left out is never overdue.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReview {
    pub incident: Option<String>,
    pub faq: Option<String>,
    /// Guides and every other page.
    pub page: Option<String>,
}

/// `review:`, validated: the review interval of each kind, in days.
#[derive(Debug, Clone, Copy, Default)]
pub struct Review {
    pub incident: Option<u32>,
    pub faq: Option<u32>,
    pub page: Option<u32>,
}

impl Review {
    /// The interval of documents of `kind`, in days.
    pub fn days(&self, kind: crate::content::Kind) -> Option<u32> {
        match kind {
            crate::content::Kind::Incident => self.incident,
            crate::content::Kind::Faq => self.faq,
            crate::content::Kind::Page => self.page,
        }
    }
}

/// An interval as `review:` writes it: `180d` or `26w`, at least one day
/// and at most 100 years.
pub fn parse_interval(text: &str) -> Result<u32, String> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let factor = match unit {
        "d" => 1,
        "w" => 7,
        _ => {
            return Err(format!(
                "`{text}` is not an interval: expected days or weeks such as `180d` or `26w`"
            ))
        }
    };
    let n: u32 = number.parse().map_err(|_| {
        format!("`{text}` is not an interval: expected a whole number before `{unit}`")
    })?;
    match n.checked_mul(factor) {
        Some(days) if (1..=36_500).contains(&days) => Ok(days),
        _ => Err(format!("`{text}` is out of range: from 1d to 36500d")),
    }
}

/// `seckb.yaml` as written; every key optional so each can be checked alone.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub title: Option<String>,
    pub description: Option<String>,
    pub base_url: Option<String>,
    pub language: Option<String>,
    pub theme: Option<String>,
    pub default_tlp: Option<Tlp>,
    pub publish_tlp: Option<Tlp>,
    pub raw_html: Option<RawHtml>,
    pub security_txt: Option<SecurityTxt>,
    pub csaf: Option<Csaf>,
    pub secrets: Option<Secrets>,
    pub cname: Option<String>,
    pub author: Option<String>,
    pub limits: Option<Limits>,
    pub links: Option<LinkCheck>,
    /// The ongoing-incident banner (default: none).
    pub banner: Option<Banner>,
    /// Review intervals per kind of document, for `seckb check`'s W0102.
    pub review: Option<RawReview>,
    /// How many entries each page of a list shows (default 50).
    pub pagination: Option<RawPagination>,
    pub extra: Option<serde_json::Value>,
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site root (the folder holding seckb.yaml).
    pub root: PathBuf,
    pub title: String,
    pub description: String,
    /// Absolute base URL, always ending in `/`.
    pub base_url: String,
    pub language: String,
    pub theme: String,
    pub default_tlp: Tlp,
    pub publish_tlp: Tlp,
    pub raw_html: RawHtml,
    pub security_txt: Option<SecurityTxt>,
    pub csaf: Option<Csaf>,
    pub secrets: Secrets,
    pub cname: Option<String>,
    pub author: String,
    pub limits: Limits,
    pub links: LinkCheck,
    pub banner: Option<Banner>,
    pub review: Review,
    /// Entries per page of a list (`pagination.per_page`), at least 1.
    pub per_page: usize,
    pub extra: serde_json::Value,
}

impl Config {
    /// The path part of `base_url`: `/` or `/kb/`.
    pub fn base_path(&self) -> String {
        crate::urls::base_path_of(&self.base_url)
    }
}

/// Normalises a base URL: an absolute http(s) URL with a host and nothing
/// that every page would carry but should not: credentials, a query or
/// fragment, or a character no URL may hold (`check_characters`; a quote is
/// refused too). Gets a trailing `/`.
pub fn normalize_base_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    crate::urls::check_characters(text)?;
    if text.contains('\'') {
        return Err(format!("`{text}` holds a quote"));
    }
    let parsed =
        url::Url::parse(text).map_err(|e| format!("`{text}` is not an absolute URL ({e})"))?;
    if parsed.scheme() != "http" && parsed.scheme() != "https" {
        return Err(format!("`{text}` must be an http:// or https:// URL"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(format!(
            "`{text}` holds a user name or password, which every page would publish"
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(format!("`{text}` must not have a query or fragment"));
    }
    let mut s = parsed.to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    Ok(s)
}

/// Finds the site root: `root` if given, else the first folder upwards from
/// `cwd` that holds seckb.yaml.
pub fn find_root(root: Option<&Path>, cwd: &Path) -> Result<PathBuf, Diagnostic> {
    if let Some(r) = root {
        return Ok(r.to_path_buf());
    }
    cwd.ancestors()
        .find(|d| d.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            Diagnostic::error(
                Code::Config,
                format!(
                    "no {CONFIG_FILE} found in {} or any parent folder",
                    cwd.display()
                ),
            )
            .help("run `seckb init` to create a site, or pass --root DIR")
        })
}

/// Reads and validates `root/seckb.yaml`; `None` after reporting why.
pub fn load(root: &Path, diagnostics: &mut Diagnostics) -> Option<Config> {
    let text = std::fs::read_to_string(root.join(CONFIG_FILE)).map_err(|e| {
        Diagnostic::error(Code::Config, format!("cannot read {CONFIG_FILE}: {e}"))
            .at(Location::file(Path::new(CONFIG_FILE)))
    });
    let text = diagnostics.take(text)?;
    parse(root, &text, diagnostics)
}

/// Validates configuration text (the file itself is `seckb.yaml` in `root`);
/// `None` when it has any error, every one reported.
pub fn parse(root: &Path, text: &str, diagnostics: &mut Diagnostics) -> Option<Config> {
    let file = Path::new(CONFIG_FILE);
    let at = |line, column| Location::in_text(file, text, line, column);
    let value = yaml::parse(text).map_err(|e| {
        let d = match e.kind {
            yaml::ParseErrorKind::TooDeep => Diagnostic::error(Code::NestingTooDeep, e.message)
                .help("flatten the structure; seckb.yaml needs only a few levels"),
            yaml::ParseErrorKind::Syntax => {
                Diagnostic::error(Code::YamlSyntax, format!("invalid YAML: {}", e.message))
            }
        };
        d.at(at(e.line, e.column))
    });
    let value = diagnostics.take(value)?;
    let allowed = yaml::struct_fields::<RawConfig>();
    let (raw, errors) = yaml::typed::<RawConfig>(text, value, allowed);
    let mut found: Diagnostics = errors
        .into_iter()
        .map(|e| {
            let code = match e.kind {
                yaml::FieldErrorKind::UnknownKey => Code::UnknownKey,
                _ => Code::Config,
            };
            Diagnostic::error(code, e.message)
                .at(at(e.line, e.column))
                .maybe_help(e.help)
        })
        .collect();
    let Some(mut raw) = raw else {
        diagnostics.append(found);
        return None;
    };
    let value_at_path = |path: &[yaml::Segment]| {
        let p = yaml::locate(text, path);
        at(p.line, p.value_column)
    };
    check_exports(&raw, &value_at_path, &mut found);
    if let Some(txt) = &mut raw.security_txt {
        txt.expires_at = Some(value_at_path(&[
            yaml::Segment::Key("security_txt"),
            yaml::Segment::Key("expires"),
        ]));
    }
    let (base_url, theme) = check_site_values(&raw, &value_at_path, &mut found);
    let review = check_review(raw.review.as_ref(), &value_at_path, &mut found);
    let per_page = check_per_page(raw.pagination.as_ref(), &value_at_path, &mut found);
    let valid = found.is_empty();
    diagnostics.append(found);
    valid.then(|| Config {
        review,
        per_page,
        ..configured(root, raw, base_url, theme)
    })
}

/// Checks the values of the site itself: its base URL, custom domain,
/// theme name and limits. Returns the base URL normalised and the theme.
fn check_site_values(
    raw: &RawConfig,
    value_at_path: &dyn Fn(&[yaml::Segment]) -> Location,
    diagnostics: &mut Diagnostics,
) -> (String, String) {
    let value_at = |key: &str| value_at_path(&[yaml::Segment::Key(key)]);
    let base_url =
        match normalize_base_url(raw.base_url.as_deref().unwrap_or("http://127.0.0.1:1111/")) {
            Ok(u) => u,
            Err(message) => {
                diagnostics.push(
                    Diagnostic::error(Code::Config, message)
                        .at(value_at("base_url"))
                        .help("for example https://org.github.io/advisories/"),
                );
                String::new()
            }
        };
    if let Some(Err(m)) = raw.cname.as_deref().map(crate::urls::check_hostname) {
        diagnostics.push(
            Diagnostic::error(Code::Config, format!("`cname`: {m}"))
                .at(value_at("cname"))
                .help("the custom domain alone, in lower case, such as advisories.acme.example"),
        );
    }
    let theme = raw.theme.clone().unwrap_or_else(|| "default".into());
    if theme.is_empty()
        || !theme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        diagnostics.push(
            Diagnostic::error(Code::Config, format!("invalid theme name `{theme}`"))
                .at(value_at("theme"))
                .help("a folder name under themes/, letters, digits, `-` and `_`"),
        );
    }
    if raw.limits.as_ref().is_some_and(|l| l.page_bytes == 0) {
        diagnostics.push(
            Diagnostic::error(
                Code::Config,
                "`limits.page_bytes` is 0: every page would be too large",
            )
            .at(value_at_path(&[
                yaml::Segment::Key("limits"),
                yaml::Segment::Key("page_bytes"),
            ]))
            .help(format!(
                "leave it out for the default, {}",
                crate::template_env::PAGE_BYTES
            )),
        );
    }
    (base_url, theme)
}

/// `pagination.per_page`, checked at its value: a whole number from 1 to
/// [`MAX_PER_PAGE`]; [`PER_PAGE`] when left out.
fn check_per_page(
    raw: Option<&RawPagination>,
    value_at_path: &dyn Fn(&[yaml::Segment]) -> Location,
    diagnostics: &mut Diagnostics,
) -> usize {
    let Some(n) = raw.and_then(|p| p.per_page) else {
        return PER_PAGE;
    };
    if (1..=MAX_PER_PAGE).contains(&n) {
        return usize::try_from(n).unwrap_or(PER_PAGE);
    }
    diagnostics.push(
        Diagnostic::error(
            Code::Config,
            format!(
                "`pagination.per_page` is {n}: expected a whole number from 1 to {MAX_PER_PAGE}"
            ),
        )
        .at(value_at_path(&[
            yaml::Segment::Key("pagination"),
            yaml::Segment::Key("per_page"),
        ]))
        .help(format!(
            "leave it out for the default, {PER_PAGE} entries per page"
        )),
    );
    PER_PAGE
}

/// `review:`'s intervals, each checked at its value.
fn check_review(
    raw: Option<&RawReview>,
    value_at_path: &dyn Fn(&[yaml::Segment]) -> Location,
    diagnostics: &mut Diagnostics,
) -> Review {
    let Some(raw) = raw else {
        return Review::default();
    };
    let mut days = |key: &'static str, text: &Option<String>| {
        let text = text.as_deref()?;
        match parse_interval(text) {
            Ok(d) => Some(d),
            Err(message) => {
                diagnostics.push(
                    Diagnostic::error(Code::Config, format!("`review.{key}`: {message}"))
                        .at(value_at_path(&[
                            yaml::Segment::Key("review"),
                            yaml::Segment::Key(key),
                        ]))
                        .help("a review interval in days or weeks, such as `180d` or `52w`"),
                );
                None
            }
        }
    };
    Review {
        incident: days("incident", &raw.incident),
        faq: days("faq", &raw.faq),
        page: days("page", &raw.page),
    }
}

/// The configuration of a valid `raw`, with the defaults of what it leaves out.
fn configured(root: &Path, raw: RawConfig, base_url: String, theme: String) -> Config {
    let title = raw.title.unwrap_or_else(|| "Security advisories".into());
    Config {
        root: root.to_path_buf(),
        description: raw.description.unwrap_or_default(),
        base_url,
        language: raw.language.unwrap_or_else(|| "en".into()),
        theme,
        default_tlp: raw.default_tlp.unwrap_or(Tlp::Clear),
        publish_tlp: raw.publish_tlp.unwrap_or(Tlp::Clear),
        raw_html: raw.raw_html.unwrap_or_default(),
        security_txt: raw.security_txt,
        csaf: raw.csaf,
        secrets: raw.secrets.unwrap_or_default(),
        cname: raw.cname,
        author: raw.author.unwrap_or_else(|| title.clone()),
        limits: raw.limits.unwrap_or_default(),
        links: raw.links.unwrap_or_default(),
        banner: raw.banner,
        review: Review::default(),
        per_page: PER_PAGE,
        title,
        extra: raw
            .extra
            .unwrap_or(serde_json::Value::Object(Default::default())),
    }
}

/// Checks `security_txt:` and `csaf:`: the URIs RFC 9116 and CSAF 2.0 allow,
/// and an RFC 3339 `expires`. (Whether `expires` is near enough is a warning
/// of the build, which knows the clock.)
fn check_exports(
    raw: &RawConfig,
    value_at: &dyn Fn(&[yaml::Segment]) -> Location,
    diagnostics: &mut Diagnostics,
) {
    use yaml::Segment::Key;
    let mut error = |path: &[yaml::Segment], message: String, help: &str| {
        diagnostics.push(
            Diagnostic::error(Code::Config, message)
                .at(value_at(path))
                .help(help),
        );
    };
    if let Some(txt) = &raw.security_txt {
        check_security_txt(txt, &mut error);
    }
    if let Some(csaf) = &raw.csaf {
        if csaf.publisher.name.trim().is_empty() {
            error(
                &[Key("csaf"), Key("publisher"), Key("name")],
                "`csaf.publisher.name` is empty".into(),
                "the name of the organisation that publishes the advisories",
            );
        }
        if let Err(m) = crate::urls::check_external(&csaf.publisher.namespace) {
            error(
                &[Key("csaf"), Key("publisher"), Key("namespace")],
                m,
                "the publisher's web address, such as https://acme.example",
            );
        }
    }
}

/// The URIs and values of `security_txt:` RFC 9116 allows.
fn check_security_txt(txt: &SecurityTxt, error: &mut dyn FnMut(&[yaml::Segment], String, &str)) {
    use yaml::Segment::{Index, Key};
    if txt.contact.is_empty() {
        error(
            &[Key("security_txt"), Key("contact")],
            "`security_txt.contact` is empty".into(),
            "RFC 9116 needs at least one Contact, such as mailto:security@example.com",
        );
    }
    for (i, contact) in txt.contact.iter().enumerate() {
        if let Err(m) = security_txt_uri(contact, &["mailto", "tel", "https"]) {
            error(
                &[Key("security_txt"), Key("contact"), Index(i)],
                m,
                "a mailto:, tel: or https: URI",
            );
        }
    }
    let expires = crate::content::Date::parse(&txt.expires);
    if !expires.as_ref().is_ok_and(|d| d.has_time) {
        let why = expires
            .err()
            .unwrap_or_else(|| format!("`{}` is not an RFC 3339 date-time", txt.expires.trim()));
        error(
            &[Key("security_txt"), Key("expires")],
            format!("`security_txt.expires`: {why}"),
            "for example 2027-11-29T00:00:00Z, less than a year ahead",
        );
    }
    let web = [
        ("policy", &txt.policy),
        ("acknowledgments", &txt.acknowledgments),
        ("hiring", &txt.hiring),
    ];
    for (key, value) in web {
        if let Some(Err(m)) = value.as_deref().map(|v| security_txt_uri(v, &["https"])) {
            error(&[Key("security_txt"), Key(key)], m, "an https:// URL");
        }
    }
    if let Some(Err(m)) = txt
        .encryption
        .as_deref()
        .map(|v| security_txt_uri(v, &["https", "openpgp4fpr", "dns"]))
    {
        error(
            &[Key("security_txt"), Key("encryption")],
            m,
            "the https:// URL of an OpenPGP key (or an openpgp4fpr: or dns: URI)",
        );
    }
    if let Some(langs) = &txt.preferred_languages {
        if !langs.split(',').all(|l| is_language_tag(l.trim())) {
            error(
                &[Key("security_txt"), Key("preferred_languages")],
                format!("`{langs}` is not a comma-separated list of language tags"),
                "for example `en, de`",
            );
        }
    }
}

/// A BCP 47 language tag in its general shape: `en`, `pt-BR`, `zh-Hant-TW`.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    let fits =
        |p: &str, f: fn(&char) -> bool| (1..=8).contains(&p.len()) && p.chars().all(|c| f(&c));
    fits(primary, char::is_ascii_alphabetic) && parts.all(|p| fits(p, char::is_ascii_alphanumeric))
}

/// A URI with one of `schemes` (RFC 9116 allows only https for web URIs);
/// an https URI is also an external link as `urls::check_external` takes one.
fn security_txt_uri(text: &str, schemes: &[&str]) -> Result<(), String> {
    let text = text.trim();
    crate::urls::check_characters(text)?;
    match url::Url::parse(text) {
        Ok(u) if u.scheme() == "https" && schemes.contains(&"https") => {
            crate::urls::check_external(text)
        }
        Ok(u) if schemes.contains(&u.scheme()) => Ok(()),
        Ok(u) => Err(format!(
            "`{text}` uses the `{}` scheme; security.txt allows {} here",
            u.scheme(),
            schemes.join(", ")
        )),
        Err(e) => Err(format!("`{text}` is not a valid URI ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The configuration `text` makes, or every problem it has.
    fn parse(root: &Path, text: &str) -> Result<Config, Diagnostics> {
        let mut found = Diagnostics::new();
        super::parse(root, text, &mut found).ok_or(found)
    }

    #[test]
    fn unknown_keys_get_a_suggestion() {
        let errs = parse(Path::new("."), "title: X\nbase_ulr: https://a.example/\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].code, Code::UnknownKey);
        assert_eq!(errs[0].location.as_ref().map(|l| l.line), Some(2));
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `base_url`?"));
    }

    #[test]
    fn base_path_comes_from_base_url() {
        let c = parse(Path::new("."), "base_url: https://org.github.io/kb\n").unwrap();
        assert_eq!(c.base_url, "https://org.github.io/kb/");
        assert_eq!(c.base_path(), "/kb/");
    }

    #[test]
    fn bad_enum_values_are_located() {
        let errs = parse(Path::new("."), "title: X\npublish_tlp: amberr\n").unwrap_err();
        assert_eq!(
            errs[0].location.as_ref().map(|l| (l.line, l.column)),
            Some((2, 14))
        );
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `amber`?"));
    }
}
