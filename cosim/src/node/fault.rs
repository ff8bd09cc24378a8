//! Faults: what stops a node, and the record the report shows.

use serde::Serialize;

use super::memory::HostMemory;
use crate::time::Time;

/// Which stack a stack fault concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stack {
    /// The data stack.
    Data,
    /// The return stack.
    Return,
}

/// Why a node stopped with a fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FaultKind {
    /// A push onto a full stack.
    #[error("{0:?} stack overflow")]
    StackOverflow(Stack),
    /// A pop from an empty stack (or too few words for the instruction).
    #[error("{0:?} stack underflow")]
    StackUnderflow(Stack),
    /// A code word that is not an instruction.
    #[error("bad opcode in word {0:#010x}")]
    BadOpcode(u32),
    /// A data address outside memory.
    #[error("data address {0} out of range")]
    MemoryRange(u32),
    /// A code address outside the program.
    #[error("code address {0} out of range")]
    CodeRange(u32),
    /// `div`, `mod`, `divu` or `modu` by zero.
    #[error("division by zero")]
    DivideByZero,
    /// The activation used more cycles than its budget.
    #[error("activation used more than its budget of {0} cycles")]
    Budget(u64),
    /// `assert code` popped zero.
    #[error("assertion {0} failed")]
    Assertion(u32),
    /// A NIC instruction misused the NIC.
    #[error("NIC misuse: {0}")]
    Nic(String),
    /// `spawn` with every process slot in use.
    #[error("too many processes (limit {0})")]
    TooManyProcesses(u32),
    /// The host could not give the node's memory the words it had to grow to.
    #[error("{0}")]
    HostMemory(HostMemory),
}

impl FaultKind {
    /// A short stable name for the fault class, used in reports.
    pub fn class(&self) -> &'static str {
        match self {
            FaultKind::StackOverflow(_) => "stack_overflow",
            FaultKind::StackUnderflow(_) => "stack_underflow",
            FaultKind::BadOpcode(_) => "bad_opcode",
            FaultKind::MemoryRange(_) => "memory_range",
            FaultKind::CodeRange(_) => "code_range",
            FaultKind::DivideByZero => "division_by_zero",
            FaultKind::Budget(_) => "budget",
            FaultKind::Assertion(_) => "assertion",
            FaultKind::Nic(_) => "nic",
            FaultKind::TooManyProcesses(_) => "too_many_processes",
            FaultKind::HostMemory(_) => "host_memory",
        }
    }
}

/// A fault as the report shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fault {
    /// The node that faulted.
    pub node: u32,
    /// Issue time of the faulting instruction (fs).
    pub time_fs: Time,
    /// Code address of the faulting instruction.
    pub pc: u32,
    /// The process that was running.
    pub pid: u32,
    /// `file:line:col` of the faulting instruction, when the image has a source map.
    pub source: Option<String>,
    /// Fault class (see [`FaultKind::class`]).
    pub kind: &'static str,
    /// Human-readable description.
    pub message: String,
}
