//! Events written to the notification outbox by time and by the fleet poller: an alarm that
//! starts firing (once, and again only after it was quiet), and a release's warm window
//! closing soon (once, `warm_window_notice` before its end) and closed.

use crate::support::harness::{harness, Harness};
use app::domain::rollout::Phase;
use greenlight::cloud::AlarmState;
use greenlight::fleet_health::poller;
use greenlight::notify::derived;
use sqlx::Row;

/// The summaries of the outbox's `event` rows, oldest first.
async fn told(h: &Harness, event: &str) -> Vec<String> {
    sqlx::query("SELECT summary FROM notification_events WHERE event = $1 ORDER BY id")
        .bind(event)
        .fetch_all(&h.pool)
        .await
        .expect("events")
        .iter()
        .map(|row| row.try_get("summary").expect("summary"))
        .collect()
}

#[tokio::test]
async fn an_alarm_that_starts_firing_is_told_once_and_again_only_after_it_was_quiet() {
    let h = harness(|s| {
        s.environments[1].alarms = vec!["staging-5xx".into()];
    })
    .await;
    h.sandbox.set_alarm("staging-5xx", AlarmState::Ok);
    poller::refresh(&h.core).await;
    assert!(told(&h, "alarm.firing").await.is_empty(), "quiet");

    h.sandbox.set_alarm("staging-5xx", AlarmState::Alarm);
    poller::refresh(&h.core).await;
    poller::refresh(&h.core).await;
    assert_eq!(
        told(&h, "alarm.firing").await,
        ["Alarm staging-5xx is firing on staging"],
        "once while it keeps firing"
    );

    h.sandbox.set_alarm("staging-5xx", AlarmState::Ok);
    poller::refresh(&h.core).await;
    h.sandbox.set_alarm("staging-5xx", AlarmState::Alarm);
    poller::refresh(&h.core).await;
    assert_eq!(told(&h, "alarm.firing").await.len(), 2, "firing again");
}

#[tokio::test]
async fn a_warm_window_is_told_closing_once_before_its_end_and_closed_at_it() {
    let h = harness(|s| {
        s.notifications.warm_window_notice = "10m".parse().expect("duration");
    })
    .await;
    let second = h.warm_second_release().await;
    let warm_until = h.row(second).await.warm_until.expect("warm until");

    derived::warm_windows_closing(&h.core).await.expect("scan");
    assert!(
        told(&h, "warm_window.closing").await.is_empty(),
        "an hour left: not yet"
    );
    h.clock.advance_to(warm_until - 9 * 60_000);
    derived::warm_windows_closing(&h.core).await.expect("scan");
    derived::warm_windows_closing(&h.core).await.expect("scan");
    let closing = told(&h, "warm_window.closing").await;
    assert_eq!(closing.len(), 1, "once: {closing:?}");
    assert!(
        closing[0].contains(&format!("#{second} (1.0.1 in test) closes in 9 min")),
        "{closing:?}"
    );
    assert!(told(&h, "warm_window.closed").await.is_empty());

    assert_eq!(h.finish(second).await, Phase::Succeeded);
    let closed = told(&h, "warm_window.closed").await;
    assert_eq!(closed.len(), 1, "{closed:?}");
    assert!(
        closed[0].contains(&format!("#{second} (1.0.1 in test) closed")),
        "{closed:?}"
    );
    assert_eq!(
        told(&h, "warm_window.closing").await.len(),
        1,
        "not told again"
    );
}

#[tokio::test]
async fn a_first_release_keeps_no_old_fleet_and_is_not_told_its_warm_window_closes() {
    let h = harness(|_| {}).await;
    h.build("1.0.0").await;
    let first = h.deploy("1.0.0").await;
    if h.settle(first).await == Phase::Warm {
        if let Some(until) = h.row(first).await.warm_until {
            h.clock.advance_to(until - 60_000);
        }
    }
    derived::warm_windows_closing(&h.core).await.expect("scan");
    assert!(told(&h, "warm_window.closing").await.is_empty());
    assert_eq!(h.finish(first).await, Phase::Succeeded);
}
