//! Hook runs: written `starting` before a hook is called (the row is the claim — a second
//! attempt finds it and never calls a one-way hook again), `running` once called, and final
//! when its result arrives: from the receiver's callback with its one-time token, from a
//! command's exit status, or from the engine at the timeout.

use app::domain::hooks::{HookKind, HookReport, HookRunView, HookStage, HookStatus};
use app::domain::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

/// A run as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookRun {
    /// Its id.
    pub id: i64,
    /// The deployment it belongs to.
    pub deployment_id: i64,
    /// What the page shows.
    pub view: HookRunView,
    /// When it counts as timed out, epoch ms.
    pub deadline_at: i64,
}

/// A run about to be called.
#[derive(Debug, Clone)]
pub struct NewRun<'a> {
    /// The deployment.
    pub deployment_id: i64,
    /// The hook's name.
    pub name: &'a str,
    /// What it is for.
    pub kind: HookKind,
    /// When it runs.
    pub stage: HookStage,
    /// Now, epoch ms.
    pub now: i64,
    /// When it times out, epoch ms.
    pub deadline_at: i64,
}

const COLUMNS: &str = "id, deployment_id, name, kind, stage, status, started_at, deadline_at, \
                       finished_at, summary, link, output";

fn parsed(row: &AnyRow) -> Result<HookRun, sqlx::Error> {
    let bad = |e: String| sqlx::Error::Decode(e.into());
    let started_at: i64 = row.try_get("started_at")?;
    let finished_at = super::opt_i64(row, "finished_at")?;
    Ok(HookRun {
        id: row.try_get("id")?,
        deployment_id: row.try_get("deployment_id")?,
        deadline_at: row.try_get("deadline_at")?,
        view: HookRunView {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            kind: HookKind::parse(&row.try_get::<String, _>("kind")?).map_err(bad)?,
            stage: HookStage::parse(&row.try_get::<String, _>("stage")?).map_err(bad)?,
            status: HookStatus::parse(&row.try_get::<String, _>("status")?).map_err(bad)?,
            started_at: Timestamp::from_millis(started_at),
            seconds: finished_at.map(|at| (at - started_at) / 1000),
            summary: row.try_get("summary")?,
            link: row.try_get("link")?,
            output: row.try_get("output")?,
        },
    })
}

/// Claims the run of a hook: its id, or `None` when a run of it exists already (found with
/// [`find`]).
pub async fn claim<'c>(
    db: impl Executor<'c, Database = Any>,
    run: NewRun<'_>,
) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO hook_runs (deployment_id, name, kind, stage, status, started_at, deadline_at) \
         VALUES ($1, $2, $3, $4, 'starting', $5, $6) \
         ON CONFLICT (deployment_id, name, stage) DO NOTHING RETURNING id",
    )
    .bind(run.deployment_id)
    .bind(run.name)
    .bind(run.kind.as_str())
    .bind(run.stage.as_str())
    .bind(run.now)
    .bind(run.deadline_at)
    .fetch_optional(db)
    .await?;
    row.map(|r| r.try_get("id")).transpose()
}

/// The run of hook `name` at `stage` of a deployment, if it was claimed.
pub async fn find<'c>(
    db: impl Executor<'c, Database = Any>,
    deployment_id: i64,
    name: &str,
    stage: HookStage,
) -> Result<Option<HookRun>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM hook_runs WHERE deployment_id = $1 AND name = $2 AND stage = $3"
    ))
    .bind(deployment_id)
    .bind(name)
    .bind(stage.as_str())
    .fetch_optional(db)
    .await?;
    row.as_ref().map(parsed).transpose()
}

/// A run by id.
pub async fn by_id<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
) -> Result<Option<HookRun>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM hook_runs WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(parsed).transpose()
}

/// A deployment's runs, in the order they started.
pub async fn for_deployment<'c>(
    db: impl Executor<'c, Database = Any>,
    deployment_id: i64,
) -> Result<Vec<HookRunView>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM hook_runs WHERE deployment_id = $1 ORDER BY id"
    ))
    .bind(deployment_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(|r| parsed(r).map(|run| run.view)).collect()
}

/// Starts a claimed run again (an acceptance hook whose call a restart interrupted).
pub async fn restart<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    now: i64,
    deadline_at: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE hook_runs SET started_at = $1, deadline_at = $2, token_sha256 = NULL \
         WHERE id = $3 AND status = 'starting'",
    )
    .bind(now)
    .bind(deadline_at)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The hook was called: its result is awaited, at the callback with the token whose
/// SHA-256 is `token_sha256` (none for a command).
pub async fn called<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    token_sha256: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE hook_runs SET status = 'running', token_sha256 = $1 \
         WHERE id = $2 AND status = 'starting'",
    )
    .bind(token_sha256)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending<'a> {
    /// Passed, failed or timed out.
    pub status: HookStatus,
    /// A short line.
    pub summary: Option<&'a str>,
    /// Where the full report is.
    pub link: Option<&'a str>,
    /// A command's output.
    pub output: Option<&'a str>,
    /// Now, epoch ms.
    pub now: i64,
}

/// Records a run's result unless it has one already (`false` then); the token is spent.
pub async fn finish<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    ending: Ending<'_>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE hook_runs SET status = $1, summary = $2, link = $3, output = $4, \
         finished_at = $5, token_sha256 = NULL \
         WHERE id = $6 AND status IN ('starting', 'running')",
    )
    .bind(ending.status.as_str())
    .bind(ending.summary)
    .bind(ending.link)
    .bind(ending.output)
    .bind(ending.now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether `token_sha256` is run `id`'s unspent token.
pub async fn token_matches<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    token_sha256: &str,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT id FROM hook_runs WHERE id = $1 AND token_sha256 = $2")
        .bind(id)
        .bind(token_sha256)
        .fetch_optional(db)
        .await?;
    Ok(row.is_some())
}

/// Records what a receiver reported, if `token_sha256` is the run's unspent token: `false`
/// when it is not (wrong, spent, or the run already ended).
pub async fn report<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    token_sha256: &str,
    report: &HookReport,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let status = if report.passed {
        HookStatus::Passed
    } else {
        HookStatus::Failed
    };
    let done = sqlx::query(
        "UPDATE hook_runs SET status = $1, summary = $2, link = $3, finished_at = $4, \
         token_sha256 = NULL \
         WHERE id = $5 AND status = 'running' AND token_sha256 = $6",
    )
    .bind(status.as_str())
    .bind(report.summary.as_deref())
    .bind(report.link.as_deref())
    .bind(now)
    .bind(id)
    .bind(token_sha256)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
