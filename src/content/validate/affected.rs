//! `affected` entries: a vendor's product, or a package with its versions,
//! validated by the package's ecosystem ([`crate::affected`]). Every bad
//! name, version or range is an error at its own place in the file, the
//! column of a bad version inside a range included.

use super::{Locator, Validator};
use crate::affected::{self, ecosystem, Event, EventKind, Package, Range, RangeType, Scheme};
use crate::content::frontmatter::{
    RawAffected, RawAffectedDetail, RawFrontMatter, RawRange, RawVersions, VersionText,
};
use crate::content::Affected;
use crate::diagnostics::{Code, Diagnostic};
use crate::yaml::Segment;

impl Locator<'_> {
    /// Where byte `offset` of `written`, the text of the scalar at `path`,
    /// is in the file: past the value's opening quote when the file holds
    /// the text as written there (a block value), else where it is found
    /// in the lines of `affected` (a flow mapping), else at the value.
    fn inside(
        &self,
        path: &[Segment],
        written: &str,
        offset: usize,
    ) -> crate::diagnostics::Location {
        let p = self.yaml.locate(path);
        let prefix = written.get(..offset).unwrap_or_default();
        let column_in = |line: &str, column: usize| -> Option<usize> {
            let value = line.get(column.checked_sub(1)?..)?;
            let quote = usize::from(value.starts_with(['"', '\'']));
            value[quote..]
                .starts_with(written)
                .then(|| column + quote + prefix.chars().count())
        };
        let line_text = |yaml_line: usize| -> Option<&str> {
            self.yaml_text.lines().nth(yaml_line.checked_sub(1)?)
        };
        if let Some(column) = line_text(p.line).and_then(|l| column_in(l, p.value_column)) {
            return self.line(p.line, column);
        }
        if let Some((line, column)) =
            crate::yaml::find_scalar_in_key(self.yaml_text, "affected", written)
        {
            if let Some(c) = line_text(line).and_then(|l| column_in(l, column)) {
                return self.line(line, c);
            }
        }
        self.line(p.line, p.value_column)
    }
}

/// `affected[i]` followed by `rest`.
fn path<'a>(i: usize, rest: &[Segment<'a>]) -> Vec<Segment<'a>> {
    let mut p = vec![Segment::Key("affected"), Segment::Index(i)];
    p.extend_from_slice(rest);
    p
}

