//! A scenario key addressed by its TOML path (`defaults.clock`, `nodes[3].clock`,
//! `network.link.bandwidth`) and set in the scenario's parsed value tree.

use toml::{Table, Value};

/// One step of a key path: a table key, or an index into an array (of tables).
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

fn steps(path: &str) -> Result<Vec<Step>, String> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!(
                "`{path}` is not a key path like `defaults.clock` or `nodes[3].clock`"
            ));
        }
        out.push(Step::Key(name.to_string()));
        while !rest.is_empty() {
            let close = rest.find(']').filter(|_| rest.starts_with('['));
            let index = close
                .and_then(|c| rest[1..c].parse::<usize>().ok())
                .ok_or_else(|| format!("`{path}`: bad index in `{part}`"))?;
            out.push(Step::Index(index));
            rest = &rest[close.unwrap_or_default() + 1..];
        }
    }
    Ok(out)
}

/// Checks that `path` is a well-formed key path.
pub fn check(path: &str) -> Result<(), String> {
    steps(path).map(|_| ())
}

/// Sets the key at `path` in `table` to `value`, creating missing tables on the way;
/// an index must name an existing array element.
pub fn set(table: &mut Table, path: &str, value: Value) -> Result<(), String> {
    let steps = steps(path)?;
    let mut slot: Option<&mut Value> = None;
    let mut here = String::new();
    for (i, step) in steps.iter().enumerate() {
        let last = i + 1 == steps.len();
        let next: &mut Value = match (slot, step) {
            (None, Step::Key(k)) => table
                .entry(k.clone())
                .or_insert_with(|| Value::Table(Table::new())),
            (Some(Value::Table(t)), Step::Key(k)) => t
                .entry(k.clone())
                .or_insert_with(|| Value::Table(Table::new())),
            (Some(Value::Array(a)), Step::Index(n)) => {
                let len = a.len();
                a.get_mut(*n)
                    .ok_or_else(|| format!("{here}: has {len} entries, no [{n}]"))?
            }
            (Some(_), Step::Key(_)) => return Err(format!("{here}: is not a table")),
            (Some(_) | None, Step::Index(_)) => return Err(format!("{here}: is not an array")),
        };
        match step {
            Step::Key(k) if here.is_empty() => here = k.clone(),
            Step::Key(k) => here = format!("{here}.{k}"),
            Step::Index(n) => here = format!("{here}[{n}]"),
        }
        if last {
            *next = value;
            return Ok(());
        }
        slot = Some(next);
    }
    Err(format!("`{path}` is empty"))
}

/// The value at `path` in `table`, if present.
pub fn get<'a>(table: &'a Table, path: &str) -> Option<&'a Value> {
    let steps = steps(path).ok()?;
    let mut here: Option<&Value> = None;
    for step in &steps {
        here = match (here, step) {
            (None, Step::Key(k)) => table.get(k),
            (Some(Value::Table(t)), Step::Key(k)) => t.get(k),
            (Some(Value::Array(a)), Step::Index(n)) => a.get(*n),
            _ => None,
        };
        here?;
    }
    here
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_nested_keys_and_array_elements() {
        let mut t: Table = "[defaults]\nclock = \"1 GHz\"\n[[nodes]]\nid = 0\n[[nodes]]\nid = 1\n"
            .parse()
            .expect("toml");
        set(&mut t, "defaults.clock", Value::String("2 GHz".into())).expect("set");
        set(
            &mut t,
            "network.link.bandwidth",
            Value::String("1 Gbit/s".into()),
        )
        .expect("set");
        set(&mut t, "nodes[1].clock", Value::Integer(5)).expect("set");
        set(&mut t, "seed", Value::Integer(7)).expect("set");
        let text = toml::to_string(&t).expect("serialize");
        let back: Table = text.parse().expect("reparse");
        assert_eq!(
            get(&back, "defaults.clock").and_then(Value::as_str),
            Some("2 GHz")
        );
        assert_eq!(
            get(&back, "network.link.bandwidth").and_then(Value::as_str),
            Some("1 Gbit/s")
        );
        assert_eq!(
            get(&back, "nodes[1].clock").and_then(Value::as_integer),
            Some(5)
        );
        assert_eq!(get(&back, "nodes[0].clock"), None);
        assert_eq!(get(&back, "seed").and_then(Value::as_integer), Some(7));
    }

    #[test]
    fn bad_paths_are_errors_naming_them() {
        let mut t: Table = "seed = 1\n[[nodes]]\nid = 0\n".parse().expect("toml");
        let e = set(&mut t, "nodes[4].clock", Value::Integer(1)).expect_err("no element 4");
        assert_eq!(e, "nodes: has 1 entries, no [4]");
        let e = set(&mut t, "seed.x", Value::Integer(1)).expect_err("seed is no table");
        assert_eq!(e, "seed: is not a table");
        assert!(set(&mut t, "a..b", Value::Integer(1)).is_err());
        assert!(set(&mut t, "nodes[x].clock", Value::Integer(1)).is_err());
    }
}
