//! As an operator would see it, against moto: the real `greenlight` binary deploys two
//! instances into TEST, is killed with SIGKILL right after the launch and started again at
//! once. The deployment resumes within the lease (seconds, not minutes), ends `succeeded`
//! with exactly the instances it launched, and the resume delay is printed (`--nocapture`).
//! And a second installation in the same account neither adopts nor terminates the first's
//! instances.

use crate::moto::{clients, fixture, start, Moto};
use greenlight::cloud::aws::AwsClients;
use greenlight::cloud::installation::InstallationCloud;
use greenlight::cloud::{tag, Cloud, CloudError, InstanceState, Tags};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port()
}

/// A config for one TEST environment of two instances behind `group`, on moto.
fn write_config(dir: &Path, port: u16, moto: &Moto, group: &str, subnet: &str) -> PathBuf {
    let config = format!(
        r#"listen = "127.0.0.1:{port}"
database_url = "sqlite://{db}"
demo = false
engine_poll = "1s"

[cloud]
provider = "aws"
region = "eu-west-1"
endpoint_url = "{endpoint}"

[[environments]]
name = "test"
title = "TEST"
strategy = "target-group"
target_group_arns = ["{group}"]
desired_capacity = 2
health_deadline = "1m"
verify_window = "2s"
warm_retention = "1s"

[environments.instance]
instance_type = "t3.small"
subnet_ids = ["{subnet}"]
"#,
        db = dir.join("greenlight.db").display(),
        endpoint = moto.url,
    );
    let path = dir.join("greenlight.toml");
    std::fs::write(&path, config).expect("config");
    path
}

fn greenlight(config: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_greenlight"));
    command
        .arg("--config")
        .arg(config)
        .env_remove("GREENLIGHT_TEST_POSTGRES")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("RUST_LOG", "warn");
    command
}

