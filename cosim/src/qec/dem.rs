//! stim detector error models (`.dem` text): parsed into a flat list of error
//! mechanisms and detector coordinates, and written back in the same syntax.
//!
//! Supported: `error(p)` with `D`/`L` targets and `^` separators,
//! `detector(coords) D..`, `logical_observable L..`, `shift_detectors(coords) n`,
//! `repeat N { .. }` (expanded with stim's offset semantics), tags (ignored),
//! comments and blank lines. Anything else is an error naming file and line.

use std::fmt::Write as _;

use super::QecError;

/// Most detectors a DEM may have (after expanding `repeat` and `shift_detectors`).
pub const MAX_DETECTORS: u64 = 1 << 20;

/// Observables are bits of a `u64` mask, so `L0 .. L63`.
pub const MAX_OBSERVABLES: u64 = 64;

/// Most instructions a DEM may execute once its `repeat` blocks are expanded.
pub const MAX_EXPANDED_INSTRUCTIONS: u64 = 1 << 22;

/// A detector error model: independent error mechanisms over detectors and observables.
#[derive(Clone, Debug, PartialEq)]
pub struct Dem {
    /// Where the model came from (file name), used in error messages.
    pub file: String,
    /// Coordinates by absolute detector index; `None` if the detector was never declared.
    pub detectors: Vec<Option<Vec<f64>>>,
    /// Number of logical observables (largest mentioned index + 1).
    pub num_observables: u32,
    /// The error mechanisms in file order (`repeat` blocks expanded).
    pub mechanisms: Vec<Mechanism>,
}

/// One `error` instruction: fires with `probability`, flipping the XOR of its pieces.
#[derive(Clone, Debug, PartialEq)]
pub struct Mechanism {
    /// Probability that the mechanism fires.
    pub probability: f64,
    /// The suggested decomposition (split at `^`); one piece if there is no `^`.
    pub pieces: Vec<Piece>,
    /// The 1-based source line of the `error` instruction.
    pub line: usize,
}

/// One component of a mechanism: the detectors and observables it flips.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Piece {
    /// Absolute detector indices, ascending, without repeats.
    pub detectors: Vec<u32>,
    /// Observable mask: bit `k` set if the piece flips `Lk`.
    pub observables: u64,
}

impl Piece {
    /// The detectors and observables flipped by the XOR of `pieces`, as one piece.
    pub fn xor_of(pieces: &[Piece]) -> Piece {
        let mut detectors: Vec<u32> = pieces.iter().flat_map(|p| p.detectors.clone()).collect();
        detectors.sort_unstable();
        let mut odd = Vec::with_capacity(detectors.len());
        for d in detectors {
            if odd.last() == Some(&d) {
                odd.pop();
            } else {
                odd.push(d);
            }
        }
        Piece {
            detectors: odd,
            observables: pieces.iter().fold(0, |m, p| m ^ p.observables),
        }
    }
}

impl Dem {
    /// Parses stim `.dem` text; `file` names the source in error messages.
    pub fn parse(text: &str, file: &str) -> Result<Dem, QecError> {
        let items = parse_items(text, file)?;
        let mut expander = Expander {
            file,
            dem: Dem {
                file: file.to_string(),
                detectors: Vec::new(),
                num_observables: 0,
                mechanisms: Vec::new(),
            },
            detector_offset: 0,
            coordinate_offset: Vec::new(),
            executed: 0,
        };
        expander.run(&items)?;
        Ok(expander.dem)
    }

    /// Number of detectors (largest mentioned index + 1).
    pub fn num_detectors(&self) -> u32 {
        u32::try_from(self.detectors.len()).expect("at most MAX_DETECTORS detectors")
    }

