//! Tests of [`super::diff`]: examples for each kind of secret comparison, and properties over
//! generated sides (identity, mirror, every key exactly once, no secret value in the output).

use super::*;
use proptest::prelude::*;

fn secret(reference: &str, read: Option<(i64, &str)>) -> ConfigEntry {
    ConfigEntry::Secret(SecretEntry {
        reference: reference.into(),
        read: read.map(|(version, hash)| SecretRead {
            version,
            keyed_hash: hash.into(),
        }),
    })
}

fn config(entries: &[(&str, ConfigEntry)]) -> DiffSide {
    DiffSide {
        config: entries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        ..DiffSide::default()
    }
}

fn row<'a>(rows: &'a [DiffRow], key: &str) -> &'a DiffRow {
    rows.iter().find(|r| r.key == key).expect("row")
}

#[test]
fn secrets_with_equal_keyed_hashes_are_the_same_secret_whatever_their_references() {
    let rows = diff(
        &config(&[(
            "API_KEY",
            secret("ssm:/app/staging/api_key", Some((2, "ab"))),
        )]),
        &config(&[("API_KEY", secret("ssm:/app/prod/api_key", Some((7, "ab"))))]),
    );
    let api = row(&rows, "API_KEY");
    assert_eq!(api.change, Change::Same);
    assert_eq!(api.note.as_deref(), Some("same secret"));
    assert_eq!(
        api.left.as_deref(),
        Some("secret ssm:/app/staging/api_key (version 2)")
    );
}

#[test]
fn a_rotated_secret_is_changed_with_its_versions_and_another_value_is_a_different_secret() {
    let rotated = diff(
        &config(&[("API_KEY", secret("ssm:/k", Some((3, "aa"))))]),
        &config(&[("API_KEY", secret("ssm:/k", Some((4, "bb"))))]),
    );
    assert_eq!(row(&rotated, "API_KEY").change, Change::Changed);
    assert_eq!(
        row(&rotated, "API_KEY").note.as_deref(),
        Some("changed: version 3 → 4")
    );
    let other = diff(
        &config(&[("API_KEY", secret("ssm:/a", Some((1, "aa"))))]),
        &config(&[("API_KEY", secret("ssm:/b", Some((1, "bb"))))]),
    );
    assert_eq!(
        row(&other, "API_KEY").note.as_deref(),
        Some("different secret")
    );
}

#[test]
fn an_unreadable_secret_is_compared_by_reference_only() {
    let same = diff(
        &config(&[("K", secret("ssm:/k", None))]),
        &config(&[("K", secret("ssm:/k", Some((1, "aa"))))]),
    );
    assert_eq!(row(&same, "K").change, Change::Same);
    assert!(row(&same, "K")
        .note
        .as_deref()
        .unwrap()
        .contains("by reference only"));
    let other = diff(
        &config(&[("K", secret("ssm:/a", None))]),
        &config(&[("K", secret("ssm:/b", None))]),
    );
    assert_eq!(row(&other, "K").change, Change::Changed);
}

#[test]
fn keys_on_one_side_are_added_or_removed_and_plain_against_secret_is_changed() {
    let rows = diff(
        &config(&[
            ("OLD", ConfigEntry::Plain("1".into())),
            ("K", ConfigEntry::Plain("x".into())),
        ]),
        &config(&[
            ("NEW", ConfigEntry::Plain("2".into())),
            ("K", secret("ssm:/k", None)),
        ]),
    );
    assert_eq!(row(&rows, "OLD").change, Change::Removed);
    assert_eq!(row(&rows, "NEW").change, Change::Added);
    assert_eq!(row(&rows, "K").change, Change::Changed);
    assert_eq!(
        counts(&rows),
        DiffCounts {
            added: 1,
            removed: 1,
            changed: 1,
            same: 0
        }
    );
}

#[test]
fn rows_come_section_by_section_code_config_infrastructure() {
    let side = DiffSide {
        code: BTreeMap::from([("version".into(), "1.0.0".into())]),
        config: BTreeMap::from([("A".into(), ConfigEntry::Plain("1".into()))]),
        infrastructure: BTreeMap::from([("instance_type".into(), "t3.small".into())]),
    };
    let sections: Vec<Section> = diff(&side, &side).iter().map(|r| r.section).collect();
    assert_eq!(
        sections,
        [Section::Code, Section::Config, Section::Infrastructure]
    );
}

