//! The OpenID Connect relying party, through the `openidconnect` crate: the provider's
//! discovery document and keys (read when first needed, kept, and read again when an ID token
//! names a key the kept set lacks), the authorization request with PKCE, state and nonce, and
//! the code exchange whose ID token is checked — signature against the provider's published
//! keys, issuer, audience, expiry and nonce. No JWT is checked by hand here.

use crate::config::oidc::OidcSettings;
use crate::error_chain::error_chain;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClaimsVerificationError, Client, ClientId, ClientSecret,
    CsrfToken, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields,
    IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, ProviderMetadataWithLogout, RedirectUrl,
    Scope, SignatureVerificationError, StandardErrorResponse, StandardTokenResponse,
};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use tokio::sync::RwLock;

/// Every claim beyond the standard ones, as sent (the groups claim is named in the config).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OtherClaims(serde_json::Map<String, serde_json::Value>);
impl AdditionalClaims for OtherClaims {}

type TokenResponse = StandardTokenResponse<
    IdTokenFields<
        OtherClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

type OidcClient = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    TokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The discovery document is read again at most this often when an unknown key id shows up.
const REDISCOVER_AFTER: Duration = Duration::from_secs(2);

/// Why a sign-in through the provider did not complete.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider could not be reached or answered nonsense.
    #[error("the provider could not be reached: {0}")]
    Unreachable(String),
    /// The ID token failed a check (signature, issuer, audience, expiry, nonce) or was missing.
    #[error("the provider's answer failed a check: {0}")]
    Rejected(String),
}

/// The authorization request to send the browser to, and what to keep until it returns.
pub struct Authorization {
    /// The provider's authorization URL with every parameter.
    pub url: String,
    /// The `state` the provider must send back.
    pub state: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier that goes with the challenge sent.
    pub pkce_verifier: String,
}

/// Who the provider vouched for, from a verified ID token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedIdentity {
    /// The provider's stable id for the user (`sub`).
    pub subject: String,
    /// The configured username claim, if present.
    pub username: Option<String>,
    /// The configured groups claim (absent: none).
    pub groups: Vec<String>,
}

struct Discovered {
    metadata: ProviderMetadataWithLogout,
    read_at: Instant,
}

/// One configured provider.
pub struct OidcProvider {
    /// The settings it was made from.
    pub settings: OidcSettings,
    secret: ClientSecret,
    redirect: RedirectUrl,
    http: reqwest::Client,
    discovered: RwLock<Option<Discovered>>,
}

impl OidcProvider {
    /// The provider `[auth.oidc]` configures, if any, its client secret read.
    pub fn from_settings(settings: &crate::config::Settings) -> Result<Option<Self>, String> {
        let Some(oidc) = &settings.auth.oidc else {
            return Ok(None);
        };
        let secret = oidc.client_secret.read("auth.oidc.client_secret")?;
        let public = settings
            .public_url
            .as_ref()
            .ok_or("key `public_url`: required with `auth.oidc`")?;
        Self::new(oidc.clone(), secret, public.as_str()).map(Some)
    }

    /// A provider for these settings, its secret read and the redirect URI built from the
    /// public URL; nothing is fetched yet.
    pub fn new(
        settings: OidcSettings,
        secret: zeroize::Zeroizing<String>,
        public_url: &str,
    ) -> Result<Self, String> {
        let redirect = RedirectUrl::new(format!(
            "{}/auth/oidc/callback",
            public_url.trim_end_matches('/')
        ))
        .map_err(|e| format!("key `public_url`: {e}"))?;
        let http = reqwest::Client::builder()
            // Following redirects would let a provider's answer point us anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("cannot make the HTTP client: {e}"))?;
        Ok(Self {
            secret: ClientSecret::new(secret.as_str().to_owned()),
            settings,
            redirect,
            http,
            discovered: RwLock::new(None),
        })
    }

