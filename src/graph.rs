//! A graph question more than one stage asks: is there a loop?

use std::collections::{HashMap, HashSet};

/// A path that leads back to where it started in a graph of named nodes
/// (names in sorted order are tried first, so the answer is stable).
pub(crate) fn find_cycle(edges: &HashMap<String, Vec<String>>) -> Option<Vec<String>> {
    let mut names: Vec<&String> = edges.keys().collect();
    names.sort();
    let mut done: HashSet<&str> = HashSet::new();
    // Depth-first with an explicit stack: a theme may chain thousands of
    // macros, and this check exists to keep recursion off the call stack.
    for start in names {
        let mut path: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        let mut on_path: HashSet<&str> = HashSet::from([start.as_str()]);
        while let Some(&(node, next)) = path.last() {
            let children = edges.get(node).map_or(&[][..], Vec::as_slice);
            let Some(child) = children.get(next).map(String::as_str) else {
                path.pop();
                on_path.remove(node);
                done.insert(node);
                continue;
            };
            if let Some(last) = path.last_mut() {
                last.1 += 1;
            }
            if on_path.contains(child) {
                let i = path.iter().position(|(n, _)| *n == child).unwrap_or(0);
                let mut cycle: Vec<String> = path[i..].iter().map(|(n, _)| n.to_string()).collect();
                cycle.push(child.to_string());
                return Some(cycle);
            }
            if !done.contains(child) {
                path.push((child, 0));
                on_path.insert(child);
            }
        }
    }
    None
}
