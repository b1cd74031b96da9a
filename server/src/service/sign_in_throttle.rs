//! The sign-in throttle: failed sign-ins within [`WINDOW_MS`], counted three ways.
//!
//! - Per account and address: an address that keeps failing against one account is refused
//!   for that account ([`MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS`]).
//! - Per address: an address that fails against many accounts is refused for all of them
//!   ([`MAX_FAILURES_PER_ADDRESS`]).
//! - Per account: only a slow-down ([`SLOW_DOWN`] before the password check once the account
//!   has [`SLOW_DOWN_AFTER_ACCOUNT_FAILURES`] failures from anywhere), never a refusal, so that
//!   an attacker's failures elsewhere cannot lock the owner out of an address of their own.
//!
//! The address is the client's as `trusted_proxies` resolves it. Every attempt is recorded (as
//! failed until its password checks out) before it is judged, so the counts include it and a
//! burst of guesses counts against itself.

use crate::db;
use sqlx::AnyPool;
use std::time::Duration;

/// The throttling window: 15 minutes.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failed sign-ins allowed against one account from one address within the window.
pub const MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: i64 = 5;
/// Failed sign-ins allowed from one address, against any accounts, within the window.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
/// Failed sign-ins against one account, from every address, within the window, beyond which
/// each of its password checks is slowed down.
pub const SLOW_DOWN_AFTER_ACCOUNT_FAILURES: i64 = 10;
/// How long a password check of an account under attack waits first.
pub const SLOW_DOWN: Duration = Duration::from_secs(1);

/// Failed sign-ins within the window, the attempt being judged included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    /// Against this account from this address.
    pub account_from_address: i64,
    /// From this address, against any account.
    pub address: i64,
    /// Against this account, from any address.
    pub account: i64,
}

/// What becomes of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Refused without checking the password.
    Refused(Limit),
    /// The password is checked, after `delay` when the account is under attack.
    Allowed {
        /// The slow-down, if any.
        delay: Option<Duration>,
    },
}

/// Which limit refused an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS`].
    AccountAndAddress,
    /// [`MAX_FAILURES_PER_ADDRESS`].
    Address,
}

impl Limit {
    /// The name written to the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Limit::AccountAndAddress => "account_and_address",
            Limit::Address => "address",
        }
    }
}

impl Failures {
    /// Counts the failures within the window that ends at `now`.
    pub async fn count(
        db: &AnyPool,
        account: &str,
        address: &str,
        now: i64,
    ) -> Result<Self, sqlx::Error> {
        let since = now - WINDOW_MS;
        Ok(Self {
            account_from_address: db::logins::failures_for_user_from(db, account, address, since)
                .await?,
            address: db::logins::failures_for_address(db, address, since).await?,
            account: db::logins::failures_for_user(db, account, since).await?,
        })
    }

    /// The verdict these counts call for.
    pub fn verdict(&self) -> Verdict {
        if self.account_from_address > MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS {
            return Verdict::Refused(Limit::AccountAndAddress);
        }
        if self.address > MAX_FAILURES_PER_ADDRESS {
            return Verdict::Refused(Limit::Address);
        }
        let attacked = self.account > SLOW_DOWN_AFTER_ACCOUNT_FAILURES;
        Verdict::Allowed {
            delay: attacked.then_some(SLOW_DOWN),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failures(account_from_address: i64, address: i64, account: i64) -> Failures {
        Failures {
            account_from_address,
            address,
            account,
        }
    }

    #[test]
    fn the_sixth_attempt_from_one_address_against_one_account_is_refused() {
        assert_eq!(
            failures(5, 5, 5).verdict(),
            Verdict::Allowed { delay: None }
        );
        assert_eq!(
            failures(6, 6, 6).verdict(),
            Verdict::Refused(Limit::AccountAndAddress)
        );
    }

    #[test]
    fn the_twenty_first_attempt_from_one_address_is_refused_whatever_the_account() {
        assert_eq!(
            failures(1, 21, 1).verdict(),
            Verdict::Refused(Limit::Address)
        );
    }

    #[test]
    fn an_account_failing_from_everywhere_is_slowed_down_but_never_refused() {
        assert_eq!(
            failures(1, 1, 10).verdict(),
            Verdict::Allowed { delay: None }
        );
        for account in [11, 1_000, i64::MAX] {
            assert_eq!(
                failures(1, 1, account).verdict(),
                Verdict::Allowed {
                    delay: Some(SLOW_DOWN)
                }
            );
        }
    }
}
