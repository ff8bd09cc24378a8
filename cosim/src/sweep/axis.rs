//! Swept keys: `--set KEY=V1,V2,...`, `KEY=A..B:STEP` and `KEY=A..B*FACTOR`, values in the
//! key's own syntax and units; and the numbers behind values with units, for ordering.

use toml::Value;

use super::path;

/// One swept key and its values, in the order given.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    /// The key's TOML path, as in docs/scenario.md.
    pub key: String,
    /// Its values, as TOML values.
    pub values: Vec<Value>,
}

/// Units a swept number may carry, with their size in the base unit (Hz, fs, bit/s).
const UNITS: &[(&str, f64)] = &[
    ("Hz", 1.0),
    ("kHz", 1e3),
    ("MHz", 1e6),
    ("GHz", 1e9),
    ("fs", 1.0),
    ("ps", 1e3),
    ("ns", 1e6),
    ("us", 1e9),
    ("ms", 1e12),
    ("s", 1e15),
    ("bit/s", 1.0),
    ("kbit/s", 1e3),
    ("Mbit/s", 1e6),
    ("Gbit/s", 1e9),
    ("Tbit/s", 1e12),
];

/// A number with an optional unit (`250 MHz`, `1.5GHz`, `0.05`, `7`).
#[derive(Clone, Debug, PartialEq)]
pub struct Magnitude {
    /// The number as written.
    pub number: f64,
    /// The unit as written (empty: none).
    pub unit: String,
    /// Whether the number was written as an integer.
    pub integer: bool,
}

impl Magnitude {
    /// Parses `text`, or `None` when it is not a number with a known unit.
    pub fn parse(text: &str) -> Option<Magnitude> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E' | '_')))
            .unwrap_or(text.len());
        let (num, unit) = (&text[..split], text[split..].trim());
        let clean = num.replace('_', "");
        let number: f64 = clean.parse().ok()?;
        if !number.is_finite() || !(unit.is_empty() || UNITS.iter().any(|(u, _)| *u == unit)) {
            return None;
        }
        let integer = clean.parse::<i64>().is_ok();
        Some(Magnitude {
            number,
            unit: unit.to_string(),
            integer,
        })
    }

    /// The value in the unit's base (Hz, fs, bit/s), or the plain number.
    pub fn base(&self) -> f64 {
        self.number * scale(&self.unit)
    }
}

fn scale(unit: &str) -> f64 {
    UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map_or(1.0, |(_, s)| *s)
}

/// The number behind a swept value (a plain number, or a number with a unit in its base
/// unit), for ordering and bisection.
pub fn numeric(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::String(s) => Magnitude::parse(s).map(|m| m.base()),
        _ => None,
    }
}

/// A swept value as text in a table cell (strings unquoted).
pub fn cell(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value as written on the command line: a TOML literal (`5`, `0.05`, `"1 GHz"`, `true`),
/// or else the text itself as a string (`1GHz`, `250 MHz`).
fn literal(text: &str) -> Value {
    let text = text.trim();
    match format!("v = {text}").parse::<toml::Table>() {
        Ok(mut t) => t
            .remove("v")
            .unwrap_or_else(|| Value::String(text.to_string())),
        Err(_) => Value::String(text.to_string()),
    }
}

/// Rounds to 12 significant digits, so that `0.1 + 0.2` prints as `0.3`.
fn tidy(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let digits = 11 - x.abs().log10().floor() as i32;
    let factor = 10f64.powi(digits);
    (x * factor).round() / factor
}

fn render(number: f64, unit: &str, integer: bool) -> Value {
    let number = tidy(number);
    match (unit.is_empty(), integer && number.fract() == 0.0) {
        (true, true) => Value::Integer(number as i64),
        (true, false) => Value::Float(number),
        (false, _) => Value::String(format!("{number} {unit}")),
    }
}

fn range(key: &str, text: &str) -> Result<Option<Vec<Value>>, String> {
    let Some((from, rest)) = text.split_once("..") else {
        return Ok(None);
    };
    let (to, step, geometric) = match (rest.split_once(':'), rest.split_once('*')) {
        (Some((to, step)), None) => (to, step, false),
        (None, Some((to, factor))) => (to, factor, true),
        _ => {
            return Err(format!(
                "--set {key}={text}: a range is A..B:STEP or A..B*FACTOR"
            ));
        }
    };
    let bad = |what: &str, t: &str| {
        format!("--set {key}={text}: cannot read {what} `{t}` as a number with an optional unit")
    };
    let a = Magnitude::parse(from).ok_or_else(|| bad("the start", from))?;
    let b = Magnitude::parse(to).ok_or_else(|| bad("the end", to))?;
    let s = Magnitude::parse(step)
        .ok_or_else(|| bad(if geometric { "the factor" } else { "the step" }, step))?;
    if !a.unit.is_empty() && !b.unit.is_empty() && unit_kind(&a.unit) != unit_kind(&b.unit) {
        return Err(format!(
            "--set {key}={text}: the start and the end have different kinds of units"
        ));
    }
    let unit = if a.unit.is_empty() {
        b.unit.clone()
    } else {
        a.unit.clone()
    };
    let unit_scale = scale(&unit);
    let in_unit = |m: &Magnitude| {
        if m.unit.is_empty() {
            m.number
        } else {
            m.base() / unit_scale
        }
    };
    let (start, end) = (in_unit(&a), in_unit(&b));
    let integer = a.integer && b.integer && s.integer && a.unit == b.unit;
    let mut values = Vec::new();
    let within = |x: f64| {
        let (lo, hi) = if start <= end {
            (start, end)
        } else {
            (end, start)
        };
        x >= lo - 1e-9 * lo.abs().max(1.0) && x <= hi + 1e-9 * hi.abs().max(1.0)
    };
    if geometric {
        if s.number <= 0.0
            || s.number == 1.0
            || !s.unit.is_empty()
            || ((end > start) != (s.number > 1.0) && end != start)
        {
            return Err(format!(
                "--set {key}={text}: the factor must be a plain number > 0 and != 1 that goes from A toward B"
            ));
        }
        let mut x = start;
        while within(x) && values.len() <= MAX_VALUES {
            values.push(render(x, &unit, integer));
            x *= s.number;
        }
    } else {
        let step = in_unit(&s);
        if step == 0.0 || ((end > start) != (step > 0.0) && end != start) {
            return Err(format!(
                "--set {key}={text}: the step must not be 0 and must go from A toward B"
            ));
        }
        let mut i = 0.0;
        while within(start + i * step) && values.len() <= MAX_VALUES {
            values.push(render(start + i * step, &unit, integer));
            i += 1.0;
        }
    }
    if values.len() > MAX_VALUES {
        return Err(format!("--set {key}={text}: more than {MAX_VALUES} values"));
    }
    Ok(Some(values))
}

fn unit_kind(unit: &str) -> &'static str {
    if unit.ends_with("Hz") {
        "frequency"
    } else if unit.ends_with("bit/s") {
        "bandwidth"
    } else {
        "duration"
    }
}

