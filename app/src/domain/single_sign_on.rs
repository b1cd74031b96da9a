//! Single sign-on as the sign-in page sees it: what it offers, and why a sign-in through the
//! provider came back refused (a short code in the sign-in page's address, named here).

use serde::{Deserialize, Serialize};

/// What the sign-in page offers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInOptions {
    /// "Sign in with {label}", when single sign-on is configured.
    pub single_sign_on: Option<String>,
    /// Whether the name-and-password form is offered.
    pub password: bool,
    /// The provider's end-session URL, offered after signing out of a single sign-on session.
    pub provider_sign_out: Option<String>,
}

/// Why a sign-in through the provider did not start a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsoRefusal {
    /// The provider could not be reached.
    Unavailable,
    /// The sign-in took too long, or its cookie or state did not match.
    Expired,
    /// The provider's answer failed a check (signature, issuer, audience, nonce).
    Failed,
    /// The user cancelled at the provider, or it refused them.
    Cancelled,
    /// None of the user's groups is mapped to a role.
    NoRole,
    /// The Greenlight account is disabled.
    Disabled,
    /// The provider sent no usable user name.
    NoName,
    /// A Greenlight account not linked to the provider has the user's name.
    NameTaken,
}

const ALL: [SsoRefusal; 8] = [
    SsoRefusal::Unavailable,
    SsoRefusal::Expired,
    SsoRefusal::Failed,
    SsoRefusal::Cancelled,
    SsoRefusal::NoRole,
    SsoRefusal::Disabled,
    SsoRefusal::NoName,
    SsoRefusal::NameTaken,
];

impl SsoRefusal {
    /// The code in the sign-in page's address (`/login?sso=no-role`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Unavailable => "unavailable",
            Self::Expired => "expired",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::NoRole => "no-role",
            Self::Disabled => "disabled",
            Self::NoName => "no-name",
            Self::NameTaken => "name-taken",
        }
    }

    /// The refusal a code names.
    pub fn from_code(code: &str) -> Option<Self> {
        ALL.into_iter().find(|r| r.code() == code)
    }

    /// What the user reads.
    pub fn message(self) -> &'static str {
        match self {
            Self::Unavailable => "Single sign-on is unavailable: the identity provider could not be reached. Try again in a moment.",
            Self::Expired => "The single sign-on took too long or was started in another window. Please start again.",
            Self::Failed => "The identity provider's answer did not pass Greenlight's checks, so you are not signed in. Please start again; if this persists, tell an admin.",
            Self::Cancelled => "Single sign-on was cancelled at the identity provider.",
            Self::NoRole => "You signed in at the identity provider, but none of your groups gives you a role in Greenlight. Ask an admin to add you to a group that does.",
            Self::Disabled => "Your Greenlight account is disabled. Ask an admin.",
            Self::NoName => "The identity provider sent no user name Greenlight can use (up to 64 of a-z, 0-9, '.', '_' and '-'; an e-mail address gives the part before the @). Ask an admin.",
            Self::NameTaken => "A Greenlight account with your name exists and does not sign in through the identity provider. Ask an admin to rename it.",
        }
    }
}

/// The Greenlight name for a provider's user name: lower-cased, and an e-mail address cut to
/// the part before the `@` (`Alice.Smith@example.com` → `alice.smith`).
pub fn user_name_from(claim: &str) -> Option<super::UserName> {
    let lower = claim.trim().to_lowercase();
    let local = lower.split('@').next().unwrap_or_default();
    super::UserName::parse(local).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_names_become_lower_case_names_and_addresses_their_local_part() {
        let name = |claim: &str| user_name_from(claim).map(|n| n.to_string());
        assert_eq!(name("alice").as_deref(), Some("alice"));
        assert_eq!(
            name("Alice.Smith@Example.com").as_deref(),
            Some("alice.smith")
        );
        assert_eq!(name("  bob ").as_deref(), Some("bob"));
        assert_eq!(name("Zoë"), None);
        assert_eq!(name("@example.com"), None);
        assert_eq!(name(""), None);
    }

    #[test]
    fn every_refusal_reads_back_from_its_code_and_unknown_codes_are_none() {
        for refusal in ALL {
            assert_eq!(SsoRefusal::from_code(refusal.code()), Some(refusal));
            assert!(!refusal.message().is_empty());
        }
        assert_eq!(SsoRefusal::from_code("<script>"), None);
    }
}
