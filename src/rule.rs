//! What a rule is, below every scanner: its metadata ([`RuleMeta`], written
//! once in each rule's file), its id as findings carry it ([`RuleId`]), and
//! the [`Registry`] a run builds from the built-in rules and the rules its
//! policy declares. The list of the built-in rules lives above the
//! scanners, in [`crate::rules`]; nothing here names a scanner.

use std::borrow::Cow;

pub use crate::finding::RuleId;
use crate::finding::Severity;

/// What a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Compose,
    Image,
    Kubernetes,
    Dockerfile,
    /// drydock's own inputs (ignore comments, policy files).
    Policy,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Compose => "compose",
            Scope::Image => "image",
            Scope::Kubernetes => "kubernetes",
            Scope::Dockerfile => "dockerfile",
            Scope::Policy => "policy",
        }
    }
}

/// A built-in rule's metadata and user documentation.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable, kebab-case, named after the hazard.
    pub id: &'static str,
    /// One line.
    pub title: &'static str,
    /// The highest severity the rule reports with by default (tiered rules
    /// report some findings lower).
    pub severity: Severity,
    pub scopes: &'static [Scope],
    /// Markdown with the headings of [`DOC_HEADINGS`].
    pub docs: &'static str,
}

impl RuleMeta {
    /// A rule's metadata, its title and scopes set by the calls that
    /// follow, so a rule file's header reads in three short lines:
    ///
    /// ```ignore
    /// static META: RuleMeta = RuleMeta::new("privileged", Severity::Critical, DOCS)
    ///     .title("Container runs privileged")
    ///     .scopes(&[Scope::Compose, Scope::Kubernetes]);
    /// ```
    pub const fn new(id: &'static str, severity: Severity, docs: &'static str) -> RuleMeta {
        RuleMeta {
            id,
            title: "",
            severity,
            scopes: &[],
            docs,
        }
    }

    pub const fn title(self, title: &'static str) -> RuleMeta {
        RuleMeta { title, ..self }
    }

    pub const fn scopes(self, scopes: &'static [Scope]) -> RuleMeta {
        RuleMeta { scopes, ..self }
    }
}

/// Every rule's documentation has these sections, in this order.
pub const DOC_HEADINGS: [&str; 5] = [
    "## What it checks",
    "## Why it matters",
    "## Example",
    "## Use instead",
    "## References",
];

/// A rule as a run knows it: built in (its metadata borrowed) or declared
/// by the run's policy (owned).
#[derive(Clone, Debug)]
pub struct RuleInfo {
    pub id: RuleId,
    pub title: Cow<'static, str>,
    pub severity: Severity,
    pub scopes: Cow<'static, [Scope]>,
    pub docs: Cow<'static, str>,
}

impl From<&'static RuleMeta> for RuleInfo {
    fn from(meta: &'static RuleMeta) -> RuleInfo {
        RuleInfo {
            id: Cow::Borrowed(meta.id),
            title: Cow::Borrowed(meta.title),
            severity: meta.severity,
            scopes: Cow::Borrowed(meta.scopes),
            docs: Cow::Borrowed(meta.docs),
        }
    }
}

/// The rules one run knows, sorted by id: built once per run and handed to
/// whoever checks a rule id (policy settings, ignore comments) or lists the
/// rules (`drydock rules`, SARIF). Two runs in one process each have their
/// own.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    rules: Vec<RuleInfo>,
}

impl Registry {
    pub fn new(rules: impl IntoIterator<Item = RuleInfo>) -> Registry {
        let mut rules: Vec<RuleInfo> = rules.into_iter().collect();
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        rules.dedup_by(|a, b| a.id == b.id);
        Registry { rules }
    }

    /// Adds a rule the policy declares; a known id keeps its first rule
    /// (the policy's parser has already refused a clash with a built-in).
    pub fn declare(&mut self, rule: RuleInfo) {
        if let Err(at) = self.rules.binary_search_by(|r| r.id.as_ref().cmp(&rule.id)) {
            self.rules.insert(at, rule);
        }
    }

    /// Every rule, sorted by id.
    pub fn all(&self) -> &[RuleInfo] {
        &self.rules
    }

    pub fn find(&self, id: &str) -> Option<&RuleInfo> {
        self.index_of(id).map(|at| &self.rules[at])
    }

    /// Where a rule is in [`Registry::all`] (SARIF names rules by index).
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.rules.binary_search_by(|r| r.id.as_ref().cmp(id)).ok()
    }

    /// The closest rule id to a misspelled one, for "did you mean".
    pub fn suggest(&self, id: &str) -> Option<&str> {
        crate::suggest::closest(id, self.rules.iter().map(|r| r.id.as_ref()))
    }
}