/// Most values one `--set` may give.
pub const MAX_VALUES: usize = 100_000;

impl Axis {
    /// Parses `KEY=V1,V2,...`, `KEY=A..B:STEP` or `KEY=A..B*FACTOR`.
    pub fn parse(spec: &str) -> Result<Axis, String> {
        let (key, text) = spec
            .split_once('=')
            .ok_or_else(|| format!("--set {spec}: expected KEY=VALUES"))?;
        let key = key.trim();
        path::check(key).map_err(|e| format!("--set {spec}: {e}"))?;
        let values = match range(key, text.trim())? {
            Some(values) => values,
            None => text.split(',').map(literal).collect(),
        };
        if values.is_empty() || text.trim().is_empty() {
            return Err(format!("--set {spec}: no values"));
        }
        Ok(Axis {
            key: key.to_string(),
            values,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(spec: &str) -> Vec<String> {
        Axis::parse(spec)
            .expect("axis")
            .values
            .iter()
            .map(cell)
            .collect()
    }

    #[test]
    fn lists_keep_each_value_in_its_own_syntax() {
        let a = Axis::parse("defaults.clock=250 MHz,1GHz,\"2 GHz\",300000000").expect("axis");
        assert_eq!(a.key, "defaults.clock");
        assert_eq!(
            a.values,
            vec![
                Value::String("250 MHz".into()),
                Value::String("1GHz".into()),
                Value::String("2 GHz".into()),
                Value::Integer(300_000_000),
            ]
        );
        assert_eq!(texts("decoding.p=0.01,0.05"), ["0.01", "0.05"]);
    }

    #[test]
    fn ranges_by_step_and_factor() {
        assert_eq!(texts("seed=1..4:1"), ["1", "2", "3", "4"]);
        assert_eq!(texts("decoding.distance=5..11:2"), ["5", "7", "9", "11"]);
        assert_eq!(
            texts("defaults.clock=100MHz..400MHz:100MHz"),
            ["100 MHz", "200 MHz", "300 MHz", "400 MHz"]
        );
        assert_eq!(
            texts("network.link.bandwidth=1Gbit/s..8Gbit/s*2"),
            ["1 Gbit/s", "2 Gbit/s", "4 Gbit/s", "8 Gbit/s"]
        );
        assert_eq!(texts("decoding.p=0.1..0.3:0.1"), ["0.1", "0.2", "0.3"]);
        assert_eq!(
            texts("defaults.clock=1GHz..250MHz*0.5"),
            ["1 GHz", "0.5 GHz", "0.25 GHz"]
        );
    }

    #[test]
    fn bad_ranges_name_the_key() {
        for spec in [
            "seed=1..4:0",
            "seed=1..4*1",
            "seed=4..1:1",
            "x=1..fast:1",
            "x=1..4",
            "seed=",
            "no-equals",
        ] {
            assert!(Axis::parse(spec).is_err(), "{spec}");
        }
        let e = Axis::parse("defaults.clock=1GHz..x:1").expect_err("bad end");
        assert!(e.starts_with("--set defaults.clock=1GHz..x:1:"), "{e}");
    }

    #[test]
    fn numbers_behind_values() {
        assert_eq!(numeric(&Value::String("250 MHz".into())), Some(250e6));
        assert_eq!(numeric(&Value::String("1.5GHz".into())), Some(1.5e9));
        assert_eq!(numeric(&Value::String("2 Gbit/s".into())), Some(2e9));
        assert_eq!(numeric(&Value::String("1 us".into())), Some(1e9));
        assert_eq!(numeric(&Value::Integer(7)), Some(7.0));
        assert_eq!(numeric(&Value::String("fast".into())), None);
    }
}
