//! The database: one `sqlx::AnyPool` over SQLite or PostgreSQL, migrations per backend, and
//! plain query functions per table. Times are stored as epoch milliseconds.

pub mod audit;
pub mod audit_chain;
pub mod bakes;
pub mod builds;
pub mod change_control;
pub mod changes;
pub mod chart_snapshots;
pub mod delivery_log;
pub mod deployments;
pub mod fleet_snapshots;
pub mod fleets;
pub mod history_plans;
pub mod hook_runs;
pub mod installation;
pub mod jobs;
pub mod logins;
pub mod notifications;
pub mod releases;
pub mod requests;
pub mod rollouts;
pub mod second_factor;
pub mod seed;
pub mod signoffs;
pub mod snapshots;
pub mod sso_logins;
pub mod tokens;
pub mod users;
pub mod warm_extension;
pub mod warm_notices;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Row};

/// Which database engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// The engine of `url`.
    pub fn of(url: &str) -> Self {
        if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }

    /// This backend's migrations.
    pub fn migrator(self) -> &'static Migrator {
        static SQLITE: Migrator = sqlx::migrate!("../migrations/sqlite");
        static POSTGRES: Migrator = sqlx::migrate!("../migrations/postgres");
        match self {
            Backend::Sqlite => &SQLITE,
            Backend::Postgres => &POSTGRES,
        }
    }
}

/// A SQLite URL with `mode=rwc` so that the file is created when missing.
pub fn normalise_url(url: &str) -> String {
    if Backend::of(url) == Backend::Sqlite && !url.contains("mode=") && !url.contains(":memory:") {
        let joiner = if url.contains('?') { '&' } else { '?' };
        format!("{url}{joiner}mode=rwc")
    } else {
        url.to_owned()
    }
}

/// Opens a pool on `url`.
pub async fn connect(url: &str) -> Result<AnyPool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let sqlite = Backend::of(url) == Backend::Sqlite;
    AnyPoolOptions::new()
        .max_connections(if sqlite { 8 } else { 16 })
        .after_connect(move |conn, _| {
            Box::pin(async move {
                // Write-ahead logging: pages read while the engine or a poller writes, instead
                // of waiting for the write's lock (a page's token lookup waited 0.8 s behind a
                // background write in rollback-journal mode). Kept by the file once set.
                if sqlite {
                    sqlx::Executor::execute(&mut *conn, "PRAGMA journal_mode = WAL").await?;
                }
                Ok(())
            })
        })
        .connect(&normalise_url(url))
        .await
}

/// Applies pending migrations.
pub async fn migrate(pool: &AnyPool, url: &str) -> Result<(), sqlx::migrate::MigrateError> {
    Backend::of(url).migrator().run(pool).await
}

/// True when the database answers and every migration is applied.
pub async fn ready(pool: &AnyPool, url: &str) -> bool {
    let expected = Backend::of(url).migrator().iter().count() as i64;
    let applied = sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations WHERE success = TRUE")
        .fetch_one(pool)
        .await
        .and_then(|row| row.try_get::<i64, _>("n"));
    matches!(applied, Ok(n) if n >= expected)
}

/// Reads an optional BIGINT column.
pub(crate) fn opt_i64(row: &AnyRow, column: &str) -> Result<Option<i64>, sqlx::Error> {
    row.try_get::<Option<i64>, _>(column)
}

/// A LIKE pattern (with `ESCAPE '\'`) matching every text that starts with `prefix`: LIKE's
/// own wildcards in the prefix are escaped so they match only themselves.
pub fn like_prefix(prefix: &str) -> String {
    let escaped = prefix
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("{escaped}%")
}

/// Begins a transaction that will write. On SQLite the write lock is taken at BEGIN
/// (`BEGIN IMMEDIATE`): a transaction that reads before it writes then waits its turn (the
/// busy timeout) instead of failing with `SQLITE_BUSY` because another writer committed after
/// its read. PostgreSQL's plain BEGIN already waits on row locks.
pub async fn begin_write(
    pool: &AnyPool,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    if pool.connect_options().database_url.scheme() == "sqlite" {
        pool.begin_with("BEGIN IMMEDIATE").await
    } else {
        pool.begin().await
    }
}

/// Begins a transaction whose reads all see one moment: a page built from several queries
/// then never shows a row half-way through another transaction's change (PostgreSQL's
/// default gives each statement its own snapshot; SQLite's read transaction is already one).
pub async fn begin_snapshot(
    pool: &AnyPool,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    if pool.connect_options().database_url.scheme() == "sqlite" {
        pool.begin().await
    } else {
        pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
    }
}
