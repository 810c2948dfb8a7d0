//! One service (or container) paired with the image it runs: what a
//! compound rule looks at. The join (`join.rs`) builds the pairs.

use crate::finding::{Finding, Place};
use crate::rule::RuleInfo;
use crate::scan::runs::{ImageRun, ServiceRun};

/// One service paired with the image it runs, as the compound rules see it.
pub struct Pair<'a> {
    pub service: &'a ServiceRun,
    pub image: &'a ImageRun,
    /// The user the container runs as: the service's, else the image's.
    pub user: &'a str,
    /// The findings about the service's subject (its Compose service, or
    /// its whole workload: `in_scope` narrows them to the container).
    pub own: &'a [&'a Finding],
    /// The findings about the image.
    pub image_own: &'a [&'a Finding],
}

impl Pair<'_> {
    /// Whether the effective user is root (unset counts as root).
    pub fn runs_as_root(&self) -> bool {
        !self.service.non_root_enforced
            && (self.user.trim().is_empty() || crate::hazards::users::is_root(self.user))
    }

    /// The service's (or the container's) finding of `rule`.
    pub fn service_finding(&self, rule: &str) -> Option<&Finding> {
        self.own
            .iter()
            .copied()
            .find(|f| f.rule == rule && self.in_scope(f))
    }

    /// Whether a finding of the subject is about this container (always,
    /// for a Compose service).
    fn in_scope(&self, f: &Finding) -> bool {
        let Some(scope) = &self.service.scope else {
            return true;
        };
        match &f.location {
            Place::Config(l) => l
                .route
                .strip_prefix(scope.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.')),
            Place::Image(_) => false,
        }
    }

    /// The image's findings of `rule`; for `writable-executable`, those
    /// under the effective user.
    pub fn image_findings(&self, rule: &str) -> Vec<&Finding> {
        if rule == crate::image::rules::writable_executable::RULE.meta.id
            && let Some((_, found)) = self.image.writable_as.iter().find(|(u, _)| u == self.user)
        {
            return found.iter().collect();
        }
        self.image_own
            .iter()
            .copied()
            .filter(|f| f.rule == rule)
            .collect()
    }

    /// A compound finding on the service's `image:` line.
    pub fn finding(&self, meta: &RuleInfo, message: String, related: Vec<Place>) -> Finding {
        Finding {
            rule: meta.id.clone(),
            severity: meta.severity,
            message,
            subject: self.service.subject.clone(),
            location: Place::Config(self.service.image_at.clone()),
            related,
            fix: None,
            identity: None,
        }
    }

    /// Where the user comes from, for a related location.
    pub fn user_place(&self) -> Option<Place> {
        self.service
            .user
            .as_ref()
            .map(|(_, at)| Place::Config(at.clone().with_note("the user it runs as")))
    }
}
