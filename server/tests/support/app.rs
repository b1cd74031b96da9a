//! `spawn_app()`: a fresh database and the real server on 127.0.0.1:0, with request helpers
//! (bearer or cookie, JSON in and out) every HTTP test uses.

use super::database::fresh_database;
use app::domain::Role;
use greenlight::clock::SystemClock;
use greenlight::config::Settings;
use greenlight::{service, startup};
use reqwest::header::HeaderMap;
use serde_json::Value;
use sqlx::AnyPool;

pub struct TestApp {
    pub base: String,
    pub pool: AnyPool,
    pub client: reqwest::Client,
    /// The database the server uses (for running the binary against it).
    pub database_url: String,
    /// The runtime the server runs on; the server stops with the app.
    _server: ServerRuntime,
}

/// The server's own multi-thread runtime, as in production (see `greenlight::cli::runtime`):
/// a test's own runtime has one thread, on which Leptos' server rendering can leave a page
/// waiting on a resource forever (leptos-rs/leptos#4647; seen here as a page that never
/// answered, about one suite run in five).
struct ServerRuntime(Option<tokio::runtime::Runtime>);

impl Drop for ServerRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
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
    // Errors the server logs (an internal error's cause) show beside a failing test.
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter(tracing_subscriber::EnvFilter::new("error"))
        .try_init();
    let mut settings = Settings {
        listen: "127.0.0.1:0".parse().expect("addr"),
        database_url: fresh_database().await,
        demo: false,
        // Tests that want the engine in the background ask for it.
        engine_workers: 0,
        ..Settings::default()
    };
    configure(&mut settings);
    let database_url = settings.database_url.clone();
    let site = site.unwrap_or_else(|| greenlight::site::Site::from_files(Vec::new()));
    let runtime = greenlight::cli::runtime().expect("server runtime");
    let (pool, running) = runtime
        .spawn(async move {
            let pool = startup::database(&settings).await.expect("database");
            let running = startup::start_with_site(settings, pool.clone(), site)
                .await
                .expect("server");
            (pool, running)
        })
        .await
        .expect("server start");
    let client = cookie_client(None);
    TestApp {
        base: format!("http://{}", running.address),
        pool,
        client,
        database_url,
        _server: ServerRuntime(Some(runtime)),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Adds a user with a fixed password and returns the password.
    pub async fn user(&self, name: &str, role: Role) -> String {
        let password = format!("{name}-password-123");
        service::users::add(
            &self.pool,
            &SystemClock,
            test_actor(),
            name,
            role,
            app::domain::UserKind::Person,
            &password,
        )
        .await
        .expect("add user");
        password
    }

    /// Adds a user with `role` and returns a token for it with every scope the role allows.
    pub async fn token(&self, name: &str, role: Role) -> String {
        self.user(name, role).await;
        let scopes: Vec<&str> = app::domain::Scope::ALL
            .into_iter()
            .filter(|s| role.allows(s.grants()))
            .map(|s| s.as_str())
            .collect();
        self.token_with(name, &scopes.join(" "), "").await
    }

    /// A token for the existing user `owner` with `scopes`, expiring in `days` (empty: never),
    /// made as the command line makes it.
    pub async fn token_with(&self, owner: &str, scopes: &str, days: &str) -> String {
        let form = app::domain::views::TokenForm {
            user: owner.into(),
            name: "test".into(),
            scopes: scopes.into(),
            expires_in_days: days.into(),
        };
        service::tokens::create(&self.pool, &SystemClock, test_actor(), true, &form)
            .await
            .expect("token")
            .secret
    }

    /// `GET path`, with a bearer token when given.
    pub async fn get(&self, token: Option<&str>, path: &str) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("GET request")
    }

    /// `POST path` with a JSON body, with a bearer token when given.
    pub async fn post(&self, token: Option<&str>, path: &str, body: &Value) -> reqwest::Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("POST request")
    }

    /// [`Self::get`], answered as status and JSON (`null` when the body is not JSON).
    pub async fn get_json(&self, token: Option<&str>, path: &str) -> (u16, Value) {
        status_and_json(self.get(token, path).await).await
    }

    /// [`Self::post`], answered as status and JSON (`null` when the body is not JSON).
    pub async fn post_json(&self, token: Option<&str>, path: &str, body: Value) -> (u16, Value) {
        status_and_json(self.post(token, path, &body).await).await
    }

    /// A fresh client (own cookie jar).
    pub fn new_client(&self) -> reqwest::Client {
        cookie_client(None)
    }

    /// A fresh client whose connections leave from `address`, any of 127.0.0.0/8 (all of it
    /// is loopback on Linux), so that the server sees a peer of its own.
    pub fn client_from(&self, address: &str) -> reqwest::Client {
        cookie_client(Some(address.parse().expect("loopback address")))
    }

    /// Posts to a server function as a same-origin browser form would.
    pub async fn server_fn(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
        bearer: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self.server_fn_request(client, path, form);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("server fn request")
    }

    fn server_fn_request(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::RequestBuilder {
        client
            .post(self.url(path))
            .form(form)
            .header("Origin", &self.base)
    }

    /// A fresh client (its own cookies) signed in as `name`.
    pub async fn signed_in(&self, name: &str, password: &str) -> reqwest::Client {
        let client = self.new_client();
        let response = self.login(&client, name, password).await;
        assert!(
            response.status().is_success(),
            "{name}: {}",
            response.status()
        );
        client
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

    /// [`Self::login`] with an `X-Forwarded-For` header, as a reverse proxy would send it.
    pub async fn login_forwarded_for(
        &self,
        client: &reqwest::Client,
        forwarded_for: &str,
        name: &str,
        password: &str,
    ) -> reqwest::Response {
        self.server_fn_request(
            client,
            login_path(),
            &[("name", name), ("password", password)],
        )
        .header("X-Forwarded-For", forwarded_for)
        .send()
        .await
        .expect("login request")
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

    /// How many audit rows record `action`.
    pub async fn audited(&self, action: &str) -> i64 {
        use sqlx::Row;
        sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(&self.pool)
            .await
            .expect("audit")
            .try_get("n")
            .expect("n")
    }
}

/// A client that keeps cookies and does not follow redirects, connecting from `local` when
/// given.
fn cookie_client(local: Option<std::net::IpAddr>) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(local)
        // A server that never answers fails the test, naming the request, instead of
        // stalling the whole run.
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("client")
}

/// The actor test set-up runs as: like the command line, audited as `test`.
pub fn test_actor() -> service::users::Actor<'static> {
    service::users::Actor {
        id: None,
        name: "test",
        address: "local",
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

/// A response's status and JSON body (`null` when it is not JSON).
pub async fn status_and_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}
