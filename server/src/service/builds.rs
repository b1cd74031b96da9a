//! Registering a build from CI: validated, idempotent on identical replays, audited.

use super::internal;
use crate::clock::Clock;
use crate::db::{self, audit};
use app::domain::views::Principal;
use app::domain::{Build, NewBuild};
use app::use_cases::UseCaseError;
use sha2::{Digest, Sha256};
use sqlx::AnyPool;

pub use app::use_cases::contract::Registered;

/// A fingerprint of the normalised registration, to tell a replay from a clash.
pub fn content_hash(build: &NewBuild) -> String {
    let canonical = serde_json::to_string(build).unwrap_or_default();
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// Stores a parsed build. Same version and same content: the stored build. Same version,
/// other content: a conflict, and nothing changes.
pub async fn register(
    db: &AnyPool,
    clock: &dyn Clock,
    actor: &Principal,
    address: &str,
    new: NewBuild,
) -> Result<(Build, Registered), UseCaseError> {
    let hash = content_hash(&new);
    if let Some(found) = existing(db, &new, &hash).await? {
        return Ok((found, Registered::AlreadyThere));
    }
    let now = clock.now_ms();
    let mut tx = crate::db::begin_write(db).await.map_err(internal)?;
    let inserted = db::builds::insert(&mut *tx, &new, &hash, &actor.name, now).await;
    let build = match inserted {
        Ok(build) => build,
        Err(e) if super::is_unique_violation(&e) => {
            // Lost a race with an identical or clashing registration; answer as a replay would.
            drop(tx);
            return existing(db, &new, &hash)
                .await?
                .map(|b| (b, Registered::AlreadyThere))
                .ok_or_else(|| {
                    UseCaseError::Conflict(format!("build {} is already registered", new.version))
                });
        }
        Err(e) => return Err(internal(e)),
    };
    let details =
        serde_json::json!({ "revision": build.revision, "artifact": build.artifact }).to_string();
    let e = audit::Entry {
        actor: &actor.name,
        action: "build.register",
        target: build.version.as_str(),
        environment: None,
        details,
        address,
    };
    audit::append(&mut tx, e, now).await.map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok((build, Registered::Created))
}

async fn existing(db: &AnyPool, new: &NewBuild, hash: &str) -> Result<Option<Build>, UseCaseError> {
    match db::builds::by_version(db, new.version.as_str())
        .await
        .map_err(internal)?
    {
        Some((build, stored)) if stored == hash => Ok(Some(build)),
        Some(_) => Err(UseCaseError::Conflict(format!(
            "build {} is already registered with different content",
            new.version
        ))),
        None => Ok(None),
    }
}
