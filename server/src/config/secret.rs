//! A secret named by where it lives — an environment variable or a file — and read when
//! Greenlight starts; the config text never holds one, and one written there is refused
//! without being echoed.

use serde::{Deserialize, Deserializer, Serialize};
use std::path::PathBuf;

/// Where a secret is read from when Greenlight starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretSource {
    /// `{ env = "VAR" }`: an environment variable.
    Env(String),
    /// `{ file = "/path" }`: a file's contents, trailing newline dropped.
    File(PathBuf),
}

impl<'de> Deserialize<'de> for SecretSource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Table {
                env: Option<String>,
                file: Option<PathBuf>,
            },
        }
        const WHERE: &str =
            "must say where the secret is, { env = \"VAR\" } or { file = \"/path\" }";
        match Raw::deserialize(deserializer)? {
            Raw::Text(text) => {
                // It may well be the secret itself: wiped, never echoed.
                drop(zeroize::Zeroizing::new(text));
                Err(serde::de::Error::custom(format!(
                    "{WHERE}; the config text never holds it"
                )))
            }
            Raw::Table {
                env: Some(var),
                file: None,
            } if !var.is_empty() => Ok(Self::Env(var)),
            Raw::Table {
                env: None,
                file: Some(path),
            } => Ok(Self::File(path)),
            Raw::Table { .. } => Err(serde::de::Error::custom(WHERE)),
        }
    }
}

impl SecretSource {
    /// Reads the secret, saying which variable or file failed (never the value).
    pub fn read(&self, key: &str) -> Result<zeroize::Zeroizing<String>, String> {
        let value = match self {
            Self::Env(var) => std::env::var(var)
                .map_err(|_| format!("key `{key}`: environment variable {var} is not set"))?,
            Self::File(path) => std::fs::read_to_string(path)
                .map_err(|e| format!("key `{key}`: cannot read {}: {e}", path.display()))?
                .trim_end_matches(['\n', '\r'])
                .to_owned(),
        };
        if value.is_empty() {
            return Err(format!("key `{key}`: the secret is empty"));
        }
        Ok(zeroize::Zeroizing::new(value))
    }
}
