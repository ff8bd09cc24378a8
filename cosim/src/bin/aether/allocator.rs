//! The heap `aether` allocates from: mimalloc instead of the C library's `malloc`.
//!
//! The kernel backs a heap with 4 KiB pages, each faulted in and cleared when first
//! touched: setting up and running 2,048 nodes took about 4,000 page faults with glibc's
//! `malloc`, a million nodes about a million, and those faults cost more host CPU than
//! building the nodes. mimalloc reserves its memory in 1 GiB arenas that it marks for
//! transparent huge pages (2 MiB, one fault each; where the kernel allows them:
//! `madvise` or `always` in `/sys/kernel/mm/transparent_hugepage/enabled`), in the
//! process as it starts. glibc's `malloc` does so only when `GLIBC_TUNABLES` asks for it
//! at the process's start, which cost `aether` a second start of itself. The figures are
//! in docs/scenario.md, "Limits", and bench/README.md, "Session 13, colour".

/// The process's allocator.
#[global_allocator]
static HEAP: mimalloc::MiMalloc = mimalloc::MiMalloc;
