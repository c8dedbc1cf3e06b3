//! Tests of `template_check`.

use super::*;
use crate::theme::Template;
use std::path::PathBuf;

fn theme(templates: &[(&str, &str)]) -> Theme {
    Theme {
        dir: PathBuf::from("themes/t"),
        templates: templates
            .iter()
            .map(|(name, text)| Template {
                name: name.to_string(),
                text: text.to_string(),
                path: PathBuf::from("templates").join(name),
            })
            .collect(),
        strings: Default::default(),
        statics: Default::default(),
    }
}

/// The functions a template calls, as Tera parses it.
fn called(template: &str) -> Vec<String> {
    let mut tera = tera::Tera::default();
    tera.add_raw_template("t.html", template).unwrap();
    let parsed = tera.get_template("t.html").unwrap();
    functions_called(&parsed.ast)
        .into_iter()
        .map(str::to_string)
        .collect()
}

#[test]
fn calls_are_found_in_every_kind_of_node() {
    // f0 … f24 each in one place a function call can be.
    let template = r#"{{ f0() }}{{ x | default(value=f1()) }}
{% macro m(a=1) %}{{ f3() }}{% endmacro m %}{{ x | first | slice(end=f2()) }}
{% set a = f4() %}{% set_global b = [f5(), 1] %}
{% if f6() %}{{ f7() }}{% elif f8() %}{{ f9() }}{% else %}{{ f10() }}{% endif %}
{% for i in f11() %}{{ f12() }}{% else %}{{ f13() }}{% endfor %}
{% filter upper(x=f14()) %}{{ f15() }}{% endfilter %}
{% block b %}{{ f16() }}{% endblock b %}
{{ x is containing(f17()) }}{{ self::m(a=f18()) }}{{ f19() ~ "s" }}
{{ f20() in [1] }}{{ 1 + f21() * 2 }}{{ f22() and not f23() }}{{ f24(a=range(end=1)) }}"#;
    let mut expected: Vec<String> = (0..25).map(|i| format!("f{i}")).collect();
    expected.push("range".into());
    expected.sort();
    assert_eq!(called(template), expected);
    // Strings, comments and raw blocks hold no call.
    assert!(called("{# f() #}{% raw %}{{ f() }}{% endraw %}{{ \"f()\" }}").is_empty());
}

#[test]
fn call_sites_skip_filters_tests_macros_and_strings() {
    let text = "{{ x | g(a=1) }}{{ x is g(1) }}{{ x is not g(1) }}{{ m::g() }}\n\
                {% macro g() %}{% endmacro %}{% filter g() %}{% endfilter %}{{ \"g()\" }}\n\
                {{ not g() }}{# g() #}{{ g ( ) }}{{ gg() }}";
    let sites: Vec<(usize, usize)> = find_calls(text, "g")
        .into_iter()
        .map(|o| line_column(text, o))
        .collect();
    assert_eq!(sites, [(3, 8), (3, 26)]);
}

#[test]
fn recursive_macros_are_found_directly_and_through_imports() {
    let t = theme(&[(
        "m.html",
        "{% macro f(n) %}{{ self::f(n=n) }}{% endmacro f %}",
    )]);
    assert_eq!(
        macro_cycle(&t),
        Some(vec!["m.html::f".to_string(), "m.html::f".to_string()])
    );
    let t = theme(&[
        (
            "a.html",
            "{% import \"b.html\" as b %}{% macro f() %}{{ b::g() }}{% endmacro %}",
        ),
        (
            "b.html",
            "{% import \"a.html\" as a %}{% macro g() %}{{ a::f() }}{% endmacro %}",
        ),
    ]);
    assert_eq!(
        macro_cycle(&t).map(|c| c.join(" → ")),
        Some("a.html::f → b.html::g → a.html::f".to_string())
    );
    let t = theme(&[(
        "m.html",
        "{# {% macro f() %}{{ self::f() }}{% endmacro %} #}{% macro f() %}{{ self::g() }}{% endmacro %}{% macro g() %}x{% endmacro %}",
    )]);
    assert_eq!(macro_cycle(&t), None);
}

#[test]
#[ignore = "200,000 templates, about 6 s in a debug build: run by scripts/test.sh with --ignored"]
fn long_chains_of_macros_and_includes_are_walked_without_recursion() {
    // 100,000 macros each calling the next, and as many templates each
    // including the next: recursion would overflow the stack here.
    let n = 100_000;
    let mut macros = String::new();
    for i in 0..n {
        macros.push_str(&format!(
            "{{% macro m{i}() %}}{{{{ self::m{}() }}}}{{% endmacro %}}",
            i + 1
        ));
    }
    let mut templates = vec![("macros.html".to_string(), macros)];
    for i in 0..n {
        templates.push((
            format!("t{i}.html"),
            format!("{{% include \"t{}.html\" %}}", i + 1),
        ));
    }
    let refs: Vec<(&str, &str)> = templates
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let t = theme(&refs);
    assert_eq!(macro_cycle(&t), None);
    assert_eq!(t.include_cycle(), None);
    // Tera would recurse through every include: too deep, from t0 to t99935.
    let d = check(&t);
    assert_eq!(d.len(), n - MAX_DEPTH, "{:?}", d.first());
    assert!(d[0]
        .message
        .starts_with("template `t0.html` nests 100000 levels deep"));
}

#[test]
fn nesting_counts_blocks_and_brackets_outside_strings() {
    assert_eq!(own_depth("<p>{{ a }}</p>").0, 0);
    assert_eq!(
        own_depth("{% if a %}{% for x in y %}{{ f(a=[1]) }}{% endfor %}{% endif %}").0,
        4
    );
    assert_eq!(own_depth("{{ \"((((\" ~ '[[' }}").0, 0);
    assert_eq!(
        own_depth("{% raw %}{% if %}{% if %}{% endraw %}{# {% if %} #}").0,
        0
    );
    let deep = format!(
        "{}x{}",
        "{% if true %}".repeat(100),
        "{% endif %}".repeat(100)
    );
    assert_eq!(own_depth(&deep), (100, 99 * 13));
    // Binary operators nest too, outside strings; `~`, `=`, filters and
    // whitespace control do not.
    assert_eq!(own_depth("{%- set a = 1 + 2 * 3 -%}").0, 2);
    assert_eq!(own_depth("{{ a == b and c != d or not e <= f }}").0, 5);
    assert_eq!(own_depth("{{ \"1 + 1\" ~ band ~ order | upper }}").0, 0);
    let chain = format!("{{{{ {}1 }}}}", "1 + ".repeat(100_000));
    assert_eq!(own_depth(&chain).0, 100_000);
}

#[test]
fn depth_adds_up_through_includes_and_the_default_theme_is_shallow() {
    let inner = format!("{}x{}", "{% if a %}".repeat(40), "{% endif %}".repeat(40));
    let outer = format!(
        "{}{{% include \"inner.html\" %}}{}",
        "{% for x in y %}".repeat(30),
        "{% endfor %}".repeat(30)
    );
    let t = theme(&[("inner.html", &inner), ("outer.html", &outer)]);
    let d = check(&t);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0]
        .message
        .starts_with("template `outer.html` nests 71 levels deep"));
    let mut found = crate::diagnostics::Diagnostics::new();
    let default = crate::theme::load(
        std::path::Path::new("/nonexistent"),
        "default",
        "en",
        &mut found,
    )
    .unwrap();
    assert!(check(&default).is_empty());
}
