//! What a Pod Security control is and what it reports: the [`Level`]s,
//! a [`Control`] (its upstream check id, its level, the baseline control
//! it overrides, the rules it reports under and its check) and the
//! [`Violation`]s a check adds through [`Violations`]. The controls
//! themselves, one file each, and their table are in `pss/`; the pod they
//! look at is `pod.rs`.

use crate::finding::Severity;
use crate::k8s::pod::{At, PodCtx};
use crate::rule::RuleMeta;
use crate::yaml::Node;

/// A Pod Security Standards level, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Baseline,
    Restricted,
}

/// One Pod Security control.
#[derive(Debug)]
pub struct Control {
    /// The upstream check id (`runAsNonRoot`), as violations name it.
    pub id: &'static str,
    /// The lowest level that enforces it.
    pub level: Level,
    /// The baseline control this one replaces at its level (as
    /// `capabilities_restricted` replaces `capabilities_baseline`): the
    /// admission controller at restricted runs this one instead.
    pub overrides: Option<&'static Control>,
    /// Every rule its violations are reported under.
    pub rules: &'static [&'static RuleMeta],
    pub check: fn(&PodCtx, &mut Violations),
}

impl Control {
    pub const fn new(
        id: &'static str,
        level: Level,
        rules: &'static [&'static RuleMeta],
        check: fn(&PodCtx, &mut Violations),
    ) -> Control {
        Control {
            id,
            level,
            overrides: None,
            rules,
            check,
        }
    }

    /// A control of the baseline level.
    pub const fn baseline(
        id: &'static str,
        rules: &'static [&'static RuleMeta],
        check: fn(&PodCtx, &mut Violations),
    ) -> Control {
        Control::new(id, Level::Baseline, rules, check)
    }

    /// A control of the restricted level.
    pub const fn restricted(
        id: &'static str,
        rules: &'static [&'static RuleMeta],
        check: fn(&PodCtx, &mut Violations),
    ) -> Control {
        Control::new(id, Level::Restricted, rules, check)
    }

    /// The control replaces `baseline` at its level.
    pub const fn replacing(mut self, baseline: &'static Control) -> Control {
        self.overrides = Some(baseline);
        self
    }
}

/// One control a pod fails.
#[derive(Clone, Debug)]
pub struct Violation {
    /// The upstream check id (`runAsNonRoot`).
    pub control: &'static str,
    /// The drydock rule it is reported under.
    pub rule: &'static str,
    /// Severity outside a Pod Security policy.
    pub severity: Severity,
    /// The node the finding points at.
    pub node: Node,
    /// Its route from the object.
    pub route: String,
    pub message: String,
}

/// Where a control's check adds what it finds: the violations of one pod
/// under one control.
pub struct Violations<'a> {
    control: &'static Control,
    /// Evaluating without a level (see [`Violations::add_lowest`]).
    lowest: bool,
    /// `Kind/name`, for messages.
    label: &'a str,
    out: &'a mut Vec<Violation>,
}

impl<'a> Violations<'a> {
    pub fn new(
        control: &'static Control,
        lowest: bool,
        label: &'a str,
        out: &'a mut Vec<Violation>,
    ) -> Violations<'a> {
        Violations {
            control,
            lowest,
            label,
            out,
        }
    }

    /// Reports `what` about the node at `at`, under `rule` and this
    /// control.
    pub fn add(&mut self, rule: &'static RuleMeta, severity: Severity, at: At, what: String) {
        self.push(self.control.id, rule, severity, at, what);
    }

    /// Like [`Violations::add`]; but evaluating without a level, a value
    /// the overridden baseline control denies too (`baseline_denies`) is
    /// named after that control: the lowest level that refuses the pod,
    /// so a hostPath volume is `hostPathVolumes`, not `restrictedVolumes`,
    /// which would suggest baseline admits it.
    pub fn add_lowest(
        &mut self,
        baseline_denies: bool,
        rule: &'static RuleMeta,
        severity: Severity,
        at: At,
        what: String,
    ) {
        let control = match self.control.overrides {
            Some(baseline) if self.lowest && baseline_denies => baseline.id,
            _ => self.control.id,
        };
        self.push(control, rule, severity, at, what);
    }

    fn push(
        &mut self,
        control: &'static str,
        rule: &'static RuleMeta,
        severity: Severity,
        (node, route): At,
        what: String,
    ) {
        debug_assert!(
            self.control.rules.iter().any(|r| std::ptr::eq(*r, rule)),
            "control {} reports under `{}`, which its `rules` do not list",
            self.control.id,
            rule.id
        );
        self.out.push(Violation {
            control,
            rule: rule.id,
            severity,
            node: node.clone(),
            route,
            message: format!("{}: {what} (Pod Security control {control})", self.label),
        });
    }
}

/// Whether an AppArmor or seccomp profile type confines the container:
/// both use the same names, and both allow only these two.
pub fn confines(profile_type: &str) -> bool {
    profile_type == "RuntimeDefault" || profile_type == "Localhost"
}

/// Whether a node is the boolean `true`.
pub fn is_true(node: &Node) -> bool {
    node.as_bool() == Some(true)
}
