//! `-v`: how long each stage of a build took.

use super::StageHook;

/// When each build stage finished, for `-v`: told by the stage hook, so
/// the stages of a failed build (or a check) are timed as well.
#[derive(Clone)]
pub struct StageTimes {
    start: std::time::Instant,
    finished: std::sync::Arc<std::sync::Mutex<Vec<(&'static str, std::time::Instant)>>>,
}

impl StageTimes {
    pub fn start() -> StageTimes {
        StageTimes {
            start: std::time::Instant::now(),
            finished: Default::default(),
        }
    }

    /// A hook that notes each stage as it finishes.
    pub fn hook(&self) -> StageHook {
        let times = self.clone();
        StageHook::new(move |stage| {
            if let Ok(mut finished) = times.finished.lock() {
                finished.push((stage, std::time::Instant::now()));
            }
        })
    }

    /// One line per finished stage: its name and how long it took.
    pub fn print(&self) {
        let Ok(finished) = self.finished.lock() else {
            return;
        };
        let mut previous = self.start;
        for (stage, at) in finished.iter() {
            let ms = at.duration_since(previous).as_secs_f64() * 1000.0;
            eprintln!("  {stage:<32} {ms:>8.1} ms");
            previous = *at;
        }
    }
}
