//! The line of releases an environment went through, as rollback reads it: a deploy or a
//! promotion puts its build on top; a rollback leaves the build on top and lands on an earlier
//! one, which becomes the top again. So "roll back" walks down the line — after rolling back
//! from B to A, rolling back again goes to the release before A, never back up to B.

use super::DeploymentKind;

/// The releases, oldest first, built from an environment's succeeded deployments (oldest
/// first; scaling aside) as `(version, kind)`.
pub fn release_line<'a>(
    history: impl IntoIterator<Item = (&'a str, DeploymentKind)>,
) -> Vec<String> {
    let mut line: Vec<String> = Vec::new();
    for (version, kind) in history {
        match kind {
            DeploymentKind::Scale => {}
            DeploymentKind::Rollback => {
                let below_top = line.len().saturating_sub(1);
                match line[..below_top].iter().rposition(|v| v == version) {
                    Some(at) => line.truncate(at + 1),
                    None => {
                        line.pop();
                        line.push(version.to_owned());
                    }
                }
            }
            DeploymentKind::Deploy | DeploymentKind::Promote => {
                if line.last().map(String::as_str) != Some(version) {
                    line.push(version.to_owned());
                }
            }
        }
    }
    line
}

/// Where "roll back" lands: the release below the one running.
pub fn rollback_target(line: &[String]) -> Option<&str> {
    let below_top = line.len().checked_sub(2)?;
    line.get(below_top).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeploymentKind::{Deploy, Promote, Rollback, Scale};

    #[test]
    fn rolling_back_twice_walks_down_the_line_and_never_back_up() {
        let line = release_line([("1.0.0", Deploy), ("1.1.0", Deploy), ("1.2.0", Deploy)]);
        assert_eq!(rollback_target(&line), Some("1.1.0"));
        let line = release_line([
            ("1.0.0", Deploy),
            ("1.1.0", Deploy),
            ("1.2.0", Deploy),
            ("1.1.0", Rollback),
        ]);
        assert_eq!(line, ["1.0.0", "1.1.0"]);
        assert_eq!(rollback_target(&line), Some("1.0.0"), "not 1.2.0 again");
        let line = release_line([("1.0.0", Promote), ("1.1.0", Promote), ("1.0.0", Rollback)]);
        assert_eq!(rollback_target(&line), None, "nothing earlier than 1.0.0");
    }

    #[test]
    fn a_rollback_to_a_chosen_release_lands_there_and_scaling_changes_nothing() {
        let line = release_line([
            ("1.0.0", Deploy),
            ("1.1.0", Deploy),
            ("1.1.0", Scale),
            ("1.2.0", Deploy),
            ("1.0.0", Rollback),
        ]);
        assert_eq!(line, ["1.0.0"]);
        let line = release_line([("1.0.0", Deploy), ("2.0.0", Rollback)]);
        assert_eq!(
            line,
            ["2.0.0"],
            "a release the line does not know is put on top"
        );
    }
}
