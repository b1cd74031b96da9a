//! A real OpenID provider for the single sign-on tests: `testing/oidc/provider.mjs`
//! (panva/oidc-provider, installed by `scripts/tools.sh --with-browser`) on a free loopback
//! port, its issuer on `localhost` — another site than Greenlight's `127.0.0.1`. Stopped on
//! drop. [`sign_in`] walks a browser's way through it with a cookie-keeping client.

use super::app::TestApp;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The client secret the provider and Greenlight share in these tests.
pub const CLIENT_SECRET: &str = "test-client-secret-0123456789";

pub struct Provider {
    child: Child,
    dir: PathBuf,
    port: u16,
    redirect_base: String,
    tampered: Vec<String>,
    /// `http://localhost:{port}`.
    pub issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(self.dir.join("provider.log")).unwrap_or_default();
            eprintln!("--- test OpenID provider's log\n{log}");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port()
}

fn script() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../testing/oidc/provider.mjs"
    ))
}

fn launch(port: u16, dir: &std::path::Path, redirect_base: &str, tampered: &[String]) -> Child {
    let modules = script().with_file_name("node_modules");
    assert!(
        modules.join("oidc-provider").is_dir(),
        "the test OpenID provider is not installed: run scripts/tools.sh --with-browser"
    );
    let mut child = Command::new("node")
        .arg(script())
        .env("OIDC_PORT", port.to_string())
        .env("OIDC_CLIENT_ID", "greenlight")
        .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
        .env(
            "OIDC_REDIRECT_URI",
            format!("{redirect_base}/auth/oidc/callback"),
        )
        .env(
            "OIDC_POST_LOGOUT_REDIRECT_URI",
            format!("{redirect_base}/login"),
        )
        .env("OIDC_ACCOUNTS", dir.join("accounts.json"))
        .env("OIDC_TAMPER", tampered.join(","))
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join("provider.log")).map_or(Stdio::null(), Stdio::from))
        .spawn()
        .expect("node must be installed");
    let stdout = child.stdout.take().expect("stdout");
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    reader.read_line(&mut line).expect("provider output");
    assert!(
        line.starts_with("ready "),
        "provider did not start: {line:?}"
    );
    // The provider writes notices later; a closed pipe would kill it.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    child
}

impl Provider {
    /// Starts the provider for a Greenlight at `redirect_base` (its public URL), with these
    /// accounts (`{"alice": {"groups": ["release-managers"]}}`); `tampered` accounts get an
    /// ID token altered after signing.
    pub fn start(redirect_base: &str, accounts: Value, tampered: &[&str]) -> Self {
        let dir = std::env::temp_dir().join(format!("greenlight-oidc-{}", free_port()));
        std::fs::create_dir_all(&dir).expect("dir");
        let port = free_port();
        let tampered: Vec<String> = tampered.iter().map(|s| s.to_string()).collect();
        let provider = Self {
            child: launch(port, &dir, redirect_base, &tampered),
            dir,
            port,
            redirect_base: redirect_base.to_owned(),
            tampered,
            issuer: format!("http://localhost:{port}"),
        };
        provider.set_accounts(accounts);
        provider
    }

    /// Replaces the accounts (read at every sign-in).
    pub fn set_accounts(&self, accounts: Value) {
        std::fs::write(self.dir.join("accounts.json"), accounts.to_string()).expect("accounts");
    }

    /// Restarts on the same port with a fresh signing key (a key rotation).
    pub fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.child = launch(self.port, &self.dir, &self.redirect_base, &self.tampered);
    }

    /// The file holding the client secret, for `{ file = … }`.
    pub fn secret_file(&self) -> PathBuf {
        let path = self.dir.join("client_secret");
        std::fs::write(&path, format!("{CLIENT_SECRET}\n")).expect("secret");
        path
    }
}

/// Where a walk through the sign-in ended.
pub struct Outcome {
    /// The client, holding Greenlight's session when it started.
    pub client: reqwest::Client,
    /// The last URL fetched.
    pub url: String,
    /// Its status.
    pub status: u16,
    /// Its body.
    pub body: String,
}

/// Signs in through the provider as `account`, as a browser would: Greenlight's
/// `/auth/oidc/login`, the provider's sign-in page, back to the callback.
pub async fn sign_in(app: &TestApp, account: &str) -> Outcome {
    let client = app.new_client();
    let first = app.url("/auth/oidc/login?next=/history");
    let mut outcome = walk(&client, first).await;
    if outcome.url.contains("/interaction/") && outcome.status == 200 {
        let post = format!("{}/login", outcome.url);
        let response = client
            .post(&post)
            .form(&[("login", account)])
            .send()
            .await
            .expect("provider sign-in");
        let next = location(&post, &response).expect("the provider sends the browser on");
        outcome = walk(&client, next).await;
    }
    Outcome { client, ..outcome }
}

fn location(from: &str, response: &reqwest::Response) -> Option<String> {
    if !response.status().is_redirection() {
        return None;
    }
    let to = response.headers().get("location")?.to_str().ok()?;
    Some(reqwest::Url::parse(from).ok()?.join(to).ok()?.to_string())
}

/// Follows redirects from `url` until an answer that is not one.
pub async fn walk(client: &reqwest::Client, mut url: String) -> Outcome {
    for _ in 0..20 {
        let response = client.get(&url).send().await.expect("request");
        match location(&url, &response) {
            Some(next) => url = next,
            None => {
                let status = response.status().as_u16();
                let body = response.text().await.unwrap_or_default();
                return Outcome {
                    client: client.clone(),
                    url,
                    status,
                    body,
                };
            }
        }
    }
    panic!("too many redirects from {url}");
}
