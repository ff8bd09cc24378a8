//! The front end: loads files, follows includes and imports, expands macros
//! and qualifies local names, producing one flat list of items to link.

use crate::ast::{Arg, Expr, ExprKind, Line, Name, Span, Stmt};
use crate::diagnostics::{Problem, Site};
use crate::items::{Expansion, Item, ItemKind, Origin};
use crate::parse::parse;
use crate::source::{Loader, candidates};
use aether_isa::{Addressing, Opcode};
use codespan_reporting::files::SimpleFiles;
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// How deeply macro invocations may nest.
pub const MAX_MACRO_DEPTH: usize = 64;
/// How many bytes of macro expansion text one run may produce.
pub const MAX_EXPANSION_BYTES: usize = 16 << 20;

/// A macro definition.
struct MacroDef {
    params: Vec<String>,
    body: String,
    def_file: usize,
    body_start: usize,
    site: Site,
}

/// What a linked unit (a file and what it includes) carries along.
struct Unit {
    macros: HashMap<String, Rc<MacroDef>>,
    scope: Option<String>,
    /// Identities and names of the files being included, outermost first.
    includes: Vec<(PathBuf, String)>,
}

/// Per source file: whether a `.loc` is in force.
struct FileState {
    loc_active: bool,
}

/// Collects items from all input files.
pub(crate) struct Frontend<'a> {
    loader: &'a dyn Loader,
    lib_dirs: &'a [PathBuf],
    pub files: SimpleFiles<String, String>,
    file_paths: Vec<PathBuf>,
    by_identity: HashMap<PathBuf, usize>,
    pub problems: Vec<Problem>,
    pub items: Vec<Item>,
    linked: HashSet<PathBuf>,
    queue: VecDeque<(PathBuf, usize)>,
    expansions: u32,
    expansion_bytes: usize,
    /// Set once runaway expansion was reported: no further macro is expanded.
    expansion_stopped: bool,
    loc_ids: u32,
}

