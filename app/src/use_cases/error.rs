//! Why a use-case refused or failed, as one typed value that travels: the REST API turns it into
//! a status and `{"error", "fields", "gates"}`, a server function into the same status with the
//! error as data, so a page can list failed gates and put each field's reason beside the field.

use crate::domain::gates::Gate;
use crate::domain::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why a use-case refused or failed. The text never contains secrets or internal causes.
/// On the wire it has the REST API's error shape (`{"error", "fields", "gates"}`) plus its
/// `kind`, so a page and a script read the same thing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(into = "WireError", try_from = "WireError")]
pub enum UseCaseError {
    /// Not signed in.
    #[error("sign in required")]
    Unauthenticated,
    /// Signed in without the needed role.
    #[error("your role does not allow this")]
    Forbidden,
    /// Signed in, but refused for a stated reason: a token without the needed scope, or a
    /// password that must be changed first.
    #[error("{0}")]
    Denied(String),
    /// Bad input, by field.
    #[error("invalid input: {}", .0.summary())]
    Invalid(FieldErrors),
    /// Nothing with that name.
    #[error("{0} not found")]
    NotFound(String),
    /// Clashes with what exists (a mutation in flight, a different build under that version).
    #[error("{0}")]
    Conflict(String),
    /// Gates of a deployment failed (each with its reason).
    #[error("refused: {}", .0.iter().map(|g| g.reason.as_str()).collect::<Vec<_>>().join("; "))]
    GatesFailed(Vec<Gate>),
    /// Too many failed attempts.
    #[error("{0}")]
    Throttled(String),
    /// Wrong name or password (deliberately vague).
    #[error("wrong name or password")]
    BadCredentials,
    /// Something broke on our side; details are in the server log only.
    #[error("internal error")]
    Internal,
    /// The call never reached a use-case: the request could not be sent, read or decoded.
    #[error("request failed: {0}")]
    Request(String),
}

impl UseCaseError {
    /// The HTTP status this error answers with, the same for the REST API and the pages.
    pub fn status(&self) -> u16 {
        match self {
            UseCaseError::Unauthenticated | UseCaseError::BadCredentials => 401,
            UseCaseError::Forbidden | UseCaseError::Denied(_) => 403,
            UseCaseError::NotFound(_) => 404,
            UseCaseError::Conflict(_) => 409,
            UseCaseError::GatesFailed(_) => 412,
            UseCaseError::Invalid(_) => 422,
            UseCaseError::Throttled(_) => 429,
            UseCaseError::Request(_) => 400,
            UseCaseError::Internal => 500,
        }
    }

    /// The failed gates, when gates refused.
    pub fn failed_gates(&self) -> &[Gate] {
        match self {
            UseCaseError::GatesFailed(gates) => gates,
            _ => &[],
        }
    }

    /// The reason given for `field`, when input was refused.
    pub fn field(&self, field: &str) -> Option<&str> {
        match self {
            UseCaseError::Invalid(fields) => fields.0.get(field).map(String::as_str),
            _ => None,
        }
    }

    /// Whether this is refused input naming only fields among `shown` (whose reasons a form
    /// shows beside them, so that nothing is left to say elsewhere).
    pub fn only_about(&self, shown: &[&str]) -> bool {
        match self {
            UseCaseError::Invalid(fields) => {
                !fields.0.is_empty() && fields.0.keys().all(|f| shown.contains(&f.as_str()))
            }
            _ => false,
        }
    }
}

/// Which refusal, as the wire names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Unauthenticated,
    Forbidden,
    Denied,
    Invalid,
    NotFound,
    Conflict,
    GatesFailed,
    Throttled,
    BadCredentials,
    Internal,
    Request,
}

/// The error as it travels: the REST API's body plus the kind and, where the kind carries
/// one, the subject (what was not found, the conflict, the throttling or request message).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct WireError {
    kind: Kind,
    error: String,
    #[serde(default)]
    fields: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    gates: Vec<Gate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
}

impl From<UseCaseError> for WireError {
    fn from(error: UseCaseError) -> Self {
        let message = error.to_string();
        let (kind, fields, gates, subject) = match error {
            UseCaseError::Unauthenticated => (Kind::Unauthenticated, None, vec![], None),
            UseCaseError::Forbidden => (Kind::Forbidden, None, vec![], None),
            UseCaseError::Denied(m) => (Kind::Denied, None, vec![], Some(m)),
            UseCaseError::Invalid(fields) => (Kind::Invalid, Some(fields), vec![], None),
            UseCaseError::NotFound(what) => (Kind::NotFound, None, vec![], Some(what)),
            UseCaseError::Conflict(m) => (Kind::Conflict, None, vec![], Some(m)),
            UseCaseError::GatesFailed(gates) => (Kind::GatesFailed, None, gates, None),
            UseCaseError::Throttled(m) => (Kind::Throttled, None, vec![], Some(m)),
            UseCaseError::BadCredentials => (Kind::BadCredentials, None, vec![], None),
            UseCaseError::Internal => (Kind::Internal, None, vec![], None),
            UseCaseError::Request(m) => (Kind::Request, None, vec![], Some(m)),
        };
        WireError {
            kind,
            error: message,
            fields: fields.map(|f| f.0).unwrap_or_default(),
            gates,
            subject,
        }
    }
}

