//! `spawn_app()`: a fresh database and the real server on 127.0.0.1:0.

use app::domain::Role;
use greenlight::config::Settings;
use greenlight::{db, service, startup};
use reqwest::header::HeaderMap;
use sqlx::AnyPool;

pub struct TestApp {
    pub base: String,
    pub pool: AnyPool,
    pub client: reqwest::Client,
}

/// Which database this run uses.
pub fn backend_url() -> String {
    match std::env::var("GREENLIGHT_TEST_POSTGRES") {
        Ok(admin_url) if !admin_url.is_empty() => admin_url,
        _ => String::new(),
    }
}

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

pub async fn spawn_app() -> TestApp {
    spawn(|_| {}, None).await
}

pub async fn spawn_app_with_site(site: greenlight::site::Site) -> TestApp {
    spawn(|_| {}, Some(site)).await
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn(configure, None).await
}

async fn spawn(
    configure: impl FnOnce(&mut Settings),
    site: Option<greenlight::site::Site>,
) -> TestApp {
    let mut settings = Settings {
        listen: "127.0.0.1:0".parse().expect("addr"),
        database_url: fresh_database().await,
        demo: false,
        // Tests that want the engine in the background ask for it.
        engine_workers: 0,
        ..Settings::default()
    };
    configure(&mut settings);
    let pool = startup::database(&settings).await.expect("database");
    let site = site.unwrap_or_else(|| greenlight::site::Site::from_files(Vec::new()));
    let running = startup::start_with_site(settings, pool.clone(), site)
        .await
        .expect("server");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        base: format!("http://{}", running.address),
        pool,
        client,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Adds a user with a fixed password and returns the password.
    pub async fn user(&self, name: &str, role: Role) -> String {
        let password = format!("{name}-password-123");
        service::accounts::add_user(&self.pool, "test", "local", name, role, &password)
            .await
            .expect("add user");
        password
    }

    /// Adds a user with `role` and returns a token for it.
    pub async fn token(&self, name: &str, role: Role) -> String {
        self.user(name, role).await;
        service::accounts::create_token(&self.pool, "test", "local", name, "test")
            .await
            .expect("token")
            .secret
    }

    /// A fresh client (own cookie jar).
    pub fn new_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// Posts to a server function as a same-origin browser form would.
    pub async fn server_fn(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
        bearer: Option<&str>,
    ) -> reqwest::Response {
        let mut request = client
            .post(self.url(path))
            .form(form)
            .header("Origin", &self.base);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("server fn request")
    }

    /// Signs `client` in through the login server function.
    pub async fn login(
        &self,
        client: &reqwest::Client,
        name: &str,
        password: &str,
    ) -> reqwest::Response {
        self.server_fn(
            client,
            login_path(),
            &[("name", name), ("password", password)],
            None,
        )
        .await
    }

    pub async fn count(&self, table: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(&self.pool)
            .await
            .expect("count")
            .try_get("n")
            .expect("n")
    }
}

pub fn login_path() -> &'static str {
    <app::api::auth::Login as leptos::server_fn::ServerFn>::PATH
}

pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("greenlight_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

pub fn now() -> i64 {
    db::now_ms()
}
