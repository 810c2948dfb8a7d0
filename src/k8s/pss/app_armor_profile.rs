//! `appArmorProfile` (baseline): the pod or a container sets an AppArmor
//! profile that does not confine it, in the `appArmorProfile` fields or
//! the legacy `container.apparmor.security.beta.kubernetes.io/`
//! annotations. Reported as `apparmor-disabled`.

use crate::catalog::apparmor_disabled;
use crate::finding::Severity;
use crate::k8s::control::{Control, Violations, confines};
use crate::k8s::pod::PodCtx;

pub(super) static CONTROL: Control =
    Control::baseline("appArmorProfile", &[&apparmor_disabled::META], check);

const PROFILE: &str = "securityContext.appArmorProfile.type";
const ANNOTATION: &str = "container.apparmor.security.beta.kubernetes.io/";

fn check(pod: &PodCtx, out: &mut Violations) {
    if let Some((node, route)) = pod.at(PROFILE) {
        let t = node.as_str().unwrap_or("");
        if !confines(t) {
            let what = format!("the pod's AppArmor profile is `{t}`");
            out.add(
                &apparmor_disabled::META,
                Severity::High,
                (node, route),
                what,
            );
        }
    }
    for c in &pod.containers {
        if let Some((node, route)) = c.at(PROFILE) {
            let t = node.as_str().unwrap_or("");
            if !confines(t) {
                let what = format!("container `{}` has AppArmor profile `{t}`", c.name);
                out.add(
                    &apparmor_disabled::META,
                    Severity::High,
                    (node, route),
                    what,
                );
            }
        }
    }
    for (key, node) in pod.workload.annotations() {
        let Some(container) = key.strip_prefix(ANNOTATION) else {
            continue;
        };
        let value = node.as_str().unwrap_or("");
        let ok = value.is_empty() || value == "runtime/default" || value.starts_with("localhost/");
        if !ok {
            // The key holds dots: it is named whole, not looked up by route.
            let route = format!("{}.annotations.{key}", pod.workload.meta_route);
            let what =
                format!("container `{container}` has AppArmor profile `{value}` (annotation)");
            out.add(
                &apparmor_disabled::META,
                Severity::High,
                (node, route),
                what,
            );
        }
    }
}
