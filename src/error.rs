//! Input errors: what could not be read or is not valid, with where it
//! came from ([`Origin`]: a file, standard input, the container engine, an
//! image, a command-line option) and, for a file, the line and column.
//! Each one makes the run exit 2; the other inputs are still reported.

use std::fmt;

use crate::text::Pos;

/// How reports name standard input.
pub const STDIN: &str = "(standard input)";

/// Where an input error comes from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// A file or directory, as reports name it (relative to the scan root).
    File(String),
    /// Standard input (`-`).
    Stdin,
    /// The container engine's API (Docker or Podman).
    Engine,
    /// An image, by the reference or input it was asked for by.
    Image(String),
    /// A command-line option (`--policy`).
    Option(&'static str),
}

impl Origin {
    /// How reports name it: the file's path, `(standard input)`,
    /// `engine`, the image reference, the option.
    pub fn name(&self) -> &str {
        match self {
            Origin::File(path) | Origin::Image(path) => path,
            Origin::Stdin => STDIN,
            Origin::Engine => "engine",
            Origin::Option(option) => option,
        }
    }
}

/// An input error: `origin:line:col: message`.
#[derive(Clone, Debug)]
pub struct InputError {
    pub origin: Origin,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl InputError {
    /// An error at a position of a file (or of standard input).
    pub fn at(pos: &Pos, message: impl Into<String>) -> InputError {
        InputError {
            line: Some(pos.line),
            column: Some(pos.column),
            ..InputError::in_file(pos.file.display.as_str(), message)
        }
    }

    /// An error about a whole file (or standard input).
    pub fn in_file(path: impl Into<String>, message: impl Into<String>) -> InputError {
        let path = path.into();
        let origin = if path == STDIN {
            Origin::Stdin
        } else {
            Origin::File(path)
        };
        InputError::from(origin, message)
    }

    /// An error of the container engine (it could not be reached, or it
    /// refused a request).
    pub fn engine(message: impl Into<String>) -> InputError {
        InputError::from(Origin::Engine, message)
    }

    /// An error reading an image asked for by `reference`.
    pub fn image(reference: impl Into<String>, message: impl Into<String>) -> InputError {
        InputError::from(Origin::Image(reference.into()), message)
    }

    /// A command-line option whose value is not valid.
    pub fn option(option: &'static str, message: impl Into<String>) -> InputError {
        InputError::from(Origin::Option(option), message)
    }

    fn from(origin: Origin, message: impl Into<String>) -> InputError {
        InputError {
            origin,
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// How reports name where it came from.
    pub fn path(&self) -> &str {
        self.origin.name()
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path();
        let message = one_line(&self.message);
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{path}:{l}:{c}: {message}"),
            (Some(l), None) => write!(f, "{path}:{l}: {message}"),
            _ => write!(f, "{path}: {message}"),
        }
    }
}

impl std::error::Error for InputError {}

/// Error messages are one line, whatever a parser put in them.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
