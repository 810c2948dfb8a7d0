//! Baselines: the fingerprints of accepted findings, so a gate can fail on
//! new findings only. A fingerprint does not depend on line numbers or
//! layers (rule, file, subject, key route or path inside the image, and the
//! message), so moving lines keeps a finding baselined.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;

/// Version of the baseline file format.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    /// For a reader of the file; only the fingerprint is compared.
    rule: String,
    message: String,
}

/// Writes the fingerprints of `findings` to `path`.
pub fn write(path: &Path, findings: &[Finding]) -> Result<(), String> {
    let mut entries: Vec<Entry> = findings
        .iter()
        .map(|f| Entry {
            fingerprint: f.fingerprint(),
            rule: f.rule.to_string(),
            message: f.message.clone(),
        })
        .collect();
    entries.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
    entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    let text = serde_json::to_string_pretty(&File {
        version: VERSION,
        findings: entries,
    })
    .map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n")
        .map_err(|e| format!("{}: cannot write the baseline: {e}", path.display()))
}

/// Reads the fingerprints of a baseline file.
pub fn read(path: &Path) -> Result<HashSet<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the baseline: {e}", path.display()))?;
    let file: File = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a drydock baseline: {e}", path.display()))?;
    if file.version != VERSION {
        return Err(format!(
            "{}: baseline version {} is not supported (this drydock writes {VERSION})",
            path.display(),
            file.version
        ));
    }
    Ok(file.findings.into_iter().map(|e| e.fingerprint).collect())
}
