//! The permanent release history. Rows are written by deployments (and the demo seed) and
//! read with keyset pagination over `(started_at, id)`, which every index ends with.

use app::domain::history::HistoryCursor;
use app::domain::{DeploymentKind, DeploymentRecord, HistoryFilter, Outcome, Timestamp};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, Arguments, Executor, Row};

pub(super) const SELECT: &str = "SELECT d.id, d.environment, b.version, b.revision, d.kind, d.outcome, d.started_by, \
     d.started_at, d.finished_at, d.notes, d.demo, d.signoff_id, s.signed_by AS approved_by, \
     s.signed_at AS approved_at, s.notes AS approval_notes, d.freeze_override \
     FROM deployments d JOIN builds b ON b.id = d.build_id LEFT JOIN signoffs s ON s.id = d.signoff_id";

/// [`SELECT`] for the history's pages, the deployments first.
const PAGE_SELECT: &str =
    "SELECT d.id, d.environment, b.version, b.revision, d.kind, d.outcome, d.started_by, \
     d.started_at, d.finished_at, d.notes, d.demo, d.signoff_id, s.signed_by AS approved_by, \
     s.signed_at AS approved_at, s.notes AS approval_notes, d.freeze_override \
     FROM deployments d CROSS JOIN builds b LEFT JOIN signoffs s ON s.id = d.signoff_id";

/// A deployment to record.
#[derive(Debug, Clone)]
pub struct NewDeployment<'a> {
    /// Environment name.
    pub environment: &'a str,
    /// Build id.
    pub build_id: i64,
    /// What it does.
    pub kind: DeploymentKind,
    /// How it ended (or in progress).
    pub outcome: Outcome,
    /// Who started it.
    pub started_by: &'a str,
    /// Start, epoch ms.
    pub started_at: i64,
    /// End, epoch ms.
    pub finished_at: Option<i64>,
    /// Notes.
    pub notes: &'a str,
    /// Written by the demo seed.
    pub demo: bool,
}

/// Records a deployment.
pub async fn insert<'c>(
    db: impl Executor<'c, Database = Any>,
    new: &NewDeployment<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO deployments (environment, build_id, kind, outcome, started_by, started_at, finished_at, notes, demo) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(new.environment)
    .bind(new.build_id)
    .bind(new.kind.as_str())
    .bind(new.outcome.as_str())
    .bind(new.started_by)
    .bind(new.started_at)
    .bind(new.finished_at)
    .bind(new.notes)
    .bind(i64::from(new.demo))
    .fetch_one(db)
    .await?
    .try_get("id")
}

pub(super) fn record(row: &AnyRow) -> Result<DeploymentRecord, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let outcome: String = row.try_get("outcome")?;
    Ok(DeploymentRecord {
        id: row.try_get("id")?,
        environment: row.try_get("environment")?,
        build_version: row.try_get("version")?,
        build_revision: row.try_get("revision")?,
        kind: DeploymentKind::parse(&kind).map_err(|e| sqlx::Error::Decode(e.into()))?,
        outcome: Outcome::parse(&outcome).map_err(|e| sqlx::Error::Decode(e.into()))?,
        started_by: row.try_get("started_by")?,
        started_at: Timestamp::from_millis(row.try_get("started_at")?),
        finished_at: super::opt_i64(row, "finished_at")?.map(Timestamp::from_millis),
        notes: row.try_get("notes")?,
        demo: row.try_get::<i64, _>("demo")? != 0,
        signoff_id: super::opt_i64(row, "signoff_id")?,
        approved_by: row.try_get("approved_by")?,
        approved_at: super::opt_i64(row, "approved_at")?.map(Timestamp::from_millis),
        approval_notes: row.try_get("approval_notes")?,
        freeze_override: row.try_get("freeze_override")?,
    })
}

/// Records the admin's reason for letting deployment `id` through a freeze.
pub async fn set_freeze_override<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE deployments SET freeze_override = $1 WHERE id = $2")
        .bind(reason)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Adds `note` to deployment `id`'s notes (after a `; ` when it has some).
