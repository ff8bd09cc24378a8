//! The fast interpreter loop over predecoded instructions.
//!
//! It runs the current process until the issue cycle reaches a stop cycle, an
//! instruction needs the world outside the node (NIC and process
//! instructions), the node halts or a fault occurs. The loop allocates
//! nothing except for `emit`, and charges each instruction the cost stored
//! with it (taken from the ISA opcode's profile entry).
//!
//! It works per basic block (see [`Program`](super::Program)): a block whose
//! instructions all issue before the stop cycle is charged its cycles and
//! instructions once, at its start, and runs from the fused table with no
//! check between instructions; an exit inside it (a fault, a NIC or process
//! instruction) takes back what the block's unrun part was charged. A block
//! that the stop cycle falls inside runs one plain instruction at a time, each
//! checked against the stop cycle, and so does every instruction of a traced
//! node. Both ways run each operation through the same code
//! ([`Core::execute`]), so they cannot differ in what an instruction does.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::Rng;

use super::fault::{FaultKind, Stack};
use super::memory::Memory;
use super::nic::{Leave, Process, Running, Settling};
use super::program::{Block, Op};
use super::{LogRecord, Node, NodeState};
use crate::time::Time;
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

/// How execution goes on after one operation.
enum Flow {
    /// To the next instruction of the same basic block.
    Next,
    /// To the start of a basic block (a control transfer ended the block, taken or not).
    Jump,
    /// `halt` executed.
    Halt,
    /// Stopped at the PC without executing it.
    Stop(Exit),
    /// A counting loop ([`Op::CountDown`]) with a step of one turned and jumped back to its
    /// start, the PC, with a top word other than zero.
    Repeat,
}

/// The running process's registers and what its instructions reach, held apart from the
/// node for one call of [`Node::run`] so that they can live in host registers.
struct Core<'a> {
    /// Program counter.
    pc: usize,
    /// The data stack's buffer, as many words as the configured depth.
    ds: &'a mut [u32],
    /// Data stack depth.
    sp: usize,
    /// The return stack's buffer, as many words as the configured depth.
    rs: &'a mut [u32],
    /// Return stack depth.
    rp: usize,
    mem: &'a mut Memory,
    log: &'a mut Vec<LogRecord>,
    rng: &'a mut ChaCha8Rng,
    /// Code words: a transfer to this address or past it faults.
    code_len: usize,
    id: u32,
    nodes: u32,
    period: Time,
}

