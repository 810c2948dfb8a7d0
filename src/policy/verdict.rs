//! The verdict of a run: what [`super::evaluate`] leaves once the policy
//! has spoken, and what the reports render.

use crate::finding::{Finding, Location, Place, Severity, Subject};
use crate::hazards::credentials::Redactor;
use crate::rule::Registry;
use crate::scan::Coverage;

/// What a run adds up to once the policy has decided: the findings that
/// stand (sorted in report order), what was read and what was not, and
/// the gate. The reports render it and nothing else.
pub struct Verdict {
    pub findings: Vec<Finding>,
    /// What was read and what was not.
    pub coverage: Coverage,
    /// Findings left out because a baseline holds them.
    pub baselined: usize,
    /// Findings suppressed by ignore comments and annotations.
    pub ignored: usize,
    /// Findings the policy's exceptions accept.
    pub excepted: usize,
    /// Findings of rules the policy turns off.
    pub turned_off: usize,
    pub fail_on: Severity,
    /// The rules of the run (built in and the policy's), for SARIF.
    pub rules: Registry,
    /// Each service or container that names an image, and the image read
    /// it runs, as the join paired them.
    pub runs: Vec<RunEdge>,
}

/// A service or container and the image it runs.
#[derive(Clone, Debug)]
pub struct RunEdge {
    pub subject: Subject,
    /// How messages name it: "service `web`", "Deployment/api, container `app`".
    pub label: String,
    /// The reference as written.
    pub image: String,
    /// The `image` line.
    pub image_at: Location,
    /// The image read that it runs (its id); `None` when none was read.
    pub digest: Option<String>,
    /// The compound rules whose findings the pair made.
    pub compound: Vec<String>,
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
        for error in &mut self.coverage.errors {
            redactor.redact(&mut error.message);
        }
        for run in &mut self.runs {
            redactor.redact(&mut run.image);
            redactor.redact(&mut run.label);
        }
        for warning in &mut self.coverage.warnings {
            redactor.redact(warning);
        }
        for skipped in &mut self.coverage.not_audited {
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
        if !self.coverage.errors.is_empty() {
            2
        } else if self.failing() > 0 {
            1
        } else {
            0
        }
    }
}
