//! stdout of the commands, opened once in [`super::run`]. When the reader goes away
//! (`eosflip list | head -1`) a write fails with `BrokenPipe`: the output ends quietly (no
//! panic, no message) and the command finishes with its own exit code. Another write error is
//! reported once on stderr and ends the output too.

use std::io::{ErrorKind, Write};

/// A `Write` over stdout that swallows the end of the pipe.
#[derive(Debug, Default)]
pub struct Stdout {
    closed: bool,
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.closed {
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(buf) {
                self.closed = true;
                if e.kind() != ErrorKind::BrokenPipe {
                    eprintln!("error: cannot write to stdout: {e}");
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.closed {
            if let Err(e) = std::io::stdout().lock().flush() {
                self.closed = true;
                if e.kind() != ErrorKind::BrokenPipe {
                    eprintln!("error: cannot write to stdout: {e}");
                }
            }
        }
        Ok(())
    }
}

/// Maps a write error of a printer (only a non-stdout writer can return one) to our error.
pub fn io(e: std::io::Error) -> eosflip::Error {
    eosflip::Error::bad_input(
        format!("cannot write the output: {e}"),
        "check the output stream",
    )
}
