//! An environment's release line, read from the newest release back only as far as the answer
//! needs (a few hundred rows, however long the history), growing the window when a rollback
//! reaches below it; and the earlier releases a rollback may choose.

use crate::core::Core;
use crate::db;
use crate::service::internal;
use app::domain::release_line::release_line_top;
use app::domain::DeploymentKind;
use app::use_cases::UseCaseError;

/// How many releases are read first; each further read is this many times larger.
const FIRST_WINDOW: i64 = 256;
const GROWTH: i64 = 8;

/// How many earlier releases an environment page offers to roll back to.
pub const EARLIER_RELEASES: usize = 20;

/// Reads the newest releases (oldest first in the window) until `settle` answers; it is told
/// whether the window is the whole history, and must answer then.
async fn read_back<T>(
    core: &Core,
    environment: &str,
    mut settle: impl FnMut(&[(String, DeploymentKind)], bool) -> Option<T>,
) -> Result<T, UseCaseError> {
    let mut window = FIRST_WINDOW;
    loop {
        let mut rows = db::releases::newest(&core.db, environment, window + 1)
            .await
            .map_err(internal)?;
        let whole = rows.len() as i64 <= window;
        rows.truncate(window as usize);
        rows.reverse();
        match settle(&rows, whole) {
            Some(answer) => return Ok(answer),
            None if whole => {
                return Err(internal(format!(
                    "{environment}: the whole release history answered nothing"
                )))
            }
            None => window *= GROWTH,
        }
    }
}

/// The top `want` releases of the environment's release line, oldest first (fewer when the
/// line is shorter): the running release last, the rollback target before it.
pub async fn line_top(
    core: &Core,
    environment: &str,
    want: usize,
) -> Result<Vec<String>, UseCaseError> {
    read_back(core, environment, |rows, whole| {
        release_line_top(rows.iter().map(|(v, k)| (v.as_str(), *k)), whole, want)
    })
    .await
}

/// The versions that ran in the environment before, newest build first, without `running`,
/// at most [`EARLIER_RELEASES`].
pub async fn earlier(
    core: &Core,
    environment: &str,
    running: Option<&str>,
) -> Result<Vec<String>, UseCaseError> {
    let mut versions =
        db::releases::versions_that_ran(&core.db, environment, EARLIER_RELEASES as i64 + 1)
            .await
            .map_err(internal)?;
    versions.retain(|v| Some(v.as_str()) != running);
    versions.truncate(EARLIER_RELEASES);
    Ok(versions)
}
