//! A real SMTP server for the e-mail tests: `testing/smtp/server.py` (aiosmtpd, installed by
//! `scripts/tools.sh --with-browser` into the tools' Python environment) on a free loopback
//! port, speaking STARTTLS or implicit TLS with a certificate it makes for `localhost`, and
//! requiring AUTH with one account. Stopped on drop.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The account the server accepts.
pub const LOGIN: &str = "greenlight";
/// Its password.
pub const PASSWORD: &str = "smtp-password-for-tests-0123";

pub struct MailServer {
    child: Child,
    dir: PathBuf,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
}

impl Drop for MailServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
            eprintln!("--- test SMTP server's log\n{log}");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn python() -> String {
    std::env::var("GREENLIGHT_TEST_PYTHON").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_default();
        format!("{home}/.cache/greenlight/tools/moto-venv/bin/python")
    })
}

impl MailServer {
    /// Starts it; `mode` is `starttls` or `tls`.
    pub fn start(mode: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("greenlight-smtp-{}", super::oidc::free_port()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("password"), PASSWORD).expect("password");
        let script = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../testing/smtp/server.py"
        ));
        let mut child = Command::new(python())
            .arg(script)
            .args(["--dir", dir.to_str().expect("utf-8 dir"), "--mode", mode])
            .args(["--login", LOGIN, "--password-file"])
            .arg(dir.join("password"))
            .stdout(Stdio::piped())
            .stderr(
                std::fs::File::create(dir.join("server.log")).map_or(Stdio::null(), Stdio::from),
            )
            .spawn()
            .expect("the tools' Python must be installed: scripts/tools.sh --with-browser");
        let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        reader.read_line(&mut line).expect("server output");
        let port = line
            .strip_prefix("ready ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| {
                let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
                panic!("the SMTP server did not start ({line:?}): {log}")
            });
        Self { child, dir, port }
    }

    /// The certificate it serves, for `ca_file`.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// The file holding the account's password, for `{ file = … }`.
    pub fn password_file(&self) -> PathBuf {
        self.dir.join("password")
    }

    /// Every message accepted so far: `{"from", "to", "data", "login"}`.
    pub fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(self.dir.join("messages.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).expect("a recorded message"))
            .collect()
    }

    /// Waits (up to 15 s) until `n` messages arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Value> {
        for _ in 0..150 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{} message(s) arrived, {n} expected", self.received().len());
    }
}
