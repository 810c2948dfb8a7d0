//! drydock audits what a container will be before it runs.
//!
//! The data flow, in the order a run goes through it:
//!
//! 1. **Arguments** ([`cli`]) are parsed by clap; [`run`] turns them into
//!    one job (a scan, one Compose project, a rule listing).
//! 2. **Load**: Compose projects are discovered ([`scan`]) and loaded
//!    ([`compose::load`]): files merged as Compose merges them,
//!    interpolated, with the position of every value kept ([`yaml`]).
//!    Every file a project names is opened through the audit boundary
//!    ([`boundary`]): nothing outside the audit root, nothing under
//!    `/proc`, `/sys`, `/dev` or `.git`.
//!    Images ([`image`]) are read in one pass over their layers into a
//!    merged file index and their package databases.
//! 3. **Check**: rules ([`compose::rules`], [`image::rules`]) turn what
//!    was loaded into [`finding::Finding`]s; rules never print or decide
//!    the exit code.
//! 4. **Report** ([`report`]): the process's credential values redacted
//!    from every message, then human, JSON or SARIF, and the gate: exit 0
//!    when no finding reaches `--fail-on`, 1 when one does, 2 when an input
//!    could not be read (the other inputs are still reported).

pub mod boundary;
pub mod cli;
pub mod compose;
pub mod finding;
pub mod hazards;
pub mod image;
pub mod k8s;
pub mod params;
pub mod policy;
pub mod report;
pub mod rule;
pub mod rules;
pub mod scan;
pub mod suggest;
pub mod yaml;

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use cli::{Cli, Command, ComposeAction, Format, ImageSource, ProjectArgs, ReportArgs};
use compose::{Loader, ProjectSpec};
use finding::Severity;
use params::Params;
use report::RunReport;

/// Exit code for usage, input and output errors.
pub const EXIT_ERROR: i32 = 2;

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Scan(args) => {
            let paths = if args.paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                args.paths.clone()
            };
            let root = match paths.as_slice() {
                [one] if one.is_dir() => one.clone(),
                _ => PathBuf::from("."),
            };
            let (mut report, setup) = start(&args.report, &root);
            let roots: Vec<PathBuf> = paths
                .iter()
                .map(|p| boundary::default_root(&directory_of(p)))
                .collect();
            let boundary = audit_boundary(&args.boundary, roots);
            let loader = Loader::new(root, process_env(&args.boundary), boundary);
            let mut found = scan::discover(&paths);
            report.errors.append(&mut found.errors);
            scan::run(&loader, &found.projects, &setup.params, &mut report);
            let checks = scan::ManifestChecks {
                level: setup.pod_security(),
                honour_ignores: !args.report.no_ignores,
                params: &setup.params,
                registry: &setup.registry,
            };
            scan::run_manifests(&found.manifests, &loader.root, checks, &mut report);
            scan::run_rendered(
                &found,
                &loader.root,
                &loader.boundary,
                &args.helm_values,
                checks,
                &mut report,
            );
            scan_images(&args, &loader.root, &setup, &mut report);
            finish(report, &args.report, &setup, &loader.root)
        }
        Command::Compose(args) => match args.action {
            Some(ComposeAction::Config { project }) => compose_config(&args.project.then(project)),
            None => {
                let (loader, spec) = project_job(&args.project);
                let (mut report, setup) = start(&args.report, &loader.root);
                scan::run(&loader, &[spec], &setup.params, &mut report);
                finish(report, &args.report, &setup, &loader.root)
            }
        },
        Command::Image(args) => {
            let Some(options) = image_options(args.platform.as_deref()) else {
                return EXIT_ERROR;
            };
            let root = Path::new(".");
            let (mut report, setup) = start(&args.report, root);
            scan::run_images(&args.input, root, &options, &setup.params, &mut report);
            if !args.references.is_empty() {
                match image::engine::Engine::connect(args.host.as_deref()) {
                    Ok(engine) => {
                        let reading = scan::Reading::new(1, &options, &setup.params);
                        scan::run_engine(&engine, &args.references, &reading, &mut report)
                    }
                    Err(message) => report
                        .errors
                        .push(yaml::LocatedError::in_file("engine", message)),
                }
            }
            finish(report, &args.report, &setup, root)
        }
        Command::Images(args) => {
            let Some(options) = image_options(args.platform.as_deref()) else {
                return EXIT_ERROR;
            };
            let root = Path::new(".");
            let (mut report, setup) = start(&args.report, root);
            let engine = image::engine::Engine::connect(args.host.as_deref());
            match engine.and_then(|e| e.list(&args.patterns).map(|refs| (e, refs))) {
                Ok((engine, refs)) => {
                    let reading =
                        scan::Reading::new(args.concurrency.max(1), &options, &setup.params);
                    scan::run_engine(&engine, &refs, &reading, &mut report)
                }
                Err(message) => report
                    .errors
                    .push(yaml::LocatedError::in_file("engine", message)),
            }
            finish(report, &args.report, &setup, root)
        }
        Command::K8s(args) => {
            let root = match args.paths.as_slice() {
                [one] if one.is_dir() => one.clone(),
                _ => PathBuf::from("."),
            };
            let (mut report, setup) = start(&args.report, &root);
            let level = setup.pod_security();
            let (inputs, errors) = scan::manifest_inputs(&args.paths);
            report.errors.extend(errors);
            let checks = scan::ManifestChecks {
                level,
                honour_ignores: !args.report.no_ignores,
                params: &setup.params,
                registry: &setup.registry,
            };
            scan::run_manifests(&inputs, &root, checks, &mut report);
            finish(report, &args.report, &setup, &root)
        }
        Command::Rules(args) => {
            print_rules(args.format);
            0
        }
        Command::Policy(args) => match args.action {
            cli::PolicyAction::Check { file } => check_policy(&file),
        },
        Command::Explain { rule } => explain(&rule),
    }
}

