//! Kubernetes manifests: files found or named, and the rendered output of
//! Helm charts and kustomizations, each document loaded on its own and its
//! workloads checked.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::InputError;
use crate::finding::Finding;
use crate::params::Params;
use crate::yaml::SourceFile;

use super::discover::Found;
use super::runs::{IgnoreAnnotation, ServiceRun, containers_of};
use super::scanned::Scanned;

/// How manifests are checked: at a Pod Security level when one is given,
/// otherwise every control with its own severity.
#[derive(Clone, Copy)]
pub struct ManifestChecks<'a> {
    pub level: Option<crate::k8s::pss::Level>,
    pub params: &'a Params,
}

/// A manifest text to audit.
pub struct ManifestSource {
    pub source: Arc<SourceFile>,
    /// Named by the user: read even without `apiVersion` and `kind`, and
    /// a document that looks like an unrendered template is an input
    /// error (found by a walk, it is listed as not audited).
    pub named: bool,
    /// For the output of `helm template` or `kustomize build`: the note
    /// every finding's location carries, saying its line is one of the
    /// rendered output.
    pub rendered: Option<String>,
}

/// What auditing one manifest text left.
#[derive(Default)]
struct Audited {
    source: Option<Arc<SourceFile>>,
    workloads: usize,
    findings: Vec<Finding>,
    notes: Vec<String>,
    annotations: Vec<IgnoreAnnotation>,
    containers: Vec<ServiceRun>,
    errors: Vec<InputError>,
    not_audited: Vec<InputError>,
}

/// Reads manifests and checks their workloads.
pub fn run_manifests(
    inputs: &[(PathBuf, bool)],
    root: &Path,
    checks: ManifestChecks,
    scanned: &mut Scanned,
) {
    let results: Vec<Audited> = inputs
        .par_iter()
        .map(|(path, named)| match read_manifest(path, root) {
            Ok(source) => audit_manifest(
                ManifestSource {
                    source,
                    named: *named,
                    rendered: None,
                },
                checks,
            ),
            Err(error) => Audited {
                errors: vec![error],
                ..Audited::default()
            },
        })
        .collect();
    add_manifests(results, scanned);
}

/// Checks manifest texts already in memory (rendered charts and
/// kustomizations).
pub fn run_manifest_sources(
    sources: Vec<ManifestSource>,
    checks: ManifestChecks,
    scanned: &mut Scanned,
) {
    let results: Vec<Audited> = sources
        .into_par_iter()
        .map(|source| audit_manifest(source, checks))
        .collect();
    add_manifests(results, scanned);
}

fn read_manifest(path: &Path, root: &Path) -> Result<Arc<SourceFile>, InputError> {
    if path.as_os_str() == "-" {
        // Bounded like a file: `helm template … | drydock k8s -` cannot
        // make drydock hold more than the limit.
        let stdin = crate::error::STDIN;
        return crate::yaml::read_opened(
            std::io::stdin().lock(),
            0,
            PathBuf::from(stdin),
            stdin.to_string(),
            crate::k8s::MAX_FILE_BYTES,
        );
    }
    let shown = path.strip_prefix(root).unwrap_or(path);
    let display = shown.to_string_lossy().replace('\\', "/");
    crate::yaml::read_source(path.to_path_buf(), display, crate::k8s::MAX_FILE_BYTES)
}

