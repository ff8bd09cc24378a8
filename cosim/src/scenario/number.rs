//! Numbers as a scenario file gives them, read so that a wrong one is answered with the
//! forms that are accepted (TOML's own snippet names the key).

use std::fmt;

use serde::de::{Deserialize, Deserializer, Error, Visitor};

/// What a clock or a time may be written as.
const QUANTITY_FORMS: &str = "a whole number (Hz for a clock, fs for a time) or a string with \
                              a unit, such as \"250 MHz\" or \"10 ns\"";

/// A frequency or a duration: a string with a unit (`"250 MHz"`, `"10 us"`) or a whole
/// number (Hz, fs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Quantity {
    /// A bare number: Hz or fs.
    Number(u64),
    /// A number with a unit, parsed where the kind of quantity is known.
    Text(String),
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Quantity, D::Error> {
        struct QuantityVisitor;
        impl Visitor<'_> for QuantityVisitor {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(QUANTITY_FORMS)
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<Quantity, E> {
                Ok(Quantity::Number(v))
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<Quantity, E> {
                u64::try_from(v)
                    .map(Quantity::Number)
                    .map_err(|_| E::custom(format!("{v} is negative; give {QUANTITY_FORMS}")))
            }
            fn visit_f64<E: Error>(self, v: f64) -> Result<Quantity, E> {
                Err(E::custom(format!(
                    "{v} is not a whole number; give {QUANTITY_FORMS} (a fraction needs a unit, as in \"{v} GHz\")"
                )))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Quantity, E> {
                Ok(Quantity::Text(v.to_string()))
            }
        }
        d.deserialize_any(QuantityVisitor)
    }
}

/// A count (words, processes): any whole number, its range checked where the key is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Whole(pub i128);

impl<'de> Deserialize<'de> for Whole {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Whole, D::Error> {
        struct WholeVisitor;
        impl Visitor<'_> for WholeVisitor {
            type Value = Whole;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number")
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<Whole, E> {
                Ok(Whole(v.into()))
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<Whole, E> {
                Ok(Whole(v.into()))
            }
            fn visit_f64<E: Error>(self, v: f64) -> Result<Whole, E> {
                // Past 2^100 every float is whole and far beyond any range checked later.
                if v.fract() == 0.0 && v.abs() < 2f64.powi(100) {
                    Ok(Whole(v as i128))
                } else {
                    Err(E::custom(format!("{v} is not a whole number")))
                }
            }
        }
        d.deserialize_any(WholeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Probe {
        q: Option<Quantity>,
        n: Option<Whole>,
    }

    fn probe(text: &str) -> Result<Probe, String> {
        toml::from_str(text).map_err(|e| e.message().to_string())
    }

    #[test]
    fn quantities_say_what_is_accepted() {
        assert_eq!(probe("q = 5").map(|p| p.q), Ok(Some(Quantity::Number(5))));
        assert_eq!(
            probe("q = \"5 ns\"").map(|p| p.q),
            Ok(Some(Quantity::Text("5 ns".into())))
        );
        for (text, start) in [
            (
                "q = 5.5",
                "5.5 is not a whole number; give a whole number (Hz",
            ),
            ("q = -1000", "-1000 is negative; give a whole number (Hz"),
            (
                "q = true",
                "invalid type: boolean `true`, expected a whole number (Hz",
            ),
        ] {
            let e = probe(text).expect_err(text);
            assert!(e.starts_with(start), "{text}: {e}");
            assert!(e.contains("\"250 MHz\" or \"10 ns\""), "{text}: {e}");
        }
    }

    #[test]
    fn counts_take_any_whole_number() {
        assert_eq!(
            probe("n = 1e12").map(|p| p.n),
            Ok(Some(Whole(1_000_000_000_000)))
        );
        assert_eq!(probe("n = -3").map(|p| p.n), Ok(Some(Whole(-3))));
        assert_eq!(
            probe("n = 2.5").map(|p| p.n),
            Err("2.5 is not a whole number".into())
        );
    }
}
