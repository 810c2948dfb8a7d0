//! SARIF 2.1.0 for code-scanning platforms: rules with their help text,
//! results with 1-based regions and URIs relative to the scan root
//! (`%SRCROOT%`), `level` from the severity and the severity itself as
//! `properties.security-severity`, the scale code-scanning platforms read.
//! Like the JSON report, the document streams from borrowed structs.

use std::io::{self, Write};

use serde::Serialize;

use crate::finding::{Finding, ImageLocation, Location, Place, Severity};
use crate::policy::Verdict;
use crate::rule::{Registry, RuleInfo};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub reads > 9.0 as critical, 7.0–8.9 high, 4.0–6.9 medium, below low.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Sarif<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: ToolWrap<'a>,
    column_kind: &'static str,
    original_uri_base_ids: serde_json::Value,
    invocations: [Invocation<'a>; 1],
}

#[derive(Serialize)]
struct ToolWrap<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<SarifRule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text<'a>,
    full_description: Text<'a>,
    help: Help<'a>,
    default_configuration: Level,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Help<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    tags: [&'a str; 2],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: OwnedText,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<PhysicalWrap<'a>>,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: Option<usize>,
    level: &'static str,
    message: OwnedText,
    locations: [ResultLocation<'a>; 1],
    related_locations: Vec<RelatedLocation<'a>>,
    partial_fingerprints: Fingerprints,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "drydock/v1")]
    v1: String,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    severity: Severity,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    /// For image findings: the image, layer and path, as in the JSON report.
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a ImageLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalWrap<'a> {
    physical_location: Physical<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<Physical<'a>>,
    logical_locations: [Logical; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation<'a> {
    id: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<Physical<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<Logical>,
    message: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Logical {
    fully_qualified_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical<'a> {
    artifact_location: Artifact<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact<'a> {
    uri: std::borrow::Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

impl<'a> Artifact<'a> {
    /// A path relative to the scan root, or an absolute one as a `file:`
    /// URI (SARIF wants absolute locations as URIs).
    fn of(path: &'a str) -> Artifact<'a> {
        if path.starts_with('/') {
            Artifact {
                uri: format!("file://{path}").into(),
                uri_base_id: None,
            }
        } else {
            Artifact {
                uri: path.into(),
                uri_base_id: Some("%SRCROOT%"),
            }
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    #[serde(skip_serializing_if = "Option::is_none")]
    start_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
}

fn physical(l: &Location) -> Physical<'_> {
    Physical {
        artifact_location: Artifact::of(&l.path),
        region: Some(Region {
            start_line: Some(l.line),
            start_column: Some(l.column),
        }),
    }
}

/// The physical and logical locations of a place. An image place is a
/// logical location (image, layer, path); its physical location is the
/// archive it was read from, when there is one.
fn locate(place: &Place) -> (Option<Physical<'_>>, Logical) {
    match place {
        Place::Config(l) => (
            Some(physical(l)),
            Logical {
                fully_qualified_name: l.route.clone(),
                name: None,
                kind: "member",
            },
        ),
        Place::Image(l) => {
            let mut name = format!("{}@{}", l.image, l.digest);
            if let Some(layer) = &l.layer {
                name.push_str(&format!("/layers/{}", layer.index));
            }
            if let Some(path) = &l.path {
                name.push_str(path);
            }
            let physical = l.artifact.as_deref().map(|uri| Physical {
                artifact_location: Artifact::of(uri),
                region: None,
            });
            (
                physical,
                Logical {
                    fully_qualified_name: name,
                    name: l.path.clone(),
                    kind: "module",
                },
            )
        }
    }
}

fn rule_object(r: &RuleInfo) -> SarifRule<'_> {
    SarifRule {
        id: &r.id,
        name: &r.id,
        short_description: Text { text: &r.title },
        full_description: Text { text: &r.title },
        help: Help {
            text: &r.docs,
            markdown: &r.docs,
        },
        default_configuration: Level {
            level: level(r.severity),
        },
        properties: RuleProperties {
            security_severity: security_severity(r.severity),
            tags: ["security", r.scopes.first().map_or("", |s| s.as_str())],
        },
    }
}

fn result<'a>(f: &'a Finding, registry: &Registry) -> SarifResult<'a> {
    let mut message = f.message.clone();
    if let Some(fix) = &f.fix {
        message.push_str(&format!(" (fix: {fix})"));
    }
    SarifResult {
        rule_id: &f.rule,
        rule_index: registry.index_of(&f.rule),
        level: level(f.severity),
        message: OwnedText { text: message },
        locations: {
            let (physical_location, logical) = locate(&f.location);
            [ResultLocation {
                physical_location,
                logical_locations: [logical],
            }]
        },
        related_locations: f
            .related
            .iter()
            .enumerate()
            .map(|(i, place)| {
                let (physical_location, logical) = locate(place);
                RelatedLocation {
                    id: i + 1,
                    logical_locations: match place {
                        Place::Config(_) => Vec::new(),
                        Place::Image(_) => vec![logical],
                    },
                    physical_location,
                    message: Text {
                        text: place.note().unwrap_or(""),
                    },
                }
            })
            .collect(),
        partial_fingerprints: Fingerprints {
            v1: f.fingerprint(),
        },
        properties: ResultProperties {
            severity: f.severity,
            security_severity: security_severity(f.severity),
            image: match &f.location {
                Place::Image(l) => Some(l),
                Place::Config(_) => None,
            },
        },
    }
}

pub fn render(report: &Verdict, out: &mut dyn Write) -> io::Result<()> {
    let registry = &report.rules;
    // Inputs deliberately not audited are notes: the run still succeeded.
    let notifications = report
        .coverage
        .errors
        .iter()
        .map(|e| (e, "error"))
        .chain(report.coverage.not_audited.iter().map(|e| (e, "note")))
        .map(|(e, level)| Notification {
            level,
            message: OwnedText {
                text: e.to_string(),
            },
            locations: e
                .line
                .map(|line| PhysicalWrap {
                    physical_location: Physical {
                        artifact_location: Artifact::of(e.path()),
                        region: Some(Region {
                            start_line: Some(line),
                            start_column: e.column,
                        }),
                    },
                })
                .into_iter()
                .collect(),
        })
        .collect();
    let doc = Sarif {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: ToolWrap {
                driver: Driver {
                    name: "drydock",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: registry.all().iter().map(rule_object).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: serde_json::json!({
                "%SRCROOT%": {"description": {"text": "the scan root"}}
            }),
            invocations: [Invocation {
                execution_successful: report.coverage.errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
        }],
    };
    // The run's `results` are spliced in, serialised in parallel: the
    // document is written without its closing `}]}`, then the results.
    let head = serde_json::to_vec(&doc)?;
    let Some(open) = head.len().checked_sub(3) else {
        return Err(io::Error::other("unexpected SARIF shape"));
    };
    out.write_all(&head[..open])?;
    out.write_all(b",\"results\":")?;
    super::json_stream::write_json_array(&report.findings, |f| result(f, registry), out)?;
    out.write_all(b"}]}\n")
}
