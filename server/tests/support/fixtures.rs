//! Values tests build again and again: a build, the principals, typed names.

use app::domain::signoff_request::SignOffForm;
use app::domain::views::Principal;
use app::domain::{AmiId, Artifact, EnvironmentName, NewBuild, Revision, Role, Version};
use serde_json::{json, Value};
use sqlx::AnyPool;

/// The AMI every fixture build runs from.
pub const AMI: &str = "ami-0123456789abcdef0";

/// A build of `version` from revision `abcdef1`, running [`AMI`], with no changes.
pub fn new_build(version: &str) -> NewBuild {
    new_build_from(version, AMI)
}

/// As [`new_build`], running `ami`.
pub fn new_build_from(version: &str, ami: &str) -> NewBuild {
    NewBuild {
        version: Version::parse(version).expect("fixture version"),
        revision: Revision::parse("abcdef1").expect("fixture revision"),
        artifact: Artifact::Image {
            ami_id: AmiId::parse(ami).expect("fixture AMI"),
        },
        changes: vec![],
        ci_url: None,
        schema_version: None,
    }
}

/// Stores [`new_build`]`(version)` straight into the database; returns its id.
pub async fn insert_build(pool: &AnyPool, version: &str, at: i64) -> i64 {
    greenlight::db::builds::insert(pool, &new_build(version), version, "ci", at)
        .await
        .expect("fixture build")
        .id
}

/// What CI sends to register `version` (with one change and a CI link).
pub fn build_payload(version: &str) -> Value {
    json!({
        "version": version,
        "revision": "9fceb02d0ae598e95dc970b74767f19372d61af8",
        "artifact": {"ami_id": AMI},
        "changes": [{"revision": "9fceb02", "summary": "Fix login", "author": "ana"}],
        "ci_url": "https://ci.example.com/run/7"
    })
}

/// Someone with `role`.
pub fn person(name: &str, role: Role) -> Principal {
    Principal {
        id: 0,
        name: name.into(),
        role,
    }
}

/// Erin, an engineer.
pub fn engineer() -> Principal {
    person("erin", Role::Engineer)
}

/// An environment name.
pub fn env(name: &str) -> EnvironmentName {
    EnvironmentName::parse(name).expect("fixture environment name")
}

/// A version.
pub fn version(text: &str) -> Version {
    Version::parse(text).expect("fixture version")
}

/// A sign-off form.
pub fn signoff(environment: &str, verdict: &str, notes: &str) -> SignOffForm {
    SignOffForm::new(environment, verdict, notes)
}

/// Now, by the system clock.
pub fn now() -> i64 {
    use greenlight::clock::{Clock, SystemClock};
    SystemClock.now_ms()
}
