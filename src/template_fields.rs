//! Which fields of a document summary a list page's templates can read,
//! found in Tera's AST, so each list entry is built with those fields alone.
//!
//! At 100,000 documents the list pages hold 820,000 summaries, and
//! building, reading and dropping fields no template reads was most of the
//! list stage's time (benches/README.md, "100,000 documents"). Testing a
//! page's templates for equality with the built-in theme's kept that fast
//! path for the built-in theme only: a site that changed one line of
//! `base.html` lost it. [`Detail::of`] instead walks the code a page can
//! run and notes, for each list of summaries its context holds ([`LISTS`]),
//! the fields read of an entry.
//!
//! The walk is conservative: where it cannot tell what a construct reads,
//! it counts every field. It follows what Tera renders: the top template
//! of the page's inheritance chain, every definition of each block it
//! reaches (so `super()` is covered), included templates in the includer's
//! scope, and the macros actually called (`ns::name(…)` and `self::name(…)`,
//! transitively, their parameters bound to what the arguments hold). It
//! tracks which variables hold a list of entries or an entry: through
//! `{% set %}`, `{% for %}`, macro arguments and the filters that keep
//! elements (`slice`, `sort`, `reverse`, `filter`, `unique`, `concat`,
//! `first`, `last`, `nth`, `default`). An entry's attribute access
//! (`p.title`, `p.tags[0].name`) reads its first segment; a literal
//! `attribute=` of `map`, `sort`, `filter`, `unique` and `group_by` reads
//! that field (and the groups of `group_by` hold entries).
//! An entry or list used whole where its content can show (`{{ p }}`,
//! `json_encode`, a subscript with a computed key, a comparison, any
//! filter, function or macro it does not model) reads every field;
//! `length` of a list, `in` with a string, tests and conditions on a list
//! read none.
//!
//! The fragment guard of the built-in theme,
//! `{% if p.html.row | safe %}{{ p.html.row | safe }}{% else %}…{% endif %}`,
//! cannot take its else branch when every entry of the list has that
//! fragment (checked when the list is built). Reads under such branches are
//! kept apart by the fragments guarding them ([`Reads`]), so a list whose
//! entries all have their fragments gets the fields read outside those
//! branches: `{html}` alone for the built-in theme. On a section's list
//! page `section.kind` is known, so `{% if section.kind == "incident" %}`
//! takes one branch (the built-in `section.html` shows incidents as table
//! rows, other documents as items, each list with its own fragment).
//!
//! Scopes follow the paths code can take: each branch of an `if`, each
//! definition of a block, and a loop's zero or more passes start from
//! their own copy of the variables, merged after, so a `set` on one path
//! never hides what another path holds.

use crate::content::Kind;
use std::collections::{HashMap, HashSet};
use tera::ast::{Expr, ExprVal, FunctionCall, MacroCall, Node};
use tera::Tera;

/// A field of a document summary (`render::context::summary`), in the
/// order a summary serializes them (docs/templates.md, "Document
/// summaries").
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Field {
    /// `incident`, `faq` or `page`.
    Kind,
    /// The document's title.
    Title,
    /// Its page, with the base path.
    Url,
    /// `date:` as `YYYY-MM-DD`, or null.
    Date,
    /// `updated:` as `YYYY-MM-DD`, or null.
    Updated,
    /// Front matter `summary:`, or the body's start, as plain text.
    Summary,
    /// Its TLP marking.
    Tlp,
    /// Its tags, each with its term page.
    Tags,
    /// The incident's id; null on an incident without one and on other documents.
    Id,
    /// The incident's severity; null on other documents.
    Severity,
    /// The incident's status; null on other documents.
    Status,
    /// The incident's vendors (affected and third parties), each with its
    /// term page; empty on other documents.
    Vendors,
    /// Whether it is a draft.
    Draft,
    /// The end of its embargo (RFC 3339), or null.
    Embargo,
    /// The list fragments its list shows.
    Html,
}

impl Field {
    /// Every field, in serialization order.
    pub(crate) const ALL: [Field; 15] = [
        Field::Kind,
        Field::Title,
        Field::Url,
        Field::Date,
        Field::Updated,
        Field::Summary,
        Field::Tlp,
        Field::Tags,
        Field::Id,
        Field::Severity,
        Field::Status,
        Field::Vendors,
        Field::Draft,
        Field::Embargo,
        Field::Html,
    ];

