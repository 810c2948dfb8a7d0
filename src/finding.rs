//! The finding model shared by every scanner, the policy step and the
//! reporters: [`Severity`], [`Finding`], [`Location`] and [`Subject`].
//!
//! Locations are resolved here, in one place: a rule hands over the YAML node
//! it is about and the key route it followed, and [`Location::of`] turns that
//! into a path, a line and a column (plus the alias or merge-key site when
//! the value was written elsewhere).

use std::fmt;

use serde::Serialize;

use crate::yaml::{Node, Pos};

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
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Location {
        self.note = Some(note.into());
        self
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
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::ComposeService { service, .. } => write!(f, "service `{service}`"),
            Subject::ComposeProject { project } => write!(f, "project `{project}`"),
        }
    }
}

/// One problem found by one rule.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub subject: Subject,
    pub location: Location,
    pub related: Vec<Location>,
    /// A one-line hint at the fix.
    pub fix: Option<String>,
}

impl Finding {
    /// A finding about `node`. If the value reached its place through an
    /// alias or a `<<` merge key, that site becomes a related location.
    pub fn new(
        rule: &'static str,
        severity: Severity,
        subject: Subject,
        node: &Node,
        route: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        let route = route.into();
        let mut related = Vec::new();
        if let Some(via) = &node.via {
            related.push(Location::at(via, route.clone()).with_note("merged in here"));
        }
        Finding {
            rule,
            severity,
            message: message.into(),
            subject,
            location: Location::of(node, route),
            related,
            fix: None,
        }
    }

    pub fn fix(mut self, hint: impl Into<String>) -> Finding {
        self.fix = Some(hint.into());
        self
    }

    pub fn related(mut self, location: Location) -> Finding {
        self.related.push(location);
        self
    }

    /// The order reports list findings in: by file, line, column, rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (
            &self.location.path,
            self.location.line,
            self.location.column,
            self.rule,
            &self.message,
        )
    }
}