pub async fn append_note<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    note: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE deployments SET notes = CASE WHEN notes = '' THEN $1 ELSE notes || '; ' || $2 END \
         WHERE id = $3",
    )
    .bind(note)
    .bind(note)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// The WHERE clause of a filter, with its arguments in placeholder order.
fn conditions(
    filter: &HistoryFilter,
    cursor: Option<HistoryCursor>,
) -> Result<(String, AnyArguments<'static>), sqlx::Error> {
    let mut sql = String::from(" WHERE 1 = 1");
    let mut args = AnyArguments::default();
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    let encode = |e| sqlx::Error::Encode(e);
    if let Some(env) = &filter.environment {
        sql += &format!(" AND d.environment = ${}", next());
        args.add(env.clone()).map_err(encode)?;
    }
    if let Some(build) = &filter.build {
        sql += &format!(
            " AND d.build_id = (SELECT id FROM builds WHERE version = ${})",
            next()
        );
        args.add(build.clone()).map_err(encode)?;
    }
    if let Some(user) = &filter.user {
        sql += &format!(" AND d.started_by = ${}", next());
        args.add(user.clone()).map_err(encode)?;
    }
    if let Some(outcome) = filter.outcome {
        sql += &format!(" AND d.outcome = ${}", next());
        args.add(outcome.as_str().to_owned()).map_err(encode)?;
    }
    if let Some(from) = filter.from {
        sql += &format!(" AND d.started_at >= ${}", next());
        args.add(from.millis()).map_err(encode)?;
    }
    if let Some(to) = filter.to {
        sql += &format!(" AND d.started_at < ${}", next());
        args.add(to.millis()).map_err(encode)?;
    }
    if let Some(cursor) = cursor {
        // Each placeholder is used once, in order, so SQLite and PostgreSQL bind alike. The
        // first bound alone is what lets either database seek into the index at the cursor;
        // without it, a page deep in a long history reads every newer entry first.
        let (a, b, c, d) = (next(), next(), next(), next());
        sql += &format!(
            " AND d.started_at <= ${a} AND (d.started_at < ${b} OR (d.started_at = ${c} AND d.id < ${d}))"
        );
        args.add(cursor.started_at).map_err(encode)?;
        args.add(cursor.started_at).map_err(encode)?;
        args.add(cursor.started_at).map_err(encode)?;
        args.add(cursor.id).map_err(encode)?;
    }
    Ok((sql, args))
}

/// A page of history, newest first, strictly after `cursor`.
pub async fn page<'c>(
    db: impl Executor<'c, Database = Any>,
    filter: &HistoryFilter,
    cursor: Option<HistoryCursor>,
    limit: i64,
) -> Result<Vec<DeploymentRecord>, sqlx::Error> {
    let (sql, args) = page_query(filter, cursor, limit)?;
    let rows = sqlx::query_with(&sql, args).fetch_all(db).await?;
    rows.iter().map(record).collect()
}

/// The SQL of [`page`] with its arguments (also read by [`super::history_plans`]).
pub(super) fn page_query(
    filter: &HistoryFilter,
    cursor: Option<HistoryCursor>,
    limit: i64,
) -> Result<(String, AnyArguments<'static>), sqlx::Error> {
    let (conditions, mut args) = conditions(filter, cursor)?;
    let placeholder = args.len() + 1;
    args.add(limit).map_err(sqlx::Error::Encode)?;
    // `CROSS JOIN` keeps the deployments the outer loop in SQLite (PostgreSQL plans it as the
    // inner join it is): with a million rows' statistics SQLite otherwise may walk the builds
    // and sort every match of a date range.
    let sql = format!(
        "{PAGE_SELECT}{conditions} AND b.id = d.build_id \
         ORDER BY d.started_at DESC, d.id DESC LIMIT ${placeholder}"
    );
    Ok((sql, args))
}

/// Counting stops here: beyond it pages say "10,000+", so that a broad filter over a long
/// history never costs more than this many index entries.
pub const COUNT_CAP: i64 = 10_000;

