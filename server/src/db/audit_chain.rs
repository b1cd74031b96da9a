//! The audit log's hash chain: each entry's hash covers its content and the previous entry's
//! hash, and `audit_head` holds the newest. Walking the chain from where it began finds the
//! first entry changed, removed or inserted behind Greenlight's back (by someone who could
//! drop the append-only triggers), and a missing tail shows against the head.

use app::domain::{AuditEntry, ChainState};
use sha2::{Digest, Sha256};
use sqlx::{AnyPool, Row};

/// The hash before the first entry of the chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Entries read per query while walking.
const WALK_PAGE: i64 = 1_000;

/// An entry as stored, with its chain columns (none for entries older than the chain).
#[derive(Debug, Clone)]
pub struct Sealed {
    /// The entry.
    pub entry: AuditEntry,
    /// The hash it was chained to.
    pub prev_hash: Option<String>,
    /// Its own hash.
    pub hash: Option<String>,
}

/// SHA-256, in hex, over the entry's every field and `prev_hash`, encoded as a JSON array so
/// that no two different entries share an encoding.
pub fn entry_hash(entry: &AuditEntry, prev_hash: &str) -> String {
    let canonical = serde_json::json!([
        entry.id,
        entry.at.millis(),
        entry.actor,
        entry.action,
        entry.target,
        entry.environment,
        entry.details,
        entry.address,
        prev_hash,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Where the chain began and where it ends now.
struct Head {
    sealed_from: i64,
    last_id: i64,
    hash: String,
}

async fn head(pool: &AnyPool) -> Result<Head, sqlx::Error> {
    let row = sqlx::query("SELECT sealed_from, last_id, hash FROM audit_head WHERE singleton = 1")
        .fetch_one(pool)
        .await?;
    Ok(Head {
        sealed_from: row.try_get("sealed_from")?,
        last_id: row.try_get("last_id")?,
        hash: row.try_get("hash")?,
    })
}

/// Walks the whole chain, page by page, and says whether it holds or where it first breaks.
pub async fn verify(pool: &AnyPool) -> Result<ChainState, sqlx::Error> {
    let head = head(pool).await?;
    let before_chain: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE id < $1")
        .bind(head.sealed_from)
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    let mut expected_id = head.sealed_from;
    let mut prev_hash = GENESIS.to_owned();
    loop {
        let page = super::audit::sealed_after(pool, expected_id - 1, WALK_PAGE).await?;
        for sealed in &page {
            if let Some(reason) = mismatch(sealed, expected_id, &prev_hash) {
                return Ok(broken(sealed.entry.id.min(expected_id), reason));
            }
            prev_hash = sealed.hash.clone().unwrap_or_default();
            expected_id += 1;
        }
        if page.len() < WALK_PAGE as usize {
            break;
        }
    }
    let last_id = expected_id - 1;
    if last_id != head.last_id {
        return Ok(broken(
            last_id + 1,
            format!(
                "the chain ends at entry {last_id} but its head says {}: entries are missing",
                head.last_id
            ),
        ));
    }
    if prev_hash != head.hash {
        return Ok(broken(
            last_id,
            "the newest entry's hash differs from the chain's head".into(),
        ));
    }
    Ok(ChainState::Intact {
        entries: last_id - head.sealed_from + 1,
        before_chain,
    })
}

/// Why `sealed` does not belong at `expected_id` after `prev_hash`, if it does not.
fn mismatch(sealed: &Sealed, expected_id: i64, prev_hash: &str) -> Option<String> {
    if sealed.entry.id != expected_id {
        return Some(format!(
            "entry {expected_id} is missing (the next one is {})",
            sealed.entry.id
        ));
    }
    let (Some(stored_prev), Some(stored_hash)) = (&sealed.prev_hash, &sealed.hash) else {
        return Some("the entry carries no hash".into());
    };
    if stored_prev != prev_hash {
        return Some("the entry is not chained to the one before it".into());
    }
    if *stored_hash != entry_hash(&sealed.entry, prev_hash) {
        return Some("the entry's content does not match its hash".into());
    }
    None
}

fn broken(entry: i64, reason: String) -> ChainState {
    ChainState::Broken { entry, reason }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::Timestamp;

    fn entry() -> AuditEntry {
        AuditEntry {
            id: 7,
            at: Timestamp::from_millis(1_700_000_000_000),
            actor: "ana".into(),
            action: "deployment.promote".into(),
            target: "1.4.2".into(),
            environment: Some("prod".into()),
            details: "{}".into(),
            address: "10.0.0.1".into(),
        }
    }

    #[test]
    fn the_hash_covers_every_field_and_the_previous_hash() {
        let base = entry_hash(&entry(), GENESIS);
        let changes: [fn(&mut AuditEntry); 8] = [
            |e| e.id += 1,
            |e| e.at = Timestamp::from_millis(e.at.millis() + 1),
            |e| e.actor.push('x'),
            |e| e.action.push('x'),
            |e| e.target.push('x'),
            |e| e.environment = None,
            |e| e.details.push(' '),
            |e| e.address.push('1'),
        ];
        for change in changes {
            let mut changed = entry();
            change(&mut changed);
            assert_ne!(entry_hash(&changed, GENESIS), base);
        }
        assert_ne!(entry_hash(&entry(), &"1".repeat(64)), base);
        assert_eq!(entry_hash(&entry(), GENESIS), base);
    }
}