/// Adds an engineer and returns a token for it, through the CLI.
fn engineer_token(config: &Path) -> String {
    let mut add = greenlight(config)
        .args([
            "user",
            "add",
            "ci",
            "--role",
            "engineer",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("user add");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(b"a-long-enough-password\n")
        .expect("password");
    assert!(add.wait().expect("user add").success());
    let token = greenlight(config)
        .args(["token", "create", "ci", "--name", "ci"])
        .output()
        .expect("token create");
    assert!(token.status.success());
    String::from_utf8(token.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

/// A running `greenlight serve`, killed and reaped when dropped (a failing test included).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `greenlight serve` and waits until it answers.
async fn serve(config: &Path, base: &str) -> Server {
    let server = Server(
        greenlight(config)
            .arg("serve")
            .stdout(Stdio::null())
            .spawn()
            .expect("serve"),
    );
    for _ in 0..300 {
        if reqwest::get(format!("{base}/healthz")).await.is_ok() {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("greenlight did not start");
}

async fn deployment(client: &reqwest::Client, base: &str, token: &str, id: i64) -> Value {
    client
        .get(format!("{base}/api/v1/deployments/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET deployment")
        .json()
        .await
        .expect("json")
}

async fn instances_of(aws: &AwsClients, deployment: i64) -> Vec<String> {
    let cloud: Arc<dyn Cloud> = Arc::new(aws.clone());
    let tags = Tags::from([(tag::DEPLOYMENT.to_owned(), deployment.to_string())]);
    cloud
        .find_instances(&tags)
        .await
        .expect("instances")
        .into_iter()
        .filter(|i| i.state != InstanceState::Terminated)
        .map(|i| i.id)
        .collect()
}

#[tokio::test]
async fn killed_with_sigkill_after_the_launch_greenlight_resumes_within_seconds_and_succeeds() {
    let moto = start().await;
    let aws = clients(&moto).await;
    let f = fixture(&aws).await;
    let dir = std::env::temp_dir().join(format!("gl-restart-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("dir");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let config = write_config(&dir, port, &moto, &f.blue, &f.subnet_id);
    let token = engineer_token(&config);
    let mut process = serve(&config, &base).await;
    let client = reqwest::Client::new();
    let build = serde_json::json!({"version": "1.0.0", "revision": "abcdef1", "artifact": {"ami_id": f.image_id}});
    let registered = client
        .post(format!("{base}/api/v1/builds"))
        .bearer_auth(&token)
        .json(&build)
        .send()
        .await
        .expect("register");
    assert_eq!(registered.status(), 201);
    let accepted: Value = client
        .post(format!("{base}/api/v1/environments/test/deployments"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"build": "1.0.0"}))
        .send()
        .await
        .expect("deploy")
        .json()
        .await
        .expect("json");
    let id = accepted["record"]["id"].as_i64().expect("deployment id");

    // Killed the moment the launch is on record.
    let mut steps_at_kill = 0;
    for _ in 0..600 {
        let detail = deployment(&client, &base, &token, id).await;
        if detail["phase"] == "awaiting_health" {
            // Child::kill is SIGKILL on Unix.
            process.0.kill().expect("SIGKILL");
            process.0.wait().expect("reaped");
            steps_at_kill = detail["steps"].as_array().map_or(0, Vec::len);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        steps_at_kill > 0,
        "the deployment never reached awaiting_health"
    );

    let restarted_at = Instant::now();
    let process = serve(&config, &base).await;
    let mut resumed_after = None;
    let mut end = Value::Null;
    while restarted_at.elapsed() < Duration::from_secs(90) {
        let detail = deployment(&client, &base, &token, id).await;
        if resumed_after.is_none() && detail["steps"].as_array().map_or(0, Vec::len) > steps_at_kill
        {
            resumed_after = Some(restarted_at.elapsed());
        }
        if matches!(
            detail["phase"].as_str(),
            Some("succeeded" | "rolled_back" | "failed")
        ) {
            end = detail;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(process);
    let resumed_after = resumed_after.expect("the deployment never moved after the restart");
    println!(
        "resumed {:.1} s after the restart (SIGKILL in awaiting_health)",
        resumed_after.as_secs_f64()
    );
    assert_eq!(end["phase"], "succeeded", "{end}");
    // Within the lease and a poll of the restart, not after a 120 s lease as before.
    assert!(
        resumed_after < Duration::from_secs(30),
        "resumed only after {resumed_after:?}"
    );
    let launched = instances_of(&aws, id).await;
    assert_eq!(launched.len(), 2, "no duplicate launch: {launched:?}");
    let mut serving = end["new_fleet"]
        .as_array()
        .expect("new fleet")
        .iter()
        .map(|i| i.as_str().expect("id").to_owned())
        .collect::<Vec<_>>();
    serving.sort();
    let mut launched = launched;
    launched.sort();
    assert_eq!(serving, launched);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn on_moto_an_installation_neither_adopts_nor_terminates_another_s_instances() {
    let moto = start().await;
    let aws: Arc<dyn Cloud> = Arc::new(clients(&moto).await);
    let f = fixture(&clients(&moto).await).await;
    let theirs = InstallationCloud::new(aws.clone(), "gl-theirs");
    let ours = InstallationCloud::new(aws.clone(), "gl-ours");
    // Same environment, deployment id and build: all that adoption used to match.
    let tags = Tags::from([
        (tag::ENVIRONMENT.to_owned(), "test".to_owned()),
        (tag::DEPLOYMENT.to_owned(), "1".to_owned()),
        (tag::BUILD.to_owned(), "1.0.0".to_owned()),
    ]);
    let spec = crate::moto::one_instance(&f, tags.clone(), "foreign-1");
    let foreign = theirs.launch(&spec).await.expect("their launch");
    let stored = aws.find_instances(&Tags::new()).await.expect("all");
    assert_eq!(
        stored[0].tags.get(tag::INSTALLATION).map(String::as_str),
        Some("gl-theirs"),
        "the tag reaches EC2"
    );
    assert!(
        ours.find_instances(&tags).await.expect("ours").is_empty(),
        "another installation's instance is never adopted"
    );
    let refused = ours.terminate(&[foreign[0].id.clone()]).await;
    assert!(
        matches!(refused, Err(CloudError::Rejected(_))),
        "{refused:?}"
    );
    let still = aws.find_instances(&Tags::new()).await.expect("all");
    assert!(still
        .iter()
        .any(|i| i.id == foreign[0].id && i.state != InstanceState::Terminated));
}
