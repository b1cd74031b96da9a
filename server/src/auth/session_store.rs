//! Server-side sessions in the application's database, through tower-sessions' sqlx stores.
//! The stores are typed per backend, so this enum picks one at start-up. Every call has a
//! deadline: a store that never answers fails the request (logged, naming the call) instead
//! of holding it.

use async_trait::async_trait;
use std::future::Future;
use std::time::Duration;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The session store for the configured database.
#[derive(Debug, Clone)]
pub enum Store {
    /// SQLite.
    Sqlite(SqliteStore),
    /// PostgreSQL.
    Postgres(PostgresStore),
}

impl Store {
    /// Opens a store on `url` and creates its table if needed.
    pub async fn open(url: &str) -> Result<Self, sqlx::Error> {
        let store = if url.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(&crate::db::normalise_url(url)).await?;
            let store = SqliteStore::new(pool);
            store.migrate().await?;
            Store::Sqlite(store)
        } else {
            let pool = sqlx::PgPool::connect(url).await?;
            let store = PostgresStore::new(pool);
            store.migrate().await?;
            Store::Postgres(store)
        };
        Ok(store)
    }
}

/// How long one store call may take.
pub const STORE_DEADLINE: Duration = Duration::from_secs(10);

/// `call` within [`STORE_DEADLINE`], or a backend error naming `what`.
async fn within_deadline<T>(
    what: &'static str,
    call: impl Future<Output = session_store::Result<T>>,
) -> session_store::Result<T> {
    match tokio::time::timeout(STORE_DEADLINE, call).await {
        Ok(result) => result,
        Err(_) => {
            tracing::error!(call = what, deadline = ?STORE_DEADLINE, "the session store gave no answer");
            Err(session_store::Error::Backend(format!(
                "session {what} took longer than {STORE_DEADLINE:?}"
            )))
        }
    }
}

#[async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => within_deadline("create", s.create(record)).await,
            Store::Postgres(s) => within_deadline("create", s.create(record)).await,
        }
    }
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => within_deadline("save", s.save(record)).await,
            Store::Postgres(s) => within_deadline("save", s.save(record)).await,
        }
    }
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Store::Sqlite(s) => within_deadline("load", s.load(id)).await,
            Store::Postgres(s) => within_deadline("load", s.load(id)).await,
        }
    }
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => within_deadline("delete", s.delete(id)).await,
            Store::Postgres(s) => within_deadline("delete", s.delete(id)).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for Store {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => s.delete_expired().await,
            Store::Postgres(s) => s.delete_expired().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_store_call_that_never_answers_fails_at_the_deadline_naming_the_call() {
        let started = tokio::time::Instant::now();
        let result =
            within_deadline("save", std::future::pending::<session_store::Result<()>>()).await;
        assert_eq!(started.elapsed(), STORE_DEADLINE);
        let error = result.expect_err("timed out").to_string();
        assert!(
            error.contains("session save took longer than 10s"),
            "{error}"
        );
        assert_eq!(
            within_deadline("load", async { Ok(7) })
                .await
                .expect("answers"),
            7
        );
    }
}
