//! The verdict of a run: what [`super::evaluate`] leaves once the policy
//! has spoken, and what the reports render.

use std::collections::HashMap;
use std::sync::Arc;

use crate::finding::{Finding, Place, Severity};
use crate::hazards::credentials::Redactor;
use crate::rule::Registry;
use crate::yaml::{LocatedError, SourceFile};

/// What a run adds up to once the policy has decided: the findings that
/// stand (sorted in report order), what was read and what was not, and
/// the gate. The reports render it and nothing else.
pub struct Verdict {
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
    /// Why `scan` read no images for its services (no engine answered).
    pub images_not_scanned: Option<String>,
    /// Source texts by display path, for snippets.
    pub sources: HashMap<String, Arc<SourceFile>>,
    /// The rules of the run (built in and the policy's), for SARIF.
    pub rules: Registry,
}

impl Verdict {
    /// Hides the process's credential values wherever a message, a note,
    /// a fix, an error or a warning quotes one.
    pub fn redact(&mut self, redactor: &Redactor) {
        for finding in &mut self.findings {
            redactor.redact(&mut finding.message);
            if let Some(fix) = &mut finding.fix {
                redactor.redact(fix);
            }
            for place in std::iter::once(&mut finding.location).chain(&mut finding.related) {
                let note = match place {
                    Place::Config(l) => &mut l.note,
                    Place::Image(l) => &mut l.note,
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

    /// The process exit code: 2 when an input could not be read, 1 when
    /// the gate failed, 0 otherwise.
    pub fn exit_code(&self) -> u8 {
        if !self.errors.is_empty() {
            2
        } else if self.failing() > 0 {
            1
        } else {
            0
        }
    }
}
