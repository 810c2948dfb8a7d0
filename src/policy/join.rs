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

use crate::compose::Project;
use crate::finding::{Finding, Location, Place, Subject};
use crate::hazards::image_ref::{normalise, pinned_digest};
use crate::image::Image;
use crate::k8s::pod::PodCtx;
use crate::report::RunReport;
use crate::rule::RuleInfo;

use super::compound::CompoundRule;

/// What the join needs of a Compose service or of one container of a
/// Kubernetes workload.
#[derive(Clone, Debug)]
pub struct ServiceRun {
    pub subject: Subject,
    /// How messages name it: "service `web`", "Deployment/api, container `app`".
    pub label: String,
    /// For a container, the key route of its entry: its own findings are
    /// the workload's findings under this route.
    pub scope: Option<String>,
    /// `runAsNonRoot: true` without a uid: the kubelet refuses to start
    /// the container as root, whatever the image says.
    pub non_root_enforced: bool,
    /// The reference as written (after interpolation).
    pub image: String,
    /// The `image` line.
    pub image_at: Location,
    /// `user:` (`runAsUser`) and its line, when set.
    pub user: Option<(String, Location)>,
}

/// What the join needs of an image that was read.
#[derive(Debug)]
pub struct ImageRun {
    /// Its name (first `RepoTags` entry, `ref.name`, or the input),
    /// normalised.
    pub name_key: String,
    /// The reference the image was asked for by (engine), normalised.
    pub requested_key: Option<String>,
    /// The image id (`sha256:` of the config).
    pub digest: String,
    /// Every digest a reference may pin it by: the image id, its
    /// manifest's and index's, the engine's repo digests.
    pub digests: Vec<String>,
    /// `Config.User` (empty: root).
    pub user: String,
    /// `writable-executable` findings under each user that a service runs
    /// the image as, other than the image's own.
    pub writable_as: Vec<(String, Vec<Finding>)>,
}

/// The services of a project that name an image.
pub fn services_of(project: &Project) -> Vec<ServiceRun> {
    let mut runs = Vec::new();
    for (name, node) in project.services() {
        let Some((image, image_node)) = node
            .get("image")
            .and_then(|n| n.as_str().map(|s| (s.to_string(), n)))
        else {
            continue;
        };
        let route = |key: &str| format!("services.{}.{key}", name.text);
        let user = node.get("user").and_then(|n| {
            n.as_str()
                .map(|u| (u.to_string(), Location::of(n, route("user"))))
        });
        runs.push(ServiceRun {
            subject: Subject::ComposeService {
                project: project.name.clone(),
                service: name.text.clone(),
            },
            label: format!("service `{}`", name.text),
            scope: None,
            non_root_enforced: false,
            image,
            image_at: Location::of(image_node, route("image")),
            user,
        });
    }
    runs
}

/// The containers of a Kubernetes workload that name an image. The user
/// is the container's `securityContext.runAsUser`, else the pod's.
pub fn containers_of(pod: &PodCtx, subject: &Subject) -> Vec<ServiceRun> {
    let mut runs = Vec::new();
    for container in &pod.containers {
        let Some((image_node, image_at)) = container.at("image") else {
            continue;
        };
        let Some(image) = image_node.as_str() else {
            continue;
        };
        let user = pod
            .inherited(container, "securityContext.runAsUser")
            .and_then(|(node, at)| Some((node.as_str()?.to_string(), Location::of(node, at))));
        let non_root = pod
            .inherited(container, "securityContext.runAsNonRoot")
            .is_some_and(|(n, _)| n.as_bool() == Some(true));
        runs.push(ServiceRun {
            subject: subject.clone(),
            label: format!("{}, container `{}`", pod.label(), container.name),
            scope: Some(container.route.clone()),
            non_root_enforced: non_root && user.is_none(),
            image: image.to_string(),
            image_at: Location::of(image_node, image_at),
            user,
        });
    }
    runs
}

/// Records an image for the join, after its own rules ran. When a
/// service runs it as another user than its own, `writable-executable` is
/// checked again as that user; the image is consumed (dropped) here.
pub fn image_run(mut image: Image, requested: Option<&str>, services: &[ServiceRun]) -> ImageRun {
    let own = image.config_user();
    let mut run = ImageRun {
        name_key: normalise(&image.name),
        requested_key: requested.map(normalise),
        digest: image.digest.clone(),
        digests: std::iter::once(image.digest.clone())
            .chain(image.manifest_digests.iter().cloned())
            .collect(),
        user: own.clone(),
        writable_as: Vec::new(),
    };
    let mut others: Vec<&str> = services
        .iter()
        .filter(|s| run.runs(&Reference::parse(&s.image)))
        .filter_map(|s| s.user.as_ref().map(|(u, _)| u.as_str()))
        .filter(|u| *u != own)
        .collect();
    others.sort_unstable();
    others.dedup();
    for user in others {
        image.config.config.get_or_insert_default().user = Some(user.to_string());
        run.writable_as.push((
            user.to_string(),
            crate::image::rules::writable_executable::check_all(&image),
        ));
    }
    run
}

/// An image reference a service names, read once for matching.
pub struct Reference {
    /// Normalised (`docker.io/library/nginx:1.27`).
    key: String,
    /// The digest it is pinned by, if any.
    pinned: Option<String>,
}

impl Reference {
    pub fn parse(reference: &str) -> Reference {
        Reference {
            key: normalise(reference),
            pinned: pinned_digest(reference).map(String::from),
        }
    }
}

impl ImageRun {
    /// Whether a service naming `reference` runs this image: the very
    /// reference the image was read for; else, pinned `@sha256:`, by one
    /// of the image's digests (whatever its name and tag say, as the
    /// engine resolves it); else by name.
    pub fn runs(&self, reference: &Reference) -> bool {
        self.requested_key.as_ref() == Some(&reference.key)
            || match &reference.pinned {
                Some(digest) => self.digests.contains(digest),
                None => self.name_key == reference.key,
            }
    }
}

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
/// `rules`. Returns the services whose image was not among the images
/// read.
pub fn evaluate(report: &mut RunReport, rules: &[&CompoundRule]) -> Vec<String> {
    use std::collections::HashMap;
    let mut compound = Vec::new();
    let mut attached: HashMap<String, Vec<Place>> = HashMap::new();
    let mut missing = Vec::new();
    // A file shared by several projects (a base file under variants)
    // names the same service more than once.
    report
        .services
        .sort_by(|a, b| (&a.subject, &a.scope, &a.image).cmp(&(&b.subject, &b.scope, &b.image)));
    report
        .services
        .dedup_by(|a, b| a.subject == b.subject && a.scope == b.scope && a.image == b.image);
    // Each service's reference is compared with each image read: a run
    // reads tens of images, not thousands. Then indexes, so a pair looks
    // at its own findings only.
    let image_of = |reference: &str| {
        let wanted = Reference::parse(reference);
        report.image_runs.iter().find(|image| image.runs(&wanted))
    };
    let mut by_subject: HashMap<&Subject, Vec<&Finding>> = HashMap::new();
    let mut by_digest: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for finding in &report.findings {
        match &finding.subject {
            Subject::Image { digest, .. } => by_digest.entry(digest).or_default().push(finding),
            other => by_subject.entry(other).or_default().push(finding),
        }
    }
    for service in &report.services {
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
    for finding in &mut report.findings {
        if let Subject::Image { digest, .. } = &finding.subject
            && let Some(places) = attached.get(digest)
        {
            finding.related.extend(places.iter().cloned());
        }
    }
    report.findings.extend(compound);
    missing
}
