//! The finding model shared by every scanner, the policy step and the
//! reporters: [`Severity`], [`Finding`], [`Place`] (a [`Location`] in a
//! configuration file or an [`ImageLocation`] in an image) and [`Subject`].
//!
//! Locations are resolved here, in one place: a rule hands over the YAML node
//! it is about and the key route it followed, and [`Location::of`] turns that
//! into a path, a line, a column and the byte span to highlight (plus the
//! alias or merge-key site when the value was written elsewhere). Image rules hand over the image, the
//! layer and the path, and [`ImageLocation`] carries them as they are.

use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::yaml::{Node, Pos, Span};

/// A rule's id as a finding carries it: borrowed for a built-in rule,
/// owned for one a policy declares.
pub type RuleId = std::borrow::Cow<'static, str>;

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a configuration file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// Relative to the scan root, `/`-separated.
    pub path: String,
    /// 1-based.
    pub line: u32,
    /// 1-based, in Unicode code points.
    pub column: u32,
    /// The key route, e.g. `services.web.security_opt[1]`.
    pub route: String,
    /// Why this place is named (for related locations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The bytes of the file the rule pointed at (a key, a scalar with its
    /// quotes, a collection), which the human report highlights. `None`
    /// for a place no parser read (the report then highlights to the end
    /// of the line). Not part of the JSON or SARIF output.
    #[serde(skip)]
    pub span: Option<Span>,
    /// The bytes of a credential's value written at this place: the human
    /// report's snippet shows only its first characters (see
    /// `report::human`). Not part of the JSON or SARIF output, which show
    /// no file text.
    #[serde(skip)]
    pub hidden: Option<Span>,
}

impl Location {
    /// The location of a node (the place its value was written).
    pub fn of(node: &Node, route: impl Into<String>) -> Location {
        Location::at(&node.pos, route)
    }

    pub fn at(pos: &Pos, route: impl Into<String>) -> Location {
        Location {
            path: pos.file.display.clone(),
            line: pos.line,
            column: pos.column,
            route: route.into(),
            note: None,
            span: Some(pos.span),
            hidden: None,
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Location {
        self.note = Some(note.into());
        self
    }
}

/// A layer of an image, as findings name it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct LayerRef {
    /// 0-based, bottom layer first.
    pub index: usize,
    /// `sha256:…` of the uncompressed layer.
    pub diff_id: String,
    /// The history step that made the layer (`RUN apt-get install …`).
    pub created_by: String,
}

/// A place in an image.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ImageLocation {
    /// How the image is named: its reference, or the input it came from.
    pub image: String,
    /// The image id (`sha256:` of its config).
    pub digest: String,
    /// The file the image was read from, relative to the scan root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<LayerRef>,
    /// Absolute path inside the image (`/usr/bin/nc`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based line inside the file at `path` (where a credential starts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ImageLocation {
    pub fn with_line(mut self, line: u32) -> ImageLocation {
        self.line = Some(line);
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> ImageLocation {
        self.note = Some(note.into());
        self
    }
}

/// Where a finding is: a line of a configuration file, or a path and layer
/// of an image.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    Config(Location),
    Image(ImageLocation),
}

impl Place {
    /// A copy of the place with a note saying what it is.
    pub fn noted(&self, note: &str) -> Place {
        match self {
            Place::Config(l) => Place::Config(l.clone().with_note(note)),
            Place::Image(l) => Place::Image(l.clone().with_note(note)),
        }
    }

    pub fn note(&self) -> Option<&str> {
        match self {
            Place::Config(l) => l.note.as_deref(),
            Place::Image(l) => l.note.as_deref(),
        }
    }
}

/// What a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Subject {
    /// A service of a Compose project.
    ComposeService { project: String, service: String },
    /// A Compose project as a whole (top-level keys).
    ComposeProject { project: String },
    /// A container image.
    Image { image: String, digest: String },
    /// A Kubernetes workload (Pod, Deployment, CronJob…).
    K8sWorkload {
        #[serde(rename = "object_kind")]
        kind: String,
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        namespace: Option<String>,
    },
    /// A file as a whole (an ignore comment in it).
    File { path: String },
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::ComposeService { service, .. } => write!(f, "service `{service}`"),
            Subject::ComposeProject { project } => write!(f, "project `{project}`"),
            Subject::Image { image, .. } => write!(f, "image `{image}`"),
            Subject::K8sWorkload { kind, name, .. } => write!(f, "{kind} `{name}`"),
            Subject::File { path } => write!(f, "file `{path}`"),
        }
    }
}