impl Core<'_> {
    /// Executes `op` at the PC, whose issue cycle `issue` gives (asked only by instructions
    /// that read the time), and says how execution goes on. An operation that faults or
    /// stops changes nothing.
    #[inline(always)]
    fn execute(&mut self, op: Op, issue: impl FnOnce() -> u64) -> Flow {
        let pc = self.pc;
        let mut sp = self.sp;
        let mut rp = self.rp;
        let ds = &mut *self.ds;
        let rs = &mut *self.rs;
        let (dmax, rmax) = (ds.len(), rs.len());
        let mut next = pc + 1;
        let mut flow = Flow::Next;

        macro_rules! fault {
            ($kind:expr) => {
                return Flow::Stop(Exit::Fault($kind))
            };
        }
        macro_rules! need {
            ($n:expr) => {
                if sp < $n {
                    fault!(FaultKind::StackUnderflow(Stack::Data));
                }
            };
        }
        // Room for one more word: `sp < dmax`, the bounds check of the push that follows.
        macro_rules! room {
            (1) => {
                if sp >= dmax {
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
        // The two top words as one slice: one bounds check (`sp <= dmax`) instead of one per word.
        macro_rules! binary {
            (|$a:ident, $b:ident| $e:expr) => {{
                need!(2);
                let words = &mut ds[sp - 2..sp];
                let ($a, $b) = (words[0], words[1]);
                words[0] = $e;
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
                if t as usize >= self.code_len {
                    fault!(FaultKind::CodeRange(t));
                }
                flow = Flow::Jump;
                t as usize
            }};
        }
        macro_rules! rpush {
            ($v:expr) => {{
                if rp >= rmax {
                    fault!(FaultKind::StackOverflow(Stack::Return));
                }
                rs[rp] = $v;
                rp += 1;
            }};
        }
        macro_rules! rtop {
            () => {{
                if rp == 0 {
                    fault!(FaultKind::StackUnderflow(Stack::Return));
                }
                rs[rp - 1]
            }};
        }
        // A fused pair runs whole (`$both`, which may jump) when neither half faults (`$ok`);
        // otherwise its first half `$first` runs (or faults) alone, and the second is
        // dispatched on its own next, where it faults.
        macro_rules! pair {
            ($ok:expr, $both:block, $first:block) => {{
                if $ok {
                    next = pc + 2;
                    $both
                } else {
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
        // The second half of a fused jump: its target lies inside the code.
        macro_rules! branch_if {
            ($taken:expr, $t:expr) => {{
                flow = Flow::Jump;
                if $taken {
                    next = $t as usize;
                }
            }};
        }

        match op {
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
                rpush!(top!());
                sp -= 1;
            }
            Op::FromR => {
                room!(1);
                let v = rtop!();
                rp -= 1;
                push!(v);
            }
            Op::RFetch => {
                room!(1);
                push!(rtop!());
            }
            Op::RDrop => {
                rtop!();
                rp -= 1;
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
                let Some(v) = self.mem.load(ds[sp - 1]) else {
                    fault!(FaultKind::MemoryRange(ds[sp - 1]));
                };
                ds[sp - 1] = v;
            }
            Op::Store => {
                need!(2);
                let slot = match self.mem.slot(ds[sp - 1]) {
                    Ok(slot) => slot,
                    Err(kind) => fault!(kind),
                };
                *slot = ds[sp - 2];
                sp -= 2;
            }
            Op::LoadI(addr) => {
                room!(1);
                let Some(v) = self.mem.load(addr) else {
                    fault!(FaultKind::MemoryRange(addr));
                };
                push!(v);
            }
            Op::StoreI(addr) => {
                need!(1);
                let slot = match self.mem.slot(addr) {
                    Ok(slot) => slot,
                    Err(kind) => fault!(kind),
                };
                *slot = top!();
                sp -= 1;
            }
            Op::Jmp(t) => next = jump_to!(t),
            Op::Jz(t) => {
                need!(1);
                flow = Flow::Jump;
                if top!() == 0 {
                    next = jump_to!(t);
                }
                sp -= 1;
            }
            Op::Jnz(t) => {
                need!(1);
                flow = Flow::Jump;
                if top!() != 0 {
                    next = jump_to!(t);
                }
                sp -= 1;
            }
            Op::Call(t) => {
                if rp >= rmax {
                    fault!(FaultKind::StackOverflow(Stack::Return));
                }
                next = jump_to!(t);
                rpush!(pc as u32 + 1);
            }
            Op::Ret => {
                let t = rtop!();
                next = jump_to!(t);
                rp -= 1;
            }
            Op::JmpI => {
                need!(1);
                next = jump_to!(top!());
                sp -= 1;
            }
            Op::CallI => {
                need!(1);
                if rp >= rmax {
                    fault!(FaultKind::StackOverflow(Stack::Return));
                }
                next = jump_to!(top!());
                sp -= 1;
                rpush!(pc as u32 + 1);
            }
            Op::Cycles => {
                room!(1);
                push!(issue() as u32);
            }
            Op::Now => {
                room!(1);
                push!((issue().saturating_mul(self.period) / crate::time::FS_PER_NS) as u32);
            }
            Op::NodeId => {
                room!(1);
                push!(self.id);
            }
            Op::Nodes => {
                room!(1);
                push!(self.nodes);
            }
            Op::Rand => {
                room!(1);
                push!(self.rng.next_u32());
            }
            Op::Halt => flow = Flow::Halt,
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
                self.log.push(LogRecord {
                    node: self.id,
                    time_fs: issue().saturating_mul(self.period),
                    tag: ds[sp - 1],
                    values: ds[sp - 1 - n..sp - 1].to_vec(),
                });
                sp -= n + 1;
            }
            Op::Outside(opcode) => return Flow::Stop(Exit::Outside(opcode)),
            Op::Illegal(word) => fault!(FaultKind::BadOpcode(word)),
            Op::OffEnd => fault!(FaultKind::CodeRange(pc as u32)),
            Op::AddILoad(v) => {
                let load = (sp >= 1)
                    .then(|| self.mem.load(ds[sp - 1].wrapping_add(v)))
                    .flatten();
                pair!(load.is_some(), { ds[sp - 1] = load.unwrap_or_default() }, {
                    unary!(|a| a.wrapping_add(v))
                })
            }
            Op::AddIStore(v) => {
                let stored = sp >= 2
                    && match self.mem.slot(ds[sp - 1].wrapping_add(v)) {
                        Ok(slot) => {
                            *slot = ds[sp - 2];
                            true
                        }
                        Err(_) => false,
                    };
                pair!(stored, { sp -= 2 }, { unary!(|a| a.wrapping_add(v)) })
            }
            Op::AddIDup(v) => pair!(
                sp >= 1 && sp < dmax,
                {
                    let a = top!().wrapping_add(v);
                    ds[sp - 1] = a;
                    push!(a)
                },
                { unary!(|a| a.wrapping_add(v)) }
            ),
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
            Op::DupJz(t) => pair!(sp >= 1 && sp < dmax, { branch_if!(top!() == 0, t) }, {
                need!(1);
                room!(1);
                push!(top!());
            }),
            Op::DupJnz(t) => pair!(sp >= 1 && sp < dmax, { branch_if!(top!() != 0, t) }, {
                need!(1);
                room!(1);
                push!(top!());
            }),
            Op::EqJz(t) => pair!(
                sp >= 2,
                {
                    sp -= 2;
                    branch_if!(ds[sp] != ds[sp + 1], t)
                },
                { binary!(|a, b| u32::from(a == b)) }
            ),
            Op::EqJnz(t) => pair!(
                sp >= 2,
                {
                    sp -= 2;
                    branch_if!(ds[sp] == ds[sp + 1], t)
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
                branch_if!(true, t);
            }
            Op::PushAdd(v) => push_binary!(v, |a, b| a.wrapping_add(b)),
            Op::PushAnd(v) => push_binary!(v, |a, b| a & b),
            Op::PushOr(v) => push_binary!(v, |a, b| a | b),
            Op::PushXor(v) => push_binary!(v, |a, b| a ^ b),
            Op::PushEq(v) => push_binary!(v, |a, b| u32::from(a == b)),
            Op::PushLt(v) => push_binary!(v, |a, b| u32::from((a as i32) < (b as i32))),
            Op::PushShl(v) => push_binary!(v, |a, b| a.wrapping_shl(b)),
            Op::PushShr(v) => push_binary!(v, |a, b| a.wrapping_shr(b)),
            // Transfers inside their block, to a target inside the code.
            Op::Goto(t) => next = t as usize,
            Op::CallOn(t) => {
                rpush!(pc as u32 + 1);
                next = t as usize;
            }
            // A whole turn unless either of its first two halves faults (as `pair!`).
            Op::CountDown(v) => {
                if sp >= 1 && sp < dmax {
                    let a = top!().wrapping_add(v);
                    ds[sp - 1] = a;
                    flow = Flow::Jump;
                    next = pc + 3;
                    if a != 0 {
                        next = pc;
                        if v == 1 || v == u32::MAX {
                            flow = Flow::Repeat;
                        }
                    }
                } else {
                    unary!(|a| a.wrapping_add(v))
                }
            }
        }
        self.pc = next;
        self.sp = sp;
        self.rp = rp;
        flow
    }
}

/// The loop [`Node::run_loop`] runs: per block from the fused table ([`BLOCKS`]), per
/// instruction from the plain table ([`SINGLE`]), or per instruction with trace lines
/// ([`TRACED`]).
type Mode = u8;
/// Whole blocks that issue before the stop cycle; returns at the first that does not.
const BLOCKS: Mode = 0;
/// Single instructions, each checked against the stop cycle; returns where the rest of the
/// block issues before it.
const SINGLE: Mode = 1;
/// Single instructions with their trace lines, to the exit.
const TRACED: Mode = 2;

impl Node {
    /// Runs the current process until an exit; the PC is left at the instruction that caused it
    /// (after `halt` for [`Exit::Halt`], at the next one for [`Exit::Limit`]).
    pub fn run(&mut self, stop_cycle: u64) -> Exit {
        self.run_settling(stop_cycle, None)
    }

    /// [`Node::run`], performing on the way the NIC and process instructions that `settling`
    /// allows (see [`Settling`]) instead of stopping at them; the stop cycle starts at
    /// `stop_cycle` and moves on after each of them (left in `settling.stop`).
    pub fn run_settling(
        &mut self,
        stop_cycle: u64,
        mut settling: Option<&mut Settling<'_>>,
    ) -> Exit {
        if let Some(s) = settling.as_deref_mut() {
            s.stop = stop_cycle;
        }
        // Stopped at a NIC or process instruction (a node resumed at its `send`, say): no
        // need to enter a loop to find it there.
        if let Op::Outside(opcode) = self.program.fused[self.procs[self.current].pc as usize]
            && self.cycle < stop_cycle
            && settling
                .as_deref()
                .is_none_or(|s| !s.may_perform_at(opcode, self.time()))
        {
            return Exit::Outside(opcode);
        }
        let exit = if self.trace.is_some() {
            self.run_loop::<TRACED>(stop_cycle, None)
        } else {
            loop {
                let stop = settling.as_ref().map_or(stop_cycle, |s| s.stop);
                let exit = self.run_loop::<BLOCKS>(stop, settling.as_deref_mut());
                if exit.is_some() {
                    break exit;
                }
                let stop = settling.as_ref().map_or(stop_cycle, |s| s.stop);
                let exit = self.run_loop::<SINGLE>(stop, None);
                if exit.is_some() {
                    break exit;
                }
            }
        };
        // Only the per-block and single loops hand over to each other.
        let exit = exit.unwrap_or(Exit::Limit);
        if matches!(exit, Exit::Halt) {
            let pc = self.procs[self.current].pc as usize;
            self.stopped_at = Some(self.cycle - u64::from(self.program.ops[pc - 1].cost));
            self.close_activation();
            self.state = NodeState::Halted;
        }
        exit
    }

    /// One of the interpreter loops (`MODE`), until an exit, or `None` where the other loop
    /// takes over. Each is a function of its own, so that the hot per-block loop keeps its
    /// registers for itself.
    ///
    /// The stacks are worked on in their buffers of the configured depths with their depths
    /// in locals, so a push or pop touches no length in memory; entering and leaving costs
    /// no fill or cut of the buffers (see [`StackWords`](super::StackWords)).
    ///
    /// The per-block loop performs the NIC instructions that `settling` allows in place.
    #[inline(never)]
    fn run_loop<const MODE: Mode>(
        &mut self,
        stop: u64,
        mut settling: Option<&mut Settling<'_>>,
    ) -> Option<Exit> {
        let Node {
            id,
            params,
            program,
            procs,
            current,
            mem,
            log,
            rng,
            cycle,
            counters,
            trace,
            nodes,
            owners,
            ..
        } = self;
        let program: &super::Program = program;
        let (ops, fused) = (&program.ops[..], &program.fused[..]);
        // As long as the fused table: a PC checked against one needs no check for the other.
        let blocks = &program.blocks[..fused.len()];
        let proc = &mut procs[*current];
        let (ds, ds_depth) = proc.ds.room(params.data_stack as usize);
        let (rs, rs_depth) = proc.rs.room(params.return_stack as usize);
        let mut core = Core {
            pc: proc.pc as usize,
            sp: *ds_depth,
            ds,
            rp: *rs_depth,
            rs,
            mem,
            log,
            rng,
            code_len: ops.len() - 1,
            id: *id,
            nodes: *nodes,
            period: params.period,
        };
        let mut cyc = *cycle;
        let start = cyc;
        let mut retired = 0u64;

        let exit = if MODE == BLOCKS {
            let process = Process::new(
                owners,
                *current,
                (*id, program.image.addressing),
                (
                    params.data_stack as usize,
                    u64::from(params.profile.nic_word),
                    params.period,
                ),
            );
            let mut stop = stop;
            'restart: loop {
                // The cycles from the issue cycle to the stop cycle: a block fits when its cycles
                // are fewer (its last instruction then issues before the stop cycle). Charging a
                // block takes its cycles from `left`; they are added to `cyc` on the way out.
                let before = stop.saturating_sub(cyc);
                let mut left = before;
                // From this cycle on, an instruction performed in the loop leaves the stop
                // cycle where it is.
                let kept = settling.as_deref().map_or(u64::MAX, |s| s.kept_from(stop));
                let exit = 'block: loop {
                    let block = blocks[core.pc];
                    if block.cycles >= left {
                        break None;
                    }
                    // The whole block issues before the stop cycle: charged now, run unchecked.
                    left -= block.cycles;
                    retired += block.instructions;
                    macro_rules! dispatch {
                        ($block:lifetime, $restart:lifetime) => {{
                            let pc = core.pc;
                            // The block ends at `cyc + before - left`; its rest from the PC
                            // issues `blocks[pc].cycles` before that.
                            match core.execute(fused[pc], || cyc + (before - left) - blocks[pc].cycles) {
                                Flow::Next => {}
                                Flow::Jump => continue $block,
                                Flow::Repeat => {
                                    let turns = count_down(&mut core.ds[core.sp - 1], fused[pc], blocks[pc], left);
                                    left -= turns * blocks[pc].cycles;
                                    retired += turns * blocks[pc].instructions;
                                    continue $block;
                                }
                                Flow::Halt => break $block Some(Exit::Halt),
                                Flow::Stop(Exit::Outside(opcode)) if settling.is_some() => {
                                    // A NIC or process instruction ends its block (which charged
                                    // nothing for it): it issues at the block's end, `left`
                                    // cycles before the stop cycle.
                                    let mut running = Running {
                                        process: &process,
                                        ds: &mut *core.ds,
                                        sp: core.sp,
                                        mem: &mut *core.mem,
                                        opcode,
                                        cost: u64::from(ops[pc].cost),
                                        end: cyc + before,
                                        left,
                                    };
                                    match settling.as_deref_mut().map_or(Err(Leave::Outside), |s| s.perform(&mut running)) {
                                        Ok(cycles) => {
                                            core.sp = running.sp;
                                            left -= cycles;
                                            retired += 1;
                                            core.pc = pc + 1;
                                            // Where the simulation would give the node another
                                            // stop cycle after the instruction (a progress slice
                                            // starts again), the loop starts again with it.
                                            let after = cyc + (before - left);
                                            if after < kept && let Some(moved) = settling.as_deref_mut().map(|s| s.restart(after)).filter(|&s| s != stop) {
                                                (cyc, stop) = (after, moved);
                                                continue $restart;
                                            }
                                            continue $block;
                                        }
                                        Err(Leave::Fault(kind)) => break $block Some(Exit::Fault(*kind)),
                                        Err(Leave::Outside) => break $block Some(Exit::Outside(opcode)),
                                    }
                                }
                                Flow::Stop(exit) => {
                                    // Take back the charge of the instructions not run.
                                    let unrun = blocks[pc];
                                    left += unrun.cycles;
                                    retired -= unrun.instructions;
                                    break $block Some(exit);
                                }
                            }
                        }};
                    }
                    // Two dispatch sites, alternating: the host's branch predictor foresees each
                    // one's next target far better than those of a single site.
                    loop {
                        dispatch!('block, 'restart);
                        dispatch!('block, 'restart);
                    }
                };
                cyc += before - left;
                break exit;
            }
        } else {
            loop {
                // The rest of the block from the PC issues before the stop cycle.
                if MODE == SINGLE && cyc.saturating_add(blocks[core.pc].cycles) < stop {
                    break None;
                }
                if cyc >= stop {
                    break Some(Exit::Limit);
                }
                let d = ops[core.pc];
                // Outside instructions are traced when they execute (see `Node::outside`).
                if MODE == TRACED
                    && let Some(lines) = trace.as_mut()
                    && !matches!(d.op, Op::Outside(_))
                {
                    lines.push(trace_line(
                        program,
                        core.id,
                        cyc.saturating_mul(core.period),
                        core.pc,
                        &core.ds[..core.sp],
                    ));
                }
                let flow = core.execute(d.op, || cyc);
                if let Flow::Stop(exit) = flow {
                    break Some(exit);
                }
                cyc += u64::from(d.cost);
                retired += 1;
                if let Flow::Halt = flow {
                    break Some(Exit::Halt);
                }
            }
        };
        *ds_depth = core.sp;
        *rs_depth = core.rp;
        proc.pc = core.pc as u32;
        *cycle = cyc;
        counters.instructions += retired;
        counters.busy += cyc - start;
        exit
    }
}

/// Runs at once the turns of the counting loop `op` (an [`Op::CountDown`] with a step of
/// one) whose block, `block`, starts at the PC and whose counter is `top`: those that
/// issue before the stop cycle, `left` cycles away, and come before the turn that leaves the
/// loop. Returns how many it ran.
#[cold]
#[inline(never)]
fn count_down(top: &mut u32, op: Op, block: Block, left: u64) -> u64 {
    let Op::CountDown(step) = op else {
        return 0;
    };
    // The turns before the one that brings the counter to zero.
    let more = if step == 1 { top.wrapping_neg() } else { *top } - 1;
    let fit = (left - 1).checked_div(block.cycles).unwrap_or(u64::MAX);
    let turns = u64::from(more).min(fit);
    *top = top.wrapping_add((turns as u32).wrapping_mul(step));
    turns
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
