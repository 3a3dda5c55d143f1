//! Process-wide setup of the command line: signals and memory.
//!
//! Signals are caught with `sigaction` through `libc` (already in the tree)
//! rather than the `ctrlc` crate, which does not say whether SIGINT or
//! SIGTERM arrived (the exit code differs: 130 or 143), or `signal-hook`,
//! whose part used here would be the same one call.

/// Sets the process up before anything else runs.
pub fn setup() {
    #[cfg(unix)]
    unix::setup();
}

/// The exit code of a run stopped by `signal`: 128 + its number, as shells
/// report a process killed by it (130 for SIGINT, 143 for SIGTERM).
pub fn exit_code(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(1)
}

#[cfg(unix)]
mod unix {
    extern "C" fn on_signal(signal: libc::c_int) {
        // Only an atomic store: all a signal handler may safely do here.
        handbill::jobs::stop(signal);
    }

    pub fn setup() {
        // SAFETY: `sigaction` with a zeroed, then filled struct and a
        // handler that only stores to an atomic; `signal` and `prctl` take
        // plain integers.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            // A second Ctrl-C stops at once (the default action), for a
            // run that takes longer to wind down than someone will wait.
            action.sa_flags = libc::SA_RESETHAND;
            libc::sigemptyset(&mut action.sa_mask);
            for signal in [libc::SIGINT, libc::SIGTERM] {
                libc::sigaction(signal, &action, std::ptr::null_mut());
            }
            // Past a file size limit (RLIMIT_FSIZE) a write fails with
            // EFBIG, and the job says so, instead of the process being
            // killed by SIGXFSZ mid-batch.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        }
    }

    /// The allocator asks for transparent huge pages on its arena; every
    /// 2 MiB page it touches is then zeroed whole, which took a third of a
    /// flyer's time and 10 MiB of its memory. A run makes small
    /// allocations: ordinary pages serve it better. Run as a constructor,
    /// before the runtime's first allocation: from `main` the first huge
    /// page was already zeroed (0.35 ms and 2 MiB of a flyer).
    #[cfg(target_os = "linux")]
    extern "C" fn no_huge_pages() {
        // SAFETY: `prctl` with plain integers; touches no Rust state.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }

    #[cfg(target_os = "linux")]
    #[used]
    #[link_section = ".init_array"]
    static NO_HUGE_PAGES: extern "C" fn() = no_huge_pages;
}
