//! The linker: one namespace for all items, message-type ids, layout of the
//! two sections, evaluation and encoding, the source map and the listing.

use crate::ast::{BinOp, Expr, ExprKind, MAX_EXPR_DEPTH, Name, Section, UnOp};
use crate::diagnostics::{Problem, Site};
use crate::items::{Item, ItemKind, Origin};
use crate::listing::Listing;
use crate::msgtypes::{MsgDecl, allocate};
use aether_isa::encoding::UNSIGNED24_MAX;
use aether_isa::{Addressing, Entry, Image, Instruction, SourceLoc, SourceMap, Symbol, SymbolKind};
use codespan_reporting::files::{Files, SimpleFiles};
use std::collections::HashMap;

/// Most words a section may hold (addresses are 24 bits wide).
pub const SECTION_LIMIT: i64 = UNSIGNED24_MAX + 1;

/// The constants every program may use without defining them, by the image's addressing
/// (docs/assembler.md, "Addressing"); they are not in the image's symbol table.
pub const PREDEFINED: [Predefined; 2] = [
    ("ADDR_SHIFT", Addressing::shift),
    ("ADDR_INBOX_MASK", Addressing::inbox_mask),
];

/// A predefined constant: its name and its value under an addressing.
pub type Predefined = (&'static str, fn(Addressing) -> u32);

/// The value of the predefined constant `name` under `addressing`, if it is one.
fn predefined(name: &str, addressing: Addressing) -> Option<i64> {
    PREDEFINED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, value)| i64::from(value(addressing)))
}

/// The error has been reported already.
#[derive(Debug)]
struct Reported;

type Eval = Result<i64, Reported>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ConstState {
    Pending,
    Active,
    Done(i64),
    Failed,
}

enum Def {
    Label {
        section: Section,
        addr: Option<u32>,
    },
    Const {
        item: usize,
        dollar: Option<i64>,
        state: ConstState,
    },
}

struct DefEntry {
    def: Def,
    site: Site,
}

/// Source-map state: what started the current entry.
#[derive(Clone, Debug, PartialEq, Eq)]
enum LocKey {
    Own(usize, usize, usize),
    Explicit(u32),
}

struct Linker<'a> {
    items: &'a [Item],
    files: &'a SimpleFiles<String, String>,
    defs: HashMap<&'a str, DefEntry>,
    msg_ids: HashMap<String, u32>,
    /// The word count of each `.space` item, by item index, fixed in layout.
    spaces: HashMap<usize, i64>,
    problems: Vec<Problem>,
    /// Statements with errors were dropped before linking (see [`link`]).
    incomplete: bool,
    /// The image's addressing and the first `.addressing` that chose it, if any.
    addressing: (Addressing, Option<Site>),
}

/// Links the items into an image and its listing (an empty one unless `listing`).
///
/// `incomplete` says that statements with errors were dropped before linking, so the
/// code may be shorter than written: errors such a gap explains (an entry point past the
/// end of the code, an image that does not validate) are then not reported.
pub(crate) fn link(
    items: &[Item],
    files: &SimpleFiles<String, String>,
    incomplete: bool,
    listing: bool,
) -> Result<(Image, Listing), Vec<Problem>> {
    let mut linker = Linker {
        items,
        files,
        defs: HashMap::new(),
        msg_ids: HashMap::new(),
        spaces: HashMap::new(),
        problems: Vec::new(),
        incomplete,
        addressing: (Addressing::default(), None),
    };
    let decls = linker.collect();
    linker.assign_msg_ids(&decls);
    if !linker.layout() {
        return Err(linker.problems);
    }
    let out = linker.emit(if listing {
        Listing::default()
    } else {
        Listing::off()
    });
    if linker.problems.is_empty() {
        Ok(out)
    } else {
        Err(linker.problems)
    }
}

impl<'a> Linker<'a> {
    fn site(&self, idx: usize, span: &crate::ast::Span) -> Site {
        self.items[idx].origin.site(span)
    }

    fn error(&mut self, origin: &Origin, span: &crate::ast::Span, message: String) -> Reported {
        self.problems.push(origin.problem(span, message));
        Reported
    }

