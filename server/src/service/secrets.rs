//! Secrets compared without being shown: a config secret (`ssm:/app/prod/api_key`) is read
//! through the cloud port, hashed at once with the installation's key (HMAC-SHA256) and the
//! value dropped (its memory wiped); only the parameter's version and the keyed hash are kept,
//! in memory here and in snapshots and sign-offs. A parameter that cannot be read (no such
//! parameter, access denied, another scheme than `ssm:`) is "not readable" and compared by
//! reference only; nothing fails.
//!
//! Pages read through a small cache (one read per reference per [`CACHE_FOR_MS`] and replica),
//! so opening pages costs almost no AWS calls; accepting a deployment, recording a sign-off and
//! a promotion's gates read afresh.

use crate::config::{ConfigValue, EnvironmentSettings};
use crate::core::Core;
use app::domain::env_diff::{ConfigEntry, SecretEntry, SecretRead};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use tokio::sync::OnceCell;

/// How long a cached read serves pages.
pub const CACHE_FOR_MS: i64 = 60_000;

/// Whether a read may come from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// For pages: a read at most [`CACHE_FOR_MS`] old.
    Cached,
    /// For decisions and records: read now.
    Fresh,
}

/// The installation's hashing key (loaded once) and recent reads, by reference.
#[derive(Default)]
pub struct SecretCache {
    key: OnceCell<[u8; 32]>,
    reads: Mutex<HashMap<String, (i64, Option<SecretRead>)>>,
}

/// The parameter name an `ssm:` reference names; `None` for any other scheme.
pub fn parameter_name(reference: &str) -> Option<&str> {
    reference
        .strip_prefix("ssm:")
        .filter(|name| !name.is_empty())
}

/// HMAC-SHA256 of `value` under `key`, hex.
pub fn keyed_hash(key: &[u8; 32], value: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(value.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

async fn key(core: &Core) -> Result<[u8; 32], sqlx::Error> {
    core.secrets
        .key
        .get_or_try_init(|| crate::db::installation::secret_hash_key(&core.db, core.now()))
        .await
        .copied()
}

/// The version and keyed hash of the secret `reference` names, or `None` when it cannot be
/// read (logged with the reference and the reason, never a value).
pub async fn read(core: &Core, reference: &str, freshness: Freshness) -> Option<SecretRead> {
    let now = core.now();
    if freshness == Freshness::Cached {
        let reads = core.secrets.reads.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, read)) = reads.get(reference) {
            if now - at < CACHE_FOR_MS {
                return read.clone();
            }
        }
    }
    let read = read_now(core, reference).await;
    core.secrets
        .reads
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(reference.to_owned(), (now, read.clone()));
    read
}

async fn read_now(core: &Core, reference: &str) -> Option<SecretRead> {
    let name = parameter_name(reference)?;
    let key = match key(core).await {
        Ok(key) => key,
        Err(error) => {
            tracing::error!(%error, "cannot load the secret hashing key");
            return None;
        }
    };
    match core.cloud.parameter(name).await {
        Ok(parameter) => Some(SecretRead {
            version: parameter.version,
            keyed_hash: keyed_hash(&key, &parameter.value),
        }),
        Err(error) => {
            tracing::warn!(reference, %error, "secret not readable; compared by reference only");
            None
        }
    }
}

/// `environment`'s config as a diff records it: plain values as they are, secrets as their
/// reference with version and keyed hash when readable.
pub async fn config_entries(
    core: &Core,
    environment: &EnvironmentSettings,
    freshness: Freshness,
) -> BTreeMap<String, ConfigEntry> {
    let mut entries = BTreeMap::new();
    for (key, value) in &environment.config {
        let entry = match value {
            ConfigValue::Plain(text) => ConfigEntry::Plain(text.clone()),
            ConfigValue::Secret { secret } => ConfigEntry::Secret(SecretEntry {
                reference: secret.clone(),
                read: read(core, secret, freshness).await,
            }),
        };
        entries.insert(key.clone(), entry);
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ssm_references_name_a_parameter() {
        assert_eq!(
            parameter_name("ssm:/app/prod/api_key"),
            Some("/app/prod/api_key")
        );
        assert_eq!(parameter_name("vault:secret/app"), None);
        assert_eq!(parameter_name("ssm:"), None);
    }

    #[test]
    fn keyed_hashes_depend_on_key_and_value_and_hide_the_value() {
        let (a, b) = ([1u8; 32], [2u8; 32]);
        let hash = keyed_hash(&a, "hunter2");
        assert_eq!(hash, keyed_hash(&a, "hunter2"));
        assert_ne!(hash, keyed_hash(&b, "hunter2"));
        assert_ne!(hash, keyed_hash(&a, "hunter3"));
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains("hunter2"));
    }
}
