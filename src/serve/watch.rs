//! Watching what the build reads — `content/`, `templates/`, `static/`,
//! `themes/` and `seckb.yaml` — and turning the raw file events of real
//! editors into one batch per save: hidden, temporary and backup files are
//! dropped (the same names discovery skips), and a batch closes once events
//! stop for a moment. Editors that save by writing a temporary file and
//! renaming it over the document are caught by watching folders, not files.

use crate::config::CONFIG_FILE;
use crate::content::load::is_ignored_name;
use notify::{EventKind, RecursiveMode, Watcher as _};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Folders of the site whose every file the build may read.
pub(super) const WATCHED: [&str; 4] = ["content", "templates", "static", "themes"];

/// A batch closes when no event came for this long (one save makes several).
const QUIET: Duration = Duration::from_millis(15);
/// A batch closes after this long even if events keep coming (a `git checkout`).
const LONGEST: Duration = Duration::from_millis(1000);

pub(super) struct Watcher {
    root: PathBuf,
    inner: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    /// The folders of `WATCHED` that exist and are watched.
    watched: BTreeSet<&'static str>,
}

impl Watcher {
    /// Watches the site at `root`: its top folder (for seckb.yaml and folders
    /// created later) and each folder of `WATCHED` that exists.
    pub(super) fn new(root: &Path) -> notify::Result<Watcher> {
        let (sender, events) = channel();
        let mut inner = notify::recommended_watcher(sender)?;
        inner.watch(root, RecursiveMode::NonRecursive)?;
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            inner,
            events,
            watched: BTreeSet::new(),
        };
        watcher.update_watches();
        Ok(watcher)
    }

    /// Starts watching folders that appeared and forgets ones that went away.
    fn update_watches(&mut self) {
        for name in WATCHED {
            let dir = self.root.join(name);
            if dir.is_dir() {
                if !self.watched.contains(name)
                    && self.inner.watch(&dir, RecursiveMode::Recursive).is_ok()
                {
                    self.watched.insert(name);
                }
            } else if self.watched.remove(name) {
                let _ = self.inner.unwatch(&dir);
            }
        }
    }

    /// Waits for the next change the build cares about and returns the
    /// changed paths (relative to the site root) once events stop. None when
    /// the watcher has stopped.
    pub(super) fn next_batch(&mut self) -> Option<Vec<PathBuf>> {
        let mut changed = BTreeSet::new();
        let mut started: Option<Instant> = None;
        loop {
            let event = match started {
                None => self.events.recv().ok()?,
                Some(start) => {
                    let left = LONGEST.saturating_sub(start.elapsed());
                    match self.events.recv_timeout(QUIET.min(left)) {
                        Ok(event) => event,
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return None,
                    }
                }
            };
            // An error (a watch lost, an overflowed queue) may hide a change: rebuild.
            let paths = match event {
                Ok(event) if is_change(&event.kind) => event.paths,
                Ok(_) => continue,
                Err(_) => vec![self.root.join(CONFIG_FILE)],
            };
            for path in paths {
                if let Some(relative) = relevant(&self.root, &path) {
                    changed.insert(relative);
                    started.get_or_insert_with(Instant::now);
                }
            }
        }
        self.update_watches();
        Some(changed.into_iter().collect())
    }
}

/// Creations, writes, renames and removals; not reads or metadata-only opens.
fn is_change(kind: &EventKind) -> bool {
    !matches!(kind, EventKind::Access(_))
}

/// The path relative to the site root when the build reads it: seckb.yaml
/// or a file under a watched folder that is not hidden or an editor's leftover.
fn relevant(root: &Path, path: &Path) -> Option<PathBuf> {
    let relative = path.strip_prefix(root).ok()?;
    let mut parts = relative.components();
    let first = match parts.next()? {
        Component::Normal(first) => first.to_str()?,
        _ => return None,
    };
    if first == CONFIG_FILE && parts.next().is_none() {
        return Some(relative.to_path_buf());
    }
    if !WATCHED.contains(&first) {
        return None;
    }
    let ignored = parts.any(|c| match c {
        Component::Normal(name) => is_ignored_name(&name.to_string_lossy()),
        _ => true,
    });
    let temporary = relative
        .file_name()
        .is_some_and(|name| is_editor_temporary(&name.to_string_lossy()));
    (!ignored && !temporary).then(|| relative.to_path_buf())
}