#[test]
fn the_text_for_a_change_ticket_marks_each_row_and_leaves_out_same_rows_unless_asked() {
    let left = DiffSide {
        code: BTreeMap::from([("version".into(), "1.4.2".into())]),
        config: BTreeMap::from([
            ("API_KEY".into(), secret("ssm:/k", Some((3, "aa")))),
            ("OLD".into(), ConfigEntry::Plain("1".into())),
            ("SAME".into(), ConfigEntry::Plain("s".into())),
        ]),
        ..DiffSide::default()
    };
    let right = DiffSide {
        code: BTreeMap::from([("version".into(), "1.5.0".into())]),
        config: BTreeMap::from([
            ("API_KEY".into(), secret("ssm:/k", Some((4, "bb")))),
            ("NEW".into(), ConfigEntry::Plain("2".into())),
            ("SAME".into(), ConfigEntry::Plain("s".into())),
        ]),
        ..DiffSide::default()
    };
    let rows = diff(&left, &right);
    assert_eq!(
        as_text(&rows, false),
        "Code\n\
         ~ version: 1.4.2 → 1.5.0\n\
         Config\n\
         ~ API_KEY: secret ssm:/k (version 3) → secret ssm:/k (version 4) (changed: version 3 → 4)\n\
         + NEW: (none) → 2\n\
         - OLD: 1 → (none)\n"
    );
    assert!(as_text(&rows, true).contains("  SAME: s → s\n"));
}

/// A stand-in for the keyed hash: derived from the value, never containing it.
fn fingerprint(value: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in value.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn entry() -> impl Strategy<Value = ConfigEntry> {
    prop_oneof![
        "[a-c]{1,2}".prop_map(ConfigEntry::Plain),
        (
            "ssm:/[a-b]",
            proptest::option::of((1i64..4, "SECRET-[a-c]{6}")),
        )
            .prop_map(|(reference, read)| ConfigEntry::Secret(SecretEntry {
                reference,
                read: read.map(|(version, value)| SecretRead {
                    version,
                    keyed_hash: fingerprint(&value),
                }),
            })),
    ]
}

fn side() -> impl Strategy<Value = DiffSide> {
    (
        proptest::collection::btree_map("[a-d]", "[x-z]", 0..4),
        proptest::collection::btree_map("[A-F]", entry(), 0..6),
        proptest::collection::btree_map("[p-s]", "[x-z]{1,2}", 0..4),
    )
        .prop_map(|(code, config, infrastructure)| DiffSide {
            code,
            config,
            infrastructure,
        })
}

proptest! {
    #[test]
    fn a_side_against_itself_has_only_same_rows(a in side()) {
        prop_assert!(diff(&a, &a).iter().all(|r| r.change == Change::Same));
    }

    #[test]
    fn b_against_a_mirrors_a_against_b(a in side(), b in side()) {
        let forth = diff(&a, &b);
        let back = diff(&b, &a);
        prop_assert_eq!(forth.len(), back.len());
        for (f, b) in forth.iter().zip(&back) {
            prop_assert_eq!((f.section, &f.key), (b.section, &b.key));
            prop_assert_eq!((&f.left, &f.right), (&b.right, &b.left));
            prop_assert_eq!(f.change.mirrored(), b.change);
        }
    }

    #[test]
    fn every_key_of_either_side_is_in_exactly_one_row_of_its_section(a in side(), b in side()) {
        let rows = diff(&a, &b);
        let expected = keys(&a.code, &b.code).len()
            + keys(&a.config, &b.config).len()
            + keys(&a.infrastructure, &b.infrastructure).len();
        prop_assert_eq!(rows.len(), expected);
        let n = counts(&rows);
        prop_assert_eq!(n.added + n.removed + n.changed + n.same, expected);
        let distinct: BTreeSet<(Section, &String)> = rows.iter().map(|r| (r.section, &r.key)).collect();
        prop_assert_eq!(distinct.len(), expected);
    }

    #[test]
    fn no_secret_value_reaches_the_rows(values in proptest::collection::vec("SECRET-[a-c]{6}", 1..4)) {
        let side = |version: i64| DiffSide {
            config: values
                .iter()
                .enumerate()
                .map(|(n, value)| {
                    (format!("K{n}"), ConfigEntry::Secret(SecretEntry {
                        reference: format!("ssm:/k{n}"),
                        read: Some(SecretRead { version, keyed_hash: fingerprint(value) }),
                    }))
                })
                .collect(),
            ..DiffSide::default()
        };
        let text = serde_json::to_string(&diff(&side(1), &side(2))).expect("json");
        for value in &values {
            prop_assert!(!text.contains(value.as_str()), "{} in {}", value, text);
        }
    }
}
