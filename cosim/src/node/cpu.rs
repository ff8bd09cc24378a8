//! The fast interpreter loop over predecoded instructions.
//!
//! It runs the current process until the issue cycle reaches a stop cycle, an
//! instruction needs the world outside the node (NIC and process
//! instructions), the node halts or a fault occurs. The loop allocates
//! nothing except for `emit`, and charges each instruction the cost stored
//! with it (taken from the ISA opcode's profile entry).

use rand_chacha::rand_core::Rng;

use super::fault::{FaultKind, Stack};
use super::program::Op;
use super::{LogRecord, Node, NodeState};
use aether_isa::Opcode;

/// Why the fast loop returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The next instruction would issue at or after the stop cycle.
    Limit,
    /// The instruction at the PC is a NIC or process instruction (not yet executed).
    Outside(Opcode),
    /// `halt` executed.
    Halt,
    /// A fault at the PC (the instruction was not executed).
    Fault(FaultKind),
}

impl Node {
    /// Runs the current process until an exit; the PC is left at the instruction that caused it
    /// (after `halt` for [`Exit::Halt`], at the next one for [`Exit::Limit`]).
    pub fn run(&mut self, stop_cycle: u64) -> Exit {
        // Two copies of the loop, so that an untraced node never tests for tracing.
        let exit = if self.trace.is_some() {
            self.run_loop::<true>(stop_cycle)
        } else {
            self.run_loop::<false>(stop_cycle)
        };
        if exit == Exit::Halt {
            let pc = self.procs[self.current].pc as usize;
            self.stopped_at = Some(self.cycle - u64::from(self.program.ops[pc - 1].cost));
            self.close_activation();
            self.state = NodeState::Halted;
        }
        exit
    }

