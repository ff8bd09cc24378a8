//! The C allocator's settings for a simulation's heap.
//!
//! glibc's `malloc` grows the heap a little at a time and the kernel backs it with
//! 4 KiB pages, each one faulted in and cleared when first touched: setting up and
//! running 2,048 nodes takes about 4,000 page faults, a million nodes about a million,
//! and those faults cost more host CPU than building the nodes. With
//! `glibc.malloc.hugetlb=1` malloc asks for transparent huge pages (2 MiB, one fault
//! each) and with `glibc.malloc.top_pad` it grows the heap 64 MiB at a time, so that
//! huge pages fit. glibc reads these settings only from the environment when a process
//! starts, so `aether` runs itself again at once with `GLIBC_TUNABLES` set, unless the
//! variable is already set (set it, even to nothing, to keep glibc's defaults). The
//! figures are in docs/scenario.md, "Limits".

/// The glibc tunables `aether` runs with: huge pages for the heap, grown 64 MiB at a time.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TUNABLES: &str = "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864";

/// Replaces this process by the same command with [`TUNABLES`] in its environment, unless
/// `GLIBC_TUNABLES` is set already; returns (with the defaults kept) only when that cannot
/// be done.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn tune() {
    use std::os::unix::process::CommandExt;

    if std::env::var_os("GLIBC_TUNABLES").is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut args = std::env::args_os();
    let arg0 = args.next().unwrap_or_else(|| exe.clone().into_os_string());
    // `exec` returns only when it failed (the file is gone, say): run on as we are.
    let _failed = std::process::Command::new(&exe)
        .arg0(arg0)
        .args(args)
        .env("GLIBC_TUNABLES", TUNABLES)
        .exec();
}

/// Nothing to tune where the C library is not glibc.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune() {}
