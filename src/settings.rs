//! A run's settings, computed once from the command line before any input
//! is read: where the audit is rooted, the policy and its parameters, the
//! rules it knows, the gate and how the report is written.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::cli::{ColorChoice, Format, ReportArgs};
use crate::error::InputError;
use crate::finding::Severity;
use crate::k8s::pss::Level;
use crate::params::Params;
use crate::policy::{self, Policy};
use crate::rule::Registry;

/// Everything a report-producing command needs besides its inputs.
pub struct Settings {
    /// The directory audited: the policy is looked for from here, and
    /// exceptions' `path` globs are relative to it.
    pub root: PathBuf,
    /// The built-in rules and the policy's compound rules.
    pub registry: Registry,
    /// `--policy` when given, else the nearest `.drydock.yaml` at or above
    /// the root; none when there is none or it is broken.
    pub policy: Option<Policy>,
    /// The policy's rule parameters (the defaults without one).
    pub params: Params,
    /// `--fail-on`, else the policy's, else high.
    pub fail_on: Severity,
    pub format: Format,
    /// `--output FILE`; standard output when none.
    pub output: Option<PathBuf>,
    /// `--report FORMAT=PATH`: more reports of the same verdict.
    pub reports: Vec<(Format, PathBuf)>,
    /// `--quiet`: the summary line alone, and nothing on a pass.
    pub quiet: bool,
    /// Colour: only on a terminal, without `--output`, unless `NO_COLOR`.
    pub colour: bool,
    pub honour_ignores: bool,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    /// The policy's problems: input errors of the run, which goes on
    /// without the policy.
    pub errors: Vec<InputError>,
}

impl Settings {
    pub fn new(args: &ReportArgs, root: &Path) -> Settings {
        let mut registry = crate::rules::registry();
        let loaded = match args.policy.as_deref() {
            Some(spec) => Some(policy::load(spec, &registry)),
            None => policy::load_repository_policy(root, &registry),
        };
        let (policy, errors) = match loaded {
            Some(Ok(policy)) => (Some(policy), Vec::new()),
            Some(Err(errors)) => (None, errors),
            None => (None, Vec::new()),
        };
        for rule in policy.iter().flat_map(|p| &p.compound) {
            registry.declare(rule.info.clone());
        }
        // An explicit `--fail-on` wins over the policy's.
        let fail_on = args
            .fail_on
            .or_else(|| policy.as_ref().and_then(|p| p.fail_on))
            .unwrap_or(Severity::High);
        let params = policy
            .as_ref()
            .map(|p| p.params.clone())
            .unwrap_or_default();
        let colour = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                args.output.is_none()
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        Settings {
            root: root.to_path_buf(),
            registry,
            policy,
            params,
            fail_on,
            format: args.format,
            output: args.output.clone(),
            reports: args.reports.clone(),
            quiet: args.quiet,
            colour,
            honour_ignores: !args.no_ignores,
            baseline: args.baseline.clone(),
            write_baseline: args.write_baseline.clone(),
            errors,
        }
    }

    /// The Pod Security level the policy holds manifests to, if any.
    pub fn pod_security(&self) -> Option<Level> {
        self.policy.as_ref().and_then(|p| p.pod_security)
    }
}
