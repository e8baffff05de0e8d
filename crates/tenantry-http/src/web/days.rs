//! Days as the dashboard's filters write them (`YYYY-MM-DD`, UTC).

use time::macros::format_description;
use time::{Date, OffsetDateTime, Time};

pub(crate) const NOT_A_DAY: &str = "A day, written YYYY-MM-DD";

/// The first moment of the day `text` names; `Ok(None)` when it is empty, `Err` when it is
/// not a date.
pub(crate) fn start_of(text: &str) -> Result<Option<OffsetDateTime>, ()> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map(|d| Some(d.with_time(Time::MIDNIGHT).assume_utc()))
        .map_err(|_| ())
}

/// The first moment after the day `text` names, so the whole day is included (`Err` also
/// for the last day there is).
pub(crate) fn end_of(text: &str) -> Result<Option<OffsetDateTime>, ()> {
    start_of(text).and_then(|d| {
        d.map(|d| d.checked_add(time::Duration::days(1)).ok_or(()))
            .transpose()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_day_is_read_whole_and_the_last_day_is_refused_not_overflowed() {
        assert_eq!(super::start_of(""), Ok(None));
        assert!(super::start_of("2026-13-01").is_err());
        let end = super::end_of("2026-12-07").unwrap().unwrap();
        assert_eq!(end.date().to_string(), "2026-12-08");
        assert!(super::end_of("9999-12-31").is_err());
    }
}
