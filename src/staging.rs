//! Atomic output: the site is written into a temporary folder beside the
//! output folder and swapped in only when complete, so a failed or killed
//! build leaves the previous site exactly as it was.

use crate::diagnostics::{Code, Diagnostic, Location};
use crate::output::{Content, Output};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn output_error(dest: &Path, message: String) -> Diagnostic {
    Diagnostic::error(Code::Output, message).at(Location::file(dest))
}

/// Prefix of temporary folders, so leftovers of killed builds can be found.
fn temp_prefix(dest: &Path) -> String {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    format!(".{name}.seckb-")
}

/// The temporary folder a build writes into, beside the output folder. It
/// replaces the output folder in one step on [`Staging::commit`]; dropped
/// uncommitted (a failed build), it is removed and the old site stays.
#[derive(Debug)]
pub(crate) struct Staging {
    dest: PathBuf,
    temp: PathBuf,
    committed: bool,
}

impl Staging {
    /// Checks that `dest` may be replaced and creates the staging folder.
    pub(crate) fn prepare(dest: &Path, site_root: &Path) -> Result<Staging, Diagnostic> {
        let dest = if dest.is_absolute() {
            dest.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|c| c.join(dest))
                .unwrap_or_else(|_| dest.to_path_buf())
        };
        let parent = dest
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        refuse_site_sources(&dest, site_root)?;
        match std::fs::symlink_metadata(&dest) {
            Ok(m) if !m.is_dir() => {
                return Err(output_error(
                    &dest,
                    format!(
                        "the output path {} exists and is not a folder",
                        dest.display()
                    ),
                ));
            }
            Ok(m) if m.permissions().readonly() => {
                return Err(output_error(
                    &dest,
                    format!("the output folder {} is read-only", dest.display()),
                ));
            }
            Ok(_) => refuse_foreign_folder(&dest)?,
            Err(_) => {}
        }
        std::fs::create_dir_all(&parent)
            .map_err(|e| output_error(&dest, format!("cannot create {}: {e}", parent.display())))?;
        remove_leftovers(&parent, &temp_prefix(&dest));
        let temp = parent.join(format!("{}{}", temp_prefix(&dest), std::process::id()));
        std::fs::create_dir(&temp).map_err(|e| {
            output_error(
                &dest,
                format!("cannot create the staging folder {}: {e}", temp.display()),
            )
        })?;
        Ok(Staging {
            dest,
            temp,
            committed: false,
        })
    }

    /// The folder files are written into.
    pub(crate) fn folder(&self) -> &Path {
        &self.temp
    }

    /// Writes what `output` still holds (files not yet written, copies)
    /// and puts the staging folder in place of the output folder.
    pub(crate) fn commit(mut self, output: &Output) -> Result<(), Diagnostic> {
        write_tree(output, &self.temp)
            .and_then(|()| swap_in(&self.temp, &self.dest))
            .map_err(|e| {
                output_error(
                    &self.dest,
                    format!(
                        "cannot write the output folder {}: {e}",
                        self.dest.display()
                    ),
                )
            })?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.temp);
        }
    }
}

