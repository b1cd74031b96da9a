//! Argon2id password hashing with the OWASP-recommended parameters (19 MiB, 2 passes, 1 lane),
//! run off the async threads.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::LazyLock;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Password checks and hashes that may run at once (each holds 19 MiB for a fraction of a
/// second): a burst of sign-ins queues here instead of exhausting memory.
pub const MAX_CONCURRENT: usize = 4;
/// How long a sign-in waits for a turn before it is answered "busy, try again".
pub const MAX_WAIT: Duration = Duration::from_secs(2);

static TURNS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(MAX_CONCURRENT));
static VERIFICATIONS: AtomicU64 = AtomicU64::new(0);

/// Password verifications run since the process started (a figure for tests and operators).
pub fn verifications() -> u64 {
    VERIFICATIONS.load(Ordering::SeqCst)
}

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 12;

fn hasher() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: m=19456 KiB, t=2, p=1.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks the password policy, as NIST SP 800-63B advises: at least [`MIN_LENGTH`]
/// characters, and not a known common password (the ~30,000 most common of Xato's 10 million
/// leaked passwords, as the `zxcvbn` crate ships them; compared ignoring case).
pub fn check_policy(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_LENGTH {
        return Err(format!("must be at least {MIN_LENGTH} characters"));
    }
    if password.len() > 1024 {
        return Err("must be at most 1024 bytes".into());
    }
    if is_common(password) {
        return Err("is on the list of common passwords; choose another".into());
    }
    Ok(())
}

/// Whether the whole password is one entry of the common-password list (not reversed, not
/// with letters swapped for digits: those are weaker signs the list does not claim).
fn is_common(password: &str) -> bool {
    use zxcvbn::matching::patterns::MatchPattern;
    let entropy = zxcvbn::zxcvbn(password, &[]);
    let length = password.chars().count();
    entropy.sequence().iter().any(|m| {
        m.i == 0
            && m.j + 1 == length
            // The crate does not export its dictionary type's name; its default is the
            // password list (the unit test below proves the comparison picks that list).
            && matches!(&m.pattern, MatchPattern::Dictionary(d)
                if d.dictionary_name == Default::default() && !d.reversed && !d.l33t)
    })
}

/// Hashes a password into a PHC string.
pub async fn hash(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Verifies a password against a PHC string. With no hash (unknown user) a dummy hash is
/// checked anyway, so that timing does not reveal which names exist. `None` when every turn
/// stayed taken for [`MAX_WAIT`]: the server is busy checking other passwords.
pub async fn verify(password: String, phc: Option<String>) -> Option<bool> {
    let _turn = tokio::time::timeout(MAX_WAIT, TURNS.acquire())
        .await
        .ok()?
        .ok()?;
    VERIFICATIONS.fetch_add(1, Ordering::SeqCst);
    let verified = tokio::task::spawn_blocking(move || {
        let dummy = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4uB1jBKxJ0Jl0bQ3VdJZqfN8dGqQk0m8cJ2oB0nQm2E";
        // An unknown name, and an account with no password (a service account's "!"), pay
        // for a check like everyone else: timing tells no name apart.
        let usable = phc.as_deref().and_then(|p| PasswordHash::new(p).ok());
        let known = usable.is_some();
        let parsed = match usable {
            Some(parsed) => parsed,
            None => match PasswordHash::new(dummy) {
                Ok(parsed) => parsed,
                Err(_) => return false,
            },
        };
        hasher().verify_password(password.as_bytes(), &parsed).is_ok() && known
    })
    .await
    .unwrap_or(false);
    Some(verified)
}

/// A random password for the first admin: 24 characters from an unambiguous alphabet.
pub fn generate() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..24)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() {
        let phc = hash("correct horse battery".into()).await.expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert_eq!(
            verify("correct horse battery".into(), Some(phc.clone())).await,
            Some(true)
        );
        assert_eq!(
            verify("wrong horse battery".into(), Some(phc)).await,
            Some(false)
        );
        assert_eq!(verify("anything at all".into(), None).await, Some(false));
        let before = verifications();
        assert_eq!(verify("!".into(), Some("!".into())).await, Some(false));
        assert_eq!(
            verifications(),
            before + 1,
            "an unusable hash is checked like any other"
        );
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case_and_uncommon_ones_pass() {
        for common in [
            "qwerty123456",
            "QWERTY123456",
            "1q2w3e4r5t6y",
            "qazwsxedcrfv",
        ] {
            let refused = check_policy(common).expect_err(common);
            assert!(refused.contains("common passwords"), "{common}: {refused}");
        }
        assert!(check_policy("ledger-violet-harbour").is_ok());
    }

    #[test]
    fn short_passwords_are_refused_and_generated_ones_pass() {
        assert!(check_policy("short").is_err());
        assert!(check_policy(&generate()).is_ok());
        assert_ne!(generate(), generate());
    }
}