impl<'a> Frontend<'a> {
    /// A front end reading through `loader`, searching `lib_dirs`.
    pub fn new(loader: &'a dyn Loader, lib_dirs: &'a [PathBuf]) -> Frontend<'a> {
        Frontend {
            loader,
            lib_dirs,
            files: SimpleFiles::new(),
            file_paths: Vec::new(),
            by_identity: HashMap::new(),
            problems: Vec::new(),
            items: Vec::new(),
            linked: HashSet::new(),
            queue: VecDeque::new(),
            expansions: 0,
            expansion_bytes: 0,
            expansion_stopped: false,
            loc_ids: 0,
        }
    }

    /// Reads every input and what it imports, in link order.
    pub fn run(&mut self, inputs: &[PathBuf]) {
        for input in inputs {
            let Some(identity) = self.loader.identity(input) else {
                self.problems.push(Problem::about_file(
                    input.display().to_string(),
                    format!("cannot read `{}`: file not found", input.display()),
                ));
                continue;
            };
            match self.load(input, &identity) {
                Ok(id) => self.enqueue(identity, id),
                Err(e) => self
                    .problems
                    .push(Problem::about_file(input.display().to_string(), e)),
            }
        }
        while let Some((identity, file)) = self.queue.pop_front() {
            let mut unit = Unit {
                macros: HashMap::new(),
                scope: None,
                includes: vec![(identity, self.file_name(file))],
            };
            self.items.push(Item {
                kind: ItemKind::Section(crate::ast::Section::Code),
                origin: Origin::File(file),
                line: 0..0,
            });
            self.process_file(file, &mut unit);
        }
    }

    fn enqueue(&mut self, identity: PathBuf, file: usize) {
        if self.linked.insert(identity.clone()) {
            self.queue.push_back((identity, file));
        }
    }

    fn file_name(&self, file: usize) -> String {
        self.files
            .get(file)
            .map(|f| f.name().clone())
            .unwrap_or_default()
    }

    /// Loads a file once, returning its index in the source database.
    fn load(&mut self, path: &Path, identity: &Path) -> Result<usize, String> {
        if let Some(&id) = self.by_identity.get(identity) {
            return Ok(id);
        }
        let text = self
            .loader
            .read(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let id = self.files.add(path.display().to_string(), text);
        self.file_paths.push(path.to_path_buf());
        self.by_identity.insert(identity.to_path_buf(), id);
        Ok(id)
    }

    fn process_file(&mut self, file: usize, unit: &mut Unit) {
        let text = match self.files.get(file) {
            Ok(f) => f.source().clone(),
            Err(_) => return,
        };
        let origin = Origin::File(file);
        let (lines, errors) = parse(&text);
        for e in errors {
            self.problems.push(origin.problem(&e.span, e.message));
        }
        let mut state = FileState { loc_active: false };
        for line in &lines {
            self.process_line(&origin, &text, line, unit, &mut state, 0);
        }
        self.end_loc(&origin, &mut state);
    }

    fn end_loc(&mut self, origin: &Origin, state: &mut FileState) {
        if state.loc_active {
            state.loc_active = false;
            self.push(origin, 0..0, ItemKind::LocEnd);
        }
    }

    fn push(&mut self, origin: &Origin, line: Span, kind: ItemKind) {
        self.items.push(Item {
            kind,
            origin: origin.clone(),
            line,
        });
    }

    fn process_line(
        &mut self,
        origin: &Origin,
        text: &str,
        line: &Line,
        unit: &mut Unit,
        state: &mut FileState,
        depth: usize,
    ) {
        for label in &line.labels {
            let name = match &label.name {
                Name::Global(n) => {
                    if !n.contains('.') {
                        unit.scope = Some(n.clone());
                    }
                    n.clone()
                }
                Name::Local(n) => match &unit.scope {
                    Some(scope) => format!("{scope}.{n}"),
                    None => {
                        self.problems.push(origin.problem(
                            &label.span,
                            format!("local label `.{n}` has no global label before it"),
                        ));
                        continue;
                    }
                },
            };
            self.push(
                origin,
                line.span.clone(),
                ItemKind::Label(name, label.span.clone()),
            );
        }
        let Some(stmt) = &line.stmt else { return };
        let span = line.span.clone();
        match stmt {
            Stmt::Op {
                name,
                name_span,
                args,
            } => {
                if let Some(op) = Opcode::from_mnemonic(name) {
                    self.instruction(origin, span, op, name_span, args, unit);
                } else if let Some(mac) = unit.macros.get(name).cloned() {
                    let invocation = Invocation {
                        origin,
                        text,
                        name,
                        name_span,
                        line: &span,
                        args,
                    };
                    self.expand(&mac, &invocation, unit, state, depth);
                } else {
                    self.problems.push(
                        origin.problem(name_span, format!("unknown mnemonic or macro `{name}`")),
                    );
                }
            }
            Stmt::Section(s) => self.push(origin, span, ItemKind::Section(*s)),
            Stmt::Words(exprs) => {
                let exprs = exprs
                    .iter()
                    .filter_map(|e| self.qualify(origin, e, unit))
                    .collect();
                self.push(origin, span, ItemKind::Words(exprs));
            }
            Stmt::Str(s) => {
                let words = s.bytes().map(u32::from).chain([0]).collect();
                self.push(origin, span, ItemKind::Bytes(words));
            }
            Stmt::Space(e) => {
                if let Some(e) = self.qualify(origin, e, unit) {
                    self.push(origin, span, ItemKind::Space(e));
                }
            }
            Stmt::Const {
                name,
                name_span,
                value,
            } => {
                if let Some(value) = self.qualify(origin, value, unit) {
                    self.push(
                        origin,
                        span,
                        ItemKind::Const(name.clone(), name_span.clone(), value),
                    );
                }
            }
            Stmt::MacroDef {
                name,
                name_span,
                params,
                body,
            } => self.define_macro(origin, text, name, name_span, params, body, unit),
            Stmt::UnknownDirective(name, span) => {
                self.problems.push(origin.problem(
                    span,
                    format!(
                        "unknown directive `{name}`; the directives are {} (a local label ends with `:`)",
                        crate::lexer::DIRECTIVES.join(", ")
                    ),
                ));
            }
            Stmt::StrayEndm => {
                let at = line.span.start..line.span.start + 5;
                self.problems
                    .push(origin.problem(&at, "`.endm` without `.macro`"));
            }
            Stmt::Include(name, name_span) => {
                self.end_loc(origin, state);
                self.include(origin, name, name_span, unit);
            }
            Stmt::Import(name, name_span) => {
                if let Some((identity, file)) = self.resolve(origin, name, name_span) {
                    if unit.includes.last().is_some_and(|(id, _)| *id == identity) {
                        self.problems.push(
                            origin
                                .problem(name_span, format!("`{name}` imports itself"))
                                .with_note(
                                    "`.import` looks next to the importing file before the -L \
                                     folders; rename this file to import a library file of the \
                                     same name",
                                ),
                        );
                    } else {
                        self.enqueue(identity, file);
                    }
                }
            }
            Stmt::Msg {
                name,
                name_span,
                id,
            } => {
                let id = match id {
                    Some(e) => match self.qualify(origin, e, unit) {
                        Some(e) => Some(e),
                        None => return,
                    },
                    None => None,
                };
                self.push(
                    origin,
                    span,
                    ItemKind::Msg(name.clone(), name_span.clone(), id),
                );
            }
            Stmt::Entry(name, name_span) => self.push(
                origin,
                span,
                ItemKind::Entry(name.clone(), name_span.clone()),
            ),
            Stmt::Addressing(name, name_span) => match Addressing::from_name(name) {
                Some(a) => self.push(origin, span, ItemKind::Addressing(a, name_span.clone())),
                None => self.problems.push(origin.problem(
                    name_span,
                    format!("unknown addressing `{name}`; it is `narrow` or `wide`"),
                )),
            },
            Stmt::Loc { file, line, col } => {
                let valid = |v: i64| (1..=i64::from(u32::MAX)).contains(&v);
                if !valid(*line) || !valid(*col) {
                    self.problems.push(origin.problem(
                        &span,
                        "`.loc` line and column must be between 1 and 4294967295",
                    ));
                    return;
                }
                self.loc_ids += 1;
                state.loc_active = true;
                self.push(
                    origin,
                    span,
                    ItemKind::Loc(self.loc_ids, file.clone(), *line as u32, *col as u32),
                );
            }
        }
    }

    fn instruction(
        &mut self,
        origin: &Origin,
        span: Span,
        op: Opcode,
        name_span: &Span,
        args: &[Arg],
        unit: &Unit,
    ) {
        let takes = op.operand().takes_operand();
        let operand = match (args, takes) {
            ([], false) => None,
            ([], true) => {
                self.problems
                    .push(origin.problem(name_span, format!("`{op}` needs an operand")));
                return;
            }
            ([first, ..], false) => {
                self.problems
                    .push(origin.problem(first.span(), format!("`{op}` takes no operand")));
                return;
            }
            ([Arg::Expr(e)], true) => match self.qualify(origin, e, unit) {
                Some(e) => Some(e),
                None => return,
            },
            ([Arg::Str(_, s)], true) => {
                self.problems
                    .push(origin.problem(s, format!("`{op}` takes an expression, not a string")));
                return;
            }
            ([_, second, ..], true) => {
                self.problems
                    .push(origin.problem(second.span(), format!("`{op}` takes one operand")));
                return;
            }
        };
        self.push(origin, span, ItemKind::Instr(op, operand, name_span.start));
    }

    /// Replaces local names by qualified ones; `None` after reporting an error.
    fn qualify(&mut self, origin: &Origin, expr: &Expr, unit: &Unit) -> Option<Expr> {
        let mut out = expr.clone();
        let mut missing = Vec::new();
        qualify_in(&mut out, unit.scope.as_deref(), &mut missing);
        if missing.is_empty() {
            return Some(out);
        }
        for (name, span) in missing {
            self.problems.push(origin.problem(
                &span,
                format!("local name `.{name}` used before any global label"),
            ));
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn define_macro(
        &mut self,
        origin: &Origin,
        text: &str,
        name: &str,
        name_span: &Span,
        params: &[(String, Span)],
        body: &Span,
        unit: &mut Unit,
    ) {
        let Origin::File(def_file) = origin else {
            self.problems.push(origin.problem(
                name_span,
                "a macro cannot be defined inside a macro expansion",
            ));
            return;
        };
        if Opcode::from_mnemonic(name).is_some() {
            self.problems.push(origin.problem(
                name_span,
                format!("macro `{name}` has the name of an instruction"),
            ));
            return;
        }
        let site = origin.site(name_span);
        if let Some(first) = unit.macros.get(name) {
            self.problems.push(
                Problem::at(site, format!("macro `{name}` is defined twice"))
                    .with_label(first.site.clone(), "first defined here"),
            );
            return;
        }
        let mut seen = HashSet::new();
        for (p, span) in params {
            if !seen.insert(p) {
                self.problems
                    .push(origin.problem(span, format!("parameter `{p}` appears twice")));
                return;
            }
        }
        unit.macros.insert(
            name.to_string(),
            Rc::new(MacroDef {
                params: params.iter().map(|(p, _)| p.clone()).collect(),
                body: text[body.clone()].to_string(),
                def_file: *def_file,
                body_start: body.start,
                site,
            }),
        );
    }

    fn expand(
        &mut self,
        mac: &MacroDef,
        call: &Invocation<'_>,
        unit: &mut Unit,
        state: &mut FileState,
        depth: usize,
    ) {
        let name = call.name;
        if self.expansion_stopped {
            return;
        }
        if depth >= MAX_MACRO_DEPTH {
            self.expansion_stopped = true;
            self.problems.push(call.origin.problem(
                call.name_span,
                format!(
                    "macro expansion nested more than {MAX_MACRO_DEPTH} levels deep (does `{name}` call itself?)"
                ),
            ));
            return;
        }
        if call.args.len() != mac.params.len() {
            let n = mac.params.len();
            self.problems.push(
                call.origin
                    .problem(
                        call.name_span,
                        format!(
                            "macro `{name}` takes {n} argument{}, {} given",
                            if n == 1 { "" } else { "s" },
                            call.args.len()
                        ),
                    )
                    .with_label(mac.site.clone(), "defined here"),
            );
            return;
        }
        let args: Vec<&str> = call
            .args
            .iter()
            .map(|a| &call.text[a.span().clone()])
            .collect();
        let number = self.expansions;
        self.expansions += 1;
        let text = substitute(&mac.body, &mac.params, &args, number);
        self.expansion_bytes += text.len();
        if self.expansion_bytes > MAX_EXPANSION_BYTES {
            self.expansion_stopped = true;
            self.problems.push(call.origin.problem(
                call.name_span,
                format!("macro expansions exceed {MAX_EXPANSION_BYTES} bytes in total"),
            ));
            return;
        }
        let site = match call.origin {
            Origin::File(file) => Site {
                file: *file,
                span: call.name_span.start..call.line.end,
            },
            Origin::Expansion(e) => e.site.clone(),
        };
        let mut body_lines = Vec::new();
        let mut offset = mac.body_start;
        for l in mac.body.split_inclusive('\n') {
            body_lines.push(offset..offset + l.trim_end_matches(['\n', '\r']).len());
            offset += l.len();
        }
        self.push(call.origin, call.line.clone(), ItemKind::Invocation);
        let expansion = Rc::new(Expansion {
            text,
            site,
            macro_name: name.to_string(),
            def_file: mac.def_file,
            body_lines,
        });
        let origin = Origin::Expansion(Rc::clone(&expansion));
        let (lines, errors) = parse(&expansion.text);
        for e in errors {
            self.problems.push(origin.problem(&e.span, e.message));
        }
        for line in &lines {
            self.process_line(&origin, &expansion.text, line, unit, state, depth + 1);
        }
    }

    /// Finds and loads the file named by an include or import.
    fn resolve(&mut self, origin: &Origin, name: &str, span: &Span) -> Option<(PathBuf, usize)> {
        let from_file = match origin {
            Origin::File(f) => *f,
            Origin::Expansion(e) => e.site.file,
        };
        let from = self.file_paths.get(from_file).cloned();
        let tried = candidates(name, from.as_deref(), self.lib_dirs);
        let Some((path, identity)) = tried
            .iter()
            .find_map(|p| self.loader.identity(p).map(|id| (p.clone(), id)))
        else {
            let list: Vec<String> = tried.iter().map(|p| p.display().to_string()).collect();
            self.problems.push(
                origin
                    .problem(span, format!("file `{name}` not found"))
                    .with_note(format!("searched: {}", list.join(", "))),
            );
            return None;
        };
        match self.load(&path, &identity) {
            Ok(file) => Some((identity, file)),
            Err(e) => {
                self.problems.push(origin.problem(span, e));
                None
            }
        }
    }

    fn include(&mut self, origin: &Origin, name: &str, span: &Span, unit: &mut Unit) {
        let Some((identity, file)) = self.resolve(origin, name, span) else {
            return;
        };
        if let Some(pos) = unit.includes.iter().position(|(id, _)| *id == identity) {
            let mut chain: Vec<&str> = unit.includes[pos..]
                .iter()
                .map(|(_, n)| n.as_str())
                .collect();
            let name = self.file_name(file);
            chain.push(&name);
            self.problems
                .push(origin.problem(span, format!("include cycle: {}", chain.join(" -> "))));
            return;
        }
        unit.includes.push((identity, self.file_name(file)));
        self.process_file(file, unit);
        unit.includes.pop();
    }
}

/// A macro invocation being expanded.
struct Invocation<'t> {
    origin: &'t Origin,
    text: &'t str,
    name: &'t str,
    name_span: &'t Span,
    line: &'t Span,
    args: &'t [Arg],
}

fn qualify_in(expr: &mut Expr, scope: Option<&str>, missing: &mut Vec<(String, Span)>) {
    match &mut expr.kind {
        ExprKind::Sym(name @ Name::Local(_)) => {
            let Name::Local(local) = name else { return };
            match scope {
                Some(scope) => *name = Name::Global(format!("{scope}.{local}")),
                None => missing.push((local.clone(), expr.span.clone())),
            }
        }
        ExprKind::Unary(_, a) => qualify_in(a, scope, missing),
        ExprKind::Binary(_, a, b) => {
            qualify_in(a, scope, missing);
            qualify_in(b, scope, missing);
        }
        ExprKind::Num(_)
        | ExprKind::Sym(Name::Global(_))
        | ExprKind::Dollar
        | ExprKind::TooDeep => {}
    }
}

/// Substitutes `\param` by its argument text and `\@` by the expansion number.
pub(crate) fn substitute(body: &str, params: &[String], args: &[&str], number: u32) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(pos) = rest.find('\\') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(tail) = after.strip_prefix('@') {
            out.push_str(&number.to_string());
            rest = tail;
            continue;
        }
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        match params.iter().position(|p| *p == after[..len]) {
            Some(i) if len > 0 => {
                out.push_str(args[i]);
                rest = &after[len..];
            }
            _ => {
                out.push('\\');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitution_replaces_params_and_unique_numbers() {
        let params = vec!["a".to_string(), "ab".to_string()];
        assert_eq!(
            substitute("l\\@: push \\ab + \\a ; \\n \\x\n", &params, &["1", "2"], 7),
            "l7: push 2 + 1 ; \\n \\x\n"
        );
    }
}
