//! Reports: human (snippets, colour on a terminal, a summary line), JSON (a
//! versioned wire format) and SARIF 2.1.0. The one place that decides what
//! a format prints; rules and scanners never print.

mod human;
mod json;
mod sarif;

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

use crate::finding::{Finding, Severity};
use crate::yaml::{LocatedError, SourceFile};

pub use human::{render as human, summary};
pub use json::render as json;
pub use sarif::{fingerprint, render as sarif};

/// Everything a report shows about one run.
pub struct RunReport {
    pub findings: Vec<Finding>,
    /// Inputs that could not be read; each makes the run exit 2.
    pub errors: Vec<LocatedError>,
    pub warnings: Vec<String>,
    /// Inputs deliberately left unread, each with why and how to audit it
    /// (an unrendered template, a Helm chart without `helm` on PATH). They
    /// do not change the exit code: what was skipped is said, not hidden.
    pub not_audited: Vec<LocatedError>,
    /// Compose projects audited.
    pub projects: usize,
    /// Images audited.
    pub images: usize,
    /// Kubernetes workloads audited.
    pub workloads: usize,
    /// Findings left out because a baseline holds them.
    pub baselined: usize,
    /// Findings suppressed by ignore comments and annotations.
    pub ignored: usize,
    /// Findings the policy's exceptions accept.
    pub excepted: usize,
    /// Findings of rules the policy turns off.
    pub turned_off: usize,
    /// Files read.
    pub files: usize,
    pub fail_on: Severity,
    /// Compose services that name an image, and the images read, for the
    /// join (`policy::join`).
    pub services: Vec<crate::policy::join::ServiceRun>,
    pub image_runs: Vec<crate::policy::join::ImageRun>,
    /// For each image read (by image id), the other digests that name it
    /// (manifest, index, repo digests), for exceptions by digest.
    pub image_digests: HashMap<String, Vec<String>>,
    /// Why `scan` read no images for its services (no engine answered).
    pub images_not_scanned: Option<String>,
    /// Source texts by display path, for snippets.
    pub sources: HashMap<String, Arc<SourceFile>>,
}

impl RunReport {
    /// Findings at or above the gate threshold.
    pub fn failing(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity >= self.fail_on)
            .count()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Hides the process's credential values wherever a message, a note,
    /// a fix, an error or a warning quotes one.
    pub fn redact(&mut self, redactor: &crate::hazards::credentials::Redactor) {
        for finding in &mut self.findings {
            redactor.redact(&mut finding.message);
            if let Some(fix) = &mut finding.fix {
                redactor.redact(fix);
            }
            for place in std::iter::once(&mut finding.location).chain(&mut finding.related) {
                let note = match place {
                    crate::finding::Place::Config(l) => &mut l.note,
                    crate::finding::Place::Image(l) => &mut l.note,
                };
                if let Some(note) = note {
                    redactor.redact(note);
                }
            }
        }
        for error in &mut self.errors {
            redactor.redact(&mut error.message);
        }
        for warning in &mut self.warnings {
            redactor.redact(warning);
        }
        for skipped in &mut self.not_audited {
            redactor.redact(&mut skipped.message);
        }
    }

    /// The process exit code: 2 when an input could not be read, 1 when
    /// the gate failed, 0 otherwise.
    pub fn exit_code(&self) -> i32 {
        if !self.errors.is_empty() {
            2
        } else if self.failing() > 0 {
            1
        } else {
            0
        }
    }
}

/// Writes `items` as a JSON array, serialising them in parallel chunks: on
/// a large scan the report is a good part of the work.
pub(crate) fn write_json_array<'a, T, S>(
    items: &'a [T],
    wire: impl Fn(&'a T) -> S + Sync,
    out: &mut dyn Write,
) -> io::Result<()>
where
    T: Sync,
    S: serde::Serialize,
{
    use rayon::prelude::*;
    let chunks: Vec<io::Result<Vec<u8>>> = items
        .par_chunks(512)
        .map(|chunk| {
            let mut buf = Vec::with_capacity(chunk.len() * 512);
            for (i, item) in chunk.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                serde_json::to_writer(&mut buf, &wire(item))?;
            }
            Ok(buf)
        })
        .collect();
    out.write_all(b"[")?;
    for (i, chunk) in chunks.into_iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(&chunk?)?;
    }
    out.write_all(b"]")
}

/// Writes `,"key":` followed by the value.
pub(crate) fn write_json_field(
    out: &mut dyn Write,
    key: &str,
    value: &impl serde::Serialize,
) -> io::Result<()> {
    write!(out, ",\"{key}\":")?;
    serde_json::to_writer(&mut *out, value)?;
    Ok(())
}
