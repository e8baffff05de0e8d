//! A zone's own SOA timers. Each one not set is the server's (`serve`'s DNS settings).

/// The SOA timers a zone sets for itself, in seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SoaTimers {
    pub refresh: Option<u32>,
    pub retry: Option<u32>,
    pub expire: Option<u32>,
    /// The SOA minimum: how long resolvers cache a negative answer.
    pub negative_ttl: Option<u32>,
}

/// The largest timer: a 32-bit serial-arithmetic value (RFC 2181 §8).
pub const MAX_TIMER: u32 = 2_147_483_647;

impl SoaTimers {
    /// A timer as a client asked for it: a whole number of seconds from 1 to `MAX_TIMER`.
    pub fn timer(field: &str, asked: i64) -> Result<u32, String> {
        u32::try_from(asked)
            .ok()
            .filter(|seconds| (1..=MAX_TIMER).contains(seconds))
            .ok_or_else(|| {
                format!("{field} must be a whole number of seconds from 1 to {MAX_TIMER}")
            })
    }

    /// These timers with each one `changes` sets replacing the current one.
    pub fn with(self, changes: SoaTimers) -> SoaTimers {
        SoaTimers {
            refresh: changes.refresh.or(self.refresh),
            retry: changes.retry.or(self.retry),
            expire: changes.expire.or(self.expire),
            negative_ttl: changes.negative_ttl.or(self.negative_ttl),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_are_whole_positive_seconds_within_serial_arithmetic() {
        assert_eq!(SoaTimers::timer("retry", 7200), Ok(7200));
        for bad in [0, -1, i64::from(MAX_TIMER) + 1] {
            assert!(SoaTimers::timer("retry", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn changes_replace_only_the_timers_they_set() {
        let current = SoaTimers {
            refresh: Some(100),
            retry: Some(50),
            ..SoaTimers::default()
        };
        let changed = current.with(SoaTimers {
            retry: Some(60),
            expire: Some(1000),
            ..SoaTimers::default()
        });
        assert_eq!(
            changed,
            SoaTimers {
                refresh: Some(100),
                retry: Some(60),
                expire: Some(1000),
                negative_ttl: None
            }
        );
    }
}
