//! How a list of documents is split into pages, and where each page and
//! each JSON chunk of a list lives: page 1 at the list's own URL
//! (`incidents/`), the next at `incidents/page/2/`, … (never `page/1/`), so
//! a list's first page keeps its address as the list grows.

/// How many pages a list of `entries` entries has at `per_page` each: at
/// least one (an empty list still has its page, saying so).
pub fn page_count(entries: usize, per_page: usize) -> usize {
    entries.div_ceil(per_page.max(1)).max(1)
}

/// The site path of page `number` (from 1) of the list at `path`
/// (`incidents/`, `tags/x/`).
pub fn page_path(path: &str, number: usize) -> String {
    if number <= 1 {
        path.to_string()
    } else {
        format!("{path}page/{number}/")
    }
}

/// The entries of page `number` (from 1) of `entries`, `per_page` a page.
pub fn page_of<T>(entries: &[T], per_page: usize, number: usize) -> &[T] {
    let per_page = per_page.max(1);
    let start = number
        .saturating_sub(1)
        .saturating_mul(per_page)
        .min(entries.len());
    let end = start.saturating_add(per_page).min(entries.len());
    &entries[start..end]
}

/// The site path of the manifest of the JSON chunks of the list at `path`:
/// a file beside the list's page, never a folder a document could have.
pub fn chunk_manifest_path(path: &str) -> String {
    format!("{path}list.json")
}

/// The site path of chunk `n` (from 0) of the list at `path`.
pub fn chunk_path(path: &str, n: usize) -> String {
    format!("{path}list-{n}.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_every_entry_once_in_order() {
        for len in [0usize, 1, 2, 49, 50, 51, 100, 101] {
            let entries: Vec<usize> = (0..len).collect();
            let count = page_count(len, 50);
            let joined: Vec<usize> = (1..=count)
                .flat_map(|n| page_of(&entries, 50, n).iter().copied())
                .collect();
            assert_eq!(joined, entries, "{len} entries");
            assert!(count == 1 || !page_of(&entries, 50, count).is_empty());
        }
        assert_eq!(page_count(0, 50), 1);
        assert_eq!(page_count(101, 50), 3);
    }

    #[test]
    fn page_one_keeps_the_list_url() {
        assert_eq!(page_path("incidents/", 1), "incidents/");
        assert_eq!(page_path("tags/x/", 3), "tags/x/page/3/");
    }
}