/// What a run checks against, settled before any input is read.
struct Setup {
    /// The built-in rules and the policy's compound rules.
    registry: rule::Registry,
    /// `--policy` when given, else the nearest `.drydock.yaml` at or above
    /// the scan root; none when there is none or it is broken.
    policy: Option<policy::Policy>,
    /// The policy's rule parameters (the defaults without one).
    params: Params,
}

impl Setup {
    fn pod_security(&self) -> Option<k8s::pss::Level> {
        self.policy.as_ref().and_then(|p| p.pod_security)
    }
}

/// A run's empty report and its setup.
fn start(args: &ReportArgs, root: &Path) -> (RunReport, Setup) {
    let mut report = new_report(args);
    let mut registry = rules::registry();
    let loaded = match args.policy.as_deref() {
        Some(spec) => Some(policy::load(spec, &registry)),
        None => policy::load_repository_policy(root, &registry),
    };
    let policy = adopt(loaded, args.fail_on, &mut report);
    for rule in policy.iter().flat_map(|p| &p.compound) {
        registry.declare(rule.info.clone());
    }
    let params = policy
        .as_ref()
        .map(|p| p.params.clone())
        .unwrap_or_default();
    let setup = Setup {
        registry,
        policy,
        params,
    };
    (report, setup)
}

/// Takes a loaded policy into the run: its gate threshold, or its errors
/// (each an input error of the run, which goes on without the policy).
fn adopt(
    loaded: Option<Result<policy::Policy, Vec<yaml::LocatedError>>>,
    command_line_fail_on: Option<Severity>,
    report: &mut RunReport,
) -> Option<policy::Policy> {
    match loaded? {
        Ok(policy) => {
            // An explicit `--fail-on` wins over the policy's.
            if let (Some(fail_on), None) = (policy.fail_on, command_line_fail_on) {
                report.fail_on = fail_on;
            }
            Some(policy)
        }
        Err(errors) => {
            report.errors.extend(errors);
            None
        }
    }
}

/// `drydock policy check FILE`.
fn check_policy(file: &Path) -> i32 {
    match policy::load_file(file, &rules::registry()) {
        Ok(policy) => {
            println!(
                "{}: valid ({} rule setting(s), {} exception(s), {} compound rule(s))",
                file.display(),
                policy.rules.len(),
                policy.exceptions.len(),
                policy.compound.len()
            );
            0
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            EXIT_ERROR
        }
    }
}

