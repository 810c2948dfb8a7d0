//! [`Scanned`]: what the scan stage hands to the policy.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::InputError;
use crate::finding::Finding;
use crate::yaml::SourceFile;

use super::runs;

/// Everything the scanners found in one run, before the policy decides
/// what it adds up to ([`crate::policy::evaluate`]).
#[derive(Default)]
pub struct Scanned {
    pub findings: Vec<Finding>,
    /// What was read and what was not; the verdict carries it on.
    pub coverage: Coverage,
    /// Compose services and containers that name an image, and the images
    /// read, for the join.
    pub services: Vec<runs::ServiceRun>,
    pub image_runs: Vec<runs::ImageRun>,
    /// For each image read (by image id), the other digests that name it
    /// (manifest, index, repo digests), for exceptions by digest.
    pub image_digests: HashMap<String, Vec<String>>,
    /// `drydock.io/ignore` annotations of the workloads read, for the
    /// policy to apply.
    pub annotations: Vec<runs::IgnoreAnnotation>,
    /// Whether images were read for the services, so the join runs.
    pub joined: bool,
    /// The Dockerfiles services build from (absolute, clean), already
    /// checked with their service's target and args.
    pub built_dockerfiles: std::collections::HashSet<std::path::PathBuf>,
}

impl Scanned {
    /// Records a Dockerfile read and checked: its findings, and the file
    /// (once, however many services build from it).
    pub(super) fn add_dockerfile(&mut self, source: Arc<SourceFile>, findings: Vec<Finding>) {
        if !self.coverage.sources.contains_key(&source.display) {
            self.coverage.dockerfiles += 1;
            self.coverage.sources.insert(source.display.clone(), source);
        }
        self.findings.extend(findings);
    }
}

/// Where an image named by reference was read from.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ImageSource {
    /// As findings name it.
    pub image: String,
    /// The image id (`sha256:` of its config).
    pub digest: String,
    /// `engine unix:///…`, or `registry R, repository P, tag T, manifest D`.
    pub source: String,
}

/// What a run read and what it could not, from the scan to the report.
#[derive(Default)]
pub struct Coverage {
    /// Inputs that could not be read; each makes the run exit 2.
    pub errors: Vec<InputError>,
    pub warnings: Vec<String>,
    /// Inputs deliberately left unread, each with why and how to audit it
    /// (an unrendered template, a Helm chart without `helm` on PATH). They
    /// do not change the exit code: what was skipped is said, not hidden.
    pub not_audited: Vec<InputError>,
    /// Compose projects audited.
    pub projects: usize,
    /// Images audited.
    pub images: usize,
    /// Kubernetes workloads audited.
    pub workloads: usize,
    /// Dockerfiles audited.
    pub dockerfiles: usize,
    /// Files read.
    pub files: usize,
    /// Why `scan` read no images for its services (no engine answered).
    pub images_not_scanned: Option<String>,
    /// Images read from an engine or a registry, and from where.
    pub image_sources: Vec<ImageSource>,
    /// Source texts by display path, for snippets.
    pub sources: HashMap<String, Arc<SourceFile>>,
    /// The images read, as the HTML report draws them.
    pub images_read: Vec<ImageOverview>,
    /// When the run started and when its scanners finished (Unix
    /// seconds), for reports that say so.
    pub started: u64,
    pub finished: u64,
}

/// What a report shows of an image read, kept once its tree is dropped.
#[derive(Clone, Debug)]
pub struct ImageOverview {
    /// As findings name it.
    pub name: String,
    /// The image id (`sha256:` of its config).
    pub digest: String,
    /// `Config.User` (empty: root).
    pub user: String,
    /// Layers `0..base_layers` came from the base image (a guess).
    pub base_layers: usize,
    pub layers: Vec<LayerOverview>,
}

/// One layer of an [`ImageOverview`].
#[derive(Clone, Debug)]
pub struct LayerOverview {
    pub diff_id: String,
    /// The history step that made it (`RUN apt-get install …`).
    pub created_by: String,
    /// Bytes of the uncompressed layer.
    pub size: u64,
    /// Files (not directories) of the merged tree whose visible version
    /// this layer wrote.
    pub visible: usize,
    /// Files this layer wrote that a later layer deleted or wrote again.
    pub removed_later: crate::image::tree::TakenOut,
}
