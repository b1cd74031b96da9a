//! A fresh database per test: a SQLite file in the temp directory by default, a new database
//! on the PostgreSQL cluster named by `GREENLIGHT_TEST_POSTGRES` when set (the test command
//! runs the suites once each way).

use sqlx::AnyPool;

/// The PostgreSQL admin URL this run uses, or empty for SQLite.
pub fn backend_url() -> String {
    match std::env::var("GREENLIGHT_TEST_POSTGRES") {
        Ok(admin_url) if !admin_url.is_empty() => admin_url,
        _ => String::new(),
    }
}

/// The URL of a new, empty database.
pub async fn fresh_database() -> String {
    let admin_url = backend_url();
    let name = format!("gl_test_{}", rand::random::<u64>());
    if admin_url.is_empty() {
        let path = std::env::temp_dir().join(format!("{name}.db"));
        return format!("sqlite://{}", path.display());
    }
    sqlx::any::install_default_drivers();
    let admin = AnyPool::connect(&admin_url)
        .await
        .expect("GREENLIGHT_TEST_POSTGRES must be reachable");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create database");
    admin.close().await;
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("postgres URL with a database");
    format!("{base}/{name}")
}
