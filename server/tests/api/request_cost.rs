//! What a request costs the database: site files ask nobody who wants them, and a token's use
//! is written down at most once a minute, so that a busy client's reads do not queue behind
//! writes.

use crate::support::app::{spawn_app, spawn_app_with_site};
use app::domain::Role;
use greenlight::site::Site;
use sqlx::Row;

#[tokio::test]
async fn a_site_file_is_served_without_looking_up_who_asks() {
    let app = spawn_app_with_site(Site::from_files(vec![(
        "pkg/greenlight.abc.css".into(),
        b"body{}".to_vec(),
    )]))
    .await;
    // A token nobody issued: an API answer would be 401; the file is public and the same
    // for everyone, so nothing looks the token up.
    let file = app
        .get(Some("gl_not_a_real_token"), "/pkg/greenlight.abc.css")
        .await;
    assert_eq!(file.status(), 200);
    assert!(
        file.headers().get("set-cookie").is_none(),
        "no session touched"
    );
    let api = app.get(Some("gl_not_a_real_token"), "/api/v1/builds").await;
    assert_eq!(api.status(), 401, "the same token on the API is refused");
}

async fn last_used(app: &crate::support::app::TestApp) -> Option<i64> {
    sqlx::query("SELECT last_used_at FROM api_tokens")
        .fetch_one(&app.pool)
        .await
        .expect("token row")
        .try_get("last_used_at")
        .expect("last_used_at")
}

#[tokio::test]
async fn a_tokens_use_is_written_down_at_most_once_a_minute() {
    let app = spawn_app().await;
    let token = app.token("ana", Role::Viewer).await;
    assert_eq!(app.get(Some(&token), "/api/v1/builds").await.status(), 200);
    let first = last_used(&app)
        .await
        .expect("the first use is written down");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(app.get(Some(&token), "/api/v1/builds").await.status(), 200);
    assert_eq!(
        last_used(&app).await,
        Some(first),
        "a second use within the minute writes nothing"
    );
    // As if the first use were a minute ago.
    sqlx::query("UPDATE api_tokens SET last_used_at = $1")
        .bind(first - 60_000)
        .execute(&app.pool)
        .await
        .expect("age the use");
    assert_eq!(app.get(Some(&token), "/api/v1/builds").await.status(), 200);
    let later = last_used(&app).await.expect("written down");
    assert!(
        later >= first,
        "a use a minute later is written down: {later} vs {first}"
    );
}

/// Pages read while the engine and the pollers write: on SQLite that takes write-ahead logging,
/// which the server sets on its database file (a file keeps its journal mode).
#[tokio::test]
async fn a_sqlite_database_is_kept_in_write_ahead_log_mode() {
    let app = spawn_app().await;
    let Some(path) = app.database_url.strip_prefix("sqlite://") else {
        return; // PostgreSQL: readers never wait for writers there.
    };
    use sqlx::Connection;
    let mut raw = sqlx::SqliteConnection::connect(&format!("sqlite://{path}"))
        .await
        .expect("open the file");
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut raw)
        .await
        .expect("journal mode");
    assert_eq!(mode, "wal");
}