    /// Collects every definition, reporting duplicates; returns `.msg` declarations.
    fn collect(&mut self) -> Vec<MsgDecl<'a>> {
        let mut section = Section::Code;
        let mut decls = Vec::new();
        for (idx, item) in self.items.iter().enumerate() {
            let (name, span, def) = match &item.kind {
                ItemKind::Section(s) => {
                    section = *s;
                    continue;
                }
                ItemKind::Label(name, span) => (
                    name,
                    span,
                    Def::Label {
                        section,
                        addr: None,
                    },
                ),
                ItemKind::Const(name, span, _) => (
                    name,
                    span,
                    Def::Const {
                        item: idx,
                        dollar: None,
                        state: ConstState::Pending,
                    },
                ),
                ItemKind::Addressing(addressing, span) => {
                    self.choose_addressing(*addressing, self.site(idx, span));
                    continue;
                }
                ItemKind::Msg(name, span, id) => {
                    decls.push(MsgDecl {
                        name,
                        id: id.as_ref(),
                        item: idx,
                        site: self.site(idx, span),
                    });
                    continue;
                }
                _ => continue,
            };
            let site = self.site(idx, span);
            if predefined(name, Addressing::default()).is_some() {
                self.problems.push(Problem::at(
                    site,
                    format!(
                        "`{name}` is predefined by the assembler (docs/assembler.md, Addressing)"
                    ),
                ));
                continue;
            }
            if let Some(first) = self.defs.get(name.as_str()) {
                let first = first.site.clone();
                self.problems.push(
                    Problem::at(site, format!("`{name}` is defined twice"))
                        .with_label(first, "first defined here"),
                );
                continue;
            }
            self.defs.insert(name, DefEntry { def, site });
        }
        for d in &decls {
            if predefined(d.name, Addressing::default()).is_some() {
                self.problems.push(Problem::at(
                    d.site.clone(),
                    format!(
                        "message type `{}` has the name of a predefined constant",
                        d.name
                    ),
                ));
            }
            if let Some(other) = self.defs.get(d.name) {
                self.problems.push(
                    Problem::at(
                        d.site.clone(),
                        format!("message type `{}` has the name of a symbol", d.name),
                    )
                    .with_label(other.site.clone(), "symbol defined here"),
                );
            }
        }
        decls
    }

    /// Takes `addressing`, written at `site`, as the image's; a second `.addressing` that
    /// disagrees with the first (in any linked file) is an error naming both.
    fn choose_addressing(&mut self, addressing: Addressing, site: Site) {
        match &self.addressing {
            (_, None) => self.addressing = (addressing, Some(site)),
            (first, Some(_)) if *first == addressing => {}
            (first, Some(first_site)) => {
                let problem = Problem::at(
                    site,
                    format!(
                        "`.addressing {addressing}` disagrees with `.addressing {first}`: \
                         the linked files must use one addressing"
                    ),
                )
                .with_label(first_site.clone(), "first chosen here");
                self.problems.push(problem);
            }
        }
    }

    fn assign_msg_ids(&mut self, decls: &[MsgDecl<'a>]) {
        let mut explicit = Vec::new();
        for d in decls {
            let value = match d.id {
                Some(e) => match self.eval(e, &self.items[d.item].origin, None) {
                    Ok(v) => Some(v),
                    Err(Reported) => continue,
                },
                None => None,
            };
            explicit.push((d, value));
        }
        match allocate(&explicit) {
            Ok(ids) => self.msg_ids = ids,
            Err(problems) => self.problems.extend(problems),
        }
    }

    /// Gives every label its address and every constant its `$`; `false` if
    /// a section outgrew its address space (nothing more can be placed).
    fn layout(&mut self) -> bool {
        let mut section = Section::Code;
        let mut counters = [0i64; 2];
        let mut overflowed = [false; 2];
        for (idx, item) in self.items.iter().enumerate() {
            let here = counters[section as usize];
            let size = match &item.kind {
                ItemKind::Section(s) => {
                    section = *s;
                    continue;
                }
                ItemKind::Label(name, _) => {
                    if let Some(DefEntry {
                        def: Def::Label { addr, .. },
                        ..
                    }) = self.defs.get_mut(name.as_str())
                    {
                        *addr = Some(here as u32);
                    }
                    continue;
                }
                ItemKind::Const(name, _, _) => {
                    if let Some(DefEntry {
                        def: Def::Const { item, dollar, .. },
                        ..
                    }) = self.defs.get_mut(name.as_str())
                        && *item == idx
                    {
                        *dollar = Some(here);
                    }
                    continue;
                }
                ItemKind::Instr(op, _, at) => {
                    if section == Section::Data {
                        let _ = self.error(
                            &item.origin,
                            &(*at..*at),
                            format!("instruction `{op}` in the `.data` section"),
                        );
                    }
                    i64::from(op.operand().words())
                }
                ItemKind::Words(w) => w.len() as i64,
                ItemKind::Bytes(_) | ItemKind::Space(_) if section == Section::Code => 0,
                ItemKind::Bytes(b) => b.len() as i64,
                ItemKind::Space(e) => match self.eval(e, &item.origin, Some(here)) {
                    Ok(n) if (0..=SECTION_LIMIT).contains(&n) => {
                        self.spaces.insert(idx, n);
                        n
                    }
                    Ok(n) => {
                        let _ = self.error(
                            &item.origin,
                            &e.span,
                            format!("`.space` count {n} is negative or too large"),
                        );
                        0
                    }
                    Err(Reported) => 0,
                },
                _ => continue,
            };
            let counter = &mut counters[section as usize];
            *counter += size;
            if *counter > SECTION_LIMIT && !overflowed[section as usize] {
                overflowed[section as usize] = true;
                let _ = self.error(
                    &item.origin,
                    &item.line,
                    format!(
                        "the {} section grows past {SECTION_LIMIT} words",
                        section_name(section)
                    ),
                );
            }
        }
        !overflowed.contains(&true)
    }

    /// Evaluates and encodes everything, building the image and filling `listing`.
    fn emit(&mut self, mut listing: Listing) -> (Image, Listing) {
        let mut image = Image {
            addressing: self.addressing.0,
            ..Image::default()
        };
        let mut section = Section::Code;
        let mut map = MapBuilder::default();
        let mut entries: Vec<(&'a str, usize, &'a crate::ast::Span)> = Vec::new();
        let mut raw_code: Vec<(u32, u32, usize)> = Vec::new();
        for (idx, item) in self.items.iter().enumerate() {
            let origin = &item.origin;
            let here = match section {
                Section::Code => image.code.len(),
                Section::Data => image.data.len(),
            } as u32;
            let mut words = Vec::new();
            match &item.kind {
                ItemKind::Section(s) => {
                    section = *s;
                    continue;
                }
                ItemKind::Label(..) => {}
                ItemKind::Instr(op, operand, at) => {
                    let value = match operand {
                        Some(e) => self.eval(e, origin, Some(i64::from(here))).unwrap_or(0),
                        None => 0,
                    };
                    match Instruction::new(*op, value) {
                        Ok(i) => i.encode_into(&mut words),
                        Err(err) => {
                            let span = operand.as_ref().map_or(*at..*at, |e| e.span.clone());
                            let _ = self.error(origin, &span, err.to_string());
                            words.extend(std::iter::repeat_n(0, op.operand().words() as usize));
                        }
                    }
                    if section == Section::Code {
                        let site = origin.site(&(*at..*at));
                        map.own(here, &site, self.files);
                    }
                }
                ItemKind::Words(exprs) => {
                    for (k, e) in exprs.iter().enumerate() {
                        let value = self.eval(e, origin, Some(i64::from(here) + k as i64));
                        words.push(match value {
                            Ok(v) if (i64::from(i32::MIN)..=i64::from(u32::MAX)).contains(&v) => {
                                v as u32
                            }
                            Ok(v) => {
                                let _ = self.error(
                                    origin,
                                    &e.span,
                                    format!("value {v} does not fit in a 32-bit word"),
                                );
                                0
                            }
                            Err(Reported) => 0,
                        });
                    }
                    if section == Section::Code {
                        let site = origin.site(&(item.line.start..item.line.start));
                        map.own(here, &site, self.files);
                        raw_code.push((here, words.len() as u32, idx));
                    }
                }
                ItemKind::Bytes(b) => {
                    if self.data_only(section, item, ".string") {
                        words.extend_from_slice(b);
                    }
                }
                ItemKind::Space(_) => {
                    let n = self.spaces.get(&idx).copied().unwrap_or(0);
                    if self.data_only(section, item, ".space") {
                        words.resize(n as usize, 0);
                    }
                }
                ItemKind::Const(name, _, _) => {
                    let value = self.const_value(name);
                    listing.value(origin, &item.line, value.ok(), self.files);
                    continue;
                }
                ItemKind::Msg(name, _, _) => {
                    let id = self.msg_ids.get(name.as_str()).copied();
                    listing.value(origin, &item.line, id.map(i64::from), self.files);
                    continue;
                }
                ItemKind::Addressing(..) => {
                    listing.value(origin, &item.line, None, self.files);
                    continue;
                }
                ItemKind::Entry(name, span) => {
                    entries.push((name, idx, span));
                    listing.value(origin, &item.line, None, self.files);
                    continue;
                }
                ItemKind::Loc(id, file, line, col) => {
                    map.explicit(*id, file, *line, *col);
                    continue;
                }
                ItemKind::LocEnd => {
                    map.end_explicit();
                    continue;
                }
                ItemKind::Invocation => {
                    listing.value(origin, &item.line, None, self.files);
                    continue;
                }
            }
            listing.words(origin, &item.line, section, here, &words, self.files);
            match section {
                Section::Code => image.code.extend_from_slice(&words),
                Section::Data => image.data.extend_from_slice(&words),
            }
        }
        self.check_code(&image, &raw_code);
        image.source_map = map.finish();
        image.entries = self.entries(&entries, image.code.len());
        image.symbols = self.symbols();
        let mut msgs: Vec<aether_isa::MsgType> = self
            .msg_ids
            .iter()
            .map(|(name, &id)| aether_isa::MsgType {
                id,
                name: name.clone(),
            })
            .collect();
        msgs.sort_by_key(|m| m.id);
        image.msg_types = msgs;
        if self.problems.is_empty()
            && !self.incomplete
            && let Err(e) = image.validate()
        {
            self.problems.push(Problem::nowhere(format!(
                "the linked image is not valid: {e}"
            )));
        }
        (image, listing)
    }

    /// Whether a data-only directive is in `.data`; reports it otherwise.
    fn data_only(&mut self, section: Section, item: &Item, directive: &str) -> bool {
        if section == Section::Code {
            let _ = self.error(
                &item.origin,
                &item.line,
                format!("`{directive}` is only allowed in the `.data` section"),
            );
        }
        section == Section::Data
    }

    /// Checks what only the finished code shows: every word decodes, and no
    /// label sits on a `pushw` literal (a label one past the last word is fine).
    fn check_code(&mut self, image: &Image, raw_code: &[(u32, u32, usize)]) {
        let mut literals = std::collections::HashSet::new();
        let mut addr = 0usize;
        while addr < image.code.len() {
            match Instruction::decode(&image.code[addr..]) {
                Ok((_, n)) => {
                    if n == 2 {
                        literals.insert(addr as u32 + 1);
                    }
                    addr += n as usize;
                }
                Err(e) => {
                    let at = raw_code
                        .iter()
                        .find(|(start, len, _)| (*start..start + len).contains(&(addr as u32)));
                    let message = format!(
                        "code word {:#010x} at code address {addr} is not an instruction: {e}",
                        image.code[addr]
                    );
                    match at {
                        Some(&(_, _, idx)) => {
                            let item = &self.items[idx];
                            let _ = self.error(&item.origin, &item.line, message);
                        }
                        None => self.problems.push(Problem::nowhere(message)),
                    }
                    addr += 1;
                }
            }
        }
        let items = self.items;
        for item in items {
            let ItemKind::Label(name, span) = &item.kind else {
                continue;
            };
            let Some(DefEntry {
                def:
                    Def::Label {
                        section: Section::Code,
                        addr: Some(a),
                    },
                ..
            }) = self.defs.get(name.as_str())
            else {
                continue;
            };
            let a = *a;
            if literals.contains(&a) {
                let _ = self.error(
                    &item.origin,
                    span,
                    format!("code label `{name}` is inside a `pushw` instruction"),
                );
            }
        }
    }

    fn entries(
        &mut self,
        declared: &[(&'a str, usize, &'a crate::ast::Span)],
        code_len: usize,
    ) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        let mut seen: HashMap<&str, Site> = HashMap::new();
        for &(name, idx, span) in declared {
            let origin = &self.items[idx].origin;
            let site = origin.site(span);
            if let Some(first) = seen.get(name) {
                self.problems.push(
                    Problem::at(site, format!("entry point `{name}` is declared twice"))
                        .with_label(first.clone(), "first declared here"),
                );
                continue;
            }
            seen.insert(name, site);
            match self.defs.get(name).map(|d| &d.def) {
                Some(Def::Label {
                    section: Section::Code,
                    addr: Some(addr),
                }) if (*addr as usize) < code_len => out.push(Entry {
                    name: name.to_string(),
                    addr: *addr,
                }),
                Some(Def::Label {
                    section: Section::Code,
                    ..
                }) if self.incomplete => {}
                Some(Def::Label {
                    section: Section::Code,
                    ..
                }) => {
                    let _ = self.error(
                        origin,
                        span,
                        format!("entry point `{name}` is past the end of the code"),
                    );
                }
                Some(_) => {
                    let _ = self.error(
                        origin,
                        span,
                        format!("entry point `{name}` is not a code label"),
                    );
                }
                None => {
                    let _ = self.error(origin, span, format!("undefined entry point `{name}`"));
                }
            }
        }
        if declared.is_empty()
            && let Some(Def::Label {
                section: Section::Code,
                addr: Some(addr),
            }) = self.defs.get("main").map(|d| &d.def)
        {
            out.push(Entry {
                name: "main".into(),
                addr: *addr,
            });
        }
        out
    }

    fn symbols(&mut self) -> Vec<Symbol> {
        let mut names: Vec<&'a str> = self.defs.keys().copied().collect();
        names.sort_unstable();
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let (kind, value) = match &self.defs[name].def {
                Def::Label { section, addr } => (
                    match section {
                        Section::Code => SymbolKind::Code,
                        Section::Data => SymbolKind::Data,
                    },
                    addr.unwrap_or(0),
                ),
                Def::Const { .. } => match self.const_value(name) {
                    Ok(v) => (SymbolKind::Const, v as u32),
                    Err(Reported) => continue,
                },
            };
            out.push(Symbol {
                name: name.to_string(),
                kind,
                value,
            });
        }
        out
    }

    fn const_value(&mut self, name: &str) -> Eval {
        let Some(DefEntry {
            def:
                Def::Const {
                    item,
                    dollar,
                    state,
                },
            ..
        }) = self.defs.get_mut(name)
        else {
            return Err(Reported);
        };
        match *state {
            ConstState::Done(v) => return Ok(v),
            ConstState::Failed | ConstState::Active => return Err(Reported),
            ConstState::Pending => *state = ConstState::Active,
        }
        let (item, dollar) = (*item, *dollar);
        let items = self.items;
        let ItemKind::Const(_, name_span, expr) = &items[item].kind else {
            return Err(Reported);
        };
        let origin = &items[item].origin;
        let result = self.eval(expr, origin, dollar).and_then(|v| {
            if (i64::from(i32::MIN)..=i64::from(u32::MAX)).contains(&v) {
                Ok(v)
            } else {
                Err(self.error(
                    origin,
                    name_span,
                    format!("value of `{name}` ({v}) does not fit in 32 bits"),
                ))
            }
        });
        if let Some(DefEntry {
            def: Def::Const { state, .. },
            ..
        }) = self.defs.get_mut(name)
        {
            *state = match result {
                Ok(v) => ConstState::Done(v),
                Err(Reported) => ConstState::Failed,
            };
        }
        result
    }

    fn symbol(&mut self, name: &str, origin: &Origin, span: &crate::ast::Span) -> Eval {
        let Some(entry) = self.defs.get(name) else {
            if let Some(&id) = self.msg_ids.get(name) {
                return Ok(i64::from(id));
            }
            if let Some(value) = predefined(name, self.addressing.0) {
                return Ok(value);
            }
            return Err(self.error(origin, span, format!("undefined symbol `{name}`")));
        };
        match &entry.def {
            Def::Label { addr: Some(a), .. } => Ok(i64::from(*a)),
            Def::Label { addr: None, .. } => Err(self.error(
                origin,
                span,
                format!("the address of `{name}` is not known yet here (it is defined later)"),
            )),
            Def::Const {
                state: ConstState::Active,
                ..
            } => Err(self.error(
                origin,
                span,
                format!("constant `{name}` is defined in terms of itself"),
            )),
            Def::Const { .. } => self.const_value(name),
        }
    }

    fn eval(&mut self, e: &Expr, origin: &Origin, dollar: Option<i64>) -> Eval {
        match &e.kind {
            ExprKind::Num(n) => Ok(*n),
            ExprKind::Sym(Name::Global(name)) | ExprKind::Sym(Name::Local(name)) => {
                self.symbol(name, origin, &e.span)
            }
            ExprKind::Dollar => dollar
                .ok_or_else(|| self.error(origin, &e.span, "`$` has no value here".to_string())),
            ExprKind::TooDeep => Err(self.error(
                origin,
                &e.span,
                format!(
                    "expression nested more than {MAX_EXPR_DEPTH} operators deep; \
                     split it into `.const` definitions"
                ),
            )),
            ExprKind::Unary(op, a) => {
                let a = self.eval(a, origin, dollar)?;
                Ok(match op {
                    UnOp::Neg => a.wrapping_neg(),
                    UnOp::Not => !a,
                })
            }
            ExprKind::Binary(op, a, b) => {
                let a = self.eval(a, origin, dollar);
                let b = self.eval(b, origin, dollar);
                let (a, b) = (a?, b?);
                match op {
                    BinOp::Add => Ok(a.wrapping_add(b)),
                    BinOp::Sub => Ok(a.wrapping_sub(b)),
                    BinOp::Mul => Ok(a.wrapping_mul(b)),
                    BinOp::Div | BinOp::Rem if b == 0 => {
                        Err(self.error(origin, &e.span, "division by zero".to_string()))
                    }
                    BinOp::Div => Ok(a.wrapping_div(b)),
                    BinOp::Rem => Ok(a.wrapping_rem(b)),
                    BinOp::And => Ok(a & b),
                    BinOp::Or => Ok(a | b),
                    BinOp::Xor => Ok(a ^ b),
                    BinOp::Shl | BinOp::Shr if !(0..64).contains(&b) => Err(self.error(
                        origin,
                        &e.span,
                        format!("shift amount {b} is not between 0 and 63"),
                    )),
                    BinOp::Shl => Ok(a.wrapping_shl(b as u32)),
                    BinOp::Shr => Ok(a >> b),
                }
            }
        }
    }
}