    /// The model in stim's `.dem` syntax, flat: errors, then detector and observable declarations.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mut mentioned = 0u64;
        for m in &self.mechanisms {
            write!(out, "error({})", m.probability).expect("writing to a String");
            for (k, piece) in m.pieces.iter().enumerate() {
                if k > 0 {
                    out.push_str(" ^");
                }
                for d in &piece.detectors {
                    write!(out, " D{d}").expect("writing to a String");
                }
                for l in 0..MAX_OBSERVABLES {
                    if piece.observables >> l & 1 == 1 {
                        write!(out, " L{l}").expect("writing to a String");
                    }
                }
                mentioned |= piece.observables;
            }
            out.push('\n');
        }
        for (index, coords) in self.detectors.iter().enumerate() {
            let Some(coords) = coords else { continue };
            out.push_str("detector");
            if !coords.is_empty() {
                let list: Vec<String> = coords.iter().map(|c| c.to_string()).collect();
                write!(out, "({})", list.join(", ")).expect("writing to a String");
            }
            writeln!(out, " D{index}").expect("writing to a String");
        }
        for l in 0..u64::from(self.num_observables) {
            if mentioned >> l & 1 == 0 {
                writeln!(out, "logical_observable L{l}").expect("writing to a String");
            }
        }
        out
    }
}

/// A target of an instruction, as written.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    /// `Dk`, relative to the detector offset.
    Detector(u64),
    /// `Lk`.
    Observable(u64),
    /// A bare number (`repeat`, `shift_detectors`).
    Number(u64),
    /// `^`.
    Separator,
}

/// One parsed line, before `repeat` expansion.
#[derive(Debug)]
struct Item {
    line: usize,
    kind: ItemKind,
}

/// A target of an `error` instruction.
#[derive(Clone, Copy, Debug, PartialEq)]
enum ErrorTarget {
    Detector(u64),
    Observable(u64),
    Separator,
}

#[derive(Debug)]
enum ItemKind {
    Error {
        probability: f64,
        targets: Vec<ErrorTarget>,
    },
    Detector {
        coords: Vec<f64>,
        targets: Vec<u64>,
    },
    LogicalObservable {
        targets: Vec<u64>,
    },
    ShiftDetectors {
        coords: Vec<f64>,
        shift: u64,
    },
    Repeat {
        count: u64,
        body: Vec<Item>,
    },
}

/// The pieces of one instruction line.
struct Instruction<'a> {
    name: &'a str,
    args: Vec<f64>,
    targets: Vec<Target>,
    opens_block: bool,
}

fn dem_error(file: &str, line: usize, message: impl Into<String>) -> QecError {
    QecError::Dem {
        file: file.to_string(),
        line,
        message: message.into(),
    }
}

/// The text of a line without its comment (a `#` outside a tag).
fn strip_comment(line: &str) -> &str {
    let mut in_tag = false;
    for (i, c) in line.char_indices() {
        match c {
            '[' => in_tag = true,
            ']' => in_tag = false,
            '#' if !in_tag => return &line[..i],
            _ => {}
        }
    }
    line
}

/// Parses every line into items, nesting `repeat` bodies.
fn parse_items(text: &str, file: &str) -> Result<Vec<Item>, QecError> {
    // Open blocks: (line of `repeat`, count, items before the block).
    let mut open: Vec<(usize, u64, Vec<Item>)> = Vec::new();
    let mut items = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let line = index + 1;
        let code = strip_comment(raw.strip_suffix('\r').unwrap_or(raw)).trim();
        if code.is_empty() {
            continue;
        }
        if !code.is_ascii() {
            return Err(dem_error(
                file,
                line,
                "non-ASCII character outside a comment",
            ));
        }
        if code == "}" {
            let Some((_, count, outer)) = open.pop() else {
                return Err(dem_error(file, line, "`}` without an open `repeat` block"));
            };
            let body = std::mem::replace(&mut items, outer);
            items.push(Item {
                line,
                kind: ItemKind::Repeat { count, body },
            });
            continue;
        }
        let instruction = parse_instruction(code).map_err(|m| dem_error(file, line, m))?;
        match item_kind(&instruction).map_err(|m| dem_error(file, line, m))? {
            Parsed::Item(kind) => items.push(Item { line, kind }),
            Parsed::OpenRepeat(count) => open.push((line, count, std::mem::take(&mut items))),
        }
    }
    if let Some((line, _, _)) = open.last() {
        return Err(dem_error(
            file,
            *line,
            "`repeat` block is never closed with `}`",
        ));
    }
    Ok(items)
}

