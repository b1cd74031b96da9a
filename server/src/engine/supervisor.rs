//! Keeps the engine's workers alive. Each worker runs in its own task under a supervisor: a
//! worker that panics is logged with its panic message and started again after a pause, so a
//! bug in one step can neither stop deployments silently nor take the web server down.

use super::Engine;
use std::time::Duration;
use tokio::task::JoinHandle;

/// How long a supervisor waits before restarting a worker that panicked.
pub const RESTART_PAUSE: Duration = Duration::from_secs(1);

/// Starts `workers` supervised workers of `engine`, named after it (`<engine>/<pid>-<n>-…`);
/// the handles are the supervisors'.
pub fn supervise(engine: Engine, workers: usize) -> Vec<JoinHandle<()>> {
    let host = std::process::id();
    let started = engine.clock.now_ms();
    (0..workers)
        .map(|n| {
            let base = engine.clone();
            tokio::spawn(async move {
                let mut restarts = 0u32;
                loop {
                    // A fresh name per start: the lease table tells the incarnations apart.
                    let worker = base.named(format!(
                        "{}/{host}-{n}-{started}-{restarts}",
                        base.worker()
                    ));
                    let name = worker.worker().to_owned();
                    match tokio::spawn(worker.work_forever()).await {
                        Ok(()) => return,
                        Err(error) if error.is_panic() => {
                            restarts += 1;
                            let panic = error.into_panic();
                            let message = panic
                                .downcast_ref::<&str>()
                                .map(|s| (*s).to_owned())
                                .or_else(|| panic.downcast_ref::<String>().cloned())
                                .unwrap_or_else(|| "(no message)".into());
                            tracing::error!(worker = %name, restarts, panic = %message, "engine worker panicked; restarting it");
                            tokio::time::sleep(RESTART_PAUSE).await;
                        }
                        // Cancelled: the runtime is shutting down.
                        Err(_) => return,
                    }
                }
            })
        })
        .collect()
}
