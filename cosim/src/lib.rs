//! aether co-simulator: event engine, cycle-timed stack-CPU nodes, behavioural
//! components, scenarios and reports.

pub mod component;
pub mod engine;
pub mod inspect;
pub mod local_io;
pub mod node;
pub mod observe;
pub mod qec;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod sweep;
pub mod time;
pub mod watch;
pub mod waveform;
