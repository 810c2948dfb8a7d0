//! Command-line arguments (clap). `lib.rs` turns them into a run; nothing
//! here reads files.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::finding::Severity;

/// drydock audits what a container will be before it runs: its image's
/// layers and the Compose files and Kubernetes manifests that run it.
#[derive(Debug, Parser)]
#[command(name = "drydock", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit every Compose project and Kubernetes manifest under the given
    /// paths (default: `.`), and the images the services run.
    Scan(ScanArgs),
    /// Audit one Compose project, given like `docker compose` flags.
    Compose(ComposeArgs),
    /// Audit container images: from the local Docker or Podman engine by
    /// reference, or from docker-save tarballs and OCI layouts (`--input`).
    Image(ImageArgs),
    /// Audit every image of the local engine (or those matching patterns).
    Images(ImagesArgs),
    /// Audit Kubernetes manifests (files, directories, or `-` for standard
    /// input, e.g. `helm template … | drydock k8s -`).
    K8s(K8sArgs),
    /// Audit Dockerfiles: files named directly, or every `Dockerfile`,
    /// `Containerfile`, `*.Dockerfile` and `Dockerfile.*` under
    /// directories.
    Dockerfile(DockerfileArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Check a policy file: every error at once, with its line.
    Policy(PolicyArgs),
    /// Print a rule's documentation.
    Explain {
        /// A rule id, e.g. `no-new-privileges`.
        rule: String,
    },
    /// Print a shell completion script (`drydock completions bash >
    /// /etc/bash_completion.d/drydock`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), made from these same definitions
    /// (`drydock man > drydock.1`).
    Man,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Directories or Compose files. A directory is searched for projects
    /// (`.git`, `node_modules` and `vendor` are skipped; symlinks are
    /// followed only for Compose files and `.env`, inside the audit root).
    pub paths: Vec<PathBuf>,
    /// Where the images the Compose services and Kubernetes containers
    /// run come from: `engine` (the local Docker or Podman engine),
    /// `registry` (each image's registry, over the network),
    /// `engine,registry` (the engine first, then the registry), a
    /// directory of docker-save tarballs, OCI archives and OCI layouts, or
    /// `none`. Default: the engine when one answers, else none (the
    /// summary says so); the network is used only when asked.
    #[arg(long, value_name = "engine|registry|engine,registry|DIR|none")]
    pub images: Option<ImageSource>,
    /// The engine for `--images engine` (default: `DOCKER_HOST`, then the
    /// Docker and Podman sockets).
    #[arg(long, value_name = "URL")]
    pub host: Option<String>,
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// A values file for every Helm chart found (`helm template -f FILE`);
    /// repeatable. Charts are rendered when `helm` is on PATH.
    #[arg(long, value_name = "FILE")]
    pub helm_values: Vec<PathBuf>,
    #[command(flatten)]
    pub boundary: BoundaryArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// What a configuration may make drydock read: the audit boundary.
#[derive(Debug, Args, Clone)]
pub struct BoundaryArgs {
    /// The directory files named by the configuration (`env_file`,
    /// `include`, `extends`, `.env`…) must lie in, symlinks resolved.
    /// Default: the Git work tree around each directory given (for
    /// `compose`, the project directory and those of the `-f` and
    /// `--env-file` files), else that directory.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Read files the configuration names wherever they are (for trusted
    /// local use; `/proc`, `/sys`, `/dev`, `.git` and sockets stay closed).
    #[arg(long)]
    pub allow_outside_root: bool,
    /// Whether interpolation reads the process environment, as Docker
    /// Compose does; `false` audits with the repository's `.env` files
    /// only (for a CI gate on untrusted changes).
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    pub env_from_process: bool,
}

/// How registries are reached.
#[derive(Debug, Args, Clone, Default)]
pub struct RegistryArgs {
    /// A registry (`HOST:PORT`) reached over plain HTTP instead of HTTPS;
    /// repeatable. No registry is, by default — not even `localhost`.
    #[arg(long, value_name = "HOST:PORT")]
    pub insecure_registry: Vec<String>,
}

impl RegistryArgs {
    pub fn settings(&self) -> crate::image::registry::RegistrySettings {
        crate::image::registry::RegistrySettings {
            insecure: self.insecure_registry.clone(),
        }
    }
}

/// Where `drydock image REF` reads a reference from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FromSource {
    /// The local Docker or Podman engine only.
    Engine,
    /// The image's registry only.
    Registry,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["references", "input"])))]
