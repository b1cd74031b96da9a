//! `[auth.oidc]`: single sign-on through an OpenID provider. The client secret is named by
//! where it lives (an environment variable or a file), never written in the config text.

use super::secret::SecretSource;
use app::domain::{HttpUrl, Role};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `[auth.oidc]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcSettings {
    /// `issuer`: the provider's issuer URL; its discovery document is read from
    /// `{issuer}/.well-known/openid-configuration`.
    pub issuer: HttpUrl,
    /// `client_id`: Greenlight's client id at the provider.
    pub client_id: String,
    /// `client_secret`: `{ env = "VAR" }` or `{ file = "/run/secrets/oidc" }`.
    pub client_secret: SecretSource,
    /// `scopes`: asked for at sign-in (`openid` is always asked for).
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// `groups_claim`: the ID-token claim listing the user's groups.
    #[serde(default = "default_groups_claim")]
    pub groups_claim: String,
    /// `username_claim`: the ID-token claim that becomes the Greenlight user name.
    #[serde(default = "default_username_claim")]
    pub username_claim: String,
    /// `role_mapping`: group → Greenlight role; a user in several mapped groups gets the
    /// highest of their roles, a user in none is refused.
    pub role_mapping: BTreeMap<String, Role>,
    /// `allow_password_login`: whether password accounts may still sign in.
    #[serde(default = "default_true")]
    pub allow_password_login: bool,
    /// `label`: the provider's name on the sign-in button ("Sign in with {label}").
    #[serde(default = "default_label")]
    pub label: String,
}

fn default_scopes() -> Vec<String> {
    ["openid", "profile", "email"].map(String::from).to_vec()
}

fn default_groups_claim() -> String {
    "groups".into()
}

fn default_username_claim() -> String {
    "preferred_username".into()
}

fn default_true() -> bool {
    true
}

fn default_label() -> String {
    "single sign-on".into()
}

impl OidcSettings {
    /// The rules that span keys: a usable issuer, a client, at least one mapped group, and a
    /// public URL to build the redirect URI from.
    pub fn validate(&self, public_url: Option<&HttpUrl>) -> Result<(), String> {
        let issuer = self.issuer.as_str();
        let host = issuer
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', ':']).next())
            .unwrap_or_default();
        if !self.issuer.is_https() && !matches!(host, "localhost" | "127.0.0.1" | "[::1]") {
            return Err("key `auth.oidc.issuer`: must be https (http only on loopback)".into());
        }
        if self.client_id.trim().is_empty() {
            return Err("key `auth.oidc.client_id`: must not be empty".into());
        }
        if self.role_mapping.is_empty() {
            return Err(
                "key `auth.oidc.role_mapping`: map at least one group to a role, e.g. { \"release-managers\" = \"engineer\" }"
                    .into(),
            );
        }
        if self.groups_claim.trim().is_empty() || self.username_claim.trim().is_empty() {
            return Err(
                "key `auth.oidc.groups_claim` / `username_claim`: must not be empty".into(),
            );
        }
        if public_url.is_none() {
            return Err(
                "key `public_url`: required with `auth.oidc`, the provider sends users back to {public_url}/auth/oidc/callback"
                    .into(),
            );
        }
        Ok(())
    }

    /// The highest role the mapping gives these groups, if any.
    pub fn role_for(&self, groups: &[String]) -> Option<Role> {
        groups
            .iter()
            .filter_map(|group| self.role_mapping.get(group).copied())
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> OidcSettings {
        OidcSettings {
            issuer: HttpUrl::parse("https://login.example.com").expect("url"),
            client_id: "greenlight".into(),
            client_secret: SecretSource::Env("OIDC_SECRET".into()),
            scopes: default_scopes(),
            groups_claim: default_groups_claim(),
            username_claim: default_username_claim(),
            role_mapping: [
                ("qa".to_owned(), Role::Qa),
                ("leads".into(), Role::Engineer),
            ]
            .into(),
            allow_password_login: true,
            label: default_label(),
        }
    }

    #[test]
    fn the_highest_mapped_role_wins_and_unmapped_groups_give_none() {
        let oidc = settings();
        let groups = |g: &[&str]| g.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            oidc.role_for(&groups(&["qa", "leads", "x"])),
            Some(Role::Engineer)
        );
        assert_eq!(oidc.role_for(&groups(&["qa"])), Some(Role::Qa));
        assert_eq!(oidc.role_for(&groups(&["everyone"])), None);
        assert_eq!(oidc.role_for(&[]), None);
    }

    #[test]
    fn an_http_issuer_is_refused_except_on_loopback() {
        let public = HttpUrl::parse("https://greenlight.example.com").expect("url");
        let mut oidc = settings();
        assert_eq!(oidc.validate(Some(&public)), Ok(()));
        oidc.issuer = HttpUrl::parse("http://login.example.com").expect("url");
        assert!(oidc
            .validate(Some(&public))
            .unwrap_err()
            .contains("auth.oidc.issuer"));
        oidc.issuer = HttpUrl::parse("http://localhost:8080").expect("url");
        assert_eq!(oidc.validate(Some(&public)), Ok(()));
        let error = oidc.validate(None).unwrap_err();
        assert!(error.contains("public_url"), "{error}");
    }

    #[test]
    fn a_secret_in_the_config_text_is_refused_and_sources_are_read() {
        let literal: Result<SecretSource, _> = serde_json::from_str("\"hunter2-hunter2\"");
        let error = literal.unwrap_err().to_string();
        assert!(error.contains("never holds it"), "{error}");
        assert!(!error.contains("hunter2"), "{error}");
        let both: Result<SecretSource, _> = serde_json::from_str(r#"{"env":"A","file":"/b"}"#);
        assert!(both.is_err());
        let dir = std::env::temp_dir().join(format!("oidc-secret-{}", std::process::id()));
        std::fs::write(&dir, "from-a-file\n").expect("write");
        let source: SecretSource =
            serde_json::from_str(&format!(r#"{{"file":{:?}}}"#, dir)).expect("file");
        assert_eq!(
            source
                .read("auth.oidc.client_secret")
                .expect("read")
                .as_str(),
            "from-a-file"
        );
        std::fs::remove_file(&dir).expect("remove");
        let missing = SecretSource::Env("GREENLIGHT_TEST_SURELY_UNSET".into())
            .read("auth.oidc.client_secret")
            .unwrap_err();
        assert!(
            missing.contains("GREENLIGHT_TEST_SURELY_UNSET is not set"),
            "{missing}"
        );
    }
}