/// `path` with symlinks and `..` resolved, as far as it exists.
fn resolved(path: &Path) -> PathBuf {
    let mut existing = path;
    let mut missing = Vec::new();
    loop {
        if let Ok(mut real) = existing.canonicalize() {
            real.extend(missing.iter().rev());
            return real;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_os_string());
                existing = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// Refuses an output folder that is the site itself, holds it, or lies in
/// its sources: swapping it out would delete the sources (`--output .`,
/// `--output content`), or the next build would read its own output.
fn refuse_site_sources(dest: &Path, site_root: &Path) -> Result<(), Diagnostic> {
    let dest_real = resolved(dest);
    let root = resolved(site_root);
    let problem = if root.starts_with(&dest_real) {
        Some("it holds the site being built".to_string())
    } else {
        ["content", "templates", "static", "themes"]
            .into_iter()
            .find(|folder| dest_real.starts_with(root.join(folder)))
            .map(|folder| format!("it is inside the site's {folder}/ folder"))
    };
    match problem {
        Some(why) => Err(output_error(
            dest,
            format!("refusing to write the output folder {}: {why}", dest.display()),
        )
        .help("seckb replaces the whole output folder: build into a folder of its own, such as public/")),
        None => Ok(()),
    }
}

/// Refuses to replace an existing folder that has files but is not a
/// previous build (every build writes `.nojekyll`): a mistyped `--output`
/// must not delete someone's files.
fn refuse_foreign_folder(dest: &Path) -> Result<(), Diagnostic> {
    let empty = std::fs::read_dir(dest).is_ok_and(|mut entries| entries.next().is_none());
    if empty || dest.join(".nojekyll").is_file() {
        return Ok(());
    }
    Err(output_error(
        dest,
        format!(
            "refusing to replace {}: it has files and is not the output of an earlier build (no .nojekyll)",
            dest.display()
        ),
    )
    .help("seckb replaces the whole output folder: choose a new or empty folder, or delete this one first"))
}

/// Removes staging folders that killed builds left behind; one whose build
/// is still running (its process id is alive) is left alone.
fn remove_leftovers(parent: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(prefix) else {
            continue;
        };
        if pid != std::process::id().to_string() && process_alive(pid) {
            continue;
        }
        let _ = std::fs::remove_dir_all(entry.path());
    }
}

#[cfg(target_os = "linux")]
fn process_alive(pid: &str) -> bool {
    !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && Path::new("/proc").join(pid).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_alive(_pid: &str) -> bool {
    false
}

/// Writes the files of `output` not yet in `root` (the staging folder).
fn write_tree(output: &Output, root: &Path) -> std::io::Result<()> {
    let pending = |(_, c): &(&String, &Content)| !matches!(c, Content::Written);
    let dirs: BTreeSet<&str> = output
        .files()
        .filter(pending)
        .filter_map(|(p, _)| p.rsplit_once('/').map(|(d, _)| d))
        .collect();
    for dir in &dirs {
        std::fs::create_dir_all(root.join(dir))?;
    }
    let files: Vec<_> = output.files().filter(pending).collect();
    files.par_iter().try_for_each(|(path, content)| {
        let target = root.join(path);
        match content {
            Content::Copy(source) => std::fs::copy(source, &target).map(|_| ()),
            other => std::fs::write(&target, other.bytes()?),
        }
    })
}

/// Puts `temp` in place of `dest` in one step where the OS allows it.
fn swap_in(temp: &Path, dest: &Path) -> std::io::Result<()> {
    if !dest.exists() {
        return std::fs::rename(temp, dest);
    }
    exchange(temp, dest)?;
    // `temp` now holds the previous site.
    std::fs::remove_dir_all(temp)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    // Two renames: the output is briefly absent, but never half-written.
    let old = a.with_extension("old");
    std::fs::rename(b, &old)?;
    std::fs::rename(a, b)?;
    std::fs::rename(&old, a)
}

#[cfg(test)]
mod tests {
    /// Writes `output` to `dest`, replacing what was there only on success.
    /// The whole folder is replaced, so `dest` may not be the site being built
    /// (`site_root`), hold it, or lie in its sources, and an existing folder is
    /// replaced only when it is empty or a previous build.
    fn write_atomic(output: &Output, dest: &Path, site_root: &Path) -> Result<(), Diagnostic> {
        Staging::prepare(dest, site_root)?.commit(output)
    }

    use super::*;

    #[test]
    fn replaces_the_old_site_and_leaves_no_temp_folders() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("public");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("old.html"), "old").unwrap();
        std::fs::write(dest.join(".nojekyll"), "").unwrap();
        let mut out = Output::default();
        out.insert_bytes("a/b/index.html", b"new".to_vec());
        write_atomic(&out, &dest, dir.path()).unwrap();
        assert_eq!(
            std::fs::read_to_string(dest.join("a/b/index.html")).unwrap(),
            "new"
        );
        assert!(!dest.join("old.html").exists());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"]);
    }

    #[test]
    fn refuses_to_replace_the_site_its_sources_or_a_foreign_folder() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("content/incidents")).unwrap();
        std::fs::write(site.join("content/incidents/a.md"), "keep").unwrap();
        let mut out = Output::default();
        out.insert_bytes(".nojekyll", Vec::new());
        for (dest, why) in [
            (site.clone(), "it holds the site being built"),
            (dir.path().to_path_buf(), "it holds the site being built"),
            (
                site.join("content"),
                "it is inside the site's content/ folder",
            ),
            (
                site.join("content/incidents/../out"),
                "inside the site's content/",
            ),
            (
                site.join("static/new"),
                "it is inside the site's static/ folder",
            ),
        ] {
            let e = write_atomic(&out, &dest, &site).unwrap_err();
            assert!(e.message.contains(why), "{}: {}", dest.display(), e.message);
        }
        let documents = dir.path().join("documents");
        std::fs::create_dir(&documents).unwrap();
        std::fs::write(documents.join("thesis.txt"), "keep").unwrap();
        let e = write_atomic(&out, &documents, &site).unwrap_err();
        assert!(e.message.contains("is not the output of an earlier build"));
        assert_eq!(
            std::fs::read_to_string(documents.join("thesis.txt")).unwrap(),
            "keep"
        );
        assert_eq!(
            std::fs::read_to_string(site.join("content/incidents/a.md")).unwrap(),
            "keep"
        );
        // An empty folder, a new one, and an earlier build are fine.
        std::fs::create_dir(dir.path().join("empty")).unwrap();
        for name in ["empty", "new", "new"] {
            write_atomic(&out, &dir.path().join(name), &site).unwrap();
        }
    }

    #[test]
    fn refuses_an_output_path_that_is_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("public");
        std::fs::write(&dest, "x").unwrap();
        let e = write_atomic(&Output::default(), &dest, dir.path()).unwrap_err();
        assert!(e.message.contains("is not a folder"));
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "x");
    }
}
