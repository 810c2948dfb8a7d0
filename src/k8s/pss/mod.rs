//! The Pod Security Standards controls, as the admission controller
//! evaluates them at the latest policy version (v1.37): one file per
//! control, each with the fields it reads, the values it allows, the
//! Windows exemptions and `hostUsers: false` relaxations that apply to it,
//! the rule it reports under (for a Kubernetes-only rule, that rule's
//! documentation) and its check. Field names and values are compared
//! exactly, as the admission controller compares them (`CAP_CHOWN` is not
//! `CHOWN`).
//!
//! This file holds the table of controls ([`CONTROLS`], in the order they
//! run), the Kubernetes-only rules ([`RULES`]) and the two ways to
//! evaluate them. What a control is lives in `k8s/control.rs`, the pod it
//! looks at in `k8s/pod.rs`: the control files import those, never this
//! file.

use crate::k8s::control::{Control, Violations};
use crate::k8s::pod::PodCtx;
use crate::rule::RuleMeta;

pub use crate::k8s::control::{Level, Violation};

mod allow_privilege_escalation;
mod app_armor_profile;
mod capabilities_baseline;
mod capabilities_restricted;
mod host_namespaces;
mod host_path_volumes;
mod host_ports;
mod host_probes;
mod privileged;
mod proc_mount;
mod proc_mount_restricted;
mod restricted_volumes;
mod run_as_non_root;
mod run_as_user;
mod se_linux_options;
mod seccomp_profile_baseline;
mod seccomp_profile_restricted;
mod sysctls;
mod windows_host_process;

/// Every control, in the order they run (a restricted control that
/// replaces a baseline one runs in its place).
pub static CONTROLS: &[&Control] = &[
    &host_namespaces::CONTROL,
    &privileged::CONTROL,
    &capabilities_baseline::CONTROL,
    &host_path_volumes::CONTROL,
    &host_ports::CONTROL,
    &app_armor_profile::CONTROL,
    &se_linux_options::CONTROL,
    &proc_mount::CONTROL,
    &proc_mount_restricted::CONTROL,
    &seccomp_profile_baseline::CONTROL,
    &seccomp_profile_restricted::CONTROL,
    &sysctls::CONTROL,
    &windows_host_process::CONTROL,
    &host_probes::CONTROL,
    &allow_privilege_escalation::CONTROL,
    &run_as_non_root::CONTROL,
    &run_as_user::CONTROL,
    &capabilities_restricted::CONTROL,
    &restricted_volumes::CONTROL,
];

/// The rules only Kubernetes reports (the others are shared with Compose
/// and documented in `compose/rules/`).
pub static RULES: &[&RuleMeta] = &[
    &host_ports::META,
    &sysctls::META,
    &windows_host_process::META,
    &host_probes::META,
    &restricted_volumes::META,
];

/// Evaluates every control of `level` on a pod, naming the controls as the
/// admission controller at that level does (at restricted, its overrides
/// of baseline controls).
pub fn evaluate(pod: &PodCtx, level: Level) -> Vec<Violation> {
    run(pod, level, false)
}

/// Evaluates every control, for a run without a Pod Security level: each
/// violation names the lowest level's control it breaks, so a hostPath
/// volume is `hostPathVolumes` (baseline denies it) rather than
/// `restrictedVolumes`, which would suggest baseline admits the pod.
pub fn evaluate_all(pod: &PodCtx) -> Vec<Violation> {
    run(pod, Level::Restricted, true)
}