fn section_name(section: Section) -> &'static str {
    match section {
        Section::Code => ".code",
        Section::Data => ".data",
    }
}

/// Builds the run-length source map.
#[derive(Default)]
struct MapBuilder {
    map: SourceMap,
    file_index: HashMap<String, u32>,
    last: Option<LocKey>,
    explicit: Option<(u32, String, u32, u32)>,
}

impl MapBuilder {
    fn file(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.file_index.get(name) {
            return i;
        }
        let i = self.map.files.len() as u32;
        self.map.files.push(name.to_string());
        self.file_index.insert(name.to_string(), i);
        i
    }

    /// Records code at `addr` coming from `site`, unless a `.loc` is in force.
    fn own(&mut self, addr: u32, site: &Site, files: &SimpleFiles<String, String>) {
        if let Some((id, file, line, col)) = self.explicit.clone() {
            self.start(addr, LocKey::Explicit(id), &file, line, col);
            return;
        }
        let Ok(loc) = files.location(site.file, site.span.start) else {
            return;
        };
        let name = files.name(site.file).unwrap_or_default();
        let key = LocKey::Own(site.file, loc.line_number, loc.column_number);
        self.start(
            addr,
            key,
            &name,
            loc.line_number as u32,
            loc.column_number as u32,
        );
    }