/// Image-reading options from the command line; `None` after printing a
/// usage error.
fn image_options(platform: Option<&str>) -> Option<image::Options> {
    let platform = match platform.map(image::source::parse_platform) {
        Some(Err(e)) => {
            eprintln!("error: --platform: {e}");
            return None;
        }
        Some(Ok(p)) => Some(p),
        None => None,
    };
    Some(image::Options {
        platform,
        progress: progress_bar(),
        ..image::Options::default()
    })
}

/// A progress bar on standard error for image reading, when standard
/// error is a terminal.
fn progress_bar() -> Option<image::Progress> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::hidden();
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} reading layers {bar:30} {bytes}/{total_bytes} {bytes_per_sec}",
    )
    .ok()?;
    bar.set_style(style);
    Some(std::sync::Arc::new(move |event| match event {
        image::ProgressEvent::Start { bytes } => {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.reset();
            bar.set_length(bytes);
        }
        image::ProgressEvent::Read(n) => bar.inc(n),
        image::ProgressEvent::Done => bar.finish_and_clear(),
    }))
}

fn new_report(args: &ReportArgs) -> RunReport {
    RunReport {
        findings: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        not_audited: Vec::new(),
        projects: 0,
        files: 0,
        fail_on: args.fail_on.unwrap_or(Severity::High),
        images: 0,
        workloads: 0,
        baselined: 0,
        ignored: 0,
        excepted: 0,
        turned_off: 0,
        services: Vec::new(),
        image_runs: Vec::new(),
        image_digests: HashMap::new(),
        images_not_scanned: None,
        sources: HashMap::new(),
    }
}

