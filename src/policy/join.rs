//! The join of images and what runs them: Compose services and the
//! containers of Kubernetes workloads. Each names its image and may
//! override the image's user (`user:`, `runAsUser`); once the images of a
//! run are read, each is paired with the image it runs (by normalised
//! reference), the image's findings get its `image` line as a related
//! location, and the compound rules (`compound.rs`) decide what the pair
//! adds up to under the *effective* runtime: the user, the root
//! filesystem, no-new-privileges.
//!
//! Services are collected as projects and manifests load and images as
//! they are read, so an image is checked once per digest and dropped
//! before the next one is read; only the findings and these small records
//! stay.

use crate::finding::{Finding, Place, Subject};
use crate::rule::RuleInfo;
use crate::scan::runs::{ImageRun, Reference, ServiceRun};

use super::compound::CompoundRule;

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
            && (self.user.trim().is_empty() || crate::compose::rules::root_user::is_root(self.user))
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

/// A copy of a place with a note saying what it is.
pub fn noted(place: &Place, note: &str) -> Place {
    match place {
        Place::Config(l) => Place::Config(l.clone().with_note(note)),
        Place::Image(l) => Place::Image(l.clone().with_note(note)),
    }
}

/// Pairs services with images and adds the findings of the compound
/// `rules` to `findings`. Returns the services whose image was not among
/// the images read.
pub fn evaluate(
    findings: &mut Vec<Finding>,
    mut services: Vec<ServiceRun>,
    image_runs: &[ImageRun],
    rules: &[&CompoundRule],
) -> Vec<String> {
    use std::collections::HashMap;
    let mut compound = Vec::new();
    let mut attached: HashMap<String, Vec<Place>> = HashMap::new();
    let mut missing = Vec::new();
    // A file shared by several projects (a base file under variants)
    // names the same service more than once.
    services
        .sort_by(|a, b| (&a.subject, &a.scope, &a.image).cmp(&(&b.subject, &b.scope, &b.image)));
    services.dedup_by(|a, b| a.subject == b.subject && a.scope == b.scope && a.image == b.image);
    // Each service's reference is compared with each image read: a run
    // reads tens of images, not thousands. Then indexes, so a pair looks
    // at its own findings only.
    let image_of = |reference: &str| {
        let wanted = Reference::parse(reference);
        image_runs.iter().find(|image| image.runs(&wanted))
    };
    let mut by_subject: HashMap<&Subject, Vec<&Finding>> = HashMap::new();
    let mut by_digest: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for finding in findings.iter() {
        match &finding.subject {
            Subject::Image { digest, .. } => by_digest.entry(digest).or_default().push(finding),
            other => by_subject.entry(other).or_default().push(finding),
        }
    }
    for service in &services {
        let Some(image) = image_of(&service.image) else {
            missing.push(format!("{} ({})", service.label, service.image));
            continue;
        };
        let user = service
            .user
            .as_ref()
            .map_or(image.user.as_str(), |(u, _)| u.as_str());
        let pair = Pair {
            service,
            image,
            user,
            own: by_subject.get(&service.subject).map_or(&[], Vec::as_slice),
            image_own: by_digest
                .get(image.digest.as_str())
                .map_or(&[], Vec::as_slice),
        };
        compound.extend(rules.iter().filter_map(|rule| rule.check(&pair)));
        attached
            .entry(image.digest.clone())
            .or_default()
            .push(Place::Config(
                service
                    .image_at
                    .clone()
                    .with_note(format!("run by {}", service.label)),
            ));
    }
    for finding in findings.iter_mut() {
        if let Subject::Image { digest, .. } = &finding.subject
            && let Some(places) = attached.get(digest)
        {
            finding.related.extend(places.iter().cloned());
        }
    }
    findings.extend(compound);
    missing
}