    async fn discover(&self) -> Result<ProviderMetadataWithLogout, OidcError> {
        let issuer = IssuerUrl::new(self.settings.issuer.as_str().to_owned())
            .map_err(|e| OidcError::Unreachable(e.to_string()))?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| OidcError::Unreachable(error_chain(&e)))?;
        *self.discovered.write().await = Some(Discovered {
            metadata: metadata.clone(),
            read_at: Instant::now(),
        });
        Ok(metadata)
    }

    /// The kept discovery document, read first if there is none.
    async fn metadata(&self) -> Result<ProviderMetadataWithLogout, OidcError> {
        if let Some(kept) = self.discovered.read().await.as_ref() {
            return Ok(kept.metadata.clone());
        }
        self.discover().await
    }

    fn client(&self, metadata: ProviderMetadataWithLogout) -> OidcClient {
        OidcClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(self.secret.clone()),
        )
        .set_redirect_uri(self.redirect.clone())
    }

    /// The authorization request: code flow, PKCE (S256), a fresh state and nonce.
    pub async fn authorize(&self) -> Result<Authorization, OidcError> {
        let client = self.client(self.metadata().await?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for scope in self.settings.scopes.iter().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges the code (with the PKCE verifier) and checks the ID token; an unknown key id
    /// reads the provider's keys again once before giving up.
    pub async fn finish(
        &self,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<VerifiedIdentity, OidcError> {
        let client = self.client(self.metadata().await?);
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Unreachable(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Rejected(format!("code exchange: {}", error_chain(&e))))?;
        let id_token = openidconnect::TokenResponse::id_token(&token)
            .ok_or_else(|| OidcError::Rejected("no ID token in the answer".into()))?;
        let nonce = Nonce::new(nonce.to_owned());
        let claims = match id_token.claims(&client.id_token_verifier(), &nonce) {
            Ok(claims) => claims.clone(),
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) if self.may_rediscover().await => {
                tracing::info!(
                    "ID token signed with a key not yet known; reading the provider's keys again"
                );
                let client = self.client(self.discover().await?);
                let verifier = client.id_token_verifier();
                let claims = id_token
                    .claims(&verifier, &nonce)
                    .map_err(|e| OidcError::Rejected(e.to_string()))?
                    .clone();
                claims
            }
            Err(e) => return Err(OidcError::Rejected(e.to_string())),
        };
        let all = serde_json::to_value(&claims)
            .map_err(|e| OidcError::Rejected(format!("claims: {e}")))?;
        Ok(VerifiedIdentity {
            subject: claims.subject().as_str().to_owned(),
            username: all
                .get(&self.settings.username_claim)
                .and_then(|v| v.as_str())
                .map(str::to_owned),
            groups: groups(all.get(&self.settings.groups_claim)),
        })
    }

    async fn may_rediscover(&self) -> bool {
        self.discovered
            .read()
            .await
            .as_ref()
            .is_none_or(|kept| kept.read_at.elapsed() >= REDISCOVER_AFTER)
    }

    /// The provider's end-session URL, when it publishes one (read from the kept discovery
    /// document; none before the first sign-in), with Greenlight's sign-in page to return to.
    pub async fn end_session_url(&self, post_logout: &str) -> Option<String> {
        let kept = self.discovered.read().await;
        let endpoint = kept
            .as_ref()?
            .metadata
            .additional_metadata()
            .end_session_endpoint
            .clone()?;
        let mut request = openidconnect::LogoutRequest::from(endpoint)
            .set_client_id(ClientId::new(self.settings.client_id.clone()));
        if let Ok(url) = openidconnect::PostLogoutRedirectUrl::new(post_logout.to_owned()) {
            request = request.set_post_logout_redirect_uri(url);
        }
        Some(request.http_get_url().to_string())
    }
}

/// A groups claim as providers send it: a list of names, or one name.
fn groups(claim: Option<&serde_json::Value>) -> Vec<String> {
    match claim {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|g| g.as_str().map(str::to_owned))
            .collect(),
        Some(serde_json::Value::String(one)) => vec![one.clone()],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::groups;
    use serde_json::json;

    #[test]
    fn a_groups_claim_is_read_as_a_list_or_one_name() {
        assert_eq!(groups(Some(&json!(["qa", 3, "leads"]))), ["qa", "leads"]);
        assert_eq!(groups(Some(&json!("qa"))), ["qa"]);
        assert!(groups(Some(&json!({"qa": true}))).is_empty());
        assert!(groups(None).is_empty());
    }
}