/// The directory a path given on the command line stands for: itself, or
/// the directory of a file.
fn directory_of(path: &Path) -> PathBuf {
    if path.is_dir() {
        return path.to_path_buf();
    }
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The audit boundary: `--root`, else the roots of the directories the
/// user gave (see [`boundary::default_root`]).
fn audit_boundary(args: &cli::BoundaryArgs, default_roots: Vec<PathBuf>) -> boundary::Boundary {
    let roots = match &args.root {
        Some(root) => vec![root.clone()],
        None => default_roots,
    };
    boundary::Boundary::new(&roots, args.allow_outside_root)
}

/// Hides the values of the process environment's credentials.
fn process_redactor() -> hazards::credentials::Redactor {
    hazards::credentials::Redactor::new(scan::process_env())
}

/// The variables interpolation takes from the process: all of them, as
/// Docker Compose does, or none (`--env-from-process=false`).
fn process_env(args: &cli::BoundaryArgs) -> compose::interpolate::Env {
    if args.env_from_process {
        scan::process_env()
    } else {
        compose::interpolate::Env::new()
    }
}

fn project_job(args: &ProjectArgs) -> (Loader, ProjectSpec) {
    let spec = ProjectSpec {
        project_dir: args.project_directory.clone(),
        files: args.files.clone(),
        env_files: args.env_files.clone(),
        profiles: args.profiles.clone(),
        listing: None,
        fragment: false,
    };
    let root = args
        .project_directory
        .clone()
        .or_else(|| {
            args.files
                .first()
                .and_then(|f| f.parent())
                .filter(|p| !p.as_os_str().is_empty())
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| PathBuf::from("."));
    // The files the user named are theirs to name, wherever they are.
    let mut roots = vec![boundary::default_root(&root)];
    roots.extend(
        args.files
            .iter()
            .chain(&args.env_files)
            .map(|f| boundary::default_root(&directory_of(f))),
    );
    let boundary = audit_boundary(&args.boundary, roots);
    let loader = Loader::new(root, process_env(&args.boundary), boundary);
    (loader, spec)
}

fn compose_config(args: &ProjectArgs) -> i32 {
    let (loader, spec) = project_job(args);
    match loader.load(&spec) {
        Ok(project) if !project.invalid.is_empty() || !project.legacy_format.is_empty() => {
            // Docker Compose prints no model for a project it would not run
            // (nor for the version 1 format, which the audit still reads).
            let redactor = process_redactor();
            let legacy = project.legacy_format.iter().map(|file| {
                yaml::LocatedError::at(
                    &file.pos,
                    "the Compose version 1 format (services at the top level): \
                     Docker Compose v2 refuses it",
                )
            });
            for mut error in project.invalid.into_iter().chain(legacy) {
                redactor.redact(&mut error.message);
                eprintln!("error: {error}");
            }
            EXIT_ERROR
        }
        Ok(project) => {
            // The merged model is printed as Docker Compose prints it; what
            // goes to the log around it hides the machine's credentials.
            let redactor = process_redactor();
            for warning in &project.warnings {
                let mut warning = warning.clone();
                redactor.redact(&mut warning);
                eprintln!("warning: {warning}");
            }
            let json = compose::config_json::to_json(&project);
            let text = serde_json::to_string_pretty(&json).unwrap_or_default();
            write_stdout(&format!("{text}\n"))
        }
        Err(mut error) => {
            process_redactor().redact(&mut error.message);
            eprintln!("error: {error}");
            EXIT_ERROR
        }
    }
}

/// Reads the images of `scan` (`--images`) and joins them to the
/// services that run them.
fn scan_images(args: &cli::ScanArgs, root: &Path, setup: &Setup, report: &mut RunReport) {
    let params = &setup.params;
    match &args.images {
        Some(ImageSource::None) => return,
        Some(ImageSource::Dir(dir)) => match scan::image_inputs(dir) {
            Ok(inputs) => {
                scan::run_images(&inputs, root, &image::Options::default(), params, report)
            }
            Err(error) => report.errors.push(error),
        },
        Some(ImageSource::Engine) | None if report.services.is_empty() => return,
        Some(ImageSource::Engine) | None => {
            match image::engine::Engine::connect(args.host.as_deref()) {
                Ok(engine) => scan::run_service_images(&engine, params, report),
                Err(message) if args.images.is_some() => {
                    report
                        .errors
                        .push(yaml::LocatedError::in_file("engine", message));
                    return;
                }
                Err(message) => {
                    report.images_not_scanned = Some(message);
                    return;
                }
            }
        }
    }
    join_images(report, setup);
}

/// Pairs the Compose services with the images read and adds the findings
/// of the compound rules, built in and the policy's; a service whose image
/// was not among them gets a warning.
fn join_images(report: &mut RunReport, setup: &Setup) {
    let builtin = policy::compound::builtin(&setup.registry);
    let compound: Vec<&policy::compound::CompoundRule> = builtin
        .iter()
        .chain(setup.policy.iter().flat_map(|p| &p.compound))
        .collect();
    let missing = policy::join::evaluate(report, &compound);
    if !missing.is_empty() {
        report.warnings.push(format!(
            "{} service(s) run an image that was not read, so compound rules were not checked for them: {}",
            missing.len(),
            missing.join(", ")
        ));
    }
    scan::sort_findings(report);
}

/// Applies the policy (rule settings, exceptions, with `path` globs
/// relative to `root`, the directory audited), ignore comments and the
/// baseline, writes the report and returns the exit code. The process
/// exits next: freeing every finding and source one by one would only
/// cost time, so the report is not dropped.
fn finish(mut report: RunReport, args: &ReportArgs, setup: &Setup, root: &Path) -> i32 {
    // Before anything fingerprints a message: a baseline must not depend
    // on (or hold) the machine's secrets.
    report.redact(&process_redactor());
    if let Some(policy) = &setup.policy {
        let today = policy::exceptions::Date::today();
        if policy::exceptions::apply(policy, today, root, &mut report) {
            scan::sort_findings(&mut report);
        }
    }
    if !args.no_ignores && policy::ignore::apply(&mut report, &setup.registry) {
        scan::sort_findings(&mut report);
    }
    if let Some(path) = &args.write_baseline
        && let Err(message) = policy::baseline::write(path, &report.findings)
    {
        eprintln!("error: {message}");
        return EXIT_ERROR;
    }
    if let Some(path) = &args.baseline {
        match policy::baseline::read(path) {
            Ok(known) => {
                let before = report.findings.len();
                report
                    .findings
                    .retain(|f| !known.contains(&report::fingerprint(f)));
                report.baselined = before - report.findings.len();
            }
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_ERROR;
            }
        }
    }
    emit(&report, &setup.registry, args)
}

/// Writes the report where asked and returns the exit code.
fn emit(report: &RunReport, registry: &rule::Registry, args: &ReportArgs) -> i32 {
    let colour = args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let render = |out: &mut dyn Write| -> std::io::Result<()> {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        match args.format {
            Format::Human => report::human(report, colour, &mut out),
            Format::Json => report::json(report, &mut out),
            Format::Sarif => report::sarif(report, registry, &mut out),
        }?;
        out.flush()
    };
    match &args.output {
        Some(path) => {
            let written = std::fs::File::create(path).and_then(|mut file| render(&mut file));
            if let Err(e) = written {
                eprintln!("error: {}: cannot write the report: {e}", path.display());
                return EXIT_ERROR;
            }
            // The verdict still reaches the terminal.
            eprintln!("{}", report::summary(report));
            for error in &report.errors {
                eprintln!("error: {error}");
            }
        }
        None => match render(&mut std::io::stdout().lock()) {
            Ok(()) => {}
            // `drydock … | head` closing the pipe is not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => {
                eprintln!("error: cannot write output: {e}");
                return EXIT_ERROR;
            }
        },
    }
    report.exit_code()
}

