//! The overview shows each environment's live health, read by the server's one poller.

use crate::support::engine_app::{deploy_to_test, engine_app_polling};
use app::domain::Role;
use std::time::Duration;

#[tokio::test]
async fn the_overview_shows_a_released_environment_healthy_with_its_instance_count() {
    let app = engine_app_polling().await;
    let erin = app.token("erin", Role::Engineer).await;
    let html = app.get(Some(&erin), "/").await.text().await.unwrap();
    assert!(
        !html.contains("data-testid=\"env-health\""),
        "no badge where nothing runs: {html}"
    );
    deploy_to_test(&app, &erin, "1.0.0").await;
    let mut last = String::new();
    for _ in 0..100 {
        last = app.get(Some(&erin), "/").await.text().await.unwrap();
        if last.contains("data-health=\"healthy\"") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(last.contains("data-health=\"healthy\""), "{last}");
    assert!(last.contains("1 of 1 healthy"), "{last}");
    assert!(last.contains(">Healthy<"), "said in words: {last}");
}
