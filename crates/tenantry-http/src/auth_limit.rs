//! Brute-force protection: authentication failures are counted per client address, and an
//! address that fails too often is refused (429 with `Retry-After`) until it has waited.
//! Only failures count, so valid callers are never slowed; while an address is blocked, all
//! its attempts are refused, so a blocked guesser learns nothing from its next guesses.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Failures allowed at once from one address, and how fast that allowance refills.
const BURST: u32 = 20;
const REFILL_EVERY: Duration = Duration::from_secs(3);
/// Past this many blocked addresses, expired blocks are swept.
const SWEEP_AT: usize = 10_000;

pub(crate) struct AuthFailureLimiter {
    failures: DefaultKeyedRateLimiter<IpAddr>,
    blocked_until: Mutex<HashMap<IpAddr, Instant>>,
}

impl Default for AuthFailureLimiter {
    fn default() -> Self {
        let quota = Quota::with_period(REFILL_EVERY)
            .expect("a non-zero period")
            .allow_burst(NonZeroU32::new(BURST).expect("a non-zero burst"));
        Self {
            failures: RateLimiter::keyed(quota),
            blocked_until: Mutex::default(),
        }
    }
}

impl AuthFailureLimiter {
    /// How long `ip` must still wait, if it is blocked.
    pub(crate) fn blocked_for(&self, ip: IpAddr) -> Option<Duration> {
        let blocked = self.blocked_until.lock().unwrap_or_else(|e| e.into_inner());
        let until = *blocked.get(&ip)?;
        until
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
    }

    /// Counts a failure from `ip`; returns how long it must wait if this one exhausted its
    /// allowance.
    pub(crate) fn record_failure(&self, ip: IpAddr) -> Option<Duration> {
        let not_until = self.failures.check_key(&ip).err()?;
        let wait = not_until
            .wait_time_from(self.failures.clock().now())
            .max(Duration::from_secs(1));
        let mut blocked = self.blocked_until.lock().unwrap_or_else(|e| e.into_inner());
        if blocked.len() >= SWEEP_AT {
            let now = Instant::now();
            blocked.retain(|_, until| *until > now);
            self.failures.retain_recent();
        }
        blocked.insert(ip, Instant::now() + wait);
        Some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_blocked_after_its_burst_of_failures_and_others_are_not() {
        let limiter = AuthFailureLimiter::default();
        let (bad, good): (IpAddr, IpAddr) =
            ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        for _ in 0..BURST {
            assert_eq!(limiter.record_failure(bad), None);
            assert_eq!(limiter.blocked_for(bad), None);
        }
        let wait = limiter
            .record_failure(bad)
            .expect("blocked after the burst");
        assert!(wait >= Duration::from_secs(1) && wait <= REFILL_EVERY);
        assert!(limiter.blocked_for(bad).is_some());
        assert_eq!(limiter.blocked_for(good), None);
    }
}
