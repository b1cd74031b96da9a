//! An HTTP hook's call: a JSON body saying what to test — the deployment, build, environment,
//! the new fleet's addresses — and where to report back with a one-time token, signed like the
//! notification webhooks (`X-Greenlight-Signature` over `"{timestamp}.{body}"`). The receiver
//! answers at once (any 2xx) and reports the result later, as CI systems do.

use super::Look;
use crate::notify::channels::{sign, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use app::domain::hooks::HookSpec;
use std::time::Duration;

/// How long the receiver may take to accept the call.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// The header naming what is sent: `hook.acceptance` or `hook.pre_cutover`.
pub const EVENT_HEADER: &str = "X-Greenlight-Event";

/// The body of the call for run `run_id`.
pub fn payload(base: &str, run_id: i64, spec: &HookSpec, look: &Look<'_>, token: &str) -> String {
    let plan = look.plan;
    let fleet: Vec<serde_json::Value> = plan
        .new_instances
        .iter()
        .map(|id| {
            serde_json::json!({
                "instance_id": id,
                "private_ip": plan.new_addresses.get(id),
            })
        })
        .collect();
    serde_json::json!({
        "hook": spec.name,
        "kind": spec.kind.as_str(),
        "stage": spec.stage.as_str(),
        "run_id": run_id,
        "deployment": {
            "id": look.deployment_id,
            "url": format!("{base}/deployments/{}", look.deployment_id),
        },
        "environment": plan.environment,
        "build": plan.build,
        "new_fleet": fleet,
        "callback": {
            "url": format!("{base}/api/v1/hook-runs/{run_id}/result"),
            "token": token,
            "deadline": app::domain::Timestamp::from_millis(look.now + spec.timeout_ms).to_rfc3339(),
        },
    })
    .to_string()
}

/// Posts `body` to `url`, signed with `secret`; why not, when the receiver did not accept it
/// (never naming the URL, which may carry a token).
pub async fn send(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    body: &str,
    now_ms: i64,
) -> Result<(), String> {
    let now_s = now_ms / 1000;
    let answer = client
        .post(url)
        .header("content-type", "application/json")
        .header(EVENT_HEADER, "hook")
        .header(TIMESTAMP_HEADER, now_s.to_string())
        .header(SIGNATURE_HEADER, sign(secret, now_s, body))
        .body(body.to_owned())
        .send()
        .await
        .map_err(|e| {
            let why = if e.is_timeout() {
                "did not answer in time"
            } else if e.is_connect() {
                "could not be reached"
            } else {
                "the call failed"
            };
            format!("the hook's receiver {why}")
        })?;
    let status = answer.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("the hook's receiver answered {status}"))
    }
}
