//! Config secrets with the `aws` adapter against moto's SSM: a SecureString comes back
//! decrypted with its version, is kept only as version and keyed hash, a new value makes a new
//! version and hash, and a parameter that cannot be read leaves the secret compared by
//! reference without failing anything.

use crate::moto::{clients, start};
use crate::moto_fleet::core_over;
use aws_sdk_ssm::types::ParameterType;
use greenlight::cloud::Cloud;
use greenlight::config::{ConfigValue, EnvironmentSettings};
use greenlight::service::secrets::{self, Freshness};
use std::sync::Arc;

async fn put(aws: &greenlight::cloud::aws::AwsClients, name: &str, value: &str) {
    aws.ssm
        .put_parameter()
        .name(name)
        .value(value)
        .r#type(ParameterType::SecureString)
        .overwrite(true)
        .send()
        .await
        .expect("put parameter");
}

#[tokio::test]
async fn on_moto_secrets_come_back_as_version_and_keyed_hash_and_change_when_put_again() {
    let moto = start().await;
    let aws = Arc::new(clients(&moto).await);
    put(&aws, "/app/prod/api_key", "first-value").await;
    let read = aws.parameter("/app/prod/api_key").await.expect("read");
    assert_eq!((read.version, read.value.as_str()), (1, "first-value"));
    assert!(
        !format!("{read:?}").contains("first-value"),
        "Debug hides the value"
    );

    let mut environment = EnvironmentSettings::named("prod", "PROD");
    environment.config.insert(
        "API_KEY".into(),
        ConfigValue::Secret {
            secret: "ssm:/app/prod/api_key".into(),
        },
    );
    environment.config.insert(
        "MISSING".into(),
        ConfigValue::Secret {
            secret: "ssm:/app/prod/never_put".into(),
        },
    );
    let core = core_over(aws.clone(), environment).await;

    let first = secrets::read(&core, "ssm:/app/prod/api_key", Freshness::Fresh)
        .await
        .expect("readable");
    assert_eq!(first.version, 1);
    assert_eq!(
        first.keyed_hash.len(),
        64,
        "HMAC-SHA256 in hex, not the value"
    );
    put(&aws, "/app/prod/api_key", "second-value").await;
    let cached = secrets::read(&core, "ssm:/app/prod/api_key", Freshness::Cached).await;
    assert_eq!(cached.as_ref(), Some(&first), "pages read the cache");
    let second = secrets::read(&core, "ssm:/app/prod/api_key", Freshness::Fresh)
        .await
        .expect("readable");
    assert_eq!(second.version, 2);
    assert_ne!(second.keyed_hash, first.keyed_hash);

    assert_eq!(
        secrets::read(&core, "ssm:/app/prod/never_put", Freshness::Fresh).await,
        None,
        "not readable: compared by reference only"
    );
    let (_, environment) = core
        .environment(&app::domain::EnvironmentName::parse("prod").unwrap())
        .unwrap();
    let entries = secrets::config_entries(&core, environment, Freshness::Cached).await;
    let text = serde_json::to_string(&entries).unwrap();
    assert!(
        !text.contains("first-value") && !text.contains("second-value"),
        "{text}"
    );
}
