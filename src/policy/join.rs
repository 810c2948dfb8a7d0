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
use crate::policy::RunEdge;
use crate::scan::runs::{ImageRun, Reference, ServiceRun};

use super::compound::{CompoundRule, Pair};

/// What the join made of a run's services.
pub struct Joined {
    /// The services whose image was not among the images read.
    pub missing: Vec<String>,
    /// Every service with the image it runs.
    pub runs: Vec<RunEdge>,
}

/// The edge of a service or container that names an image, for `runs`
/// of [`evaluate`] (or for a run that read no images).
pub fn edge(service: &ServiceRun, digest: Option<&str>) -> RunEdge {
    RunEdge {
        subject: service.subject.clone(),
        label: service.label.clone(),
        image: service.image.clone(),
        image_at: service.image_at.clone(),
        digest: digest.map(String::from),
        compound: Vec::new(),
    }
}

/// Pairs services with images and adds the findings of the compound
/// `rules` to `findings`.
pub fn evaluate(
    findings: &mut Vec<Finding>,
    mut services: Vec<ServiceRun>,
    image_runs: &[ImageRun],
    rules: &[&CompoundRule],
) -> Joined {
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
    // An image read comes before one a Dockerfile predicts for the same
    // reference: what the image holds wins over what was predicted.
    let image_of = |reference: &str| {
        let wanted = Reference::parse(reference);
        image_runs
            .iter()
            .filter(|image| image.runs(&wanted))
            .min_by_key(|image| image.predicted.is_some())
    };
    let mut by_subject: HashMap<&Subject, Vec<&Finding>> = HashMap::new();
    let mut by_digest: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for finding in findings.iter() {
        match &finding.subject {
            Subject::Image { digest, .. } => by_digest.entry(digest).or_default().push(finding),
            other => by_subject.entry(other).or_default().push(finding),
        }
    }
    let mut runs = Vec::with_capacity(services.len());
    for service in &services {
        let Some(image) = image_of(&service.image) else {
            missing.push(format!("{} ({})", service.label, service.image));
            runs.push(edge(service, None));
            continue;
        };
        let mut run = edge(service, Some(&image.digest));
        let user = service
            .user
            .as_ref()
            .map_or(image.user.as_str(), |(u, _)| u.as_str());
        // A predicted image's findings are its Dockerfile's, and the
        // compound finding goes on the service's `build` line.
        let predicted_own: Vec<&Finding>;
        let built_service: ServiceRun;
        let (service, image_own) = match &image.predicted {
            Some(prediction) => {
                predicted_own = findings.iter().filter(|f| prediction.covers(f)).collect();
                built_service = ServiceRun {
                    image_at: service
                        .build_at
                        .clone()
                        .unwrap_or_else(|| service.image_at.clone()),
                    ..service.clone()
                };
                (&built_service, predicted_own.as_slice())
            }
            None => (
                service,
                by_digest
                    .get(image.digest.as_str())
                    .map_or(&[][..], Vec::as_slice),
            ),
        };
        let pair = Pair {
            service,
            image,
            user,
            own: by_subject.get(&service.subject).map_or(&[], Vec::as_slice),
            image_own,
        };
        let checked: Vec<Finding> = rules.iter().filter_map(|rule| rule.check(&pair)).collect();
        run.compound = checked.iter().map(|f| f.rule.to_string()).collect();
        runs.push(run);
        let checked = checked.into_iter();
        match &image.predicted {
            // Said, so nobody mistakes it for what a built image held.
            Some(prediction) => compound.extend(checked.map(|mut finding| {
                finding.message.push_str(&format!(
                    " (predicted from `{}`, before the image is built)",
                    prediction.dockerfile
                ));
                finding
            })),
            None => compound.extend(checked),
        }
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
    Joined { missing, runs }
}
