//! Policy rule settings and exceptions, applied to the findings of a run:
//! a rule turned `off` drops its findings, a severity replaces theirs, and
//! an exception (rule + where + reason, optionally an expiry date) drops
//! the findings it matches until it expires. An expired exception no
//! longer applies and is reported as a warning with its line.

use std::collections::HashMap;

use crate::finding::{Finding, Place, Severity, Subject};

use super::verdict::Verdict;

/// A calendar date, `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        let y = date.year;
        let leap = y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400));
        let days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        let valid = (1..=12).contains(&date.month)
            && date.day >= 1
            && date.day <= days[date.month as usize - 1];
        valid.then_some(date)
    }

    /// Today in UTC, or `DRYDOCK_TODAY` (`YYYY-MM-DD`) when set: runs can
    /// be reproduced, and tests never read the clock.
    pub fn today() -> Date {
        if let Some(date) = std::env::var("DRYDOCK_TODAY")
            .ok()
            .and_then(|t| Date::parse(&t))
        {
            return date;
        }
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::of_unix(seconds)
    }

    /// The UTC date of a Unix time (seconds).
    pub fn of_unix(seconds: u64) -> Date {
        Date::from_days((seconds / 86_400) as i64)
    }

    /// The civil date of a day count since 1970-01-01 (Howard Hinnant's
    /// algorithm).
    fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: year as u32,
            month: month as u32,
            day: day as u32,
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A policy's setting for one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSetting {
    pub rule: String,
    /// `None`: off.
    pub severity: Option<Severity>,
}

/// An accepted finding, or group of findings.
#[derive(Clone, Debug)]
pub struct Exception {
    pub rule: String,
    /// Glob over the file path (scan-relative).
    pub path: Option<globset::GlobMatcher>,
    pub service: Option<String>,
    pub namespace: Option<String>,
    pub workload: Option<String>,
    /// Image reference or digest.
    pub image: Option<String>,
    /// Glob over the path inside the image.
    pub image_path: Option<globset::GlobMatcher>,
    pub reason: String,
    pub expires: Option<Date>,
    /// Where the exception is written, and its key route.
    pub at: crate::yaml::Pos,
    pub route: String,
}

impl Exception {
    /// Whether the exception covers a finding. `prefix` is the scan root
    /// relative to the policy file's directory (`deploy/app/`), so that
    /// `path` globs are written from where the policy lives.
    /// `digests` gives, for an image id, the other digests of that image.
    pub fn matches(
        &self,
        f: &Finding,
        prefix: &str,
        digests: &HashMap<String, Vec<String>>,
    ) -> bool {
        if f.rule != self.rule {
            return false;
        }
        let (file, inside) = match &f.location {
            Place::Config(l) => (Some(l.path.as_str()), None),
            Place::Image(l) => (l.artifact.as_deref(), l.path.as_deref()),
        };
        let file = file.map(|f| format!("{prefix}{f}"));
        let glob = |g: &Option<globset::GlobMatcher>, text: Option<&str>| {
            g.as_ref()
                .is_none_or(|g| text.is_some_and(|t| g.is_match(t.trim_start_matches('/'))))
        };
        if !glob(&self.path, file.as_deref()) || !glob(&self.image_path, inside) {
            return false;
        }
        let equal = |want: &Option<String>, have: Option<&str>| {
            want.as_deref().is_none_or(|w| have == Some(w))
        };
        let (service, namespace, workload, image, digest) = match &f.subject {
            Subject::ComposeService { service, .. } => {
                (Some(service.as_str()), None, None, None, None)
            }
            Subject::K8sWorkload {
                name, namespace, ..
            } => (None, namespace.as_deref(), Some(name.as_str()), None, None),
            Subject::Image { image, digest } => (
                None,
                None,
                None,
                Some(image.as_str()),
                Some(digest.as_str()),
            ),
            _ => (None, None, None, None, None),
        };
        // A reference pinned `@sha256:` (or a bare digest) names the image
        // by any of its digests; otherwise by name.
        let image_matches = self.image.as_deref().is_none_or(|want| {
            let by_digest = |pinned: &str| {
                digest.is_some_and(|d| {
                    d == pinned
                        || digests
                            .get(d)
                            .is_some_and(|all| all.iter().any(|a| a == pinned))
                })
            };
            match crate::hazards::image_ref::pinned_digest(want) {
                Some(pinned) => by_digest(pinned),
                None => image.is_some_and(|i| {
                    crate::hazards::image_ref::normalise(i)
                        == crate::hazards::image_ref::normalise(want)
                }),
            }
        });
        equal(&self.service, service)
            && equal(&self.namespace, namespace)
            && equal(&self.workload, workload)
            && image_matches
    }
}

/// The `expired-exception` finding of an exception past its date.
fn expired_finding(e: &Exception) -> Finding {
    use super::rules::expired_exception::META;
    Finding {
        rule: META.id.into(),
        severity: META.severity,
        message: format!(
            "the exception for `{}` expired on {} and no longer applies ({})",
            e.rule,
            e.expires.map(|d| d.to_string()).unwrap_or_default(),
            e.reason
        ),
        subject: Subject::File {
            path: e.at.file.display.clone(),
        },
        location: Place::Config(crate::finding::Location::at(&e.at, e.route.clone())),
        related: Vec::new(),
        fix: Some(
            "review the finding again: fix it, or renew the exception with a new reason and date"
                .into(),
        ),
        identity: None,
    }
}

/// Applies a policy's rule settings and exceptions to the report of a
/// scan of `root`; `base` is the policy file's directory, which exception
/// paths are relative to. An expired exception becomes an
/// `expired-exception` finding.
pub fn apply(
    settings: &[RuleSetting],
    exceptions: &[Exception],
    base: Option<&std::path::Path>,
    today: Date,
    root: &std::path::Path,
    image_digests: &HashMap<String, Vec<String>>,
    report: &mut Verdict,
) {
    if settings.is_empty() && exceptions.is_empty() {
        return;
    }
    let (live, expired): (Vec<&Exception>, Vec<&Exception>) = exceptions
        .iter()
        .partition(|e| e.expires.is_none_or(|d| today <= d));
    for e in &expired {
        report.findings.push(expired_finding(e));
        let file = &e.at.file;
        report
            .coverage
            .sources
            .entry(file.display.clone())
            .or_insert_with(|| file.clone());
    }
    let before = report.findings.len();
    report.findings.retain_mut(|f| {
        if let Some(setting) = settings.iter().rev().find(|s| s.rule == f.rule) {
            match setting.severity {
                None => return false,
                Some(severity) => f.severity = severity,
            }
        }
        true
    });
    let turned_off = before - report.findings.len();
    let prefix = base
        .and_then(|base| {
            let root = root.canonicalize().ok()?;
            let rel = root
                .strip_prefix(base)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            Some(if rel.is_empty() {
                rel
            } else {
                format!("{rel}/")
            })
        })
        .unwrap_or_default();
    let before = report.findings.len();
    report
        .findings
        .retain(|f| !live.iter().any(|e| e.matches(f, &prefix, image_digests)));
    report.excepted += before - report.findings.len();
    report.turned_off += turned_off;
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn dates_parse_strictly_and_the_clock_converts() {
        assert_eq!(Date::parse("2026-02-28").map(|d| d.day), Some(28));
        assert!(Date::parse("2026-02-29").is_none());
        assert!(Date::parse("2028-02-29").is_some());
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("26-01-01").is_none());
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_784).to_string(), "2026-11-27");
        assert_eq!(Date::from_days(11_016).to_string(), "2000-02-29");
    }
}
