//! What a promotion would change, as the plain lines the promotion confirmation and the
//! sign-off form show: the rows that differ, the changes arriving, the fingerprint signed.

/// What QA signs on an environment: the fingerprint of what it runs and, when there is a next
/// environment, what a promotion of it into that one would change there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SigningView {
    /// The SHA-256 of what the environment runs (build, image, config, infrastructure): the
    /// fingerprint a sign-off given now records.
    pub fingerprint: Option<String>,
    /// The next environment's title.
    pub next: Option<String>,
    /// The rows of the next environment a promotion would change, each as `[key, line]`.
    pub differences: Vec<(String, String)>,
    /// The changes (commits) that would reach the next environment for the first time.
    pub arriving: Vec<String>,
    /// How many changes would arrive in all.
    pub arriving_total: usize,
}

impl SigningView {
    /// The fingerprint line, then what promoting would change in the next environment.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(fingerprint) = &self.fingerprint {
            lines.push(format!(
                "A sign-off now signs fingerprint {} (build, image, config and infrastructure \
                 as they run here)",
                &fingerprint[..fingerprint.len().min(12)]
            ));
        }
        if let Some(next) = &self.next {
            lines.push(format!("Promoting it would change in {next}:"));
            let changes =
                promotion_lines(&self.differences, &self.arriving, self.arriving_total, next);
            lines.extend(changes.into_iter().map(|line| format!("  {line}")));
        }
        lines
    }
}

/// What a promotion into `target` changes, one line each: the rows that differ, then the
/// changes (commits) reaching it for the first time (at most 20 listed, `total` counted).
pub fn promotion_lines(
    differences: &[(String, String)],
    arriving: &[String],
    total: usize,
    target: &str,
) -> Vec<String> {
    let mut lines: Vec<String> = differences.iter().map(|(_, line)| line.clone()).collect();
    if lines.is_empty() {
        lines.push(format!("Nothing differs from what {target} runs now."));
    }
    if !arriving.is_empty() {
        lines.push(format!(
            "{total} change(s) reach {target} for the first time:"
        ));
        lines.extend(arriving.iter().take(20).map(|line| format!("  {line}")));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_lines_name_the_fingerprint_then_the_next_environments_changes() {
        let view = SigningView {
            fingerprint: Some("37b9511a2b72ffff".into()),
            next: Some("STAGING".into()),
            differences: vec![("version".into(), "version: 1.0 → 1.1".into())],
            arriving: vec!["abc1234 Fix — ana · 1.1".into()],
            arriving_total: 3,
        };
        assert_eq!(
            view.lines(),
            [
                "A sign-off now signs fingerprint 37b9511a2b72 (build, image, config and \
                 infrastructure as they run here)",
                "Promoting it would change in STAGING:",
                "  version: 1.0 → 1.1",
                "  3 change(s) reach STAGING for the first time:",
                "    abc1234 Fix — ana · 1.1",
            ]
        );
    }

    #[test]
    fn nothing_differing_is_said_in_words() {
        assert_eq!(
            promotion_lines(&[], &[], 0, "PROD"),
            ["Nothing differs from what PROD runs now."]
        );
    }
}
