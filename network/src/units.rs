//! Quantities in the `[network]` table: plain integers (fs, bit/s) or strings with
//! a unit (`"10 ns"`, `"2.5 Gbit/s"`), read exactly with integer arithmetic.

use serde::{Deserialize, Deserializer, de::Error};

use crate::time::Time;

/// Duration units and their size in femtoseconds.
const DURATION: &[(&str, u64)] = &[
    ("fs", 1),
    ("ps", 1_000),
    ("ns", 1_000_000),
    ("us", 1_000_000_000),
    ("µs", 1_000_000_000),
    ("ms", 1_000_000_000_000),
    ("s", 1_000_000_000_000_000),
];

/// Bandwidth units and their size in bits per second.
const BANDWIDTH: &[(&str, u64)] = &[
    ("bit/s", 1),
    ("bps", 1),
    ("kbit/s", 1_000),
    ("kbps", 1_000),
    ("Mbit/s", 1_000_000),
    ("Mbps", 1_000_000),
    ("Gbit/s", 1_000_000_000),
    ("Gbps", 1_000_000_000),
    ("Tbit/s", 1_000_000_000_000),
    ("Tbps", 1_000_000_000_000),
];

/// A number as TOML may give it.
#[derive(Deserialize)]
#[serde(untagged)]
enum Quantity {
    Integer(u64),
    Negative(i64),
    Float(f64),
    Text(String),
}

/// Reads `text` as a decimal number and a unit from `units`, exactly.
pub fn parse(text: &str, units: &[(&str, u64)]) -> Result<u64, String> {
    let text = text.trim();
    if text.starts_with('-') {
        return Err(format!("`{text}` is negative; it must be positive"));
    }
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(text.len());
    let (number, unit) = (text[..split].replace('_', ""), text[split..].trim());
    let names = || units.iter().map(|u| u.0).collect::<Vec<_>>().join(", ");
    let &(_, scale) = units
        .iter()
        .find(|(name, _)| *name == unit)
        .ok_or_else(|| format!("`{text}` needs a unit: one of {}", names()))?;
    let (whole, fraction) = number.split_once('.').unwrap_or((&number, ""));
    if whole.is_empty()
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(format!("`{text}` is not a number with a unit"));
    }
    let too_big = || format!("`{text}` is too large");
    let mut value = whole
        .parse::<u64>()
        .map_err(|_| too_big())?
        .checked_mul(scale)
        .ok_or_else(too_big)?;
    let mut place = scale;
    for digit in fraction.bytes().map(|b| u64::from(b - b'0')) {
        if place % 10 != 0 {
            if digit != 0 {
                return Err(format!("`{text}` is finer than the model's resolution"));
            }
            continue;
        }
        place /= 10;
        value = value.checked_add(digit * place).ok_or_else(too_big)?;
    }
    Ok(value)
}

fn quantity<'de, D: Deserializer<'de>>(d: D, units: &[(&str, u64)]) -> Result<u64, D::Error> {
    match Quantity::deserialize(d)? {
        Quantity::Integer(n) => Ok(n),
        Quantity::Negative(n) => Err(D::Error::custom(format!(
            "{n} is negative; it must be positive"
        ))),
        Quantity::Float(f) if f >= 0.0 && f.fract() == 0.0 && f < 1.8e19 => Ok(f as u64),
        Quantity::Float(f) => Err(D::Error::custom(format!("{f} is not a whole number"))),
        Quantity::Text(text) => parse(&text, units).map_err(D::Error::custom),
    }
}

/// A duration: an integer of femtoseconds or a string such as `"10 ns"`.
pub fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
    quantity(d, DURATION)
}

/// An optional duration (see [`duration`]).
pub fn opt_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Time>, D::Error> {
    duration(d).map(Some)
}

/// An optional bandwidth: an integer of bits per second or a string such as `"10 Gbit/s"`.
pub fn opt_bandwidth<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    quantity(d, BANDWIDTH).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_exact() {
        assert_eq!(parse("10 ns", DURATION), Ok(10_000_000));
        assert_eq!(parse("2.5us", DURATION), Ok(2_500_000_000));
        assert_eq!(parse("1_000 fs", DURATION), Ok(1000));
        assert_eq!(parse("0.001 ps", DURATION), Ok(1));
        assert_eq!(parse("1.0 fs", DURATION), Ok(1));
        assert!(parse("1.5 fs", DURATION).is_err());
        assert!(parse("10", DURATION).is_err());
        assert!(parse("ten ns", DURATION).is_err());
        assert_eq!(
            parse("-5 ns", DURATION),
            Err("`-5 ns` is negative; it must be positive".into())
        );
        assert!(parse("99999 s", DURATION).is_err());
    }

    #[test]
    fn bandwidths_are_exact() {
        assert_eq!(parse("10 Gbit/s", BANDWIDTH), Ok(10_000_000_000));
        assert_eq!(parse("2.5Gbps", BANDWIDTH), Ok(2_500_000_000));
        assert_eq!(parse("9600 bit/s", BANDWIDTH), Ok(9600));
        assert!(parse("1.5 bit/s", BANDWIDTH).is_err());
        assert!(parse("10 GB/s", BANDWIDTH).is_err());
    }
}
