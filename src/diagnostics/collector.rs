//! The one way stages report problems.
//!
//! A function that can find problems takes `&mut Diagnostics` and reports
//! into it, then goes on, so one run finds every mistake. When it cannot
//! make its value at all it returns `Option<T>`: `None` after reporting
//! why. A single operation that fails as a whole (parse one date, read one
//! file) returns `Result<T, Diagnostic>`, and its caller reports the error.
//! Work split across threads gives each task its own `Diagnostics` and
//! merges them with [`Diagnostics::append`].

use super::Diagnostic;

/// Every problem found so far, in the order found (sorted when shown).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    found: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.found.push(diagnostic);
    }

    /// Moves every problem of `other` here.
    pub fn append(&mut self, other: Diagnostics) {
        self.found.extend(other.found);
    }

    /// The value of an operation that fails as a whole, its error reported.
    pub fn take<T>(&mut self, result: Result<T, Diagnostic>) -> Option<T> {
        result.map_err(|d| self.push(d)).ok()
    }

    /// Every value of operations run one per item (in parallel, say), or
    /// `None` when any failed: each distinct error reported once (many pages
    /// failing on one template give one error).
    pub fn gather<T>(&mut self, results: Vec<Result<T, Diagnostic>>) -> Option<Vec<T>> {
        let mut done = Vec::with_capacity(results.len());
        let mut errors: Vec<Diagnostic> = Vec::new();
        for result in results {
            match result {
                Ok(value) => done.push(value),
                Err(d) if !errors.contains(&d) => errors.push(d),
                Err(_) => {}
            }
        }
        let failed = !errors.is_empty();
        self.found.extend(errors);
        (!failed).then_some(done)
    }

    pub fn has_errors(&self) -> bool {
        self.found.iter().any(Diagnostic::is_error)
    }

    /// The problems, for a build's result or a report.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.found
    }
}

/// Read as the list it is (`len`, `iter`, indexing).
impl std::ops::Deref for Diagnostics {
    type Target = [Diagnostic];

    fn deref(&self) -> &[Diagnostic] {
        &self.found
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        self.found.extend(iter);
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Diagnostics {
        Diagnostics {
            found: iter.into_iter().collect(),
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Diagnostics {
        Diagnostics {
            found: vec![diagnostic],
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.found.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.found.iter()
    }
}