/// How many rows match a filter, up to [`COUNT_CAP`] + 1.
pub async fn count_capped<'c>(
    db: impl Executor<'c, Database = Any>,
    filter: &HistoryFilter,
) -> Result<i64, sqlx::Error> {
    let (sql, args) = count_query(filter)?;
    sqlx::query_with(&sql, args)
        .fetch_one(db)
        .await?
        .try_get("n")
}

/// The SQL of [`count_capped`] with its arguments.
pub(super) fn count_query(
    filter: &HistoryFilter,
) -> Result<(String, AnyArguments<'static>), sqlx::Error> {
    let (conditions, mut args) = conditions(filter, None)?;
    let placeholder = args.len() + 1;
    args.add(COUNT_CAP + 1).map_err(sqlx::Error::Encode)?;
    let sql = format!("SELECT COUNT(*) AS n FROM (SELECT 1 FROM deployments d{conditions} LIMIT ${placeholder}) AS capped");
    Ok((sql, args))
}

/// The release an environment runs: its newest successful deploy, promote or rollback.
pub async fn current<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
) -> Result<Option<DeploymentRecord>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE d.environment = $1 AND d.outcome = 'succeeded' AND d.kind <> 'scale' \
         ORDER BY d.started_at DESC, d.id DESC LIMIT 1"
    );
    let row = sqlx::query(&sql)
        .bind(environment)
        .fetch_optional(db)
        .await?;
    row.map(|row| record(&row)).transpose()
}

/// An environment's newest deployment of any outcome.
pub async fn latest<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
) -> Result<Option<DeploymentRecord>, sqlx::Error> {
    let sql =
        format!("{SELECT} WHERE d.environment = $1 ORDER BY d.started_at DESC, d.id DESC LIMIT 1");
    let row = sqlx::query(&sql)
        .bind(environment)
        .fetch_optional(db)
        .await?;
    row.map(|row| record(&row)).transpose()
}

/// Every deployment of one build, newest first.
pub async fn for_build<'c>(
    db: impl Executor<'c, Database = Any>,
    build_id: i64,
) -> Result<Vec<DeploymentRecord>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE d.build_id = $1 ORDER BY d.started_at DESC, d.id DESC");
    let rows = sqlx::query(&sql).bind(build_id).fetch_all(db).await?;
    rows.iter().map(record).collect()
}

/// Whether any row came from the demo seed.
pub async fn has_demo<'c>(db: impl Executor<'c, Database = Any>) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT id FROM deployments WHERE demo = 1 LIMIT 1")
        .fetch_optional(db)
        .await?;
    Ok(row.is_some())
}

/// One deployment.
pub async fn by_id<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
) -> Result<Option<DeploymentRecord>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE d.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(db).await?;
    row.map(|row| record(&row)).transpose()
}

/// The id of the environment's deployment in flight, if any.
pub async fn in_flight<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id FROM deployments WHERE environment = $1 AND outcome = 'in_progress' LIMIT 1",
    )
    .bind(environment)
    .fetch_optional(db)
    .await?;
    row.map(|r| r.try_get("id")).transpose()
}

/// Every release an environment went through: its succeeded deployments, oldest first (the
/// history rollback walks; see `app::domain::release_line`).
pub async fn releases<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
) -> Result<Vec<DeploymentRecord>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE d.environment = $1 AND d.outcome = 'succeeded' \
         ORDER BY d.started_at, d.id"
    );
    let rows = sqlx::query(&sql).bind(environment).fetch_all(db).await?;
    rows.iter().map(record).collect()
}

/// The environment's most recent deployments, newest first.
pub async fn recent<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
    limit: i64,
) -> Result<Vec<DeploymentRecord>, sqlx::Error> {
    let sql =
        format!("{SELECT} WHERE d.environment = $1 ORDER BY d.started_at DESC, d.id DESC LIMIT $2");
    let rows = sqlx::query(&sql)
        .bind(environment)
        .bind(limit)
        .fetch_all(db)
        .await?;
    rows.iter().map(record).collect()
}
