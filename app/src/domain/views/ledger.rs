//! The approval ledger of a build: every sign-off it got, whether it still counts and why
//! not, and the deployments that relied on it.

use crate::domain::signoff::SignOff;
use serde::{Deserialize, Serialize};

/// One sign-off in a build's ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LedgerEntry {
    /// The sign-off.
    pub signoff: SignOff,
    /// Whether a promotion could rely on it now.
    pub counts: bool,
    /// Why it does not (rejected, superseded, or what changed since), empty when it counts.
    pub why_not: Vec<String>,
    /// The deployments that relied on it, oldest first.
    pub relied_on_by: Vec<i64>,
}