impl Validator<'_> {
    /// Every entry of `affected`, each validated.
    pub(super) fn affected(&mut self, raw: &RawFrontMatter) -> Vec<Affected> {
        let entries = raw.affected.as_deref().unwrap_or_default();
        let mut out = Vec::with_capacity(entries.len());
        for (i, entry) in entries.iter().enumerate() {
            match entry {
                RawAffected::Vendor(v) => {
                    let vendor = v.trim().to_string();
                    // A name without letters makes no term page to collide with.
                    if !self.term(&vendor, &path(i, &[])) {
                        continue;
                    }
                    out.push(Affected {
                        vendor: Some(vendor),
                        product: None,
                        versions: None,
                        package: None,
                        scheme: Scheme::Maven,
                        ranges: Vec::new(),
                        listed: Vec::new(),
                        fixed: Vec::new(),
                    });
                }
                RawAffected::Detailed(d) => {
                    if let Some(a) = self.affected_detail(i, d) {
                        out.push(a);
                    }
                }
            }
        }
        out
    }

    fn affected_detail(&mut self, i: usize, d: &RawAffectedDetail) -> Option<Affected> {
        let package = self.package(i, d);
        let mut vendor = d.vendor.as_deref().map(|v| v.trim().to_string());
        match &vendor {
            // Reported, and left out: it would make no term page.
            Some(v) if !self.term(v, &path(i, &[Segment::Key("vendor")])) => vendor = None,
            Some(_) => {}
            None if package.is_none() && !self.package_named(d) => {
                self.diagnostics.push(
                    Diagnostic::error(Code::MissingField, "an `affected` entry needs a `vendor` or a package")
                        .at(self.at.key(&path(i, &[])))
                        .help("add `vendor:` (and `product:`), or name a package with `ecosystem` and `name`, or `purl`"),
                );
            }
            None => {}
        }
        let scheme = package
            .as_ref()
            .map_or(Scheme::Maven, |p| Scheme::of(&p.ecosystem));
        let mut entry = Affected {
            vendor,
            product: d.product.clone(),
            versions: None,
            package,
            scheme,
            ranges: Vec::new(),
            listed: Vec::new(),
            fixed: Vec::new(),
        };
        // The `<` bounds of a compact range; Err when `versions` is reported.
        let mut bounds: Result<Option<Vec<String>>, ()> = Ok(None);
        match &d.versions {
            Some(RawVersions::List(items)) => {
                for (k, item) in items.iter().enumerate() {
                    let at = path(i, &[Segment::Key("versions"), Segment::Index(k)]);
                    if let Some(v) = self.version(item, scheme, &at) {
                        entry.listed.push(v);
                    }
                }
                entry.versions = Some(entry.listed.join(", "));
            }
            Some(RawVersions::Text(text)) => bounds = self.compact_versions(i, text, &mut entry),
            None => {}
        }
        match (&d.fixed, bounds) {
            (Some(fixed), Ok(bounds)) => {
                self.fixed(i, fixed, &mut entry, bounds, d.versions.is_some())
            }
            // Only `fixed`'s own version is checked: the bounds are unknown.
            (Some(fixed), Err(())) => {
                self.version(fixed, scheme, &path(i, &[Segment::Key("fixed")]));
            }
            (None, _) => {}
        }
        for (j, range) in d.ranges.as_deref().unwrap_or_default().iter().enumerate() {
            if let Some(r) = self.range(i, j, range, scheme) {
                entry.fixed.extend(
                    r.events
                        .iter()
                        .filter(|e| e.kind == EventKind::Fixed)
                        .map(|e| e.version.clone()),
                );
                entry.ranges.push(r);
            }
        }
        Some(entry)
    }

    /// `versions:` as text: a range in the compact syntax (a package's, or a
    /// vendor product's with `<`, `>` or `=`), else free text. Returns the
    /// range's `<` bounds (None for free text), Err when it is reported.
    fn compact_versions(
        &mut self,
        i: usize,
        text: &VersionText,
        entry: &mut Affected,
    ) -> Result<Option<Vec<String>>, ()> {
        let at = path(i, &[Segment::Key("versions")]);
        let text = self.text(text, &at).ok_or(())?;
        let written = text.trim();
        entry.versions = Some(written.to_string());
        let ranged = entry.package.is_some() || written == "*" || written.contains(['<', '>', '=']);
        if !ranged {
            return Ok(None);
        }
        match affected::parse_compact(written, entry.scheme) {
            Ok(compact) => {
                if !compact.events.is_empty() {
                    entry.ranges.push(Range {
                        kind: RangeType::default_for(entry.scheme),
                        repo: None,
                        events: compact.events,
                    });
                }
                entry.listed.extend(compact.exact);
                entry.fixed.extend(compact.fixed.iter().cloned());
                Ok(Some(compact.fixed))
            }
            Err(p) => {
                let lead = text.len() - text.trim_start().len();
                let location = self.at.inside(&at, &text, lead + p.offset);
                let help = if entry.package.is_none() {
                    format!("{} (a vendor product's versions compare as Maven orders them; write free text without `<`, `>` or `=`)", p.help)
                } else {
                    p.help
                };
                self.diagnostics.push(
                    Diagnostic::error(Code::InvalidValue, format!("`versions`: {}", p.message))
                        .at(location)
                        .help(help),
                );
                Err(())
            }
        }
    }

    /// Whether the entry tries to name a package (so a missing vendor is
    /// not reported besides the package's own error).
    fn package_named(&self, d: &RawAffectedDetail) -> bool {
        d.ecosystem.is_some() || d.name.is_some() || d.purl.is_some()
    }

    /// `purl`, parsed: Err when it is reported as invalid.
    fn read_purl(
        &mut self,
        i: usize,
        d: &RawAffectedDetail,
    ) -> Result<Option<(String, ecosystem::Purl)>, ()> {
        let Some(text) = d.purl.as_deref().map(str::trim) else {
            return Ok(None);
        };
        match ecosystem::parse_purl(text) {
            Ok(p) => Ok(Some((text.to_string(), p))),
            Err(why) => {
                self.error(Code::InvalidValue, format!("invalid `purl` `{text}`: {why}"), &path(i, &[Segment::Key("purl")]), Some("a package URL such as pkg:pypi/acme-python or pkg:npm/%40acme/sdk, without a version".into()));
                Err(())
            }
        }
    }

    /// `ecosystem`, checked: Err when it is reported as unknown.
    fn read_ecosystem(&mut self, i: usize, d: &RawAffectedDetail) -> Result<Option<String>, ()> {
        let Some(e) = d.ecosystem.as_deref().map(str::trim) else {
            return Ok(None);
        };
        match ecosystem::check(e) {
            Ok(()) => Ok(Some(e.to_string())),
            Err((message, help)) => {
                self.error(
                    Code::InvalidValue,
                    message,
                    &path(i, &[Segment::Key("ecosystem")]),
                    Some(help),
                );
                Err(())
            }
        }
    }

    /// A package named by half: the ecosystem or the name is missing.
    fn missing_package_part(&mut self, i: usize, no_ecosystem: bool, has_purl: bool) {
        let (missing, help) = if no_ecosystem && has_purl {
            (
                "`ecosystem`",
                "the purl's type names no ecosystem seckb knows: add `ecosystem:` (its OSV name)",
            )
        } else if no_ecosystem {
            (
                "`ecosystem`",
                "name the package's OSV ecosystem, such as `ecosystem: PyPI`",
            )
        } else {
            (
                "`name`",
                "give the package's name in its ecosystem, such as `name: acme-python`",
            )
        };
        self.diagnostics.push(
            Diagnostic::error(Code::MissingField, format!("the package has no {missing}"))
                .at(self.at.key(&path(i, &[])))
                .help(help),
        );
    }

    /// The package of an entry, from `ecosystem` and `name` or `purl`, the
    /// three agreeing when all are given.
    fn package(&mut self, i: usize, d: &RawAffectedDetail) -> Option<Package> {
        let purl = self.read_purl(i, d);
        let eco = self.read_ecosystem(i, d);
        let name = d.name.as_deref().map(str::trim).map(str::to_string);
        if name.as_deref() == Some("") {
            self.error(
                Code::MissingField,
                "`name` is empty".into(),
                &path(i, &[Segment::Key("name")]),
                Some("the package's name in its ecosystem".into()),
            );
            return None;
        }
        let (Ok(purl), Ok(eco)) = (purl, eco) else {
            return None;
        };
        let from_purl = purl.as_ref().map(|(_, p)| p);
        let ecosystem = eco.or_else(|| from_purl.and_then(|p| p.ecosystem).map(str::to_string));
        let name = name.or_else(|| from_purl.map(|p| p.name.clone()));
        let (ecosystem, name) = match (ecosystem, name) {
            (Some(e), Some(n)) => (e, n),
            (None, None) => return None,
            (e, _) => {
                self.missing_package_part(i, e.is_none(), purl.is_some());
                return None;
            }
        };
        if let Some((text, p)) = &purl {
            // A purl type seckb knows names its package as the ecosystem does;
            // of others (deb, rpm, apk) the namespace means a distribution.
            let agrees = p.ecosystem.is_none_or(|e| {
                e == ecosystem::base(&ecosystem) && ecosystem::same_name(&ecosystem, &p.name, &name)
            });
            if !agrees {
                self.error(
                    Code::InvalidValue,
                    format!(
                        "`purl` {text} names {} `{}`, not {ecosystem} `{name}`",
                        p.ecosystem.unwrap_or("a package"),
                        p.name
                    ),
                    &path(i, &[Segment::Key("purl")]),
                    Some("give the purl of the same package, or leave it out".into()),
                );
                return None;
            }
        }
        Some(Package {
            ecosystem,
            name,
            purl: purl.map(|(text, _)| text),
        })
    }

    /// A version written in front matter, as text: a YAML float (`1.10`
    /// read as 1.1) is an error.
    fn text(&mut self, value: &VersionText, at: &[Segment]) -> Option<String> {
        match value {
            VersionText::Text(t) => Some(t.clone()),
            VersionText::Float(f) => {
                let (shown, location) = self.number_as_written(*f, at);
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::WrongType,
                        format!("YAML reads `{shown}` as the number {f}, not as a version"),
                    )
                    .at(location)
                    .help(format!("quote the version: \"{shown}\"")),
                );
                None
            }
        }
    }

    /// How the number `f` at `at` is written (`1.10`), and where: the first
    /// word from the value's place on that reads as `f` (an item of a flow
    /// list is found past the `[`).
    fn number_as_written(&self, f: f64, at: &[Segment]) -> (String, crate::diagnostics::Location) {
        let value = self.at.value(at);
        let found = value.source_line.as_deref().and_then(|line| {
            let start = value.column.checked_sub(1)?;
            let rest = line.get(start..)?;
            let mut offset = 0;
            for word in rest.split_inclusive([' ', ',', '[', ']', '{', '}', '#']) {
                let bare = word.trim_end_matches([' ', ',', '[', ']', '{', '}', '#']);
                if bare.parse::<f64>().is_ok_and(|n| n == f) {
                    return Some((bare.to_string(), start + offset + 1));
                }
                offset += word.len();
            }
            None
        });
        match found {
            Some((shown, column)) => {
                let mut location = value;
                location.column = column;
                (shown, location)
            }
            None => (f.to_string(), value),
        }
    }

    /// One version of `scheme`, canonical (Go without `v`).
    fn version(&mut self, value: &VersionText, scheme: Scheme, at: &[Segment]) -> Option<String> {
        let text = self.text(value, at)?;
        let text = text.trim();
        match scheme.parse(text) {
            Ok(_) => Some(scheme.canonical(text)),
            Err(why) => {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("`{text}` is not a {} version: {why}", scheme.name()),
                    )
                    .at(self.at.inside(at, text, 0))
                    .help(format!("expected {}", scheme.expected())),
                );
                None
            }
        }
    }

    /// `fixed:`: alone, every version before it is affected; with a range
    /// in `versions`, one of that range's `<` bounds.
    fn fixed(
        &mut self,
        i: usize,
        value: &VersionText,
        entry: &mut Affected,
        bounds: Option<Vec<String>>,
        has_versions: bool,
    ) {
        let at = path(i, &[Segment::Key("fixed")]);
        let Some(fixed) = self.version(value, entry.scheme, &at) else {
            return;
        };
        match bounds {
            Some(bounds) if bounds.contains(&fixed) => {}
            Some(bounds) => {
                let help = match bounds.as_slice() {
                    [] => "`versions` has no `< V` bound: write the fix as one (`>= 1.2.0, < 1.4.3`), or leave `fixed` out".to_string(),
                    b => format!("the `<` bounds of `versions` are {}", b.join(", ")),
                };
                self.error(
                    Code::InvalidValue,
                    format!("`fixed: {fixed}` is not where a range of `versions` ends"),
                    &at,
                    Some(help),
                );
            }
            None if has_versions => {
                self.error(Code::InvalidValue, "`fixed` with a list of `versions`".into(), &at, Some("list the affected versions, or give a range with `versions: \">= V, < FIXED\"`".into()));
            }
            None => {
                entry.ranges.push(Range {
                    kind: RangeType::default_for(entry.scheme),
                    repo: None,
                    events: vec![
                        Event {
                            kind: EventKind::Introduced,
                            version: "0".into(),
                        },
                        Event {
                            kind: EventKind::Fixed,
                            version: fixed.clone(),
                        },
                    ],
                });
                entry.fixed.push(fixed);
            }
        }
    }

    /// One OSV range of `ranges:`, checked as OSV requires.
    fn range(&mut self, i: usize, j: usize, raw: &RawRange, scheme: Scheme) -> Option<Range> {
        let here = path(i, &[Segment::Key("ranges"), Segment::Index(j)]);
        let kind = raw.kind.unwrap_or(RangeType::default_for(scheme));
        let mut ok = true;
        let repo = raw.repo.as_deref().map(str::trim).map(str::to_string);
        if let Some(repo) = &repo {
            if let Err(message) = crate::urls::check_external(repo) {
                let mut at = here.clone();
                at.push(Segment::Key("repo"));
                self.error(
                    Code::InvalidUrl,
                    message,
                    &at,
                    Some("`repo` is the repository's http(s) URL".into()),
                );
                ok = false;
            }
        }
        let Some(raw_events) = &raw.events else {
            self.diagnostics.push(
                Diagnostic::error(Code::MissingField, "a range without `events`")
                    .at(self.at.key(&here))
                    .help("add `events:` with `- introduced: V` and `- fixed: V` (or `last_affected`, `limit`)"),
            );
            return None;
        };
        let version_scheme = kind.scheme(scheme).unwrap_or(Scheme::Unordered);
        let mut events = Vec::with_capacity(raw_events.len());
        let mut keys = Vec::with_capacity(raw_events.len());
        for (k, e) in raw_events.iter().enumerate() {
            let given: Vec<(EventKind, &VersionText)> = [
                (EventKind::Introduced, &e.introduced),
                (EventKind::Fixed, &e.fixed),
                (EventKind::LastAffected, &e.last_affected),
                (EventKind::Limit, &e.limit),
            ]
            .into_iter()
            .filter_map(|(kind, v)| v.as_ref().map(|v| (kind, v)))
            .collect();
            let mut at = here.clone();
            at.extend([Segment::Key("events"), Segment::Index(k)]);
            let [(event_kind, value)] = given.as_slice() else {
                self.error(Code::InvalidValue, "an event has exactly one of `introduced`, `fixed`, `last_affected` and `limit`".into(), &at, Some("write each event as its own list entry: `- introduced: \"0\"`".into()));
                ok = false;
                continue;
            };
            at.push(Segment::Key(event_kind.key()));
            let Some(text) = self.text(value, &at) else {
                ok = false;
                continue;
            };
            let text = text.trim();
            events.push(Event {
                kind: *event_kind,
                version: version_scheme.canonical(text),
            });
            keys.push(at);
        }
        let range = Range { kind, repo, events };
        for problem in affected::check_range(&range, scheme) {
            let at = problem
                .event
                .and_then(|k| keys.get(k).cloned())
                .unwrap_or_else(|| here.clone());
            self.error(Code::InvalidValue, problem.message, &at, Some(problem.help));
            ok = false;
        }
        ok.then_some(range)
    }
}