/// Files that editors and tools create for a moment while they save, beside
/// the file saved, besides the hidden and backup names discovery skips:
/// `sed -i`'s `sedXXXXXX`, vim's write probe `4913` (and the numbers after
/// it), JetBrains' `___jb_tmp___`/`___jb_old___`, Kate's `.kate-swp`,
/// Chromium's `.crswap` (a file of the site named like them, such as
/// `sedentary` without an extension, is seen at the next full rebuild).
/// They come and go within one save, so a change to
/// one is no change to the site; the rename onto the document is. The build
/// itself still reads such a file if it finds one: it is then an unused
/// attachment, never published.
fn is_editor_temporary(name: &str) -> bool {
    let sed = name
        .strip_prefix("sed")
        .is_some_and(|rest| rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric()));
    let vim_probe = !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit());
    sed || vim_probe
        || ["___jb_tmp___", "___jb_old___", ".kate-swp", ".crswap"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_the_build_reads_counts() {
        let root = Path::new("/site");
        let yes = |p: &str| relevant(root, &root.join(p)).is_some();
        assert!(yes("seckb.yaml"));
        assert!(yes("content/incidents/a.md"));
        assert!(yes("content"));
        assert!(yes("themes/default/templates/base.html"));
        assert!(yes("static/logo.png"));
        assert!(!yes("public/index.html"));
        assert!(!yes("target/debug/seckb"));
        assert!(!yes("seckb.yaml~"));
        assert!(!yes("content/incidents/.a.md.swp"));
        assert!(!yes("content/incidents/a.md~"));
        assert!(!yes("content/.git/index"));
        assert!(!yes("templates/#base.html#"));
        assert!(relevant(root, Path::new("/elsewhere/seckb.yaml")).is_none());
        // Files editors create for a moment while saving.
        for temporary in [
            "content/incidents/sedAb12xZ",
            "content/incidents/4913",
            "content/faq/5036",
            "templates/base.html___jb_tmp___",
            "content/a.md___jb_old___",
            "content/incidents/a.md.kate-swp",
            "static/app.js.crswap",
            "content/incidents/.a.md.swp",
            "content/incidents/a.md~",
        ] {
            assert!(!yes(temporary), "{temporary}");
        }
        // Names that only look alike are the site's.
        for real in [
            "content/incidents/sedation.md",
            "content/incidents/sed12345",
            "static/2026.css",
            "content/incidents/4913.md",
        ] {
            assert!(yes(real), "{real}");
        }
    }

    /// Saves `content/incidents/a.md` the way editors and tools do: a new
    /// file `temporary` beside it, renamed over it. Returns the batch seen.
    fn save_through(temporary: &str) -> Vec<PathBuf> {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content/incidents")).unwrap();
        let doc = root.join("content/incidents/a.md");
        std::fs::write(&doc, "old").unwrap();
        let mut watcher = Watcher::new(&root).unwrap();
        let temp = root.join("content/incidents").join(temporary);
        std::fs::write(&temp, "new").unwrap();
        std::fs::rename(&temp, &doc).unwrap();
        watcher.next_batch().unwrap()
    }

    /// An editor's temporary file, or `sed -i`'s `sedXXXXXX`, renamed over
    /// the document: the batch names the document alone.
    #[test]
    fn a_rename_over_save_is_one_batch_naming_the_document() {
        for temporary in [".a.md.tmp", "sedQ3xZ9a"] {
            assert_eq!(
                save_through(temporary),
                vec![PathBuf::from("content/incidents/a.md")],
                "{temporary}"
            );
        }
    }
}
