//! Who runs what: the Compose services and the containers of Kubernetes
//! workloads that name an image, and what the join needs of each image
//! read. Services are collected as projects and manifests load and images
//! as they are read, so an image is checked once per digest and dropped
//! before the next one is read; only these small records stay for the
//! policy's join (`policy::join`).

use crate::compose::Project;
use crate::finding::{Finding, Location, Subject};
use crate::hazards::image_ref::{normalise, pinned_digest};
use crate::image::Image;
use crate::k8s::pod::PodCtx;

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
    /// The service builds its image (`build:`): the image may not be in
    /// any registry yet.
    pub builds: bool,
    /// The `build` line, where a compound finding about the image its
    /// Dockerfile predicts goes.
    pub build_at: Option<Location>,
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
    /// Not an image read but one a Dockerfile predicts: its findings are
    /// that Dockerfile's, in the stages the image is made of.
    pub predicted: Option<Prediction>,
}

/// Where a predicted image's findings are: the Dockerfile (as reports
/// name it) and the routes of the stages the image is made of
/// (`stage runtime`).
#[derive(Debug)]
pub struct Prediction {
    pub dockerfile: String,
    pub stages: Vec<String>,
}

impl Prediction {
    /// Whether a finding is about the predicted image: in the Dockerfile,
    /// in one of its stages.
    pub fn covers(&self, finding: &Finding) -> bool {
        let crate::finding::Place::Config(at) = &finding.location else {
            return false;
        };
        at.path == self.dockerfile
            && self.stages.iter().any(|stage| {
                at.route
                    .strip_prefix(stage.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
            })
    }
}

/// The image a service's Dockerfile predicts, for the join: named as the
/// service names its image (`image:`, else Compose's `<project>-<service>`)
/// and running as the Dockerfile's user (`""`: root).
pub fn predicted_run(reference: &str, prediction: Prediction, user: String) -> ImageRun {
    let digest = format!(
        "dockerfile:{}#{}",
        prediction.dockerfile,
        prediction.stages.join(",")
    );
    ImageRun {
        name_key: normalise(reference),
        requested_key: Some(normalise(reference)),
        digests: vec![digest.clone()],
        digest,
        user,
        writable_as: Vec::new(),
        predicted: Some(prediction),
    }
}

/// The services of a project that name an image, or build one (named
/// `<project>-<service>` when `image:` does not name it, as Compose does).
pub fn services_of(project: &Project) -> Vec<ServiceRun> {
    let mut runs = Vec::new();
    for (name, node) in project.services() {
        let route = |key: &str| format!("services.{}.{key}", name.text);
        let build_at = node.get("build").map(|b| Location::of(b, route("build")));
        let (image, image_at) = match node
            .get("image")
            .and_then(|n| n.as_str().map(|s| (s.to_string(), n)))
        {
            Some((image, image_node)) => (image, Location::of(image_node, route("image"))),
            None => match &build_at {
                Some(at) => (format!("{}-{}", project.name, name.text), at.clone()),
                None => continue,
            },
        };
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
            image_at,
            user,
            builds: build_at.is_some(),
            build_at,
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
            builds: false,
            build_at: None,
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
        predicted: None,
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

/// The `drydock.io/ignore` annotation of a workload: the rules whose
/// findings on it the policy drops (unless ignores are turned off).
#[derive(Clone, Debug)]
pub struct IgnoreAnnotation {
    pub subject: Subject,
    /// The manifest, as reports name it.
    pub file: String,
    /// How messages name the workload (`Deployment/api`).
    pub label: String,
    pub rules: Vec<String>,
    /// Whether `drydock.io/ignore-reason` says why.
    pub has_reason: bool,
}
