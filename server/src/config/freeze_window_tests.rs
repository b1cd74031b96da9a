//! Freeze windows at fixed instants: across the week's end, across midnight, across both
//! daylight-saving changes of Europe/Berlin, and one-off dates.

use super::*;

fn at(utc: &str) -> i64 {
    utc.parse::<jiff::Timestamp>()
        .expect("instant")
        .as_millisecond()
}

fn window(from: &str, to: &str) -> FreezeWindow {
    let settings = FreezeWindowSettings {
        name: "w".into(),
        time_zone: "Europe/Berlin".into(),
        from: Some(from.into()),
        to: Some(to.into()),
        cron: None,
        duration: None,
        reason: None,
    };
    FreezeWindow::parse(&settings, "environments[1].freeze_windows[0]").expect("window")
}

#[test]
fn a_weekend_window_holds_from_friday_afternoon_to_monday_morning_across_the_weeks_end() {
    let weekend = window("Fri 16:00", "Mon 08:00");
    // Friday 2026-11-20 15:59 in Berlin (UTC+1): not yet; the next starts at 16:00.
    assert_eq!(weekend.active(at("2026-11-20T14:59:00Z")), None);
    let next = weekend
        .current_or_next(at("2026-11-20T14:59:00Z"))
        .expect("next");
    assert_eq!(next.start, at("2026-11-20T15:00:00Z"));
    assert_eq!(next.end, at("2026-11-23T07:00:00Z"));
    for inside in [
        "2026-11-20T15:00:00Z",
        "2026-11-22T22:30:00Z",
        "2026-11-23T06:59:00Z",
    ] {
        assert_eq!(weekend.active(at(inside)), Some(next), "{inside}");
    }
    assert_eq!(
        weekend.active(at("2026-11-23T07:00:00Z")),
        None,
        "Monday 08:00 is free"
    );
    assert_eq!(
        weekend
            .current_or_next(at("2026-11-23T07:00:00Z"))
            .expect("next")
            .start,
        at("2026-11-27T15:00:00Z")
    );
}

#[test]
fn a_window_across_midnight_ends_the_next_morning() {
    let nightly = window("Mon 22:00", "Tue 02:00");
    let span = nightly
        .active(at("2026-11-23T23:30:00Z"))
        .expect("Tuesday 00:30 local");
    assert_eq!(span.start, at("2026-11-23T21:00:00Z"));
    assert_eq!(span.end, at("2026-11-24T01:00:00Z"));
    assert_eq!(nightly.active(at("2026-11-24T01:00:00Z")), None);
}

#[test]
fn local_hours_hold_across_both_daylight_saving_changes() {
    let weekend = window("Fri 16:00", "Mon 08:00");
    // Autumn: Berlin leaves summer time on Sunday 2026-10-25; Friday 16:00 is 14:00 UTC,
    // Monday 08:00 is 07:00 UTC — 65 hours, not 64.
    let autumn = weekend
        .active(at("2026-10-24T12:00:00Z"))
        .expect("Saturday");
    assert_eq!(autumn.start, at("2026-10-23T14:00:00Z"));
    assert_eq!(autumn.end, at("2026-10-26T07:00:00Z"));
    // Spring: summer time starts on Sunday 2026-03-29; Friday 16:00 is 15:00 UTC, Monday
    // 08:00 is 06:00 UTC — 63 hours.
    let spring = weekend
        .active(at("2026-03-28T12:00:00Z"))
        .expect("Saturday");
    assert_eq!(spring.start, at("2026-03-27T15:00:00Z"));
    assert_eq!(spring.end, at("2026-03-30T06:00:00Z"));
}

#[test]
fn one_off_dates_hold_through_the_end_date() {
    let holidays = window("2026-12-20", "2027-01-04");
    let before = at("2026-12-01T12:00:00Z");
    assert_eq!(holidays.active(before), None);
    let span = holidays.current_or_next(before).expect("coming");
    assert_eq!(span.start, at("2026-12-19T23:00:00Z"));
    assert_eq!(
        span.end,
        at("2027-01-04T23:00:00Z"),
        "the whole of 4 January"
    );
    assert_eq!(holidays.active(at("2027-01-04T22:59:00Z")), Some(span));
    assert_eq!(holidays.active(at("2027-01-04T23:00:00Z")), None);
    assert_eq!(
        holidays.current_or_next(at("2027-01-05T12:00:00Z")),
        None,
        "over"
    );
    let evening = window("2026-12-24 12:00", "2026-12-24 18:00");
    assert_eq!(
        evening.current_or_next(before).expect("span").end,
        at("2026-12-24T17:00:00Z")
    );
}

