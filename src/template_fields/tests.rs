use super::*;

/// The templates of a site with the built-in theme and `overrides`
/// (name, text) in its `templates/`, loaded as a build loads them.
fn templates(overrides: &[(&str, &str)]) -> Tera {
    let site = tempfile::tempdir().unwrap();
    if !overrides.is_empty() {
        let dir = site.path().join("templates");
        std::fs::create_dir(&dir).unwrap();
        for (name, text) in overrides {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    let theme = crate::theme::load(site.path(), "default", "en", &mut Default::default()).unwrap();
    let mut diagnostics = crate::diagnostics::Diagnostics::new();
    let tera = crate::render::load_templates(&theme, "/", &mut diagnostics);
    tera.unwrap_or_else(|| panic!("the templates load: {diagnostics:?}"))
}

/// The fields `template` reads of `list` on a section page of `kind`, with
/// the fragments `shown` on every entry.
fn fields(
    tera: &Tera,
    template: &str,
    kind: Kind,
    list: &str,
    shown: &[&str],
) -> Vec<&'static str> {
    let detail = Detail::of(tera, template);
    let reads = match list {
        "section.pages" => detail.section_list(kind, list),
        _ => detail.list(list),
    };
    reads.fields(shown).names()
}

/// A section page whose `content` block is `body`.
fn section(body: &str) -> String {
    format!("{{% extends \"base.html\" %}}{{% block content %}}{body}{{% endblock content %}}")
}

const ALL: [&str; 15] = [
    "kind", "title", "url", "date", "updated", "summary", "tlp", "tags", "id", "severity",
    "status", "vendors", "draft", "embargo", "html",
];

#[test]
fn the_builtin_theme_reads_only_the_fragments_of_entries_that_have_them() {
    let tera = templates(&[]);
    let section = |kind, shown| fields(&tera, "section.html", kind, "section.pages", shown);
    assert_eq!(section(Kind::Incident, &["row"]), ["html"]);
    assert_eq!(section(Kind::Faq, &["item"]), ["html"]);
    assert_eq!(section(Kind::Page, &["item"]), ["html"]);
    assert_eq!(
        fields(&tera, "term.html", Kind::Page, "term.pages", &["item"]),
        ["html"]
    );
    let index = |list, shown| fields(&tera, "index.html", Kind::Page, list, shown);
    assert_eq!(index("home.open_incidents", &["card"]), ["html"]);
    // Without their fragments, entries need what the macros read.
    let without = section(Kind::Incident, &[]);
    for field in [
        "severity", "status", "date", "title", "url", "vendors", "html",
    ] {
        assert!(without.contains(&field), "{field} of {without:?}");
    }
    // The home page's latest updates show fields besides their fragments.
    let latest = index("home.latest", &["item"]);
    for field in [
        "updated", "date", "kind", "url", "title", "severity", "status", "tlp",
    ] {
        assert!(latest.contains(&field), "{field} of {latest:?}");
    }
    assert!(!latest.contains(&"embargo"), "{latest:?}");
}

#[test]
fn a_custom_list_reads_what_it_names() {
    let body = "{% for p in section.pages %}<a href=\"{{ p.url }}\">{{ p.title }}</a>{% endfor %}";
    let tera = templates(&[("section.html", &section(body))]);
    for shown in [&["row"][..], &[]] {
        let read = fields(
            &tera,
            "section.html",
            Kind::Incident,
            "section.pages",
            shown,
        );
        assert_eq!(read, ["title", "url"]);
    }
    // The same page's other lists hold nothing of its entries.
    assert_eq!(
        fields(&tera, "section.html", Kind::Page, "term.pages", &[]),
        Vec::<&str>::new()
    );
}

#[test]
fn an_entry_used_whole_reads_every_field() {
    for body in [
        "{% for p in section.pages %}{{ p | json_encode }}{% endfor %}",
        "{% for p in section.pages %}{{ p }}{% endfor %}",
        "{{ section.pages | json_encode }}",
        "{{ section | json_encode }}",
        "{% for p in section.pages %}{% set k = \"title\" %}{{ p[k] }}{% endfor %}",
        "{% for p in section.pages %}{{ p | unknown_to_tera_or_not }}{% endfor %}",
        "{% for p in section.pages %}{% if p == section.pages | first %}x{% endif %}{% endfor %}",
        "{% for k, v in section.pages | first %}{{ v }}{% endfor %}",
        "{{ __tera_context }}",
    ] {
        let tera = templates(&[("section.html", &section(body))]);
        let read = fields(
            &tera,
            "section.html",
            Kind::Incident,
            "section.pages",
            &["row"],
        );
        assert_eq!(read, ALL, "{body}");
    }
}

#[test]
fn aliases_filters_and_attributes_are_followed() {
    let cases = [
        ("{% set list = section.pages %}{% for p in list %}{{ p.id }}{% endfor %}", &["id"][..]),
        ("{% set q = section.pages | first %}{{ q.tags[0].name }}", &["tags"]),
        ("{% for p in section.pages | slice(end=3) | reverse %}{{ p.date }}{% endfor %}", &["date"]),
        ("{{ section.pages | map(attribute=\"severity\") | join(sep=\",\") }}", &["severity"]),
        ("{% for p in section.pages | sort(attribute=\"updated\") %}{% endfor %}", &["updated"]),
        ("{{ section.pages | length }} {% if section.pages %}x{% endif %}", &[]),
        ("{% if \"x\" in section.pages %}x{% endif %}{% if section.pages is iterable %}y{% endif %}", &[]),
        ("{% set s = section %}{% for p in s.pages %}{{ p[\"kind\"] }}{% endfor %}", &["kind"]),
        ("{% for p in section.pages %}{{ p.html.row | safe }}{% endfor %}", &["html"]),
        ("{% for p in section.pages %}{% set_global x = p %}{% endfor %}{{ x.draft }}", &["draft"]),
        (
            "{% set g = section.pages | group_by(attribute=\"status\") %}{% for s, ps in g %}{{ s }}{% for p in ps %}{{ p.url }}{% endfor %}{% endfor %}{{ g.resolved | length }}",
            &["url", "status"],
        ),
        ("{{ section.pages | group_by(attribute=\"status\") | json_encode }}", &ALL),
    ];
    for (body, expected) in cases {
        let tera = templates(&[("section.html", &section(body))]);
        let read = fields(&tera, "section.html", Kind::Incident, "section.pages", &[]);
        assert_eq!(read, expected, "{body}");
    }
}

#[test]
fn called_macros_count_and_uncalled_ones_do_not() {
    let macros = "{% macro show(entry) %}{{ entry.summary }}{% endmacro show %}\
                  {% macro unused(p) %}{{ p.severity }}{% endmacro unused %}\
                  {% macro outer(q) %}{{ self::show(entry=q) }}{% endmacro outer %}";
    let body = "{% for p in section.pages %}{{ lm::outer(q=p) }}{% endfor %}";
    let page = format!("{{% extends \"base.html\" %}}{{% import \"list_macros.html\" as lm %}}{{% block content %}}{body}{{% endblock content %}}");
    let tera = templates(&[("list_macros.html", macros), ("section.html", &page)]);
    let read = fields(&tera, "section.html", Kind::Incident, "section.pages", &[]);
    assert_eq!(read, ["summary"]);
}

#[test]
fn a_guard_skips_its_else_only_for_the_fragments_the_list_shows() {
    let body = "{% for p in section.pages %}{% if p.html.row | safe %}{{ p.html.row | safe }}\
                {% elif p.draft %}d{% else %}{{ p.title }}{% endif %}{% endfor %}";
    let tera = templates(&[("section.html", &section(body))]);
    let read = |shown| {
        fields(
            &tera,
            "section.html",
            Kind::Incident,
            "section.pages",
            shown,
        )
    };
    assert_eq!(read(&["row"]), ["html"]);
    assert_eq!(read(&["item"]), ["title", "draft", "html"]);
    assert_eq!(read(&[]), ["title", "draft", "html"]);
    // Not a guard: negated, another entry's fragment, a condition besides it.
    for body in [
        "{% for p in section.pages %}{% if not p.html.row %}{{ p.title }}{% endif %}{% endfor %}",
        "{% for p in section.pages %}{% set q = section.pages | last %}{% if q.html.row %}{% else %}{{ p.title }}{% endif %}{% endfor %}",
        "{% for p in section.pages %}{% if p.html.row and p.draft %}{% else %}{{ p.title }}{% endif %}{% endfor %}",
    ] {
        let tera = templates(&[("section.html", &section(body))]);
        let read = fields(&tera, "section.html", Kind::Incident, "section.pages", &["row"]);
        assert!(read.contains(&"title"), "{body}: {read:?}");
    }
}

#[test]
fn a_custom_base_without_lists_keeps_the_fast_path() {
    let base = "<!doctype html><title>{{ title }}</title>{% set here = section.url %}\
                {% block content %}{% endblock content %}<footer>{{ site.title }}</footer>";
    let tera = templates(&[("base.html", base)]);
    let read = fields(
        &tera,
        "section.html",
        Kind::Incident,
        "section.pages",
        &["row"],
    );
    assert_eq!(read, ["html"]);
    // Every definition of a block counts (super() reaches the parent's).
    let base = "{% block content %}{% for p in section.pages %}{{ p.id }}{% endfor %}{% endblock content %}";
    let tera = templates(&[("base.html", base)]);
    let read = fields(
        &tera,
        "section.html",
        Kind::Incident,
        "section.pages",
        &["row"],
    );
    assert_eq!(read, ["id", "html"]);
}

#[test]
fn super_continues_in_the_scope_of_its_call() {
    let base =
        "{% block content %}{% for p in pages %}{{ p.severity }}{% endfor %}{% endblock content %}";
    let middle = "{% extends \"base.html\" %}{% block content %}{% set pages = term.pages %}{{ super() }}{% endblock content %}";
    let term = "{% extends \"middle.html\" %}{% block content %}{% for p in term.pages %}{{ p.title }}{% endfor %}{{ super() }}{% endblock content %}";
    let tera = templates(&[
        ("base.html", base),
        ("middle.html", middle),
        ("term.html", term),
    ]);
    let read = fields(&tera, "term.html", Kind::Page, "term.pages", &["item"]);
    assert_eq!(read, ["title", "severity"]);
}

#[test]
fn an_included_template_sees_the_includers_variables() {
    let part = "{% for p in pages %}{{ p.vendors | length }}{% endfor %}";
    let body = "{% set pages = term.pages %}{% include \"part.html\" %}";
    let page =
        format!("{{% extends \"base.html\" %}}{{% block content %}}{body}{{% endblock content %}}");
    let tera = templates(&[("part.html", part), ("term.html", &page)]);
    assert_eq!(
        fields(&tera, "term.html", Kind::Page, "term.pages", &["item"]),
        ["vendors"]
    );
}

#[test]
fn variable_paths_split_into_segments() {
    use Segment::*;
    assert_eq!(segments("p"), Some(("p", vec![])));
    assert_eq!(
        segments("p.tags[0].name"),
        Some(("p", vec![Key("tags"), Index, Key("name")]))
    );
    assert_eq!(
        segments("p[\"a]b\"].x"),
        Some(("p", vec![Key("a]b"), Key("x")]))
    );
    assert_eq!(
        segments("p[k.x[1]].y"),
        Some(("p", vec![Computed("k.x[1]"), Key("y")]))
    );
    assert_eq!(segments("p.0"), Some(("p", vec![Index])));
    assert_eq!(segments("p[1"), None);
    assert_eq!(segments("p..x"), None);
}

#[test]
fn the_fragment_keys_are_the_fragments() {
    let keys: Vec<&str> = crate::render::fragment_keys().collect();
    assert_eq!(keys, FRAGMENT_KEYS);
    assert_eq!(FieldSet::ALL.names(), ALL);
}

#[test]
fn loops_and_branches_are_followed_to_the_end() {
    // What one pass sets, the next reads.
    let body = "{% for p in section.pages %}{% if loop.index > 1 %}{{ prev.title }}{% endif %}\
                {% set_global prev = p %}{% endfor %}";
    let tera = templates(&[("section.html", &section(body))]);
    let read = fields(&tera, "section.html", Kind::Faq, "section.pages", &["item"]);
    assert_eq!(read, ["title"]);
    // Either branch's list.
    let body = "{% if site.title %}{% set l = section.pages %}{% else %}{% set l = term.pages %}{% endif %}\
                {% for p in l %}{{ p.url }}{% endfor %}";
    let tera = templates(&[("section.html", &section(body))]);
    for list in ["section.pages", "term.pages"] {
        assert_eq!(
            fields(&tera, "section.html", Kind::Faq, list, &[]),
            ["url"],
            "{list}"
        );
    }
}