    fn start(&mut self, addr: u32, key: LocKey, file: &str, line: u32, col: u32) {
        if self.last.as_ref() == Some(&key) {
            return;
        }
        let file = self.file(file);
        self.map.locs.push(SourceLoc {
            addr,
            file,
            line,
            col,
        });
        self.last = Some(key);
    }

    fn explicit(&mut self, id: u32, file: &str, line: u32, col: u32) {
        self.explicit = Some((id, file.to_string(), line, col));
    }

    fn end_explicit(&mut self) {
        self.explicit = None;
    }

    fn finish(self) -> SourceMap {
        self.map
    }
}

#[cfg(test)]
mod tests {
    use crate::{Diagnostics, Options, assemble_in_memory};
    use aether_isa::{Addressing, Image};

    fn mem(files: &[(&str, &str)], roots: usize) -> Result<Image, Diagnostics> {
        assemble_in_memory(files, roots, &Options::default()).map(|(i, _)| i)
    }

    /// `push ADDR_SHIFT` and `push ADDR_INBOX_MASK` under `directive`: `push n` is
    /// `0x10000000 | n` (docs/isa.md), the values docs/assembler.md gives.
    fn constants(directive: &str) -> (Addressing, Vec<u32>) {
        let src = format!("{directive}\nmain:\n push ADDR_SHIFT\n push ADDR_INBOX_MASK\n halt\n");
        let image = mem(&[("a.s", &src)], 1).unwrap();
        (image.addressing, image.code[..2].to_vec())
    }

