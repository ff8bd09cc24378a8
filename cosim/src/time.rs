//! Simulated time: integer femtoseconds, clock periods and human-readable durations.
//!
//! A clock of `hz` Hz has the period `round(1e15 / hz)` fs, rounding halves up,
//! so 1 GHz is exactly 1,000,000 fs and 3 GHz is 333,333 fs. No floating point
//! enters the simulation's notion of time.

/// Simulated time in femtoseconds since the start of the run.
pub type Time = u64;

/// Femtoseconds in one second.
pub const FS_PER_SECOND: u64 = 1_000_000_000_000_000;

/// Femtoseconds in one nanosecond.
pub const FS_PER_NS: u64 = 1_000_000;

/// Why a clock frequency or a duration is rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// The frequency is zero or so high that its period rounds to 0 fs.
    #[error("clock frequency {0} Hz is out of range (1 Hz ..= 2e15 Hz)")]
    BadFrequency(u64),
    /// The text is not a number with a known unit.
    #[error("cannot read `{0}` as {1}")]
    Unreadable(String, &'static str),
    /// The value does not fit 64 bits.
    #[error("`{0}` is too large")]
    Overflow(String),
}

/// The clock period in fs of a `hz` Hz clock: `round(1e15 / hz)`, halves up.
pub fn period_fs(hz: u64) -> Result<Time, TimeError> {
    if hz == 0 {
        return Err(TimeError::BadFrequency(hz));
    }
    let period = (FS_PER_SECOND + hz / 2) / hz;
    if period == 0 {
        return Err(TimeError::BadFrequency(hz));
    }
    Ok(period)
}

/// Reads a decimal number with an optional unit as an exact integer multiple of the unit's scale.
fn scaled(text: &str, units: &[(&str, u64)], what: &'static str) -> Result<u64, TimeError> {
    let bad = || TimeError::Unreadable(text.to_string(), what);
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let unit = unit.trim();
    let scale = units
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(unit))
        .map(|&(_, s)| s)
        .ok_or_else(bad)?;
    let number = number.replace('_', "");
    let (whole, frac) = number.split_once('.').unwrap_or((&number, ""));
    if whole.is_empty() && frac.is_empty() {
        return Err(bad());
    }
    let overflow = || TimeError::Overflow(text.to_string());
    let mut value: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse::<u64>().map_err(|_| bad())?
    };
    value = value.checked_mul(scale).ok_or_else(overflow)?;
    let mut place = scale;
    for digit in frac.chars() {
        let d = digit.to_digit(10).ok_or_else(bad)? as u64;
        if place % 10 != 0 {
            return Err(TimeError::Unreadable(text.to_string(), what));
        }
        place /= 10;
        value = value.checked_add(d * place).ok_or_else(overflow)?;
    }
    Ok(value)
}

/// Parses a frequency such as `"250 MHz"`, `"1.5GHz"` or `"1000000"` (Hz) into whole Hz.
pub fn parse_frequency(text: &str) -> Result<u64, TimeError> {
    const UNITS: &[(&str, u64)] = &[
        ("", 1),
        ("Hz", 1),
        ("kHz", 1_000),
        ("MHz", 1_000_000),
        ("GHz", 1_000_000_000),
    ];
    scaled(text, UNITS, "a frequency (Hz, kHz, MHz, GHz)")
}

/// Parses a duration such as `"10 us"`, `"2.5ns"` or `"1500"` (fs) into femtoseconds.
pub fn parse_duration(text: &str) -> Result<Time, TimeError> {
    const UNITS: &[(&str, u64)] = &[
        ("", 1),
        ("fs", 1),
        ("ps", 1_000),
        ("ns", FS_PER_NS),
        ("us", 1_000_000_000),
        ("ms", 1_000_000_000_000),
        ("s", FS_PER_SECOND),
    ];
    scaled(text, UNITS, "a duration (fs, ps, ns, us, ms, s)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_round_half_up() {
        assert_eq!(period_fs(1_000_000_000), Ok(1_000_000));
        assert_eq!(period_fs(3_000_000_000), Ok(333_333));
        // 1e15 / 6e9 = 166666.67 -> 166667
        assert_eq!(period_fs(6_000_000_000), Ok(166_667));
        // 1e15 / 4e14 = 2.5 -> 3 (half up)
        assert_eq!(period_fs(400_000_000_000_000), Ok(3));
        assert!(period_fs(0).is_err());
        assert!(period_fs(u64::MAX).is_err());
    }

    #[test]
    fn frequencies_and_durations_parse_exactly() {
        assert_eq!(parse_frequency("250 MHz"), Ok(250_000_000));
        assert_eq!(parse_frequency("1.5GHz"), Ok(1_500_000_000));
        assert_eq!(parse_frequency("1000"), Ok(1000));
        assert!(parse_frequency("fast").is_err());
        assert!(parse_frequency("1.5 Hz").is_err());
        assert!(parse_frequency("-1 MHz").is_err());
        assert_eq!(parse_duration("10 us"), Ok(10_000_000_000));
        assert_eq!(parse_duration("2.5ns"), Ok(2_500_000));
        assert_eq!(parse_duration("7"), Ok(7));
        assert!(parse_duration("1 fortnight").is_err());
        assert!(parse_duration("99999999 s").is_err());
    }
}
