//! The release history as CSV, for spreadsheets: RFC 4180 quoting, and no cell a spreadsheet
//! would run as a formula.

use app::domain::DeploymentRecord;

/// One cell per RFC 4180; a cell a spreadsheet would run as a formula (starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`.
fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The header and every row.
pub fn to_csv(rows: &[DeploymentRecord]) -> String {
    format!("{HEADER}{}", csv_rows(rows))
}

/// The header row.
pub const HEADER: &str = "id,environment,build,revision,kind,outcome,started_by,started_at,finished_at,notes,demo,approved_by,approved_at,approval_notes,freeze_override\r\n";

/// Rows without the header, for a streamed export.
pub fn csv_rows(rows: &[DeploymentRecord]) -> String {
    let mut out = String::new();
    for r in rows {
        let fields = [
            r.id.to_string(),
            r.environment.clone(),
            r.build_version.clone(),
            r.build_revision.clone(),
            r.kind.as_str().to_owned(),
            r.outcome.as_str().to_owned(),
            r.started_by.clone(),
            r.started_at.to_rfc3339(),
            r.finished_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            r.notes.clone(),
            r.demo.to_string(),
            r.approved_by.clone().unwrap_or_default(),
            r.approved_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            r.approval_notes.clone().unwrap_or_default(),
            r.freeze_override.clone().unwrap_or_default(),
        ];
        out += &fields.iter().map(|f| cell(f)).collect::<Vec<_>>().join(",");
        out += "\r\n";
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::{DeploymentKind, Outcome, Timestamp};

    #[test]
    fn a_leading_tab_or_carriage_return_is_defused_too() {
        let mut row = sample();
        row.notes = "\t=1+1".into();
        row.started_by = "\r=2".into();
        let csv = to_csv(&[row]);
        let line = csv.lines().nth(1).expect("row");
        assert!(line.contains(",'\t=1+1,"), "{line}");
        assert!(line.contains(",\"'\r=2\","), "{line}");
    }

    fn sample() -> DeploymentRecord {
        DeploymentRecord {
            id: 7,
            environment: "prod".into(),
            build_version: "1.4.2".into(),
            build_revision: "abcdef0".into(),
            kind: DeploymentKind::Promote,
            outcome: Outcome::RolledBack,
            started_by: "=cmd()".into(),
            started_at: Timestamp::from_millis(0),
            finished_at: None,
            notes: "alarm \"5xx\", then rollback".into(),
            demo: false,
            signoff_id: Some(3),
            approved_by: Some("quinn".into()),
            approved_at: None,
            approval_notes: Some("=cmd|' /C calc'!A0".into()),
            freeze_override: None,
        }
    }

    #[test]
    fn csv_quotes_separators_and_defuses_formulas() {
        let csv = to_csv(&[sample()]);
        let line = csv.lines().nth(1).expect("row");
        assert_eq!(
            line,
            "7,prod,1.4.2,abcdef0,promote,rolled_back,'=cmd(),1970-01-01T00:00:00.000Z,,\"alarm \"\"5xx\"\", then rollback\",false,quinn,,'=cmd|' /C calc'!A0,"
        );
    }
}