/// What one instruction line holds.
enum Parsed {
    /// A complete instruction.
    Item(ItemKind),
    /// `repeat N {`: the block's body follows.
    OpenRepeat(u64),
}

/// Checks an instruction's arguments and targets.
fn item_kind(ins: &Instruction) -> Result<Parsed, String> {
    let name = ins.name.to_ascii_lowercase();
    if ins.opens_block && name != "repeat" {
        return Err(format!("`{}` cannot open a block", ins.name));
    }
    // The targets' numbers, if every target has the kind `pick` accepts.
    let all = |pick: fn(&Target) -> Option<u64>, what: &str| -> Result<Vec<u64>, String> {
        ins.targets
            .iter()
            .map(|t| pick(t).ok_or_else(|| format!("`{}` takes {what}, not {}", ins.name, show(t))))
            .collect()
    };
    match name.as_str() {
        "error" => {
            let [probability] = ins.args[..] else {
                return Err(format!(
                    "`error` takes one argument (the probability), found {}",
                    ins.args.len()
                ));
            };
            if !(0.0..=1.0).contains(&probability) {
                return Err(format!("probability {probability} is not in [0, 1]"));
            }
            let targets = ins
                .targets
                .iter()
                .map(|t| match *t {
                    Target::Detector(k) => Ok(ErrorTarget::Detector(k)),
                    Target::Observable(k) => Ok(ErrorTarget::Observable(k)),
                    Target::Separator => Ok(ErrorTarget::Separator),
                    Target::Number(_) => Err(format!(
                        "`error` takes `D`, `L` and `^` targets, not {}",
                        show(t)
                    )),
                })
                .collect::<Result<_, _>>()?;
            Ok(Parsed::Item(ItemKind::Error {
                probability,
                targets,
            }))
        }
        "detector" => {
            let targets = all(
                |t| match *t {
                    Target::Detector(k) => Some(k),
                    _ => None,
                },
                "`D` targets",
            )?;
            if targets.is_empty() {
                return Err("`detector` needs a `D` target".into());
            }
            Ok(Parsed::Item(ItemKind::Detector {
                coords: ins.args.clone(),
                targets,
            }))
        }
        "logical_observable" => {
            if !ins.args.is_empty() {
                return Err("`logical_observable` takes no arguments".into());
            }
            let targets = all(
                |t| match *t {
                    Target::Observable(k) => Some(k),
                    _ => None,
                },
                "`L` targets",
            )?;
            Ok(Parsed::Item(ItemKind::LogicalObservable { targets }))
        }
        "shift_detectors" => match ins.targets[..] {
            [Target::Number(shift)] => Ok(Parsed::Item(ItemKind::ShiftDetectors {
                coords: ins.args.clone(),
                shift,
            })),
            _ => Err("`shift_detectors` takes one number target".into()),
        },
        "repeat" => {
            if !ins.args.is_empty() {
                return Err("`repeat` takes no arguments".into());
            }
            match ins.targets[..] {
                [Target::Number(0)] => Err("`repeat 0` is not allowed".into()),
                [Target::Number(count)] if ins.opens_block => Ok(Parsed::OpenRepeat(count)),
                [Target::Number(_)] => Err("`repeat N` must end with `{`".into()),
                _ => Err("`repeat` takes one number target (the count)".into()),
            }
        }
        _ => Err(format!("unknown instruction `{}`", ins.name)),
    }
}