    /// Its name in templates.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::Kind => "kind",
            Field::Title => "title",
            Field::Url => "url",
            Field::Date => "date",
            Field::Updated => "updated",
            Field::Summary => "summary",
            Field::Tlp => "tlp",
            Field::Tags => "tags",
            Field::Id => "id",
            Field::Severity => "severity",
            Field::Status => "status",
            Field::Vendors => "vendors",
            Field::Draft => "draft",
            Field::Embargo => "embargo",
            Field::Html => "html",
        }
    }

    fn named(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A set of [`Field`]s.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
pub(crate) struct FieldSet(u16);

impl FieldSet {
    /// Every field.
    pub(crate) const ALL: FieldSet = FieldSet((1 << Field::ALL.len()) - 1);

    pub(crate) fn contains(self, field: Field) -> bool {
        self.0 & (1 << field as u16) != 0
    }

    fn with(self, field: Field) -> FieldSet {
        FieldSet(self.0 | 1 << field as u16)
    }

    fn union(self, other: FieldSet) -> FieldSet {
        FieldSet(self.0 | other.0)
    }

    /// The names of its fields, in order.
    #[cfg(test)]
    pub(crate) fn names(self) -> Vec<&'static str> {
        Field::ALL
            .into_iter()
            .filter(|f| self.contains(*f))
            .map(Field::name)
            .collect()
    }
}

/// The context paths that hold lists of summaries, as (variable, key):
/// one table, so a list added to a page's context is one line here (a
/// list not named here gets every field, [`Detail::list`]).
pub(crate) const LISTS: [(&str, &str); 5] = [
    ("section", "pages"),
    ("term", "pages"),
    ("home", "open_incidents"),
    ("home", "latest"),
    ("paginator", "pages"),
];

/// The keys of `summary.html` (`render::templates::FRAGMENTS`), whose
/// presence on every entry of a list a guard can rely on.
pub(crate) const FRAGMENT_KEYS: [&str; 3] = ["item", "row", "card"];

/// A bit per [`LISTS`] entry.
type ListMask = u8;

/// The fields one list's templates read of its entries, by the fragments
/// guarding the read: index `g` (a bit per [`FRAGMENT_KEYS`] entry) holds
/// what is read where the entry lacks every fragment of `g` (the else
/// branch of `if p.html.<key>`), index 0 what is read unguarded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Reads([FieldSet; 8]);

impl Reads {
    /// Every field, whatever the fragments.
    pub(crate) const ALL: Reads = Reads([FieldSet::ALL; 8]);

    /// The fields read of entries that all have the fragments `shown`
    /// (keys of [`FRAGMENT_KEYS`]; none: what an entry without fragments needs).
    pub(crate) fn fields(&self, shown: &[&str]) -> FieldSet {
        let present = guard_mask(shown);
        (0..8)
            .filter(|g| g & present == 0)
            .fold(FieldSet::default(), |set, g| set.union(self.0[g]))
    }
}

/// The bits of the fragment keys `keys` ([`FRAGMENT_KEYS`]).
fn guard_mask(keys: &[&str]) -> usize {
    FRAGMENT_KEYS
        .iter()
        .enumerate()
        .filter(|(_, k)| keys.contains(k))
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

/// The kinds a section's list page can be (`section.kind`), in the order
/// of [`Detail`]'s.
const SECTION_KINDS: [Kind; 3] = [Kind::Incident, Kind::Faq, Kind::Page];

/// What one page template reads of the entries of each of [`LISTS`]: in
/// general, and on the list page of a section of each kind (where
/// `section.kind` is known: the built-in `section.html` shows incidents
/// as a table, other documents as a list).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Detail {
    general: [Reads; LISTS.len()],
    sections: [[Reads; LISTS.len()]; SECTION_KINDS.len()],
}

impl Detail {
    /// Every field of every list: what a page gets when the analysis is
    /// off (`BuildOptions::every_summary_field`) or its template is unknown.
    pub(crate) const ALL: Detail = Detail {
        general: [Reads::ALL; LISTS.len()],
        sections: [[Reads::ALL; LISTS.len()]; SECTION_KINDS.len()],
    };

    /// What the page template `template` of `tera` reads of each list
    /// (walked once more per section kind when it tests `section.kind`).
    pub(crate) fn of(tera: &Tera, template: &str) -> Detail {
        let (general, kind_tested) = Walk::new(tera, None).page(template);
        let of_kind = |kind: Kind| match kind_tested {
            true => Walk::new(tera, Some(kind.as_str())).page(template).0,
            false => general,
        };
        Detail {
            general,
            sections: SECTION_KINDS.map(of_kind),
        }
    }

    /// What it reads of the list `path` (`term.pages`); every field of a
    /// list [`LISTS`] does not name.
    pub(crate) fn list(&self, path: &str) -> Reads {
        pick(&self.general, path)
    }