/// One problem found by one rule.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub message: String,
    pub subject: Subject,
    pub location: Place,
    pub related: Vec<Place>,
    /// A one-line hint at the fix.
    pub fix: Option<String>,
    /// What the fingerprint tells apart beyond the place and the message:
    /// the digest of a credential's value, so a rotated secret is a new
    /// finding and the same one in the next build is not. Never shown.
    pub identity: Option<String>,
}

impl Finding {
    /// A finding about `node`. If the value reached its place through an
    /// alias or a `<<` merge key, that site becomes a related location.
    pub fn new(
        rule: impl Into<RuleId>,
        severity: Severity,
        subject: Subject,
        node: &Node,
        route: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        let route = route.into();
        let mut related = Vec::new();
        if let Some(via) = &node.via {
            related.push(Place::Config(
                Location::at(via, route.clone()).with_note("merged in here"),
            ));
        }
        Finding {
            rule: rule.into(),
            severity,
            message: message.into(),
            subject,
            location: Place::Config(Location::of(node, route)),
            related,
            fix: None,
            identity: None,
        }
    }

    /// A finding about a place in an image.
    pub fn in_image(
        rule: impl Into<RuleId>,
        severity: Severity,
        location: ImageLocation,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule: rule.into(),
            severity,
            message: message.into(),
            subject: Subject::Image {
                image: location.image.clone(),
                digest: location.digest.clone(),
            },
            location: Place::Image(location),
            related: Vec::new(),
            fix: None,
            identity: None,
        }
    }

    pub fn fix(mut self, hint: impl Into<String>) -> Finding {
        self.fix = Some(hint.into());
        self
    }

    /// A credential's value is written at `span` of the finding's file:
    /// the human report does not show it (see [`Location::hidden`]).
    pub fn hiding(mut self, span: Span) -> Finding {
        if let Place::Config(location) = &mut self.location {
            location.hidden = Some(span);
        }
        self
    }

    pub fn identified_by(mut self, identity: impl Into<String>) -> Finding {
        self.identity = Some(identity.into());
        self
    }

    pub fn related(mut self, location: Place) -> Finding {
        self.related.push(location);
        self
    }

    /// A fingerprint that does not depend on line numbers, for baselines
    /// and SARIF: rule, file, subject, key route and message.
    pub fn fingerprint(&self) -> String {
        let f = self;
        let mut hash = Sha256::new();
        let (kind, owner, member) = match &f.subject {
            Subject::ComposeService { project, service } => {
                ("compose-service", project.as_str(), service.as_str())
            }
            Subject::ComposeProject { project } => ("compose-project", project.as_str(), ""),
            Subject::Image { image, .. } => ("image", image.as_str(), ""),
            Subject::K8sWorkload { kind, name, .. } => (kind.as_str(), name.as_str(), ""),
            Subject::File { path } => ("file", path.as_str(), ""),
        };
        // Lines and layers move when files and images are rebuilt; the file,
        // key route or path inside the image do not.
        let (file, route) = match &f.location {
            Place::Config(l) => (l.path.as_str(), l.route.as_str()),
            Place::Image(l) => ("", l.path.as_deref().unwrap_or("")),
        };
        for part in [&f.rule, file, kind, owner, member, route, &f.message] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        // Hashed only when there is one: the fingerprints of every other
        // finding stay what baselines already hold.
        if let Some(identity) = &f.identity {
            hash.update(identity.as_bytes());
            hash.update([0]);
        }
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let digest = hash.finalize();
        let mut text = String::with_capacity(32);
        for byte in &digest[..16] {
            text.push(HEX[usize::from(byte >> 4)] as char);
            text.push(HEX[usize::from(byte & 15)] as char);
        }
        text
    }

    /// The order reports list findings in: configuration files by file,
    /// line and column; images by image, layer and path; then rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str, &str) {
        match &self.location {
            Place::Config(l) => (&l.path, l.line, l.column, "", &self.rule, &self.message),
            Place::Image(l) => (
                &l.image,
                l.layer.as_ref().map_or(0, |r| r.index as u32 + 1),
                0,
                l.path.as_deref().unwrap_or(""),
                &self.rule,
                &self.message,
            ),
        }
    }
}

/// Report order: by place, then rule; ties broken by subject so the
/// order never depends on thread timing.
pub fn sort_in_report_order(findings: &mut [Finding]) {
    use rayon::prelude::*;
    findings.par_sort_unstable_by(report_order);
}

/// The order of findings in a report ([`Finding::sort_key`], then subject).
pub fn report_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    a.sort_key()
        .cmp(&b.sort_key())
        .then_with(|| a.subject.cmp(&b.subject))
}
