//! One process of a user at a time may use symbolica: a per-user advisory lock.
//!
//! symbolica's restricted (non-commercial) mode allows one symbolica thread per user; a second
//! live process of the same user that uses it aborts. Before the first symbolica call of a
//! process, eosflip takes an exclusive `flock` on `eosflip-symbolica-<uid>.lock` in
//! `$XDG_RUNTIME_DIR` (else the temporary directory) and holds it for the lifetime of the
//! process. A second eosflip process therefore waits for the first (or, with the policy
//! [`LockPolicy::wait`] off, fails with a clear error). This honours the licence's limit; it does
//! not lift it: eosflip processes take turns instead of aborting.
//!
//! The library never prints: a front end passes a callback ([`LockPolicy::on_wait`]) that says
//! once that the process waits. The lock costs no symbolica call, so it is compiled without the
//! `symbolic` feature too (tests take it to exercise a second process).

use crate::error::{Error, Result};
use std::fs::File;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

/// What to do when another process holds the lock.
#[derive(Debug, Clone, Copy)]
pub struct LockPolicy {
    /// Wait for the other process (default) instead of failing at once.
    pub wait: bool,
    /// Called once, with a one-line message, before the process starts waiting.
    pub on_wait: Option<fn(&str)>,
}

impl Default for LockPolicy {
    fn default() -> Self {
        LockPolicy {
            wait: true,
            on_wait: None,
        }
    }
}

static POLICY: OnceLock<LockPolicy> = OnceLock::new();
static HELD: Mutex<Option<SymbolicaLock>> = Mutex::new(None);

/// Sets the policy of [`ensure_held`] for this process (the first call wins).
pub fn configure(policy: LockPolicy) {
    let _ = POLICY.set(policy);
}

/// The lock file of the current user.
pub fn lock_path() -> PathBuf {
    let dir = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|d| d.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    dir.join(format!("eosflip-symbolica-{}.lock", user_id()))
}

#[cfg(unix)]
fn user_id() -> u32 {
    rustix::process::getuid().as_raw()
}

#[cfg(not(unix))]
fn user_id() -> u32 {
    0
}

/// An exclusive hold on the lock file; released when dropped (or when the process exits).
#[derive(Debug)]
pub struct SymbolicaLock {
    _file: File,
    path: PathBuf,
}

impl SymbolicaLock {
    /// Takes the lock under `policy`: at once if it is free; otherwise waits (saying so once
    /// through `on_wait`) or, with `wait` off, returns an error naming the lock file.
    pub fn acquire(policy: LockPolicy) -> Result<SymbolicaLock> {
        let path = lock_path();
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| {
                Error::bad_input(
                    format!(
                        "cannot open the symbolica lock file {}: {e}",
                        path.display()
                    ),
                    "make $XDG_RUNTIME_DIR (or the temporary directory) writable for this user",
                )
            })?;
        lock_file(&file, &path, policy)?;
        Ok(SymbolicaLock { _file: file, path })
    }

    /// The lock file held.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }
}

#[cfg(unix)]
fn lock_file(file: &File, path: &std::path::Path, policy: LockPolicy) -> Result<()> {
    use rustix::fs::{flock, FlockOperation};
    use rustix::io::Errno;
    let io_err = |e: Errno| {
        Error::bad_input(
            format!("cannot lock {}: {e}", path.display()),
            "check that the file system of $XDG_RUNTIME_DIR supports flock",
        )
    };
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => return Ok(()),
        Err(e) if e == Errno::WOULDBLOCK || e == Errno::AGAIN => {}
        Err(e) => return Err(io_err(e)),
    }
    if !policy.wait {
        return Err(Error::bad_input(
            format!(
                "another eosflip process of this user is using symbolica (lock {} is held); \
                 symbolica's restricted mode allows one symbolica thread per user",
                path.display()
            ),
            "wait for that process to finish, or run without --no-wait to wait for it",
        ));
    }
    if let Some(say) = policy.on_wait {
        say(&format!(
            "note: waiting for another eosflip process using symbolica (one symbolica thread \
             per user; lock {})",
            path.display()
        ));
    }
    loop {
        match flock(file, FlockOperation::LockExclusive) {
            Ok(()) => return Ok(()),
            Err(Errno::INTR) => continue,
            Err(e) => return Err(io_err(e)),
        }
    }
}

#[cfg(not(unix))]
fn lock_file(_file: &File, _path: &std::path::Path, _policy: LockPolicy) -> Result<()> {
    Ok(())
}

/// Takes the process-wide lock under the configured policy unless it is already held; it stays
/// held until the process exits. Called before every symbolica request.
pub fn ensure_held() -> Result<()> {
    let mut held = HELD.lock().unwrap_or_else(|p| p.into_inner());
    if held.is_none() {
        let policy = POLICY.get().copied().unwrap_or_default();
        *held = Some(SymbolicaLock::acquire(policy)?);
    }
    Ok(())
}
