//! The progress display of `seckb build`: a spinner on stderr naming the
//! stage the build has reached, shown only when a build is still running
//! after a second (small sites finish before it would flicker), only on a
//! terminal, never with `--quiet`. It is cleared before the one-line summary.

use crate::pipeline::StageHook;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a build runs before the spinner appears.
const DELAY: Duration = Duration::from_secs(1);

pub struct Progress {
    bar: ProgressBar,
    done: Option<mpsc::Sender<()>>,
    shower: Option<JoinHandle<()>>,
}

impl Progress {
    /// A display on stderr when it is a terminal and `quiet` is off; a
    /// silent one otherwise (so callers never branch).
    pub fn start(quiet: bool) -> Progress {
        let visible = !quiet && std::io::stderr().is_terminal();
        Progress::new(visible, DELAY)
    }

    fn new(visible: bool, delay: Duration) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} Building… {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message("reading the site");
        if !visible {
            return Progress {
                bar,
                done: None,
                shower: None,
            };
        }
        let (done, wait) = mpsc::channel();
        let shown = bar.clone();
        let shower = std::thread::spawn(move || {
            // A build that ends within the delay never shows the spinner.
            if wait.recv_timeout(delay) == Err(mpsc::RecvTimeoutError::Timeout) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(100));
            }
        });
        Progress {
            bar,
            done: Some(done),
            shower: Some(shower),
        }
    }

    /// The hook the pipeline calls as each stage finishes.
    pub fn hook(&self) -> StageHook {
        let bar = self.bar.clone();
        StageHook::new(move |stage| bar.set_message(format!("{stage} done")))
    }

    /// Removes the spinner (if it was shown) so the summary line stands alone.
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
    fn stages_become_the_message_and_a_fast_build_never_shows_it() {
        let progress = Progress::new(true, Duration::from_secs(60));
        let bar = progress.bar.clone();
        progress.hook().call("discover");
        assert_eq!(bar.message(), "discover done");
        progress.finish();
        assert!(bar.is_finished());
        assert!(
            bar.is_hidden(),
            "a build shorter than the delay drew the spinner"
        );
    }

    #[test]
    fn quiet_builds_start_no_display() {
        let progress = Progress::start(true);
        assert!(progress.shower.is_none() && progress.done.is_none());
        progress.finish();
    }
}
