//! The policy stage in one place: [`evaluate`] turns what the scanners
//! found ([`Scanned`]) into the run's [`Verdict`], in this order:
//!
//! 1. `drydock.io/ignore` annotations drop their workloads' findings;
//! 2. the join pairs services with the images read and adds the compound
//!    rules' findings (built in and the policy's);
//! 3. the process's credential values are redacted, before anything
//!    fingerprints a message;
//! 4. the policy's rule settings and exceptions;
//! 5. ignore comments (and `unused-ignore`);
//! 6. the baseline (written, then applied);
//!
//! and the findings are sorted once, in report order.
//!
//! The compound rules run before the settings, exceptions and ignores so
//! that those apply to compound findings too, as they apply to any other.

use std::path::Path;

use crate::finding::{Severity, sort_in_report_order};
use crate::hazards::credentials::Redactor;
use crate::rule::Registry;
use crate::scan::Scanned;

use super::exceptions::Date;
use super::load::Policy;
use super::verdict::Verdict;
use super::{baseline, compound, exceptions, ignore, join};

/// What a run's findings are judged by.
pub struct Evaluation<'a> {
    /// The rules of the run: built in and the policy's.
    pub registry: &'a Registry,
    pub policy: Option<&'a Policy>,
    /// The gate: findings at or above it fail the run.
    pub fail_on: Severity,
    /// The directory audited: exceptions' `path` globs are relative to it.
    pub root: &'a Path,
    /// Exceptions past their `expires` date no longer apply.
    pub today: Date,
    /// Ignore comments and annotations are honoured (not `--no-ignores`).
    pub honour_ignores: bool,
    /// Hides the process's credential values in every message.
    pub redactor: &'a Redactor,
    /// `--write-baseline`: where to write the fingerprints of the findings
    /// that stand before the baseline is applied.
    pub write_baseline: Option<&'a Path>,
    /// `--baseline`: findings it holds are left out.
    pub baseline: Option<&'a Path>,
}

/// Judges a run's findings. An error is a baseline that could not be
/// read or written.
pub fn evaluate(scanned: Scanned, how: &Evaluation) -> Result<Verdict, String> {
    let Scanned {
        findings,
        coverage,
        services,
        image_runs,
        image_digests,
        annotations,
        joined,
        built_dockerfiles: _,
    } = scanned;
    let mut verdict = Verdict {
        findings,
        coverage,
        baselined: 0,
        ignored: 0,
        excepted: 0,
        turned_off: 0,
        fail_on: how.fail_on,
        rules: how.registry.clone(),
        runs: Vec::new(),
    };
    if how.honour_ignores {
        ignore::apply_annotations(&mut verdict, &annotations, how.registry);
    }
    // Images a Dockerfile predicts are joined even when no image was read.
    let predicted = image_runs.iter().any(|r| r.predicted.is_some());
    if !joined && !predicted {
        let mut runs: Vec<_> = services.iter().map(|s| join::edge(s, None)).collect();
        runs.sort_by(|a, b| {
            (&a.subject, &a.label, &a.image).cmp(&(&b.subject, &b.label, &b.image))
        });
        runs.dedup_by(|a, b| a.subject == b.subject && a.label == b.label && a.image == b.image);
        verdict.runs = runs;
    } else {
        let builtin = compound::builtin(how.registry);
        let rules: Vec<&compound::CompoundRule> = builtin
            .iter()
            .chain(how.policy.iter().flat_map(|p| &p.compound))
            .collect();
        let join::Joined { missing, runs } =
            join::evaluate(&mut verdict.findings, services, &image_runs, &rules);
        verdict.runs = runs;
        if joined && !missing.is_empty() {
            verdict.coverage.warnings.push(format!(
                "{} service(s) run an image that was not read, so compound rules were not checked for them: {}",
                missing.len(),
                missing.join(", ")
            ));
        }
    }
    verdict.redact(how.redactor);
    if let Some(policy) = how.policy {
        exceptions::apply(
            &policy.rules,
            &policy.exceptions,
            policy.base.as_deref(),
            how.today,
            how.root,
            &image_digests,
            &mut verdict,
        );
    }
    if how.honour_ignores {
        ignore::apply(&mut verdict, how.registry, !image_runs.is_empty());
    }
    if let Some(path) = how.write_baseline {
        baseline::write(path, &verdict.findings)?;
    }
    if let Some(path) = how.baseline {
        let known = baseline::read(path)?;
        let before = verdict.findings.len();
        verdict
            .findings
            .retain(|f| !known.contains(&f.fingerprint()));
        verdict.baselined = before - verdict.findings.len();
    }
    sort_in_report_order(&mut verdict.findings);
    Ok(verdict)
}
