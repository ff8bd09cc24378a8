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
        let ops = &program.ops[..];
        let code_len = ops.len() - 1;
        let proc = &mut procs[*current];
        let ds = &mut proc.ds;
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
                if ds.len() < $n {
                    fault!(FaultKind::StackUnderflow(Stack::Data));
                }
            };
        }
        macro_rules! room {
            ($n:expr) => {
                if ds.len() + $n > dmax {
                    fault!(FaultKind::StackOverflow(Stack::Data));
                }
            };
        }
        macro_rules! top {
            () => {
                ds[ds.len() - 1]
            };
        }
        macro_rules! unary {
            (|$a:ident| $e:expr) => {{
                need!(1);
                let i = ds.len() - 1;
                let $a = ds[i];
                ds[i] = $e;
            }};
        }
        macro_rules! binary {
            (|$a:ident, $b:ident| $e:expr) => {{
                need!(2);
                let i = ds.len() - 2;
                let $a = ds[i];
                let $b = ds[i + 1];
                ds[i] = $e;
                ds.truncate(i + 1);
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
                lines.push(trace_line(program, id, cyc.saturating_mul(period), pc, ds));
            }
            let mut next = pc + 1;
            match d.op {
                Op::Nop => {}
                Op::Drop => {
                    need!(1);
                    ds.pop();
                }
                Op::Dup => {
                    need!(1);
                    room!(1);
                    ds.push(top!());
                }
                Op::Swap => {
                    need!(2);
                    let l = ds.len();
                    ds.swap(l - 1, l - 2);
                }
                Op::Over => {
                    need!(2);
                    room!(1);
                    ds.push(ds[ds.len() - 2]);
                }
                Op::Rot => {
                    need!(3);
                    let l = ds.len();
                    ds[l - 3..].rotate_left(1);
                }
                Op::Nip => binary!(|_a, b| b),
                Op::Tuck => {
                    need!(2);
                    room!(1);
                    let l = ds.len();
                    let (a, b) = (ds[l - 2], ds[l - 1]);
                    ds[l - 2] = b;
                    ds[l - 1] = a;
                    ds.push(b);
                }
                Op::Pick(n) => {
                    let n = n as usize;
                    need!(n + 1);
                    room!(1);
                    ds.push(ds[ds.len() - 1 - n]);
                }
                Op::ToR => {
                    need!(1);
                    if rs.len() >= rmax {
                        fault!(FaultKind::StackOverflow(Stack::Return));
                    }
                    rs.push(top!());
                    ds.pop();
                }
                Op::FromR | Op::RFetch => {
                    room!(1);
                    let Some(&v) = rs.last() else {
                        fault!(FaultKind::StackUnderflow(Stack::Return));
                    };
                    if d.op == Op::FromR {
                        rs.pop();
                    }
                    ds.push(v);
                }
                Op::RDrop => {
                    if rs.pop().is_none() {
                        fault!(FaultKind::StackUnderflow(Stack::Return));
                    }
                }
                Op::Depth => {
                    room!(1);
                    ds.push(ds.len() as u32);
                }
                Op::Push(v) | Op::PushW(v) => {
                    room!(1);
                    ds.push(v);
                    if matches!(d.op, Op::PushW(_)) {
                        next = pc + 2;
                    }
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
                    let i = ds.len() - 1;
                    let Some(v) = mem.load(ds[i]) else {
                        fault!(FaultKind::MemoryRange(ds[i]));
                    };
                    ds[i] = v;
                }
                Op::Store => {
                    need!(2);
                    let l = ds.len();
                    let addr = ds[l - 1];
                    let slot = match mem.slot(addr) {
                        Ok(slot) => slot,
                        Err(kind) => fault!(kind),
                    };
                    *slot = ds[l - 2];
                    ds.truncate(l - 2);
                }
                Op::LoadI(addr) => {
                    room!(1);
                    let Some(v) = mem.load(addr) else {
                        fault!(FaultKind::MemoryRange(addr));
                    };
                    ds.push(v);
                }
                Op::StoreI(addr) => {
                    need!(1);
                    let slot = match mem.slot(addr) {
                        Ok(slot) => slot,
                        Err(kind) => fault!(kind),
                    };
                    *slot = top!();
                    ds.pop();
                }
                Op::Jmp(t) => next = jump_to!(t),
                Op::Jz(t) => {
                    need!(1);
                    if top!() == 0 {
                        next = jump_to!(t);
                    }
                    ds.pop();
                }
                Op::Jnz(t) => {
                    need!(1);
                    if top!() != 0 {
                        next = jump_to!(t);
                    }
                    ds.pop();
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
                    ds.pop();
                }
                Op::CallI => {
                    need!(1);
                    if rs.len() >= rmax {
                        fault!(FaultKind::StackOverflow(Stack::Return));
                    }
                    next = jump_to!(top!());
                    ds.pop();
                    rs.push(pc as u32 + 1);
                }
                Op::Cycles => {
                    room!(1);
                    ds.push(cyc as u32);
                }
                Op::Now => {
                    room!(1);
                    ds.push((cyc.saturating_mul(period) / crate::time::FS_PER_NS) as u32);
                }
                Op::NodeId => {
                    room!(1);
                    ds.push(u32::from(id));
                }
                Op::Nodes => {
                    room!(1);
                    ds.push(nodes);
                }
                Op::Rand => {
                    room!(1);
                    ds.push(rng.next_u32());
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
                    ds.pop();
                }
                Op::Emit(n) => {
                    let n = n as usize;
                    need!(n + 1);
                    let l = ds.len();
                    log.push(LogRecord {
                        node: id,
                        time_fs: cyc.saturating_mul(period),
                        tag: ds[l - 1],
                        values: ds[l - 1 - n..l - 1].to_vec(),
                    });
                    ds.truncate(l - 1 - n);
                }
                Op::Outside(opcode) => break Exit::Outside(opcode),
                Op::Illegal(word) => fault!(FaultKind::BadOpcode(word)),
                Op::OffEnd => fault!(FaultKind::CodeRange(pc as u32)),
            }
            cyc += u64::from(d.cost);
            retired += 1;
            pc = next;
        };
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
    node: u16,
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
