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
    release_line_top(history, true, usize::MAX).unwrap_or_default()
}

/// Where "roll back" lands: the release below the one running.
pub fn rollback_target(line: &[String]) -> Option<&str> {
    let below_top = line.len().checked_sub(2)?;
    line.get(below_top).map(String::as_str)
}

/// The top `want` releases of the line (oldest first), from only the newest part of an
/// environment's history (oldest first, as for [`release_line`]); `whole` says that part is all
/// of it. `None` when that part does not settle them — a rollback to a release older than it —
/// and the caller reads further back: a long history's line is then known from its last few
/// hundred deployments instead of all of them, exactly as [`release_line`] would build it.
pub fn release_line_top<'a>(
    recent: impl IntoIterator<Item = (&'a str, DeploymentKind)>,
    whole: bool,
    want: usize,
) -> Option<Vec<String>> {
    // What this part of the history put above the line it started from. Its bottom may repeat
    // that line's top (a deploy of the running build adds nothing), which changes what lies
    // below it, never the versions shown here.
    let mut above: Vec<String> = Vec::new();
    for (version, kind) in recent {
        match kind {
            DeploymentKind::Scale => {}
            DeploymentKind::Rollback => {
                let below_top = above.len().saturating_sub(1);
                match above[..below_top].iter().rposition(|v| v == version) {
                    Some(at) => above.truncate(at + 1),
                    // Below what this part built: only the whole history knows.
                    None if !whole => return None,
                    None => {
                        above.pop();
                        above.push(version.to_owned());
                    }
                }
            }
            DeploymentKind::Deploy | DeploymentKind::Promote => {
                if above.last().map(String::as_str) != Some(version) {
                    above.push(version.to_owned());
                }
            }
        }
    }
    if above.len() < want && !whole {
        return None;
    }
    let from = above.len().saturating_sub(want);
    Some(above.split_off(from))
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

    /// A small deterministic generator for the histories below.
    fn histories(seed: u64, count: usize) -> Vec<Vec<(String, DeploymentKind)>> {
        let mut state = seed;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..count)
            .map(|_| {
                let len = (next() % 40) as usize;
                (0..len)
                    .map(|_| {
                        let version = format!("1.{}.0", next() % 6);
                        let kind = match next() % 10 {
                            0..=4 => Deploy,
                            5 => Promote,
                            6 | 7 => Rollback,
                            _ => Scale,
                        };
                        (version, kind)
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_top_of_the_line_from_any_recent_part_is_the_whole_lines_top_or_unknown() {
        let mut settled = 0;
        for history in histories(0x9e37_79b9_7f4a_7c15, 3000) {
            let line = release_line(history.iter().map(|(v, k)| (v.as_str(), *k)));
            for want in 1..=3 {
                let expected = line[line.len().saturating_sub(want)..].to_vec();
                let whole =
                    release_line_top(history.iter().map(|(v, k)| (v.as_str(), *k)), true, want);
                assert_eq!(whole.as_ref(), Some(&expected), "{history:?}");
                for start in 1..history.len() {
                    let recent = history[start..].iter().map(|(v, k)| (v.as_str(), *k));
                    if let Some(top) = release_line_top(recent, false, want) {
                        settled += 1;
                        assert_eq!(top, expected, "from {start} of {history:?}");
                    }
                }
            }
        }
        assert!(
            settled > 10_000,
            "most recent parts settle the top: {settled}"
        );
    }

    #[test]
    fn a_rollback_below_the_recent_part_asks_for_more_history() {
        let recent = [("1.2.0", Deploy), ("1.0.0", Rollback)];
        assert_eq!(release_line_top(recent, false, 2), None);
        let recent = [
            ("1.1.0", Deploy),
            ("1.2.0", Deploy),
            ("1.1.0", Rollback),
            ("1.3.0", Deploy),
        ];
        assert_eq!(
            release_line_top(recent, false, 2),
            Some(vec!["1.1.0".to_owned(), "1.3.0".to_owned()])
        );
        assert_eq!(
            release_line_top([("1.3.0", Deploy)], false, 2),
            None,
            "one release shows only the top"
        );
    }
}