#[test]
fn a_window_that_cannot_be_read_is_refused_naming_the_key() {
    let parse = |zone: &str, from: &str, to: &str| {
        FreezeWindow::parse(
            &FreezeWindowSettings {
                name: "w".into(),
                time_zone: zone.into(),
                from: Some(from.into()),
                to: Some(to.into()),
                cron: None,
                duration: None,
                reason: None,
            },
            "environments[2].freeze_windows[0]",
        )
        .map(|_| ())
    };
    let error = parse("Mars/Olympus", "Fri 16:00", "Mon 08:00").unwrap_err();
    assert!(
        error.contains("environments[2].freeze_windows[0].time_zone"),
        "{error}"
    );
    assert!(parse("Europe/Berlin", "Friday 16:00", "Monday 08:00").is_ok());
    assert!(parse("Europe/Berlin", "Fri 25:00", "Mon 08:00")
        .unwrap_err()
        .contains(".from"));
    assert!(parse("Europe/Berlin", "2027-01-04", "2026-12-20")
        .unwrap_err()
        .contains("after"));
    assert!(parse("Europe/Berlin", "Fri 16:00", "Fri 16:00")
        .unwrap_err()
        .contains("differ"));
}

fn cron(expression: &str, duration: &str) -> Result<FreezeWindow, String> {
    let settings = FreezeWindowSettings {
        name: "c".into(),
        time_zone: "Europe/Berlin".into(),
        from: None,
        to: None,
        cron: Some(expression.into()),
        duration: Some(duration.parse().expect("duration")),
        reason: None,
    };
    FreezeWindow::parse(&settings, "environments[2].freeze_windows[1]")
}

#[test]
fn a_cron_window_starts_at_each_match_in_the_zone_and_lasts_its_duration() {
    let weekend = cron("0 16 * * Fri", "64h").expect("window");
    // Friday 2026-11-20 16:00 in Berlin is 15:00 UTC; 64 hours on is Monday 07:00 UTC.
    let next = weekend
        .current_or_next(at("2026-11-20T14:59:00Z"))
        .expect("next");
    assert_eq!(
        (next.start, next.end),
        (at("2026-11-20T15:00:00Z"), at("2026-11-23T07:00:00Z"))
    );
    assert_eq!(weekend.active(at("2026-11-22T12:00:00Z")), Some(next));
    assert_eq!(
        weekend.active(at("2026-11-23T07:00:00Z")),
        None,
        "the end is free"
    );
    assert_eq!(
        weekend
            .current_or_next(at("2026-11-23T07:00:00Z"))
            .expect("next")
            .start,
        at("2026-11-27T15:00:00Z")
    );
}

#[test]
fn a_cron_window_keeps_its_local_start_across_the_spring_daylight_saving_change() {
    // Berlin moves to UTC+2 on Sunday 2026-03-29: the Friday after starts at 14:00 UTC.
    let weekend = cron("0 16 * * Fri", "64h").expect("window");
    let before = weekend
        .current_or_next(at("2026-03-27T12:00:00Z"))
        .expect("next");
    assert_eq!(before.start, at("2026-03-27T15:00:00Z"));
    let after = weekend
        .current_or_next(at("2026-03-31T12:00:00Z"))
        .expect("next");
    assert_eq!(after.start, at("2026-04-03T14:00:00Z"));
}

#[test]
fn a_cron_window_refuses_numbered_weekdays_missing_fields_and_mixed_keys() {
    assert!(cron("0 16 * * 5", "64h")
        .unwrap_err()
        .contains("name the days of the week"));
    assert!(cron("0 16 * *", "64h")
        .unwrap_err()
        .contains("`environments[2].freeze_windows[1].cron`: five fields"));
    assert!(cron("0 25 * * Fri", "1h")
        .unwrap_err()
        .contains("is not a cron expression"));
    let mut mixed = FreezeWindowSettings {
        name: "m".into(),
        time_zone: "Europe/Berlin".into(),
        from: Some("Fri 16:00".into()),
        to: None,
        cron: Some("0 16 * * Fri".into()),
        duration: Some("1h".parse().expect("duration")),
        reason: None,
    };
    assert!(FreezeWindow::parse(&mixed, "k")
        .unwrap_err()
        .contains("either `cron` and `duration` or `from` and `to`"));
    mixed.cron = None;
    mixed.to = Some("Mon 08:00".into());
    assert!(FreezeWindow::parse(&mixed, "k")
        .unwrap_err()
        .contains("`k.duration`: only a `cron` window"));
    mixed.from = None;
    mixed.to = None;
    mixed.duration = None;
    assert!(FreezeWindow::parse(&mixed, "k")
        .unwrap_err()
        .contains("needs `from` and `to`"));
}

#[test]
fn overlapping_cron_occurrences_merge_and_both_day_fields_at_once_are_refused() {
    // Every day at 18:00 for 30 hours: each freeze runs into the next day's, so the freeze
    // holds on without a break.
    let nightly = cron("0 18 * * *", "30h").expect("window");
    let span = nightly
        .active(at("2026-11-20T18:00:00Z"))
        .expect("frozen on Friday evening");
    assert!(span.end > at("2026-11-21T23:00:00Z"), "{span:?}");
    assert!(cron("0 18 1 * Fri", "1h").unwrap_err().contains("not both"));
}
