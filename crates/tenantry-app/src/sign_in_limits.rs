//! Limits on failed sign-ins with a password. Failures are counted per account (whatever the
//! address) and per account and address; only failures count, so a person who signs in
//! correctly is never slowed, and people who share an address (an office, a NAT, a proxy)
//! never block each other: the keys always include the account.
//!
//! - Per account and address: a short burst, then every attempt for that account from that
//!   address waits, the right password included, so guessing from one address is bounded.
//! - Per account: a larger burst across all addresses, bounding guessing spread over many
//!   addresses; the account's own attempts wait with it until the allowance refills.
//!
//! Counts live in each process (a per-node limit), like the other rate limits.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

const PER_PAIR_BURST: u32 = 5;
const PER_PAIR_REFILL: Duration = Duration::from_secs(60);
const PER_ACCOUNT_BURST: u32 = 20;
const PER_ACCOUNT_REFILL: Duration = Duration::from_secs(30);

fn quota(burst: u32, refill: Duration) -> Quota {
    Quota::with_period(refill)
        .expect("a non-zero period")
        .allow_burst(NonZeroU32::new(burst).expect("a non-zero burst"))
}

pub(crate) struct SignInFailures {
    per_pair: DefaultKeyedRateLimiter<(String, IpAddr)>,
    per_account: DefaultKeyedRateLimiter<String>,
    /// Until when an account, or an account at an address, must wait.
    blocked_until: Mutex<HashMap<(String, Option<IpAddr>), Instant>>,
    clock: DefaultClock,
}

impl Default for SignInFailures {
    fn default() -> Self {
        Self {
            per_pair: RateLimiter::keyed(quota(PER_PAIR_BURST, PER_PAIR_REFILL)),
            per_account: RateLimiter::keyed(quota(PER_ACCOUNT_BURST, PER_ACCOUNT_REFILL)),
            blocked_until: Mutex::default(),
            clock: DefaultClock::default(),
        }
    }
}

/// Logins are matched ignoring case, like the look-up.
fn account(login: &str) -> String {
    login.trim().to_lowercase()
}

/// Past this many blocks, expired ones are swept.
const SWEEP_AT: usize = 10_000;

impl SignInFailures {
    /// How long an attempt for `login` from `ip` must still wait, if it must.
    pub(crate) fn wait(&self, login: &str, ip: IpAddr) -> Option<Duration> {
        let account = account(login);
        let blocked = self.blocked_until.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        [(account.clone(), Some(ip)), (account, None)]
            .iter()
            .filter_map(|key| blocked.get(key)?.checked_duration_since(now))
            .filter(|wait| !wait.is_zero())
            .max()
    }

    /// Counts a failed attempt; returns how long the account must now wait, if it must.
    pub(crate) fn record(&self, login: &str, ip: IpAddr) -> Option<Duration> {
        let account = account(login);
        let now = self.clock.now();
        let pair = self
            .per_pair
            .check_key(&(account.clone(), ip))
            .err()
            .map(|not_until| ((account.clone(), Some(ip)), not_until.wait_time_from(now)));
        let whole = self
            .per_account
            .check_key(&account)
            .err()
            .map(|not_until| ((account, None), not_until.wait_time_from(now)));
        let mut blocked = self.blocked_until.lock().unwrap_or_else(|e| e.into_inner());
        // Forgotten counts are full allowances again, so sweeping loses nothing; it keeps a
        // spray of unknown logins from growing the maps without bound.
        if blocked.len() >= SWEEP_AT || self.per_pair.len() >= SWEEP_AT {
            let now = Instant::now();
            blocked.retain(|_, until| *until > now);
            self.per_pair.retain_recent();
            self.per_account.retain_recent();
        }
        let mut longest = None;
        for (key, wait) in pair.into_iter().chain(whole) {
            let wait = wait.max(Duration::from_secs(1));
            blocked.insert(key, Instant::now() + wait);
            longest = longest.max(Some(wait));
        }
        longest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_account_at_one_address_waits_and_nobody_else_does() {
        let limits = SignInFailures::default();
        let (office, home): (IpAddr, IpAddr) =
            ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        for _ in 0..PER_PAIR_BURST {
            assert_eq!(limits.record("Jane", office), None);
        }
        assert!(limits.record("jane", office).is_some());
        assert!(
            limits.wait("JANE", office).is_some(),
            "the login ignores case"
        );
        assert_eq!(
            limits.wait("jane", home),
            None,
            "the same account elsewhere"
        );
        assert_eq!(
            limits.wait("john", office),
            None,
            "another account at the address"
        );
    }

    #[test]
    fn guessing_spread_over_addresses_is_bounded_per_account() {
        let limits = SignInFailures::default();
        let mut blocked = None;
        for i in 0..=PER_ACCOUNT_BURST {
            let ip: IpAddr = format!("198.51.100.{i}").parse().unwrap();
            blocked = limits.record("jane", ip);
        }
        assert!(blocked.is_some());
        assert!(
            limits
                .wait("jane", "203.0.113.9".parse().unwrap())
                .is_some()
        );
        assert_eq!(limits.wait("john", "203.0.113.9".parse().unwrap()), None);
    }
}