    #[test]
    fn the_directive_sets_the_addressing_and_the_predefined_constants() {
        assert_eq!(
            constants(""),
            (Addressing::Narrow, vec![0x1000_0010, 0x1000_FFFF])
        );
        assert_eq!(
            constants(".addressing narrow"),
            (Addressing::Narrow, vec![0x1000_0010, 0x1000_FFFF])
        );
        assert_eq!(
            constants(".addressing wide"),
            (Addressing::Wide, vec![0x1000_0008, 0x1000_00FF])
        );
    }

    #[test]
    fn predefined_constants_work_in_expressions_and_stay_out_of_the_symbols() {
        // 5 << 8 | 3 = 1283; the library file uses the constant before the main file
        // chooses the addressing, which holds for the whole image.
        let lib = ".const TO_FIVE = 5 << ADDR_SHIFT | 3\n";
        let main = ".import \"lib.s\"\nmain:\n pushw TO_FIVE\n halt\n.addressing wide\n";
        let image = mem(&[("main.s", main), ("lib.s", lib)], 1).unwrap();
        assert_eq!(image.code[1], 1283);
        assert_eq!(image.symbol("TO_FIVE").map(|s| s.value), Some(1283));
        assert!(image.symbol("ADDR_SHIFT").is_none());
        assert!(image.symbol("ADDR_INBOX_MASK").is_none());
    }

