//! The progress of `seckb build`: a [`Meter`] the pipeline tells what it is
//! doing (the step, and for steps over many items how many are done out of
//! how many), and a display on stderr that reads it ("rendering documents
//! 4,210/10,000"). The display appears only when a build is still running
//! after a second (small sites finish before it would flicker), only when
//! both stdout and stderr are terminals (a CI log gets the summary line
//! alone), never with `--quiet`; it is cleared before the summary.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a build runs before the display appears.
const DELAY: Duration = Duration::from_secs(1);

/// How often the display reads the meter.
const REFRESH: Duration = Duration::from_millis(100);

/// What a running build is doing, told by the pipeline's threads and read
/// by the display's: cheap enough to tick once per document.
#[derive(Debug, Default)]
pub struct Meter {
    step: Mutex<&'static str>,
    done: AtomicUsize,
    total: AtomicUsize,
}

impl Meter {
    /// A new step, over `total` items (0: not counted ahead).
    pub fn begin(&self, step: &'static str, total: usize) {
        if let Ok(mut current) = self.step.lock() {
            *current = step;
        }
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    /// One more item of the step done.
    pub fn tick(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// The step and its count: `rendering documents 4,210/10,000`, or
    /// `rendering lists (312)` when the total is not known ahead.
    pub fn describe(&self) -> String {
        let step = self.step.lock().map_or("building", |s| *s);
        let done = self.done.load(Ordering::Relaxed);
        match self.total.load(Ordering::Relaxed) {
            0 if done == 0 => step.to_string(),
            0 => format!("{step} ({})", grouped(done)),
            total => format!("{step} {}/{}", grouped(done.min(total)), grouped(total)),
        }
    }
}

/// `10000` as `10,000`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Whether the display is drawn, given `--quiet` and whether stdout and
/// stderr are terminals: a log, a pipe or a file gets the summary alone.
fn shown(quiet: bool, [stdout, stderr]: [bool; 2]) -> bool {
    !quiet && stdout && stderr
}

/// The display of a build's [`Meter`].
pub struct Progress {
    meter: Arc<Meter>,
    bar: ProgressBar,
    done: Option<mpsc::Sender<()>>,
    shower: Option<JoinHandle<()>>,
}

impl Progress {
    /// A display on stderr when stdout and stderr are terminals and `quiet`
    /// is off; a silent one otherwise (so callers never branch).
    pub fn start(quiet: bool) -> Progress {
        let terminals = [
            std::io::stdout().is_terminal(),
            std::io::stderr().is_terminal(),
        ];
        Progress::new(shown(quiet, terminals), DELAY)
    }

    fn new(visible: bool, delay: Duration) -> Progress {
        let meter = Arc::new(Meter::default());
        meter.begin("reading the site", 0);
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} Building… {msg} ({elapsed})") {
            bar.set_style(style);
        }
        if !visible {
            return Progress {
                meter,
                bar,
                done: None,
                shower: None,
            };
        }
        let (done, wait) = mpsc::channel();
        let (shown, read) = (bar.clone(), meter.clone());
        let shower = std::thread::spawn(move || {
            // A build that ends within the delay never shows the display.
            if wait.recv_timeout(delay) != Err(mpsc::RecvTimeoutError::Timeout) {
                return;
            }
            shown.set_message(read.describe());
            shown.set_draw_target(ProgressDrawTarget::stderr());
            shown.enable_steady_tick(REFRESH);
            while wait.recv_timeout(REFRESH) == Err(mpsc::RecvTimeoutError::Timeout) {
                shown.set_message(read.describe());
            }
        });
        Progress {
            meter,
            bar,
            done: Some(done),
            shower: Some(shower),
        }
    }

    /// The meter the build tells ([`crate::pipeline::BuildOptions::meter`]).
    pub fn meter(&self) -> Arc<Meter> {
        self.meter.clone()
    }

    /// Removes the display (if it was shown) so the summary line stands alone.
    pub fn finish(mut self) {
        if let Some(done) = self.done.take() {
            let _ = done.send(());
        }
        if let Some(shower) = self.shower.take() {
            let _ = shower.join();
        }
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meter_says_the_step_and_its_count() {
        let meter = Meter::default();
        meter.begin("rendering documents", 12_345);
        (0..4_210).for_each(|_| meter.tick());
        assert_eq!(meter.describe(), "rendering documents 4,210/12,345");
        meter.begin("rendering lists", 0);
        assert_eq!(meter.describe(), "rendering lists");
        (0..312).for_each(|_| meter.tick());
        assert_eq!(meter.describe(), "rendering lists (312)");
        meter.begin("checking links", 1);
        (0..3).for_each(|_| meter.tick());
        assert_eq!(meter.describe(), "checking links 1/1");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000_000), "1,000,000");
    }

    #[test]
    fn the_display_shows_the_meter_and_a_fast_build_never_shows_it() {
        let progress = Progress::new(true, Duration::from_millis(50));
        let bar = progress.bar.clone();
        let meter = progress.meter();
        meter.begin("validating documents", 2);
        meter.tick();
        // The display reads the meter once it is shown.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while bar.message() != "validating documents 1/2" && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(bar.message(), "validating documents 1/2");
        progress.finish();
        assert!(bar.is_finished());

        let progress = Progress::new(true, Duration::from_secs(60));
        let bar = progress.bar.clone();
        progress.finish();
        assert!(bar.is_finished());
        assert!(
            bar.is_hidden(),
            "a build shorter than the delay drew the spinner"
        );
    }

    #[test]
    fn only_a_terminal_gets_the_display() {
        assert!(shown(false, [true, true]));
        for terminals in [[false, true], [true, false], [false, false]] {
            assert!(!shown(false, terminals), "{terminals:?}");
        }
        assert!(!shown(true, [true, true]), "--quiet");
    }

    #[test]
    fn quiet_builds_start_no_display() {
        let progress = Progress::start(true);
        assert!(progress.shower.is_none() && progress.done.is_none());
        progress.finish();
    }
}