    /// What it reads of the list `path` (`section.pages`) on the list page
    /// of a section of `kind`.
    pub(crate) fn section_list(&self, kind: Kind, path: &str) -> Reads {
        let index = SECTION_KINDS.iter().position(|k| *k == kind);
        index.map_or(Reads::ALL, |i| pick(&self.sections[i], path))
    }
}

/// The reads of the list `path` among `lists` (by [`LISTS`]).
fn pick(lists: &[Reads; LISTS.len()], path: &str) -> Reads {
    LISTS
        .iter()
        .position(|(var, key)| path.split_once('.') == Some((var, key)))
        .map_or(Reads::ALL, |i| lists[i])
}

/// What an expression or variable may hold, as far as lists go: the
/// context objects holding lists (`roots`, bits of [`LISTS`] whose
/// variable it is), lists of entries, entries, and the output of
/// `group_by` (an object whose values are lists of entries) (bits of
/// [`LISTS`]), and whether it may hold something else (`other`: a guard
/// needs a variable that holds an entry for sure).
#[derive(Clone, Copy, PartialEq, Eq, Default, Hash, Debug)]
struct Val {
    roots: ListMask,
    lists: ListMask,
    entries: ListMask,
    groups: ListMask,
    other: bool,
}

impl Val {
    const OTHER: Val = Val {
        roots: 0,
        lists: 0,
        entries: 0,
        groups: 0,
        other: true,
    };

    fn union(self, b: Val) -> Val {
        Val {
            roots: self.roots | b.roots,
            lists: self.lists | b.lists,
            entries: self.entries | b.entries,
            groups: self.groups | b.groups,
            other: self.other || b.other,
        }
    }

    fn entries(entries: ListMask) -> Val {
        Val {
            entries,
            ..Val::default()
        }
    }

    fn lists(lists: ListMask) -> Val {
        Val {
            lists,
            ..Val::default()
        }
    }

    fn tracked(self) -> bool {
        self.roots | self.lists | self.entries | self.groups != 0
    }
}