/// A target as written in the file.
fn show(t: &Target) -> String {
    match t {
        Target::Detector(k) => format!("`D{k}`"),
        Target::Observable(k) => format!("`L{k}`"),
        Target::Number(k) => format!("`{k}`"),
        Target::Separator => "`^`".into(),
    }
}

/// Splits `name[tag](args) targets {` into its parts.
fn parse_instruction(code: &str) -> Result<Instruction<'_>, String> {
    let name_end = code
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(code.len());
    let name = &code[..name_end];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        let token = code.split_whitespace().next().unwrap_or(code);
        return Err(format!("expected an instruction, found `{token}`"));
    }
    let mut rest = &code[name_end..];
    if let Some(tagged) = rest.strip_prefix('[') {
        let close = tagged.find(']').ok_or("tag `[` is never closed")?;
        rest = &tagged[close + 1..];
    }
    let mut args = Vec::new();
    if let Some(parened) = rest.strip_prefix('(') {
        let close = parened.find(')').ok_or("`(` is never closed")?;
        let inner = parened[..close].trim();
        if !inner.is_empty() {
            for arg in inner.split(',') {
                args.push(parse_number(arg.trim())?);
            }
        }
        rest = &parened[close + 1..];
    }
    if !(rest.is_empty() || rest.starts_with([' ', '\t', '{'])) {
        return Err(format!("unexpected `{}` after `{name}`", rest.trim()));
    }
    let mut rest = rest.trim();
    let opens_block = match rest.strip_suffix('{') {
        Some(before) => {
            rest = before.trim_end();
            true
        }
        None => false,
    };
    let targets = rest
        .split_ascii_whitespace()
        .map(parse_target)
        .collect::<Result<_, _>>()?;
    Ok(Instruction {
        name,
        args,
        targets,
        opens_block,
    })
}

/// A finite decimal number.
fn parse_number(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(format!("`{text}` is not a finite number")),
    }
}

/// `Dk`, `Lk`, `k` or `^`.
fn parse_target(token: &str) -> Result<Target, String> {
    let unsigned = |digits: &str| -> Result<u64, String> {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("unknown target `{token}`"));
        }
        digits
            .parse::<u64>()
            .map_err(|_| format!("target `{token}` is out of range"))
    };
    if token == "^" {
        Ok(Target::Separator)
    } else if let Some(digits) = token.strip_prefix('D') {
        unsigned(digits).map(Target::Detector)
    } else if let Some(digits) = token.strip_prefix('L') {
        unsigned(digits).map(Target::Observable)
    } else {
        unsigned(token).map(Target::Number)
    }
}

/// Runs the items with stim's detector and coordinate offsets, building the flat model.
struct Expander<'a> {
    file: &'a str,
    dem: Dem,
    detector_offset: u64,
    coordinate_offset: Vec<f64>,
    executed: u64,
}

