//! Where a command's own text goes: the report document, a rule listing
//! or `compose config` on standard output; errors and warnings on standard
//! error. The only place outside `report/` that prints.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;
use std::process::ExitCode;

/// Exit code for usage, input and output errors.
pub(super) const EXIT_ERROR: u8 = 2;

/// An error line on standard error.
pub(super) fn error(message: impl std::fmt::Display) {
    eprintln!("error: {message}");
}

/// A warning line on standard error.
pub(super) fn warning(message: impl std::fmt::Display) {
    eprintln!("warning: {message}");
}

/// A line on standard error that is neither (the verdict's summary when
/// the report went to a file).
pub(super) fn note(message: impl std::fmt::Display) {
    eprintln!("{message}");
}

/// Writes to standard output; a closed pipe (`drydock … | head`) is not
/// an error.
pub(super) fn stdout(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            error(format_args!("cannot write output: {e}"));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Renders a document with `render` to `--output FILE` or standard
/// output, buffered. Returns whether it was written; a closed pipe counts
/// as written.
pub(super) fn document(
    file: Option<&std::path::Path>,
    render: impl Fn(&mut dyn Write) -> std::io::Result<()>,
) -> bool {
    let buffered = |out: &mut dyn Write| -> std::io::Result<()> {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        render(&mut out)?;
        out.flush()
    };
    match file {
        Some(path) => {
            let written = std::fs::File::create(path).and_then(|mut f| buffered(&mut f));
            if let Err(e) = written {
                error(format_args!(
                    "{}: cannot write the report: {e}",
                    path.display()
                ));
                return false;
            }
            true
        }
        None => match buffered(&mut std::io::stdout().lock()) {
            Ok(()) => true,
            // `drydock … | head` closing the pipe is not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => true,
            Err(e) => {
                error(format_args!("cannot write output: {e}"));
                false
            }
        },
    }
}
