//! API token secrets: `glt_` + 64 hex digits of randomness, stored as their SHA-256.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh secret to give to the user once.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("glt_{}", hex::encode(bytes))
}

/// What is stored and looked up: the SHA-256 of the secret, in hex.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_and_only_their_digest_is_kept() {
        let (a, b) = (generate(), generate());
        assert_ne!(a, b);
        assert!(a.starts_with("glt_") && a.len() == 68);
        assert_eq!(digest(&a), digest(&a));
        assert_ne!(digest(&a), digest(&b));
        assert!(!digest(&a).contains(&a[4..]));
    }
}