impl Expander<'_> {
    fn run(&mut self, items: &[Item]) -> Result<(), QecError> {
        for item in items {
            self.executed += 1;
            if self.executed > MAX_EXPANDED_INSTRUCTIONS {
                return Err(dem_error(
                    self.file,
                    item.line,
                    format!(
                        "the model expands to more than {MAX_EXPANDED_INSTRUCTIONS} instructions"
                    ),
                ));
            }
            match &item.kind {
                ItemKind::Error {
                    probability,
                    targets,
                } => self.error(item.line, *probability, targets)?,
                ItemKind::Detector { coords, targets } => {
                    let absolute: Vec<f64> = coords
                        .iter()
                        .enumerate()
                        .map(|(i, c)| c + self.coordinate_offset.get(i).copied().unwrap_or(0.0))
                        .collect();
                    for &relative in targets {
                        let index = self.detector(item.line, relative)? as usize;
                        match &self.dem.detectors[index] {
                            Some(old) if *old != absolute => {
                                return Err(dem_error(
                                    self.file,
                                    item.line,
                                    format!(
                                        "detector D{index} is declared again with other coordinates"
                                    ),
                                ));
                            }
                            _ => self.dem.detectors[index] = Some(absolute.clone()),
                        }
                    }
                }
                ItemKind::LogicalObservable { targets } => {
                    for &l in targets {
                        self.observable(item.line, l)?;
                    }
                }
                ItemKind::ShiftDetectors { coords, shift } => {
                    if self.coordinate_offset.len() < coords.len() {
                        self.coordinate_offset.resize(coords.len(), 0.0);
                    }
                    for (offset, c) in self.coordinate_offset.iter_mut().zip(coords) {
                        *offset += c;
                    }
                    self.detector_offset = self.detector_offset.saturating_add(*shift);
                }
                ItemKind::Repeat { count, body } => {
                    for _ in 0..*count {
                        self.run(body)?;
                        if body.is_empty() {
                            break;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Adds one error mechanism.
    fn error(
        &mut self,
        line: usize,
        probability: f64,
        targets: &[ErrorTarget],
    ) -> Result<(), QecError> {
        let mut pieces = Vec::new();
        let mut piece = Piece {
            detectors: Vec::new(),
            observables: 0,
        };
        let mut piece_empty = true;
        for t in targets {
            match *t {
                ErrorTarget::Separator => {
                    if piece_empty {
                        return Err(dem_error(self.file, line, "empty piece around `^`"));
                    }
                    pieces.push(std::mem::replace(
                        &mut piece,
                        Piece {
                            detectors: Vec::new(),
                            observables: 0,
                        },
                    ));
                    piece_empty = true;
                }
                ErrorTarget::Detector(relative) => {
                    let index = self.detector(line, relative)?;
                    if piece.detectors.contains(&index) {
                        return Err(dem_error(
                            self.file,
                            line,
                            format!("D{index} appears twice in one piece"),
                        ));
                    }
                    piece.detectors.push(index);
                    piece_empty = false;
                }
                ErrorTarget::Observable(l) => {
                    let bit = 1u64 << self.observable(line, l)?;
                    if piece.observables & bit != 0 {
                        return Err(dem_error(
                            self.file,
                            line,
                            format!("L{l} appears twice in one piece"),
                        ));
                    }
                    piece.observables |= bit;
                    piece_empty = false;
                }
            }
        }
        if !piece_empty {
            pieces.push(piece);
        } else if !pieces.is_empty() {
            return Err(dem_error(self.file, line, "empty piece after `^`"));
        }
        for p in &mut pieces {
            p.detectors.sort_unstable();
        }
        self.dem.mechanisms.push(Mechanism {
            probability,
            pieces,
            line,
        });
        Ok(())
    }

    /// The absolute index of a relative detector target, growing the detector table.
    fn detector(&mut self, line: usize, relative: u64) -> Result<u32, QecError> {
        let index = self.detector_offset.saturating_add(relative);
        if index >= MAX_DETECTORS {
            return Err(dem_error(
                self.file,
                line,
                format!(
                    "detector index {index} is out of range (aether supports {MAX_DETECTORS} detectors)"
                ),
            ));
        }
        let index = index as usize;
        if self.dem.detectors.len() <= index {
            self.dem.detectors.resize(index + 1, None);
        }
        Ok(index as u32)
    }

    /// Checks an observable index and counts it.
    fn observable(&mut self, line: usize, l: u64) -> Result<u32, QecError> {
        if l >= MAX_OBSERVABLES {
            return Err(dem_error(
                self.file,
                line,
                format!(
                    "observable L{l} is out of range (aether supports L0 .. L{})",
                    MAX_OBSERVABLES - 1
                ),
            ));
        }
        self.dem.num_observables = self.dem.num_observables.max(l as u32 + 1);
        Ok(l as u32)
    }
}

#[cfg(test)]
mod tests;
