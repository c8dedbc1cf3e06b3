//! A test of the crate's shape: the graph of its modules, derived from the
//! `crate::` paths each file names, has no cycle. A cycle means two stages
//! that cannot be read, changed or tested one without the other.

use regex::Regex;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Every module of `src/` by its path (`site::links`), with its file.
fn modules(src: &Path) -> BTreeMap<String, PathBuf> {
    walkdir::WalkDir::new(src)
        .into_iter()
        .filter_map(Result::ok)
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter_map(|file| {
            let relative = file.strip_prefix(src).ok()?.with_extension("");
            let mut parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            Some((parts.join("::"), file))
        })
        .collect()
}

/// The code of a file without its tests and comment lines, which may name
/// any module.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The modules each module depends on: the longest module path that each
/// `crate::a::b::…` it names starts with (also inside `use crate::{…}`),
/// leaving out its own ancestors and descendants.
fn graph(modules: &BTreeMap<String, PathBuf>) -> BTreeMap<String, BTreeSet<String>> {
    let path = Regex::new(r"crate::((?:[a-z_0-9]+::)*[A-Za-z_0-9]+)").unwrap();
    let group = Regex::new(r"use crate::\{([^;]*)\};").unwrap();
    let mut edges = BTreeMap::new();
    for (name, file) in modules {
        let text = code(&std::fs::read_to_string(file).unwrap());
        let mut named: Vec<Vec<String>> = path
            .captures_iter(&text)
            .map(|c| c[1].split("::").map(str::to_string).collect())
            .collect();
        for g in group.captures_iter(&text) {
            named.extend(top_level_items(&g[1]).map(|first| vec![first.to_string()]));
        }
        let related = |other: &str| {
            other == name
                || other.starts_with(&format!("{name}::"))
                || name.starts_with(&format!("{other}::"))
        };
        let targets: BTreeSet<String> = named
            .iter()
            .filter_map(|parts| {
                (1..=parts.len())
                    .rev()
                    .map(|k| parts[..k].join("::"))
                    .find(|m| modules.contains_key(m))
            })
            .filter(|m| !related(m))
            .collect();
        edges.insert(name.clone(), targets);
    }
    edges
}

/// The first name of each item of a `use` group (`a::b, c::{d, e}, f` →
/// `a`, `c`, `f`).
fn top_level_items(group: &str) -> impl Iterator<Item = &str> {
    let mut depth = 0usize;
    let mut items = Vec::new();
    let mut start = 0;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&group[start..]);
    items
        .into_iter()
        .filter_map(|item| item.trim().split("::").next())
        .filter(|first| !first.is_empty())
}

#[test]
fn no_module_depends_on_itself_through_others() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    assert!(modules.len() > 40, "found only {} modules", modules.len());
    let edges: HashMap<String, Vec<String>> = graph(&modules)
        .into_iter()
        .map(|(m, to)| (m, to.into_iter().collect()))
        .collect();
    assert!(
        edges["pipeline::rendering"].contains(&"render".to_string()),
        "the graph misses a known dependency"
    );
    assert_eq!(crate::graph::find_cycle(&edges), None);
}

#[test]
fn a_cycle_through_use_lines_and_paths_is_found() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("site")).unwrap();
    std::fs::write(dir.path().join("lib.rs"), "mod site;").unwrap();
    std::fs::write(
        dir.path().join("site/mod.rs"),
        "use crate::{render::Page, lib_only};",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("site/links.rs"),
        "// crate::render::x in a comment\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("render.rs"),
        "fn f() { crate::site::links::g(); }",
    )
    .unwrap();
    let edges = graph(&modules(dir.path()));
    assert_eq!(edges["site"], BTreeSet::from(["render".to_string()]));
    assert_eq!(edges["site::links"], BTreeSet::new());
    assert_eq!(edges["render"], BTreeSet::from(["site::links".to_string()]));
}