impl TryFrom<WireError> for UseCaseError {
    type Error = String;
    fn try_from(wire: WireError) -> Result<Self, String> {
        let subject = || {
            wire.subject
                .clone()
                .ok_or_else(|| format!("{:?} without its subject", wire.kind))
        };
        Ok(match wire.kind {
            Kind::Unauthenticated => UseCaseError::Unauthenticated,
            Kind::Forbidden => UseCaseError::Forbidden,
            Kind::Denied => UseCaseError::Denied(subject()?),
            Kind::Invalid => UseCaseError::Invalid(FieldErrors(wire.fields.clone())),
            Kind::NotFound => UseCaseError::NotFound(subject()?),
            Kind::Conflict => UseCaseError::Conflict(subject()?),
            Kind::GatesFailed => UseCaseError::GatesFailed(wire.gates.clone()),
            Kind::Throttled => UseCaseError::Throttled(subject()?),
            Kind::BadCredentials => UseCaseError::BadCredentials,
            Kind::Internal => UseCaseError::Internal,
            Kind::Request => UseCaseError::Request(subject()?),
        })
    }
}

impl leptos::server_fn::error::FromServerFnError for UseCaseError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        UseCaseError::Request(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::gates::GateKind;
    use leptos::server_fn::error::FromServerFnError;

    #[test]
    fn each_refusal_has_the_status_the_rest_api_uses() {
        let gates = vec![Gate {
            gate: GateKind::Signoff,
            passed: false,
            reason: "no QA sign-off".into(),
        }];
        for (error, status) in [
            (UseCaseError::Unauthenticated, 401),
            (UseCaseError::Forbidden, 403),
            (
                UseCaseError::Denied("token lacks the deploy scope".into()),
                403,
            ),
            (UseCaseError::NotFound("build 1.0.0".into()), 404),
            (UseCaseError::Conflict("busy".into()), 409),
            (UseCaseError::GatesFailed(gates.clone()), 412),
            (UseCaseError::Invalid(FieldErrors::new()), 422),
            (UseCaseError::Throttled("slow down".into()), 429),
            (UseCaseError::Internal, 500),
        ] {
            assert_eq!(error.status(), status, "{error:?}");
        }
        assert_eq!(
            UseCaseError::GatesFailed(gates.clone()).failed_gates(),
            gates
        );
    }

    #[test]
    fn on_the_wire_an_error_has_the_rest_apis_shape_and_its_kind() {
        let json = serde_json::to_value(UseCaseError::Forbidden).expect("json");
        assert_eq!(json["kind"], "forbidden");
        assert_eq!(json["error"], "your role does not allow this");
        let json =
            serde_json::to_value(UseCaseError::NotFound("build 9.9.9".into())).expect("json");
        assert_eq!(json["error"], "build 9.9.9 not found");
        assert_eq!(json["subject"], "build 9.9.9");
    }

    #[test]
    fn failed_gates_and_field_reasons_survive_the_trip_to_the_browser() {
        let mut fields = FieldErrors::new();
        fields.add("desired", "must be between 1 and 1 for PROD");
        for error in [
            UseCaseError::Invalid(fields),
            UseCaseError::GatesFailed(vec![Gate {
                gate: GateKind::FourEyes,
                passed: false,
                reason: "approved by you".into(),
            }]),
        ] {
            let decoded = UseCaseError::de(error.ser());
            assert_eq!(decoded, error);
        }
        assert_eq!(
            UseCaseError::de(UseCaseError::Invalid(FieldErrors::new()).ser()).field("desired"),
            None
        );
    }

    #[test]
    fn refused_input_is_only_about_the_fields_a_form_shows_when_it_names_no_other() {
        let mut fields = FieldErrors::new();
        fields.add("desired", "already runs 2 instances");
        let refused = UseCaseError::Invalid(fields.clone());
        assert!(refused.only_about(&["desired"]));
        assert!(!refused.only_about(&["notes"]));
        fields.add("environment", "unknown");
        assert!(!UseCaseError::Invalid(fields).only_about(&["desired"]));
        assert!(!UseCaseError::Invalid(FieldErrors::new()).only_about(&["desired"]));
        assert!(!UseCaseError::NotFound("x".into()).only_about(&["desired"]));
    }
}
