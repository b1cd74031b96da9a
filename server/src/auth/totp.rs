//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) through the
//! `totp-rs` crate, the enrolment QR code as SVG through `qrcode`, and recovery codes. A code is
//! accepted for the step before, the current and the next (clock skew), and only for a step
//! later than the last one accepted, so that each code signs in once.

use rand::Rng;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};

/// Seconds per step.
pub const STEP_SECONDS: u64 = 30;
/// Recovery codes made at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// A fresh 160-bit secret, base32 (as authenticator apps take it).
pub fn new_secret() -> String {
    Secret::generate_secret().to_encoded().to_string()
}

fn totp(secret: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECONDS,
        bytes,
        Some("Greenlight".into()),
        account.replace(':', "_"),
    )
    .ok()
}

/// The `otpauth://` URI an authenticator app reads, and the same as a QR code in SVG.
pub fn enrolment(secret: &str, account: &str) -> Option<(String, String)> {
    let uri = totp(secret, account)?.get_url();
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Some((uri, svg))
}

/// The step of `code` when it is right for the step before, the current or the next at
/// `now_ms` and later than `last_step`; `None` otherwise.
pub fn matching_step(secret: &str, code: &str, now_ms: i64, last_step: Option<i64>) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "")?;
    let now_step = i64::try_from(u64::try_from(now_ms).ok()? / 1000 / STEP_SECONDS).ok()?;
    let wanted = Sha256::digest(code.as_bytes());
    (now_step - 1..=now_step + 1)
        .filter(|step| last_step.is_none_or(|last| *step > last))
        .find(|step| {
            let at = u64::try_from(*step).unwrap_or(0) * STEP_SECONDS;
            // Compared as digests: the comparison's timing says nothing about the code.
            Sha256::digest(totp.generate(at).as_bytes()) == wanted
        })
}

/// The code for `step` (for tests and the demo).
pub fn code_at(secret: &str, now_ms: i64) -> Option<String> {
    let totp = totp(secret, "")?;
    Some(totp.generate(u64::try_from(now_ms).ok()? / 1000))
}

/// Fresh recovery codes, `xxxxx-xxxxx` from an unambiguous alphabet.
pub fn recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut code: String = (0..10)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect();
            code.insert(5, '-');
            code
        })
        .collect()
}

/// What is stored of a recovery code: SHA-256 of its letters, lower case, without the dash.
pub fn recovery_digest(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hex::encode(Sha256::digest(normal.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_accepted_for_its_own_and_the_neighbouring_steps_and_only_once() {
        // RFC 6238's test secret ("12345678901234567890"), base32.
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        let now = 59_000;
        let code = code_at(secret, now).expect("code");
        assert_eq!(code, "287082", "RFC 6238 appendix B, T = 59 s, six digits");
        assert_eq!(matching_step(secret, &code, now, None), Some(1));
        assert_eq!(matching_step(secret, &code, now + 30_000, None), Some(1));
        assert_eq!(matching_step(secret, &code, now + 60_000, None), None);
        assert_eq!(
            matching_step(secret, &code, now, Some(1)),
            None,
            "used once"
        );
        assert_eq!(matching_step(secret, "000000", now, None), None);
        assert_eq!(matching_step(secret, "28708", now, None), None);
    }

    #[test]
    fn enrolment_offers_an_otpauth_uri_and_its_qr_code() {
        let secret = new_secret();
        let (uri, svg) = enrolment(&secret, "ana").expect("enrolment");
        assert!(
            uri.starts_with("otpauth://totp/Greenlight:ana?secret="),
            "{uri}"
        );
        assert!(uri.contains(&secret));
        assert!(
            svg.starts_with("<?xml") && svg.contains("<svg"),
            "{svg:.60}"
        );
    }

    #[test]
    fn recovery_codes_are_unique_and_compared_without_case_or_dash() {
        let codes = recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(
            codes.iter().collect::<std::collections::HashSet<_>>().len(),
            RECOVERY_CODES
        );
        let code = &codes[0];
        assert_eq!(
            recovery_digest(code),
            recovery_digest(&code.to_uppercase().replace('-', ""))
        );
    }
}
