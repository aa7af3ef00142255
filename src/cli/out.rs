//! stdout for the commands: one locked write per piece of output. When the reader goes away
//! (`eosflip list | head -1`) the write fails with `BrokenPipe`; that ends the output quietly
//! (no panic, no message) and the command finishes with its own exit code.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stdout unless stdout has been closed; other write errors are reported once
/// on stderr and end the output too.
pub fn write(text: &str) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        CLOSED.store(true, Ordering::Relaxed);
        if e.kind() != ErrorKind::BrokenPipe {
            eprintln!("error: cannot write to stdout: {e}");
        }
    }
}