pub struct ImageArgs {
    /// Image references (`myapp:1.4`, `ghcr.io/org/app@sha256:…`, an image
    /// id): read from the local engine when it has them, else from their
    /// registry (see `--from`). Nothing is pulled into the engine.
    #[arg(value_name = "REF")]
    pub references: Vec<String>,
    /// Read references only from the engine or only from the registry.
    /// Default: the engine when one answers and holds the image, else
    /// the registry.
    #[arg(long, value_enum, value_name = "engine|registry")]
    pub from: Option<FromSource>,
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// An image file or directory: `docker save` output (either layout,
    /// compressed or not), an OCI image layout, or an OCI layout in a tar;
    /// `-` reads standard input.
    #[arg(long, short = 'i', value_name = "PATH")]
    pub input: Vec<PathBuf>,
    /// The engine to read references from: `unix:///path/docker.sock` or
    /// `tcp://host:port` (default: DOCKER_HOST, then /var/run/docker.sock,
    /// then the Podman sockets). Given, it implies `--from engine`.
    #[arg(long, value_name = "URL")]
    pub host: Option<String>,
    /// Platform to pick from a multi-platform image (`os/arch[/variant]`);
    /// default: the host's.
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct DockerfileArgs {
    /// Dockerfiles or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The stage that is the image (a stage name); default: the last.
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct K8sArgs {
    /// Manifest files or directories (searched for YAML files holding
    /// `apiVersion` and `kind`); `-` reads standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct ImagesArgs {
    /// Reference patterns (`nginx`, `myorg/*:*`); default: every image.
    #[arg(value_name = "PATTERN")]
    pub patterns: Vec<String>,
    /// The engine (see `drydock image --help`).
    #[arg(long, value_name = "URL")]
    pub host: Option<String>,
    /// Platform to pick from multi-platform exports.
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
    /// How many exports are read at once (images that share layers come
    /// in one export).
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub concurrency: usize,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct ComposeArgs {
    #[command(subcommand)]
    pub action: Option<ComposeAction>,
    #[command(flatten)]
    pub project: ProjectArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Subcommand)]
pub enum ComposeAction {
    /// Print the merged project as JSON, shaped like
    /// `docker compose config --format json`.
    Config {
        #[command(flatten)]
        project: ProjectArgs,
    },
}

#[derive(Debug, Args, Clone)]
pub struct ProjectArgs {
    /// Compose files, in order (like `docker compose -f`).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The project directory (default: the first file's directory, or `.`).
    #[arg(long, value_name = "DIR")]
    pub project_directory: Option<PathBuf>,
    /// Files of variables for interpolation, replacing the project's `.env`.
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,
    /// Audit only services enabled by these profiles (`*` for all).
    /// Default: every service, whatever its profiles.
    #[arg(long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,
    #[command(flatten)]
    pub boundary: BoundaryArgs,
}

impl ProjectArgs {
    /// The project flags given before a subcommand (`compose -f a.yaml
    /// config`, as with `docker compose`) followed by those given after it.
    pub fn then(self, after: ProjectArgs) -> ProjectArgs {
        fn concat<T>(mut a: Vec<T>, b: Vec<T>) -> Vec<T> {
            a.extend(b);
            a
        }
        ProjectArgs {
            files: concat(self.files, after.files),
            project_directory: after.project_directory.or(self.project_directory),
            env_files: concat(self.env_files, after.env_files),
            profiles: concat(self.profiles, after.profiles),
            boundary: BoundaryArgs {
                root: after.boundary.root.or(self.boundary.root),
                allow_outside_root: self.boundary.allow_outside_root
                    || after.boundary.allow_outside_root,
                env_from_process: self.boundary.env_from_process && after.boundary.env_from_process,
            },
        }
    }
}

#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// A policy file, or a built-in policy by name (see policies/README.md;
    /// `pss-baseline` and `pss-restricted` evaluate exactly that Pod
    /// Security Standards level). Default: the nearest `.drydock.yaml` at
    /// or above the directory audited (the current one for images and
    /// files).
    #[arg(long, value_name = "FILE|NAME")]
    pub policy: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to a file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the report in FORMAT to PATH, from the same run
    /// (repeatable): `--report sarif=drydock.sarif --report html=report.html`.
    #[arg(long = "report", value_name = "FORMAT=PATH", value_parser = parse_report)]
    pub reports: Vec<(Format, PathBuf)>,
    /// Fail (exit 1) when a finding has this severity or higher (default:
    /// the policy's `fail-on`, else high).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// Leave out the findings recorded in this baseline file (made with
    /// `--write-baseline`): the gate then fails on new findings only.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every finding of this run in a baseline file.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Report the findings that `# drydock: ignore[...]` comments and
    /// `drydock.io/ignore` annotations would suppress (for audits).
    #[arg(long)]
    pub no_ignores: bool,
    /// Colour in the human report: `auto` (on a terminal, unless
    /// `NO_COLOR` is set), `always` or `never`.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// The human report prints only its summary line (after the inputs
    /// that could not be read), and nothing when the gate passes; other
    /// formats print their document alone (no summary on standard error).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// No progress bar while images are read (it is shown only on a
    /// terminal anyway).
    #[arg(long)]
    pub no_progress: bool,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with the offending lines, and a summary.
    Human,
    /// A versioned JSON document (see the README).
    Json,
    /// SARIF 2.1.0, for code-scanning platforms.
    Sarif,
    /// One self-contained HTML page: the verdict, who runs what, each
    /// image's layers and the findings with their lines.
    Html,
    /// JUnit XML: a suite per input, a case per rule that found something,
    /// failed at or above the gate.
    Junit,
    /// GitLab's Code Quality report (`artifacts:reports:codequality`).
    GitlabCodequality,
    /// GitLab's security report, SAST schema 15.0.0
    /// (`artifacts:reports:sast`).
    GitlabSast,
}

/// `--report FORMAT=PATH`.
fn parse_report(value: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = value
        .split_once('=')
        .ok_or_else(|| format!("`{value}` is not FORMAT=PATH (e.g. `sarif=drydock.sarif`)"))?;
    let format = Format::from_str(format, true).map_err(|_| {
        let known: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        format!("unknown format `{format}`; one of {}", known.join(", "))
    })?;
    if path.is_empty() {
        return Err(format!("`{value}` names no file"));
    }
    Ok((format, PathBuf::from(path)))
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format (`human` or `json`).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Where `scan` reads the images its services run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// By reference: from the engine, the registry, or both (the engine
    /// first).
    References {
        engine: bool,
        registry: bool,
    },
    Dir(PathBuf),
    None,
}

impl std::str::FromStr for ImageSource {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(match text {
            "engine" => ImageSource::References {
                engine: true,
                registry: false,
            },
            "registry" => ImageSource::References {
                engine: false,
                registry: true,
            },
            "engine,registry" | "registry,engine" => ImageSource::References {
                engine: true,
                registry: true,
            },
            "none" => ImageSource::None,
            dir => ImageSource::Dir(PathBuf::from(dir)),
        })
    }
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub action: PolicyAction,
}

#[derive(Debug, Subcommand)]
pub enum PolicyAction {
    /// Validate a policy file (exit 0 when valid, 2 with every error).
    Check {
        /// The policy file, e.g. `.drydock.yaml`.
        file: PathBuf,
    },
}
