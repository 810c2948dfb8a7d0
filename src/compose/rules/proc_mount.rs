//! `proc-mount`: a container sees an unmasked /proc and /sys (Compose
//! `security_opt: systempaths=unconfined`; Kubernetes `procMount:
//! Unmasked`, whose check is part of the Pod Security Standards
//! evaluation in `k8s/pss/proc_mount.rs`).

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::finding::{Finding, Severity};

pub static RULE: Rule = Rule::service(&catalog::proc_mount::META, check);

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    for opt in ctx.security_opts() {
        let unconfined = opt.option == "systempaths"
            && opt
                .value
                .as_deref()
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("unconfined"));
        if !unconfined {
            continue;
        }
        out.push(
            ctx.finding(
                RULE.meta,
                Severity::High,
                &opt.at,
                format!(
                    "service `{}` unmasks /proc and /sys (`systempaths=unconfined`)",
                    ctx.name.text
                ),
            )
            .fix("remove `systempaths=unconfined`; mount the one host path needed read-only"),
        );
    }
}