/// The lists whose variable is one of `roots`, with key `key` (any key: None).
fn lists_under(roots: ListMask, key: Option<&str>) -> ListMask {
    LISTS
        .iter()
        .enumerate()
        .filter(|(i, (_, k))| roots & 1 << i != 0 && key.is_none_or(|key| key == *k))
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

/// The bits of [`LISTS`] whose variable is `var`.
fn roots_of(var: &str) -> ListMask {
    LISTS
        .iter()
        .enumerate()
        .filter(|(_, (v, _))| *v == var)
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

/// One segment of a variable path after its name.
#[derive(Debug, PartialEq)]
enum Segment<'a> {
    /// `.name` or `["name"]`.
    Key(&'a str),
    /// `[0]` or `.0`.
    Index,
    /// `[expression]`: a key computed at render time.
    Computed(&'a str),
}

/// A variable path as Tera keeps it (`p.tags[0].name`, `p[k]`): its name
/// and segments; None for a spelling this parser does not know.
fn segments(path: &str) -> Option<(&str, Vec<Segment<'_>>)> {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let end = path.find(|c: char| !word(c)).unwrap_or(path.len());
    let (name, mut rest) = path.split_at(end);
    let mut out = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(|c: char| !word(c)).unwrap_or(after.len());
            let key = &after[..end];
            out.push(match key.parse::<usize>() {
                Ok(_) => Segment::Index,
                Err(_) if !key.is_empty() => Segment::Key(key),
                Err(_) => return None,
            });
            rest = &after[end..];
        } else if rest.starts_with('[') {
            let close = matching_bracket(rest)?;
            let inner = rest[1..close].trim();
            let quoted = ['"', '\'', '`']
                .iter()
                .find_map(|q| inner.strip_prefix(*q)?.strip_suffix(*q));
            out.push(match (quoted, inner.parse::<i64>()) {
                (Some(key), _) => Segment::Key(key),
                (None, Ok(_)) => Segment::Index,
                (None, Err(_)) => Segment::Computed(inner),
            });
            rest = &rest[close + 1..];
        } else {
            return None;
        }
    }
    (!name.is_empty()).then_some((name, out))
}

/// The byte offset of the `]` closing the `[` that starts `text`.
fn matching_bracket(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// How deep includes and macro calls may nest before the walk gives up
/// (and counts every field): Tera's own recursion ends long before.
const MAX_DEPTH: usize = 64;

/// A macro walked with these arguments under these guards: a key of
/// [`Walk::done`], so a macro called from many places (or in each pass
/// over a loop) is walked once per binding. (`template_check` refuses
/// macros that call each other in a loop before this runs.)
type MacroKey = (String, String, Vec<(String, Val)>, [u8; LISTS.len()]);

/// The variables in scope, by frame (the page's, a loop's), innermost last.
type Frames = Vec<HashMap<String, Val>>;

/// The scope after one of two paths that end at the same place (the same
/// frames): each variable may hold what it holds after either.
fn merge(a: &Frames, b: &Frames) -> Frames {
    let find = |frames: &Frames, depth: usize, name: &str| {
        frames[..=depth]
            .iter()
            .rev()
            .find_map(|f| f.get(name).copied())
            .unwrap_or(Val::OTHER)
    };
    (0..a.len().min(b.len()))
        .map(|depth| {
            a[depth]
                .keys()
                .chain(b[depth].keys())
                .map(|name| {
                    let value = find(a, depth, name).union(find(b, depth, name));
                    (name.clone(), value)
                })
                .collect()
        })
        .collect()
}

/// The walk over one page's templates.
struct Walk<'t> {
    tera: &'t Tera,
    /// What is read of each list, by guard.
    reads: [Reads; LISTS.len()],
    /// The fragment guards in force for each list's entries (bits of
    /// [`FRAGMENT_KEYS`]): the enclosing else branches of
    /// `if p.html.<key>` where `p` is an entry of that list.
    guards: [u8; LISTS.len()],
    /// The variables in scope, innermost frame last.
    frames: Frames,
    /// The template whose code is being walked (what `self::` names).
    file: String,
    /// The page template, whose block definitions the walk follows.
    page: Option<&'t tera::Template>,
    /// The blocks being walked, innermost last (what `super()` continues).
    blocks: Vec<String>,
    /// The macro calls walked already.
    done: HashSet<MacroKey>,
    /// How deep includes and macro calls nest here.
    depth: usize,
    /// `section.kind` when the page is a section's list page of that kind.
    section_kind: Option<&'static str>,
    /// Whether a condition tests `section.kind` (else the walk is the same
    /// whatever the kind).
    kind_tested: bool,
}

impl<'t> Walk<'t> {
    fn new(tera: &'t Tera, section_kind: Option<&'static str>) -> Walk<'t> {
        // The context objects that hold lists, each holding its own.
        let roots = LISTS
            .iter()
            .map(|(var, _)| {
                (
                    var.to_string(),
                    Val {
                        roots: roots_of(var),
                        ..Val::default()
                    },
                )
            })
            .collect();
        Walk {
            tera,
            reads: [Reads([FieldSet::default(); 8]); LISTS.len()],
            guards: [0; LISTS.len()],
            frames: vec![roots],
            file: String::new(),
            page: None,
            blocks: Vec::new(),
            done: HashSet::new(),
            depth: 0,
            section_kind,
            kind_tested: false,
        }
    }

    /// What the page template `name` reads, and whether `section.kind`
    /// decided a branch. Tera renders the top of its inheritance chain,
    /// whose blocks the page's definitions fill.
    fn page(mut self, name: &str) -> ([Reads; LISTS.len()], bool) {
        let Ok(page) = self.tera.get_template(name) else {
            return ([Reads::ALL; LISTS.len()], false);
        };
        let top = page
            .parents
            .last()
            .and_then(|parent| self.tera.get_template(parent).ok())
            .unwrap_or(page);
        self.page = Some(page);
        self.file = top.name.clone();
        self.nodes(&top.ast);
        (self.reads, self.kind_tested)
    }

    /// Counts every field of every list: for what the walk cannot follow.
    fn give_up(&mut self) {
        self.reads = [Reads::ALL; LISTS.len()];
    }

    /// Notes that `fields` of the entries of `lists` are read.
    fn read(&mut self, lists: ListMask, fields: FieldSet) {
        for i in 0..LISTS.len() {
            if lists & 1 << i != 0 {
                let guard = usize::from(self.guards[i]);
                self.reads[i].0[guard] = self.reads[i].0[guard].union(fields);
            }
        }
    }

    /// Notes that `field` (a name) of the entries in `value` is read.
    fn read_field(&mut self, value: Val, field: &str) {
        if let Some(field) = Field::named(field) {
            self.read(value.entries, FieldSet::default().with(field));
        }
    }

    /// `value` is used whole where its content can show: every field of
    /// every list it may hold, be an entry of or hold lists of.
    fn widen(&mut self, value: Val) {
        let lists = value.lists | value.entries | value.groups | lists_under(value.roots, None);
        self.read(lists, FieldSet::ALL);
    }

    fn lookup(&self, name: &str) -> Val {
        self.frames
            .iter()
            .rev()
            .find_map(|f| f.get(name).copied())
            .unwrap_or(Val::OTHER)
    }

    /// `{% set %}` (the walk runs each branch from its own copy of the
    /// scope and merges them after, so a set holds from here on).
    fn bind(&mut self, name: &str, value: Val, global: bool) {
        let frame = if global {
            self.frames.first_mut()
        } else {
            self.frames.last_mut()
        };
        if let Some(frame) = frame {
            frame.insert(name.to_string(), value);
        }
    }

    fn nodes(&mut self, nodes: &'t [Node]) {
        for node in nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &'t Node) {
        match node {
            Node::Super => self.super_block(),
            Node::Text(_)
            | Node::Extends(..)
            | Node::ImportMacro(..)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..)
            | Node::MacroDefinition(..) => {}
            Node::VariableBlock(_, expr) => {
                let value = self.expr(expr);
                self.widen(value);
            }
            Node::Set(_, set) => {
                let value = self.expr(&set.value);
                self.bind(&set.key, value, set.global);
            }
            Node::FilterSection(_, section, _) => {
                self.widen_args(&section.filter);
                self.nodes(&section.body);
            }
            Node::Block(_, block, _) => self.block(block),
            Node::Include(_, names, _) => self.include(names),
            Node::Forloop(_, forloop, _) => self.forloop(forloop),
            Node::If(conditions, _) => self.conditions(conditions),
        }
    }

    /// A block: any of its definitions in the page's chain may run (Tera
    /// renders the page's, else the nearest parent's, and `super()` the
    /// next one's), so each is walked from the scope before it and the
    /// scopes after them merged.
    fn block(&mut self, block: &'t tera::ast::Block) {
        let definitions = self.definitions(&block.name, Some((&self.file, &block.body)));
        self.blocks.push(block.name.clone());
        self.alternatives(&definitions);
        self.blocks.pop();
    }

    /// `{{ super() }}`: the definitions of the block it is in, walked where
    /// it is (in its scope), nested at most as deep as there are
    /// definitions.
    fn super_block(&mut self) {
        let Some(name) = self.blocks.last().cloned() else {
            return;
        };
        let definitions = self.definitions(&name, None);
        if self.blocks.iter().filter(|b| **b == name).count() > definitions.len() {
            return;
        }
        self.blocks.push(name);
        self.alternatives(&definitions);
        self.blocks.pop();
    }

    /// The definitions of the block `name` in the page's chain (the page's,
    /// then each parent's, as Tera looks for them), then `own` (the body
    /// the walk met, in its template), each once and in that order.
    fn definitions(
        &self,
        name: &str,
        own: Option<(&str, &'t [Node])>,
    ) -> Vec<(String, &'t [Node])> {
        let tera = self.tera;
        let parents = self.page.into_iter().flat_map(|page| &page.parents);
        let chain = self
            .page
            .into_iter()
            .chain(parents.filter_map(|parent| tera.get_template(parent).ok()));
        let mut seen = HashSet::new();
        chain
            .filter_map(|template| template.blocks_definitions.get(name))
            .flatten()
            .map(|(file, definition)| (file.as_str(), definition.body.as_slice()))
            .chain(own)
            .filter(|(_, body)| seen.insert(body.as_ptr()))
            .map(|(file, body)| (file.to_string(), body))
            .collect()
    }

    /// Bodies of which any one may run here: each walked from the scope
    /// before, in its template, the scopes after them merged.
    fn alternatives(&mut self, bodies: &[(String, &'t [Node])]) {
        let before = self.frames.clone();
        let caller = self.file.clone();
        let mut after: Option<Frames> = None;
        for (file, body) in bodies {
            self.frames = before.clone();
            self.file = file.clone();
            self.nodes(body);
            after = Some(match after.take() {
                Some(other) => merge(&other, &self.frames),
                None => std::mem::take(&mut self.frames),
            });
        }
        self.frames = after.unwrap_or(before);
        self.file = caller;
    }

    /// An included template, walked in the includer's scope (Tera renders
    /// it there): the first of `names` that exists.
    fn include(&mut self, names: &[String]) {
        let Some(template) = names.iter().find_map(|n| self.tera.get_template(n).ok()) else {
            return;
        };
        if !self.enter() {
            return;
        }
        let file = std::mem::replace(&mut self.file, template.name.clone());
        self.nodes(&template.ast);
        self.file = file;
        self.depth -= 1;
    }

    /// One level deeper into includes and macros; false (after giving up)
    /// past [`MAX_DEPTH`].
    fn enter(&mut self) -> bool {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            self.give_up();
            return false;
        }
        true
    }

    /// A loop: its variable is an entry of the lists it runs over (the
    /// value of `for k, v in section` the lists of `section`); the body is
    /// walked until a pass starts with nothing new in scope (what one
    /// iteration sets, the next reads), and the scope after it is that of
    /// no pass or some passes (or of the `empty` body).
    fn forloop(&mut self, forloop: &'t tera::ast::Forloop) {
        let container = self.expr(&forloop.container);
        // Over the fields of an entry: every field.
        self.widen(Val::entries(container.entries));
        let mut element = Val::entries(container.lists);
        element.lists = lists_under(container.roots, None) | container.groups;
        element.other = container.other || container.roots != 0;
        let mut frame = HashMap::from([(forloop.value.clone(), element)]);
        if let Some(key) = &forloop.key {
            frame.insert(key.clone(), Val::OTHER);
        }
        let before = self.frames.clone();
        self.frames.push(frame);
        let entry = self.frames.clone();
        loop {
            let start = self.frames.clone();
            self.nodes(&forloop.body);
            let next = merge(&start, &self.frames);
            if next == start {
                break;
            }
            self.frames = next;
        }
        self.frames = merge(&entry, &self.frames);
        self.frames.pop();
        if let Some(empty) = &forloop.empty_body {
            let after = std::mem::replace(&mut self.frames, before);
            self.nodes(empty);
            self.frames = merge(&after, &self.frames);
        }
    }

    /// `if`/`elif`/`else`: each branch walked from the scope before it
    /// (the ones after a fragment guard under that guard), the scopes
    /// after them merged.
    fn conditions(&mut self, conditions: &'t tera::ast::If) {
        let saved = self.guards;
        let before = self.frames.clone();
        let mut after: Option<Frames> = None;
        let branch = |walk: &mut Self, after: &mut Option<Frames>| {
            let end = std::mem::replace(&mut walk.frames, before.clone());
            *after = Some(match after.take() {
                Some(other) => merge(&other, &end),
                None => end,
            });
        };
        let mut decided = false;
        for (_, condition, body) in &conditions.conditions {
            let known = self.known(condition);
            if known == Some(false) {
                continue;
            }
            let guard = self.guard(condition);
            let value = self.expr(condition);
            self.condition(value);
            self.nodes(body);
            branch(self, &mut after);
            if known == Some(true) {
                decided = true;
                break;
            }
            if let Some((list, key)) = guard {
                self.guards[list] |= key;
            }
        }
        if !decided {
            if let Some((_, body)) = &conditions.otherwise {
                self.nodes(body);
            }
            branch(self, &mut after);
        }
        self.frames = after.unwrap_or_default();
        self.guards = saved;
    }

    /// The value of a condition `section.kind == "…"` (or `!=`) on a
    /// section's page of a known kind, where `section` is the page's.
    fn known(&mut self, condition: &Expr) -> Option<bool> {
        use tera::ast::LogicOperator::{Eq, NotEq};
        let ExprVal::Logic(logic) = &condition.val else {
            return None;
        };
        let bare = |e: &Expr| !e.negated && e.filters.is_empty();
        if !bare(condition) || !bare(&logic.lhs) || !bare(&logic.rhs) {
            return None;
        }
        let literal = match (&logic.lhs.val, &logic.rhs.val) {
            (ExprVal::Ident(path), ExprVal::String(text))
            | (ExprVal::String(text), ExprVal::Ident(path))
                if path == "section.kind" =>
            {
                text
            }
            _ => return None,
        };
        let section = self.lookup("section");
        let own = section.roots == roots_of("section");
        if !own || section.other || section.lists | section.entries | section.groups != 0 {
            return None;
        }
        self.kind_tested = true;
        let kind = self.section_kind?;
        match logic.operator {
            Eq => Some(literal == kind),
            NotEq => Some(literal != kind),
            _ => None,
        }
    }

    /// The list and fragment bit a condition `p.html.<key>` (bare or
    /// `| safe`) tests, where `p` holds an entry of exactly one list.
    fn guard(&self, condition: &Expr) -> Option<(usize, u8)> {
        let ExprVal::Ident(path) = &condition.val else {
            return None;
        };
        if condition.negated || condition.filters.iter().any(|f| f.name != "safe") {
            return None;
        }
        let (name, segments) = segments(path)?;
        let [Segment::Key("html"), Segment::Key(key)] = segments.as_slice() else {
            return None;
        };
        let value = self.lookup(name);
        let single = value.entries.count_ones() == 1;
        if !single || value.other || value.roots != 0 || value.lists != 0 {
            return None;
        }
        let key = FRAGMENT_KEYS.iter().position(|k| k == key)?;
        Some((value.entries.trailing_zeros() as usize, 1 << key))
    }

    /// A value tested for truth: an entry's truth depends on whether it has
    /// fields; a list's and a context object's do not.
    fn condition(&mut self, value: Val) {
        self.widen(Val::entries(value.entries));
    }

    fn expr(&mut self, expr: &'t Expr) -> Val {
        let mut value = self.value(&expr.val);
        for filter in &expr.filters {
            value = self.filter(value, filter);
        }
        if expr.negated {
            self.condition(value);
            return Val::OTHER;
        }
        value
    }

    fn value(&mut self, value: &'t ExprVal) -> Val {
        match value {
            ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => {
                Val::OTHER
            }
            ExprVal::Ident(path) => self.ident(path),
            ExprVal::Math(math) => {
                let (lhs, rhs) = (self.expr(&math.lhs), self.expr(&math.rhs));
                self.widen(lhs.union(rhs));
                Val::OTHER
            }
            ExprVal::Logic(logic) => {
                use tera::ast::LogicOperator::{And, Or};
                let (lhs, rhs) = (self.expr(&logic.lhs), self.expr(&logic.rhs));
                if matches!(logic.operator, And | Or) {
                    self.condition(lhs.union(rhs));
                } else {
                    // Compared by value.
                    self.widen(lhs.union(rhs));
                }
                Val::OTHER
            }
            ExprVal::In(within) => self.within(within),
            ExprVal::Test(test) => self.test(test),
            ExprVal::MacroCall(call) => self.macro_call(call),
            ExprVal::FunctionCall(call) => {
                self.widen_args(call);
                Val::OTHER
            }
            ExprVal::Array(items) => {
                let mut array = Val::OTHER;
                for item in items {
                    let item = self.expr(item);
                    self.widen(Val { entries: 0, ..item });
                    array.lists |= item.entries;
                }
                array
            }
            ExprVal::StringConcat(concat) => {
                for value in &concat.values {
                    let value = self.value(value);
                    self.widen(value);
                }
                Val::OTHER
            }
        }
    }

    /// `x in y`: a string in a list is compared with its entries (never
    /// equal), a literal key in an entry reads that field; anything else
    /// compared counts whole.
    fn within(&mut self, within: &'t tera::ast::In) -> Val {
        let (lhs, rhs) = (self.expr(&within.lhs), self.expr(&within.rhs));
        if lhs.tracked() {
            self.widen(lhs.union(rhs));
        } else if rhs.entries != 0 {
            match &within.lhs.val {
                ExprVal::String(key) if within.lhs.filters.is_empty() => self.read_field(rhs, key),
                _ => self.widen(Val::entries(rhs.entries)),
            }
        }
        Val::OTHER
    }

    /// `x is test(…)`: a test of a value's kind or of its being defined
    /// does not depend on an entry's fields; the ones that look inside do.
    fn test(&mut self, test: &'t tera::ast::Test) -> Val {
        let subject = self.ident(&test.ident);
        if matches!(
            test.name.as_str(),
            "containing" | "matching" | "starting_with" | "ending_with"
        ) {
            self.widen(subject);
        }
        for arg in &test.args {
            let value = self.expr(arg);
            self.widen(value);
        }
        Val::OTHER
    }

    /// A variable path: what it holds, noting the fields it reads.
    fn ident(&mut self, path: &str) -> Val {
        let Some((name, segments)) = segments(path) else {
            self.give_up();
            return Val::OTHER;
        };
        if name == "__tera_context" {
            self.give_up();
            return Val::OTHER;
        }
        let mut value = self.lookup(name);
        for segment in segments {
            let computed = matches!(segment, Segment::Computed(_));
            // An element of a list, a group of a `group_by`.
            let mut next = Val::lists(value.groups);
            next.entries = value.lists;
            match segment {
                Segment::Key(key) => {
                    next.lists |= lists_under(value.roots, Some(key));
                    self.read_field(value, key);
                }
                Segment::Index => {}
                Segment::Computed(key) => {
                    let key = self.ident(key);
                    self.widen(key);
                    next.lists |= lists_under(value.roots, None);
                    self.widen(Val::entries(value.entries));
                }
            }
            let kinds = [value.roots, value.lists, value.entries, value.groups]
                .iter()
                .filter(|m| **m != 0)
                .count();
            next.other = value.other || kinds > 1 || !next.tracked() || computed;
            value = next;
        }
        value
    }

    /// Every argument of a call this walk does not model, counted whole.
    fn widen_args(&mut self, call: &'t FunctionCall) {
        for arg in call.args.values() {
            let value = self.expr(arg);
            self.widen(value);
        }
    }

    /// A filter applied to `input`: the ones that keep a list's entries
    /// keep tracking them; any other counts its input whole.
    fn filter(&mut self, input: Val, filter: &'t FunctionCall) -> Val {
        // What the filter does not keep: counted whole.
        let rest = Val { lists: 0, ..input };
        match filter.name.as_str() {
            "safe" | "escape" | "escape_xml" => input,
            "length" => {
                // An entry's length is its number of fields.
                self.widen(Val::entries(input.entries));
                Val::OTHER
            }
            "first" | "last" | "nth" => {
                self.widen_args(filter);
                self.widen(rest);
                Val {
                    other: true,
                    ..Val::entries(input.lists)
                }
            }
            "default" => {
                let fallback = filter.args.get("value").map(|v| self.expr(v));
                input.union(fallback.unwrap_or_default())
            }
            "slice" | "reverse" | "sort" | "unique" | "filter" | "concat" | "map" | "group_by" => {
                self.widen(rest);
                self.list_filter(input.lists, filter)
            }
            _ => {
                self.widen(input);
                self.widen_args(filter);
                Val::OTHER
            }
        }
    }

    /// A filter over the entries of `lists`: a literal `attribute=` reads
    /// that field (its first segment); a filter that compares entries
    /// without one, or by a key computed at render time, reads every field.
    /// `map` gives the fields' values, `group_by` groups of entries, the
    /// others a list of entries (`concat` with those of its `with`).
    fn list_filter(&mut self, lists: ListMask, filter: &'t FunctionCall) -> Val {
        let name = filter.name.as_str();
        match filter.args.get("attribute").map(|a| &a.val) {
            Some(ExprVal::String(attribute)) => {
                let field = attribute.split('.').next().unwrap_or_default();
                self.read_field(Val::entries(lists), field);
            }
            _ if !matches!(name, "slice" | "reverse" | "concat") => self.widen(Val::entries(lists)),
            _ => {}
        }
        let mut output = Val {
            other: true,
            ..Val::lists(lists)
        };
        for (arg, expr) in &filter.args {
            let value = self.expr(expr);
            if name == "concat" && arg == "with" {
                output.lists |= value.lists | value.entries;
                self.widen(Val {
                    lists: 0,
                    entries: 0,
                    ..value
                });
            } else {
                self.widen(value);
            }
        }
        match name {
            "map" => Val::OTHER,
            "group_by" => Val {
                groups: lists,
                other: true,
                ..Val::default()
            },
            _ => output,
        }
    }

    /// A macro call: its definitions (every template that could be `ns`)
    /// walked with their parameters bound to what the arguments hold.
    fn macro_call(&mut self, call: &'t MacroCall) -> Val {
        let args: HashMap<&str, Val> = call
            .args
            .iter()
            .map(|(name, arg)| (name.as_str(), self.expr(arg)))
            .collect();
        let definitions = self.macros(&call.namespace, &call.name);
        if definitions.is_empty() {
            for value in args.values() {
                self.widen(*value);
            }
            return Val::OTHER;
        }
        for (file, definition) in definitions {
            let mut bindings: Vec<(String, Val)> = definition
                .args
                .keys()
                .map(|name| {
                    let value = args.get(name.as_str()).copied().unwrap_or(Val::OTHER);
                    (name.clone(), value)
                })
                .collect();
            bindings.sort_by(|a, b| a.0.cmp(&b.0));
            let key = (file.to_string(), call.name.clone(), bindings, self.guards);
            if self.done.contains(&key) || !self.enter() {
                continue;
            }
            let frame: HashMap<String, Val> = key.2.iter().cloned().collect();
            self.done.insert(key);
            let frames = std::mem::replace(&mut self.frames, vec![frame]);
            let caller = std::mem::replace(&mut self.file, file.to_string());
            // Defaults are evaluated in the macro's own scope.
            for default in definition.args.values().flatten() {
                let value = self.expr(default);
                self.widen(value);
            }
            self.nodes(&definition.body);
            self.frames = frames;
            self.file = caller;
            self.depth -= 1;
        }
        Val::OTHER
    }

    /// The definitions `namespace::name` may call: `self` is the template
    /// being walked; another namespace is any template some template
    /// imports under that name (Tera resolves it through the page's chain,
    /// its includes and their imports: every candidate is a superset).
    fn macros(
        &self,
        namespace: &str,
        name: &str,
    ) -> Vec<(&'t str, &'t tera::ast::MacroDefinition)> {
        let tera = self.tera;
        let files: HashSet<&str> = if namespace == "self" {
            tera.get_template(&self.file)
                .map(|t| HashSet::from([t.name.as_str()]))
                .unwrap_or_default()
        } else {
            tera.get_template_names()
                .filter_map(|n| tera.get_template(n).ok())
                .flat_map(|t| &t.imported_macro_files)
                .filter(|(_, ns)| ns == namespace)
                .map(|(file, _)| file.as_str())
                .collect()
        };
        let mut found: Vec<_> = files
            .into_iter()
            .filter_map(|file| tera.get_template(file).ok())
            .filter_map(|t| Some((t.name.as_str(), t.macros.get(name)?)))
            .collect();
        found.sort_by_key(|(file, _)| *file);
        found
    }
}

#[cfg(test)]
mod tests;