/// Writes to standard output; a closed pipe (`drydock … | head`) is not
/// an error.
fn write_stdout(text: &str) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            EXIT_ERROR
        }
    }
}

/// The built-in rules and those the repository's `.drydock.yaml` (found
/// from the current directory) declares, for `rules` and `explain`. A
/// broken policy adds nothing: `policy check` is where it is reported.
fn repository_registry() -> rule::Registry {
    let mut registry = rules::registry();
    if let Some(Ok(policy)) = policy::load_repository_policy(Path::new("."), &registry) {
        for rule in policy.compound {
            registry.declare(rule.info);
        }
    }
    registry
}

fn print_rules(format: Format) {
    let registry = repository_registry();
    let rules = registry.all();
    let text = match format {
        Format::Json | Format::Sarif => {
            let list: Vec<_> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "title": r.title,
                        "severity": r.severity,
                        "scopes": r.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&list).unwrap_or_default() + "\n"
        }
        Format::Human => {
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            rules
                .iter()
                .map(|r| format!("{:width$}  {:8}  {}\n", r.id, r.severity.as_str(), r.title))
                .collect()
        }
    };
    write_stdout(&text);
}

/// `drydock explain ID`: a rule's docs; for a compound rule, also its
/// declaration. A rule the repository's policy declares is found too.
fn explain(id: &str) -> i32 {
    let registry = repository_registry();
    match registry.find(id) {
        Some(rule) => {
            let scopes: Vec<&str> = rule.scopes.iter().map(|s| s.as_str()).collect();
            let parameters: String = params::of(&rule.id)
                .map(|p| format!("- `{}`: {}\n", p.key, p.doc))
                .collect();
            let parameters = if parameters.is_empty() {
                String::new()
            } else {
                format!(
                    "\n## Parameters\nLists a policy sets under `rules: {{{}: {{...}}}}`:\n{parameters}",
                    rule.id
                )
            };
            let declaration = policy::compound::declaration_of(&rule.id)
                .map(|d| format!("\n## Declaration\nAs a policy's `compound-rules:` would write it (add `title` and `severity`):\n```yaml\n{d}```\n"))
                .unwrap_or_default();
            write_stdout(&format!(
                "# {}: {}\n\nDefault severity: {}. Applies to: {}.\n\n{}{parameters}{declaration}",
                rule.id,
                rule.title,
                rule.severity,
                scopes.join(", "),
                rule.docs
            ))
        }
        None => {
            let hint = registry
                .suggest(id)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            eprintln!("error: no rule `{id}`{hint} (`drydock rules` lists them)");
            EXIT_ERROR
        }
    }
}