/// Loads one manifest text, each document on its own, and checks its
/// workloads.
fn audit_manifest(input: ManifestSource, checks: ManifestChecks) -> Audited {
    use crate::finding::{Finding, Place, Subject};
    let ManifestSource {
        source,
        named,
        rendered,
    } = input;
    if !named && !crate::k8s::looks_like_manifest(&source.text) {
        return Audited::default();
    }
    let loaded = crate::k8s::load(&source);
    let mut audited = Audited {
        workloads: loaded.workloads.len(),
        notes: loaded.warnings,
        errors: loaded.errors,
        ..Audited::default()
    };
    // A template named on the command line is an input error; one found
    // by a walk is listed as not audited, and the run goes on.
    if named {
        audited.errors.extend(loaded.templates);
    } else {
        audited.not_audited.extend(loaded.templates);
    }
    for workload in &loaded.workloads {
        let subject = Subject::K8sWorkload {
            kind: workload.kind.clone(),
            name: workload.name.clone(),
            namespace: workload.namespace.clone(),
        };
        let pod = crate::k8s::pod::PodCtx::new(workload);
        audited.containers.extend(containers_of(&pod, &subject));
        let findings = &mut audited.findings;
        let evaluated = match checks.level {
            Some(level) => crate::k8s::pss::evaluate(&pod, level),
            None => crate::k8s::pss::evaluate_all(&pod),
        };
        for v in evaluated {
            findings.push(Finding::new(
                v.rule,
                v.severity,
                subject.clone(),
                &v.node,
                v.route,
                v.message,
            ));
        }
        if checks.level.is_none() {
            crate::k8s::workload_checks::check(&pod, &subject, checks.params, findings);
        }
        audited.annotations.extend(ignore_annotation(
            subject,
            &source.display,
            workload.label(),
            workload.ignored_rules(),
        ));
    }
    // Secrets and ConfigMaps of files in the repository: rendered output
    // holds what a chart generates (`randAlphaNum`), nobody's plain text.
    if checks.level.is_none() && rendered.is_none() {
        for object in &loaded.data_objects {
            let subject = Subject::K8sWorkload {
                kind: object.kind.clone(),
                name: object.name.clone(),
                namespace: object.namespace.clone(),
            };
            crate::k8s::data_checks::check(object, &subject, &mut audited.findings);
            audited.annotations.extend(ignore_annotation(
                subject,
                &source.display,
                object.label(),
                object.ignored_rules(),
            ));
        }
    }
    if let Some(note) = rendered {
        for finding in &mut audited.findings {
            finding.message.push_str(&format!(" ({note})"));
            if let Place::Config(location) = &mut finding.location {
                location.note = Some(note.clone());
            }
        }
    }
    audited.source = Some(source);
    audited
}

/// The `drydock.io/ignore` annotation of an object, if it has one.
fn ignore_annotation(
    subject: crate::finding::Subject,
    file: &str,
    label: String,
    (rules, reason): (Vec<String>, Option<String>),
) -> Option<IgnoreAnnotation> {
    (!rules.is_empty()).then(|| IgnoreAnnotation {
        subject,
        file: file.to_string(),
        label,
        rules,
        has_reason: reason.is_some(),
    })
}

/// Adds what auditing manifests left to the scanned.
fn add_manifests(results: Vec<Audited>, scanned: &mut Scanned) {
    for audited in results {
        scanned.coverage.errors.extend(audited.errors);
        scanned.coverage.not_audited.extend(audited.not_audited);
        scanned.coverage.warnings.extend(audited.notes);
        let Some(source) = audited.source else {
            continue;
        };
        scanned.services.extend(audited.containers);
        scanned.annotations.extend(audited.annotations);
        scanned.coverage.workloads += audited.workloads;
        scanned.coverage.files += 1;
        scanned
            .coverage
            .sources
            .insert(source.display.clone(), source);
        scanned.findings.extend(audited.findings);
    }
}

