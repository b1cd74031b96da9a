//! Deployments that are baking their image from an instance of another environment: while
//! one is, that environment's serving fleet must stay as it is.

use super::rollouts;
use app::domain::rollout::Phase;
use sqlx::{AnyConnection, Row};

/// In-flight deployments (of any environment) whose image is still being baked from an
/// instance of `source`, as (deployment id, environment).
pub async fn baking_from(
    conn: &mut AnyConnection,
    source: &str,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query("SELECT id FROM deployments WHERE phase IN ($1, $2)")
        .bind(Phase::Pending.as_str())
        .bind(Phase::Baking.as_str())
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| row.try_get("id"))
        .collect::<Result<_, _>>()?;
    let mut baking = Vec::new();
    for id in ids {
        let Some(plan) = rollouts::load(&mut *conn, id).await?.and_then(|r| r.plan) else {
            continue;
        };
        if plan
            .bake
            .as_ref()
            .is_some_and(|b| b.from_environment == source)
        {
            baking.push((id, plan.environment));
        }
    }
    Ok(baking)
}
