//! Why an image could not be had from where it was looked for (an engine,
//! a registry): not there, refused, or broken. `scan` and `image` read
//! the kind to decide whether to try the next source; the message is for
//! the report.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// The source answered and does not have the image (or its
    /// repository).
    NotFound(String),
    /// The source refused: credentials missing, wrong or not allowed.
    Denied(String),
    /// Anything else: unreachable, failing, or answering nonsense.
    Failed(String),
}

impl FetchError {
    pub fn message(&self) -> &str {
        match self {
            FetchError::NotFound(m) | FetchError::Denied(m) | FetchError::Failed(m) => m,
        }
    }

    pub fn into_message(self) -> String {
        match self {
            FetchError::NotFound(m) | FetchError::Denied(m) | FetchError::Failed(m) => m,
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, FetchError::NotFound(_))
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl From<String> for FetchError {
    fn from(message: String) -> Self {
        FetchError::Failed(message)
    }
}