    #[test]
    fn linked_files_that_disagree_are_an_error_naming_both() {
        let a = ".addressing wide\nmain: halt\n";
        let b = ".addressing wide\n.addressing narrow\n";
        let err = mem(&[("a.s", a), ("b.s", b)], 2).unwrap_err();
        let text = err.render();
        assert_eq!(err.iter().count(), 1, "{text}");
        assert!(
            text.contains("`.addressing narrow` disagrees with `.addressing wide`"),
            "{text}"
        );
        assert!(text.contains("b.s:2:13"), "{text}");
        assert!(text.contains("a.s:1:13"), "{text}");
        assert!(text.contains("first chosen here"), "{text}");
    }

    #[test]
    fn unknown_addressings_and_redefined_constants_are_errors() {
        let err = mem(&[("a.s", ".addressing medium\nmain: halt\n")], 1).unwrap_err();
        assert!(
            err.render()
                .contains("unknown addressing `medium`; it is `narrow` or `wide`"),
            "{}",
            err.render()
        );
        let err = mem(&[("a.s", ".const ADDR_SHIFT = 16\nmain: halt\n")], 1).unwrap_err();
        assert!(
            err.render()
                .contains("`ADDR_SHIFT` is predefined by the assembler"),
            "{}",
            err.render()
        );
        let err = mem(&[("a.s", "main: halt\nADDR_INBOX_MASK: halt\n")], 1).unwrap_err();
        assert!(
            err.render().contains("`ADDR_INBOX_MASK` is predefined"),
            "{}",
            err.render()
        );
    }

    #[test]
    fn a_wide_image_survives_disassembly() {
        let src = ".addressing wide\n.msg PING\nmain:\n nodeid\n push ADDR_SHIFT\n shl\n halt\n";
        let image = mem(&[("a.s", src)], 1).unwrap();
        let text = aether_isa::disasm::disassemble(&image);
        assert!(text.contains("\n.addressing wide\n"), "{text}");
        let again = mem(&[("b.s", &text)], 1).unwrap_or_else(|d| panic!("{text}\n{d}"));
        assert_eq!(again.addressing, Addressing::Wide);
        assert_eq!(again.to_bytes(), image.to_bytes());
    }
}
