//! A command hook: the program runs on Greenlight's host in its own process group, detached,
//! with the deployment's data in `GREENLIGHT_*` variables; a small shell wrapper keeps its
//! output and writes its exit status to the run's directory when it ends. The engine reads
//! that file at its next look — so a restarted Greenlight finds the result of a command that
//! outlived it.

use super::Look;
use app::domain::hooks::HookSpec;
use std::path::Path;

/// How much of a command's output is kept (its end, where the verdict usually is).
pub const MAX_OUTPUT: usize = 16 * 1024;

const WRAPPER: &str = r#"echo $$ > "$GREENLIGHT_HOOK_DIR/pid"
"$@" > "$GREENLIGHT_HOOK_DIR/output" 2>&1 < /dev/null
echo $? > "$GREENLIGHT_HOOK_DIR/status.part" && mv "$GREENLIGHT_HOOK_DIR/status.part" "$GREENLIGHT_HOOK_DIR/status""#;

/// The variables a command sees.
pub fn environment(
    base: &str,
    run_id: i64,
    spec: &HookSpec,
    look: &Look<'_>,
) -> Vec<(String, String)> {
    let plan = look.plan;
    let addresses: Vec<&str> = plan
        .new_instances
        .iter()
        .filter_map(|id| plan.new_addresses.get(id).map(String::as_str))
        .collect();
    [
        ("GREENLIGHT_HOOK", spec.name.clone()),
        ("GREENLIGHT_HOOK_KIND", spec.kind.as_str().to_owned()),
        ("GREENLIGHT_HOOK_STAGE", spec.stage.as_str().to_owned()),
        ("GREENLIGHT_HOOK_RUN", run_id.to_string()),
        ("GREENLIGHT_DEPLOYMENT_ID", look.deployment_id.to_string()),
        (
            "GREENLIGHT_DEPLOYMENT_URL",
            format!("{base}/deployments/{}", look.deployment_id),
        ),
        ("GREENLIGHT_ENVIRONMENT", plan.environment.clone()),
        ("GREENLIGHT_BUILD", plan.build.clone()),
        ("GREENLIGHT_NEW_INSTANCES", plan.new_instances.join(" ")),
        ("GREENLIGHT_NEW_FLEET", addresses.join(" ")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Starts `argv` detached, keeping its output and exit status in `dir`.
pub fn spawn(dir: &Path, argv: &[String], env: &[(String, String)]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    // A run started again (after a restart cut its first call short) is judged by this
    // attempt's ending, never an earlier one's.
    let _ = std::fs::remove_file(dir.join("status"));
    let mut command = tokio::process::Command::new("sh");
    command
        .arg("-c")
        .arg(WRAPPER)
        .arg("greenlight-hook")
        .args(argv)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .env("GREENLIGHT_HOOK_DIR", dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        // Its own group: it outlives a restart of Greenlight, and a timeout stops all of it.
        .process_group(0);
    // Not waited for here: tokio reaps it when it exits; the status file says how.
    command
        .spawn()
        .map(drop)
        .map_err(|e| format!("cannot start {:?}: {e}", argv[0]))
}

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exit {
    /// Its exit status (none if the status file is unreadable).
    pub code: Option<i32>,
    /// Its output, the end kept when long.
    pub output: String,
}

impl Exit {
    /// "exit 0" and the output's last line.
    pub fn summary(&self) -> String {
        let status = self
            .code
            .map_or_else(|| "no exit status".to_owned(), |c| format!("exit {c}"));
        match self.output.lines().rev().find(|l| !l.trim().is_empty()) {
            Some(last) => {
                let last: String = last.trim().chars().take(200).collect();
                format!("{status}: {last}")
            }
            None => status,
        }
    }
}

/// The command's ending, once it has ended.
pub fn finished(dir: &Path) -> Option<Exit> {
    let status = std::fs::read_to_string(dir.join("status")).ok()?;
    let output = std::fs::read(dir.join("output")).unwrap_or_default();
    let kept = if output.len() > MAX_OUTPUT {
        let tail = String::from_utf8_lossy(&output[output.len() - MAX_OUTPUT..]).into_owned();
        format!("…{tail}")
    } else {
        String::from_utf8_lossy(&output).into_owned()
    };
    Some(Exit {
        code: status.trim().parse().ok(),
        output: kept,
    })
}

/// Stops a command that ran past its timeout (its whole process group).
pub fn stop(dir: &Path) {
    let Some(pid) = std::fs::read_to_string(dir.join("pid"))
        .ok()
        .and_then(|p| p.trim().parse::<u32>().ok())
    else {
        return;
    };
    let _ = std::process::Command::new("kill")
        .args(["-TERM", "--", &format!("-{pid}")])
        .status();
}