/// Runs the controls up to `level`, less those another one replaces there.
fn run(pod: &PodCtx, level: Level, lowest: bool) -> Vec<Violation> {
    let enforced: Vec<&'static Control> = CONTROLS
        .iter()
        .copied()
        .filter(|c| c.level <= level)
        .collect();
    let replaced = |control: &Control| {
        enforced
            .iter()
            .any(|c| c.overrides.is_some_and(|o| std::ptr::eq(o, control)))
    };
    let label = pod.label();
    let mut out = Vec::new();
    for control in enforced.iter().copied().filter(|c| !replaced(c)) {
        (control.check)(pod, &mut Violations::new(control, lowest, &label, &mut out));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::control::Level::{Baseline, Restricted};

    #[test]
    fn every_rule_a_control_reports_under_is_registered() {
        let registry = crate::rules::registry();
        for control in CONTROLS {
            assert!(!control.rules.is_empty(), "{} has no rule", control.id);
            for rule in control.rules {
                assert!(
                    registry.find(rule.id).is_some(),
                    "control {} reports under `{}`, which is not registered",
                    control.id,
                    rule.id
                );
            }
        }
        for rule in RULES {
            assert!(
                registry.find(rule.id).is_some(),
                "{} is not registered",
                rule.id
            );
        }
    }

    #[test]
    fn control_ids_are_unique_and_replace_only_a_baseline_control() {
        let mut ids: Vec<&str> = CONTROLS.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CONTROLS.len());
        for control in CONTROLS {
            if let Some(baseline) = control.overrides {
                assert_eq!((control.level, baseline.level), (Restricted, Baseline));
                assert!(CONTROLS.iter().any(|c| std::ptr::eq(*c, baseline)));
            }
        }
    }

    /// A Deployment that breaks every control at least once.
    const EVERYTHING: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: all}
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/app: unconfined
    spec:
      hostNetwork: true
      securityContext:
        runAsNonRoot: false
        runAsUser: 0
        seccompProfile: {type: Unconfined}
        appArmorProfile: {type: Unconfined}
        seLinuxOptions: {type: spc_t, user: root}
        sysctls: [{name: kernel.msgmax}]
        windowsOptions: {hostProcess: true}
      volumes:
        - {name: sock, hostPath: {path: /var/run/docker.sock}}
        - {name: data, hostPath: {path: /data}}
        - {name: nfs, nfs: {server: x, path: /}}
      initContainers:
        - name: init
          securityContext: {procMount: Unmasked, capabilities: {add: [SYS_ADMIN, NET_RAW]}}
      containers:
        - name: app
          ports: [{containerPort: 80, hostPort: 80}]
          livenessProbe: {httpGet: {host: example.com, port: 80}}
          securityContext:
            privileged: true
            allowPrivilegeEscalation: true
            runAsUser: 0
            seccompProfile: {type: Unconfined}
            capabilities: {drop: [all]}
      ephemeralContainers:
        - {name: debug}
";

    #[test]
    fn every_violation_names_a_control_and_a_registered_rule() {
        let registry = crate::rules::registry();
        let source = crate::yaml::source_from_text("all.yaml", EVERYTHING);
        let loaded = crate::k8s::workload::load(&source);
        let pod = PodCtx::new(&loaded.workloads[0]);
        let ids = |keep: &dyn Fn(&Control) -> bool| -> Vec<&str> {
            let mut ids: Vec<&str> = CONTROLS.iter().filter(|c| keep(c)).map(|c| c.id).collect();
            ids.sort_unstable();
            ids
        };
        let replaced = |c: &Control| {
            CONTROLS
                .iter()
                .any(|o| o.overrides.is_some_and(|b| std::ptr::eq(b, c)))
        };
        for (violations, expected) in [
            (evaluate(&pod, Baseline), ids(&|c| c.level == Baseline)),
            (evaluate(&pod, Restricted), ids(&|c| !replaced(c))),
            // Without a level, an unmasked /proc is named after baseline's
            // `procMount`, which denies it too (`hostUsers` is not false).
            (evaluate_all(&pod), ids(&|c| c.id != "procMount_restricted")),
        ] {
            let mut named: Vec<&str> = violations.iter().map(|v| v.control).collect();
            named.sort_unstable();
            named.dedup();
            assert_eq!(named, expected);
            for v in &violations {
                assert!(registry.find(v.rule).is_some(), "{}", v.rule);
                let control = format!("(Pod Security control {})", v.control);
                assert!(v.message.ends_with(&control), "{}", v.message);
            }
        }
    }
}