/// Renders the Helm charts and kustomizations `scan` found and audits
/// their output. A chart without `helm` on `PATH`, or whose rendering
/// fails, is listed as not audited (with how to audit it); a
/// kustomization without `kustomize` or `kubectl` has the files its
/// `resources` list audited as plain manifests, with a warning.
pub fn run_rendered(
    found: &Found,
    root: &Path,
    boundary: &crate::boundary::Boundary,
    helm_values: &[PathBuf],
    checks: ManifestChecks,
    scanned: &mut Scanned,
) {
    use crate::k8s::render::{self, Rendered};
    let shown = |p: &Path| {
        let s = p
            .strip_prefix(root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/");
        if s.is_empty() { ".".to_string() } else { s }
    };
    let mut sources = Vec::new();
    let mut plain = Vec::new();
    for chart in &found.charts {
        let dir = shown(chart);
        if let Some(why) = render::unsafe_to_render(chart, boundary) {
            scanned.coverage.not_audited.push(InputError::in_file(
                &dir,
                format!("Helm chart not rendered: {why}"),
            ));
            continue;
        }
        match render::helm(chart, &dir, helm_values) {
            Rendered::Output(out) => sources.extend(out.into_iter().map(|source| ManifestSource {
                source,
                named: false,
                rendered: Some(
                    "rendered by `helm template`: the line is in this template's rendered output"
                        .to_string(),
                ),
            })),
            Rendered::NoTool => scanned.coverage.not_audited.push(InputError::in_file(
                &dir,
                format!("Helm chart not rendered: `helm` is not on PATH; to audit it: helm template {dir} | drydock k8s -"),
            )),
            Rendered::Failed(message) => {
                scanned.coverage.warnings.push(format!("{dir}: helm template failed: {message}"));
                scanned.coverage.not_audited.push(InputError::in_file(
                    &dir,
                    "Helm chart not audited: `helm template` failed (see the warning)",
                ));
            }
        }
    }
    for file in &found.kustomizations {
        let dir = file.parent().unwrap_or(Path::new("."));
        let display = shown(file);
        if let Some(why) = render::unsafe_to_render(dir, boundary) {
            scanned.coverage.not_audited.push(InputError::in_file(
                &display,
                format!("kustomization not rendered: {why}"),
            ));
            continue;
        }
        match render::kustomize(dir, &display) {
            Rendered::Output(out) => sources.extend(out.into_iter().map(|source| ManifestSource {
                source,
                named: false,
                rendered: Some(
                    "rendered by `kustomize build`: the line is in the kustomization's rendered output"
                        .to_string(),
                ),
            })),
            Rendered::NoTool => {
                scanned.coverage.warnings.push(format!(
                    "{display}: kustomization not rendered (neither `kustomize` nor `kubectl` is on PATH): the files its `resources` list are audited as plain manifests, without its patches; to audit the result: kubectl kustomize {} | drydock k8s -",
                    shown(dir)
                ));
                match plain_resources(file, &display, dir) {
                    Ok(files) => plain.extend(files),
                    Err(error) => scanned.coverage.errors.push(error),
                }
            }
            Rendered::Failed(message) => {
                // Its resources are still manifests: audited as they are,
                // without the patches a build would apply.
                scanned.coverage.warnings.push(format!(
                    "{display}: kustomize build failed: {message}; the files its `resources` list are audited as plain manifests, without its patches"
                ));
                scanned.coverage.not_audited.push(InputError::in_file(
                    &display,
                    "kustomization not rendered: its build failed (see the warning); its resources were audited as plain manifests",
                ));
                match plain_resources(file, &display, dir) {
                    Ok(files) => plain.extend(files),
                    Err(error) => scanned.coverage.errors.push(error),
                }
            }
        }
    }
    plain.sort();
    plain.dedup();
    run_manifests(&plain, root, checks, scanned);
    run_manifest_sources(sources, checks, scanned);
}

/// The manifest files a kustomization's `resources` list that are there,
/// to audit as they are when the kustomization cannot be rendered.
fn plain_resources(
    file: &Path,
    display: &str,
    dir: &Path,
) -> Result<Vec<(PathBuf, bool)>, InputError> {
    let source = crate::yaml::read_source(
        file.to_path_buf(),
        display.to_string(),
        crate::k8s::MAX_FILE_BYTES,
    )?;
    Ok(crate::k8s::render::kustomization_resources(dir, &source)
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| (p, false))
        .collect())
}