    /// The interpreter loop; `TRACE` says whether the node records an instruction trace.
    ///
    /// An untraced node runs the fused table (one dispatch per common pair), a traced one
    /// the plain table (one trace line per instruction). The data stack lives in a slice
    /// of the configured depth with its depth in a local, so a push or pop touches no
    /// length in memory; the process's vector is cut back to the depth on the way out.
    #[inline(always)]
    fn run_loop<const TRACE: bool>(&mut self, stop_cycle: u64) -> Exit {
        let period = self.params.period;
        let dmax = self.params.data_stack as usize;
        let rmax = self.params.return_stack as usize;
        let id = self.id;
        let nodes = self.nodes;
        let Node {
            program,
            procs,
            current,
            mem,
            log,
            rng,
            cycle,
            counters,
            trace,
            ..
        } = self;
        let program: &super::Program = program;
        let ops = if TRACE {
            &program.ops[..]
        } else {
            &program.fused[..]
        };
        let code_len = ops.len() - 1;
        let proc = &mut procs[*current];
        let stack = &mut proc.ds;
        let mut sp = stack.len();
        stack.resize(dmax.max(sp), 0);
        let ds = &mut stack[..];
        let rs = &mut proc.rs;
        let mut pc = proc.pc as usize;
        let mut cyc = *cycle;
        let start = cyc;
        let mut retired = 0u64;

        macro_rules! fault {
            ($kind:expr) => {
                break Exit::Fault($kind)
            };
        }
        macro_rules! need {
            ($n:expr) => {
                if sp < $n {
                    fault!(FaultKind::StackUnderflow(Stack::Data));
                }
            };
        }
        macro_rules! room {
            ($n:expr) => {
                if sp + $n > dmax {
                    fault!(FaultKind::StackOverflow(Stack::Data));
                }
            };
        }
        macro_rules! push {
            ($v:expr) => {{
                let v = $v;
                ds[sp] = v;
                sp += 1;
            }};
        }
        macro_rules! top {
            () => {
                ds[sp - 1]
            };
        }
        macro_rules! unary {
            (|$a:ident| $e:expr) => {{
                need!(1);
                let $a = ds[sp - 1];
                ds[sp - 1] = $e;
            }};
        }
        macro_rules! binary {
            (|$a:ident, $b:ident| $e:expr) => {{
                need!(2);
                let $a = ds[sp - 2];
                let $b = ds[sp - 1];
                ds[sp - 2] = $e;
                sp -= 1;
            }};
        }
        macro_rules! divide {
            (|$a:ident, $b:ident| $e:expr) => {{
                need!(2);
                if top!() == 0 {
                    fault!(FaultKind::DivideByZero);
                }
                binary!(|$a, $b| $e)
            }};
        }
        macro_rules! jump_to {
            ($target:expr) => {{
                let t = $target;
                if t as usize >= code_len {
                    fault!(FaultKind::CodeRange(t));
                }
                t as usize
            }};
        }

        let exit = loop {
            if cyc >= stop_cycle {
                break Exit::Limit;
            }
            let d = ops[pc];
            // Outside instructions are traced when they execute (see `Node::outside`).
            if TRACE
                && let Some(lines) = trace.as_mut()
                && !matches!(d.op, Op::Outside(_))
            {
                lines.push(trace_line(
                    program,
                    id,
                    cyc.saturating_mul(period),
                    pc,
                    &ds[..sp],
                ));
            }
            let mut next = pc + 1;
            let mut cost = d.cost;
            // A fused pair runs whole (`$both`, which may jump) when both halves would: `$ok`,
            // and the second half issues before the stop cycle. Otherwise its first half
            // `$first` runs alone, and the second is dispatched on its own next.
            macro_rules! pair {
                ($ok:expr, $both:block, $first:block) => {{
                    if $ok && cyc + u64::from(d.first) < stop_cycle {
                        next = pc + 2;
                        retired += 1;
                        $both
                    } else {
                        cost = d.first;
                        $first
                    }
                }};
            }
            macro_rules! push_binary {
                ($v:ident, |$a:ident, $b:ident| $e:expr) => {
                    pair!(
                        sp >= 1 && sp < dmax,
                        {
                            let $a = ds[sp - 1];
                            let $b = $v;
                            ds[sp - 1] = $e;
                        },
                        {
                            room!(1);
                            push!($v);
                        }
                    )
                };
            }
            match d.op {
                Op::Nop => {}
                Op::Drop => {
                    need!(1);
                    sp -= 1;
                }
                Op::Dup => {
                    need!(1);
                    room!(1);
                    push!(top!());
                }
                Op::Swap => {
                    need!(2);
                    ds.swap(sp - 1, sp - 2);
                }
                Op::Over => {
                    need!(2);
                    room!(1);
                    push!(ds[sp - 2]);
                }
                Op::Rot => {
                    need!(3);
                    ds[sp - 3..sp].rotate_left(1);
                }
                Op::Nip => binary!(|_a, b| b),
                Op::Tuck => {
                    need!(2);
                    room!(1);
                    let (a, b) = (ds[sp - 2], ds[sp - 1]);
                    ds[sp - 2] = b;
                    ds[sp - 1] = a;
                    push!(b);
                }
                Op::Pick(n) => {
                    let n = n as usize;
                    need!(n + 1);
                    room!(1);
                    push!(ds[sp - 1 - n]);
                }
                Op::ToR => {
                    need!(1);
                    if rs.len() >= rmax {
                        fault!(FaultKind::StackOverflow(Stack::Return));
                    }
                    rs.push(top!());
                    sp -= 1;
                }
                Op::FromR | Op::RFetch => {
                    room!(1);
                    let Some(&v) = rs.last() else {
                        fault!(FaultKind::StackUnderflow(Stack::Return));
                    };
                    if d.op == Op::FromR {
                        rs.pop();
                    }
                    push!(v);
                }
                Op::RDrop => {
                    if rs.pop().is_none() {
                        fault!(FaultKind::StackUnderflow(Stack::Return));
                    }
                }
                Op::Depth => {
                    room!(1);
                    push!(sp as u32);
                }
                Op::Push(v) => {
                    room!(1);
                    push!(v);
                }
                Op::PushW(v) => {
                    room!(1);
                    push!(v);
                    next = pc + 2;
                }
                Op::Add => binary!(|a, b| a.wrapping_add(b)),
                Op::Sub => binary!(|a, b| a.wrapping_sub(b)),
                Op::Mul => binary!(|a, b| a.wrapping_mul(b)),
                Op::Div => divide!(|a, b| (a as i32).wrapping_div(b as i32) as u32),
                Op::Mod => divide!(|a, b| (a as i32).wrapping_rem(b as i32) as u32),
                Op::DivU => divide!(|a, b| a / b),
                Op::ModU => divide!(|a, b| a % b),
                Op::Neg => unary!(|a| a.wrapping_neg()),
                Op::And => binary!(|a, b| a & b),
                Op::Or => binary!(|a, b| a | b),
                Op::Xor => binary!(|a, b| a ^ b),
                Op::Not => unary!(|a| !a),
                Op::Shl => binary!(|a, b| a.wrapping_shl(b)),
                Op::Shr => binary!(|a, b| a.wrapping_shr(b)),
                Op::Sar => binary!(|a, b| (a as i32).wrapping_shr(b) as u32),
                Op::AddI(v) => unary!(|a| a.wrapping_add(v)),
                Op::Eq => binary!(|a, b| u32::from(a == b)),
                Op::Ne => binary!(|a, b| u32::from(a != b)),
                Op::Lt => binary!(|a, b| u32::from((a as i32) < (b as i32))),
                Op::Le => binary!(|a, b| u32::from((a as i32) <= (b as i32))),
                Op::Gt => binary!(|a, b| u32::from((a as i32) > (b as i32))),
                Op::Ge => binary!(|a, b| u32::from((a as i32) >= (b as i32))),
                Op::LtU => binary!(|a, b| u32::from(a < b)),
                Op::GtU => binary!(|a, b| u32::from(a > b)),
                Op::EqZ => unary!(|a| u32::from(a == 0)),
                Op::Load => {
                    need!(1);
                    let Some(v) = mem.load(ds[sp - 1]) else {
                        fault!(FaultKind::MemoryRange(ds[sp - 1]));
                    };
                    ds[sp - 1] = v;
                }
                Op::Store => {
                    need!(2);
                    let slot = match mem.slot(ds[sp - 1]) {
                        Ok(slot) => slot,
                        Err(kind) => fault!(kind),
                    };
                    *slot = ds[sp - 2];
                    sp -= 2;
                }
                Op::LoadI(addr) => {
                    room!(1);
                    let Some(v) = mem.load(addr) else {
                        fault!(FaultKind::MemoryRange(addr));
                    };
                    push!(v);
                }
                Op::StoreI(addr) => {
                    need!(1);
                    let slot = match mem.slot(addr) {
                        Ok(slot) => slot,
                        Err(kind) => fault!(kind),
                    };
                    *slot = top!();
                    sp -= 1;
                }
                Op::Jmp(t) => next = jump_to!(t),
                Op::Jz(t) => {
                    need!(1);
                    if top!() == 0 {
                        next = jump_to!(t);
                    }
                    sp -= 1;
                }
                Op::Jnz(t) => {
                    need!(1);
                    if top!() != 0 {
                        next = jump_to!(t);
                    }
                    sp -= 1;
                }
                Op::Call(t) => {
                    if rs.len() >= rmax {
                        fault!(FaultKind::StackOverflow(Stack::Return));
                    }
                    next = jump_to!(t);
                    rs.push(pc as u32 + 1);
                }
                Op::Ret => {
                    let Some(&t) = rs.last() else {
                        fault!(FaultKind::StackUnderflow(Stack::Return));
                    };
                    next = jump_to!(t);
                    rs.pop();
                }
                Op::JmpI => {
                    need!(1);
                    next = jump_to!(top!());
                    sp -= 1;
                }
                Op::CallI => {
                    need!(1);
                    if rs.len() >= rmax {
                        fault!(FaultKind::StackOverflow(Stack::Return));
                    }
                    next = jump_to!(top!());
                    sp -= 1;
                    rs.push(pc as u32 + 1);
                }
                Op::Cycles => {
                    room!(1);
                    push!(cyc as u32);
                }
                Op::Now => {
                    room!(1);
                    push!((cyc.saturating_mul(period) / crate::time::FS_PER_NS) as u32);
                }
                Op::NodeId => {
                    room!(1);
                    push!(id);
                }
                Op::Nodes => {
                    room!(1);
                    push!(nodes);
                }
                Op::Rand => {
                    room!(1);
                    push!(rng.next_u32());
                }
                Op::Halt => {
                    cyc += u64::from(d.cost);
                    retired += 1;
                    pc = next;
                    break Exit::Halt;
                }
                Op::Assert(code) => {
                    need!(1);
                    if top!() == 0 {
                        fault!(FaultKind::Assertion(code));
                    }
                    sp -= 1;
                }
                Op::Emit(n) => {
                    let n = n as usize;
                    need!(n + 1);
                    log.push(LogRecord {
                        node: id,
                        time_fs: cyc.saturating_mul(period),
                        tag: ds[sp - 1],
                        values: ds[sp - 1 - n..sp - 1].to_vec(),
                    });
                    sp -= n + 1;
                }
                Op::Outside(opcode) => break Exit::Outside(opcode),
                Op::Illegal(word) => fault!(FaultKind::BadOpcode(word)),
                Op::OffEnd => fault!(FaultKind::CodeRange(pc as u32)),
                Op::AddILoad(v) => {
                    let load = (sp >= 1)
                        .then(|| mem.load(ds[sp - 1].wrapping_add(v)))
                        .flatten();
                    pair!(load.is_some(), { ds[sp - 1] = load.unwrap_or_default() }, {
                        unary!(|a| a.wrapping_add(v))
                    })
                }
                Op::AddIStore(v) => {
                    // The stop is checked first: a store that does not run must not grow memory.
                    let whole = sp >= 2
                        && cyc + u64::from(d.first) < stop_cycle
                        && match mem.slot(ds[sp - 1].wrapping_add(v)) {
                            Ok(slot) => {
                                *slot = ds[sp - 2];
                                true
                            }
                            Err(_) => false,
                        };
                    if whole {
                        sp -= 2;
                        next = pc + 2;
                        retired += 1;
                    } else {
                        cost = d.first;
                        unary!(|a| a.wrapping_add(v));
                    }
                }
                Op::DupAddI(v) => pair!(sp >= 1 && sp < dmax, { push!(top!().wrapping_add(v)) }, {
                    need!(1);
                    room!(1);
                    push!(top!());
                }),
                Op::OverAddI(v) => pair!(
                    sp >= 2 && sp < dmax,
                    { push!(ds[sp - 2].wrapping_add(v)) },
                    {
                        need!(2);
                        room!(1);
                        push!(ds[sp - 2]);
                    }
                ),
                Op::DupJz(t) => pair!(
                    sp >= 1 && sp < dmax,
                    {
                        if top!() == 0 {
                            next = t as usize;
                        }
                    },
                    {
                        need!(1);
                        room!(1);
                        push!(top!());
                    }
                ),
                Op::DupJnz(t) => pair!(
                    sp >= 1 && sp < dmax,
                    {
                        if top!() != 0 {
                            next = t as usize;
                        }
                    },
                    {
                        need!(1);
                        room!(1);
                        push!(top!());
                    }
                ),
                Op::EqJz(t) => pair!(
                    sp >= 2,
                    {
                        sp -= 2;
                        if ds[sp] != ds[sp + 1] {
                            next = t as usize;
                        }
                    },
                    { binary!(|a, b| u32::from(a == b)) }
                ),
                Op::EqJnz(t) => pair!(
                    sp >= 2,
                    {
                        sp -= 2;
                        if ds[sp] == ds[sp + 1] {
                            next = t as usize;
                        }
                    },
                    { binary!(|a, b| u32::from(a == b)) }
                ),
                Op::DropDrop => pair!(sp >= 2, { sp -= 2 }, {
                    need!(1);
                    sp -= 1;
                }),
                Op::DropJmp(t) => {
                    need!(1);
                    sp -= 1;
                    if cyc + u64::from(d.first) < stop_cycle {
                        next = t as usize;
                        retired += 1;
                    } else {
                        cost = d.first;
                    }
                }
                Op::PushAdd(v) => push_binary!(v, |a, b| a.wrapping_add(b)),
                Op::PushAnd(v) => push_binary!(v, |a, b| a & b),
                Op::PushOr(v) => push_binary!(v, |a, b| a | b),
                Op::PushXor(v) => push_binary!(v, |a, b| a ^ b),
                Op::PushEq(v) => push_binary!(v, |a, b| u32::from(a == b)),
                Op::PushLt(v) => push_binary!(v, |a, b| u32::from((a as i32) < (b as i32))),
                Op::PushShl(v) => push_binary!(v, |a, b| a.wrapping_shl(b)),
                Op::PushShr(v) => push_binary!(v, |a, b| a.wrapping_shr(b)),
            }
            cyc += u64::from(cost);
            retired += 1;
            pc = next;
        };
        stack.truncate(sp);
        proc.pc = pc as u32;
        *cycle = cyc;
        counters.instructions += retired;
        counters.busy += cyc - start;
        exit
    }
}

/// One instruction-trace line: node, time, pc, source, instruction and data stack.
pub(super) fn trace_line(
    program: &super::Program,
    node: u32,
    time: crate::time::Time,
    pc: usize,
    ds: &[u32],
) -> String {
    let code = &program.image.code;
    let text = aether_isa::Instruction::decode(code.get(pc..).unwrap_or(&[]))
        .map_or_else(|e| format!("<{e}>"), |(i, _)| i.to_string());
    let source = program.source(pc as u32).unwrap_or_else(|| "?".into());
    let stack: Vec<String> = ds.iter().map(|v| (*v as i32).to_string()).collect();
    format!(
        "node {node} t={time}fs pc={pc} {source} {text:<16} [{}]",
        stack.join(" ")
    )
}
