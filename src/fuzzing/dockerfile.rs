//! The Dockerfile target.

use std::collections::HashMap;
use std::path::Path;

use super::harness::judge;
use crate::params::Params;
use crate::scan::Scanned;

/// `dockerfile`: the bytes, if UTF-8, as a file named `Dockerfile`,
/// audited as `drydock dockerfile` audits it (parsed, the runtime
/// stage's predicted image checked by every rule), once for the last
/// stage and once for a stage named `builder` (`--target builder`),
/// each judged and reported. It is read from memory, not from a file:
/// the reader only adds the UTF-8 check done here.
pub fn dockerfile(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = crate::yaml::source_from_text("Dockerfile", text);
    let Ok(parsed) = crate::dockerfile::parse(source.clone()) else {
        return;
    };
    let params = Params::default();
    for target in [None, Some("builder")] {
        let mut scanned = Scanned {
            findings: crate::dockerfile::rules::check(&parsed, target, &HashMap::new(), &params),
            ..Scanned::default()
        };
        scanned
            .coverage
            .sources
            .insert(source.display.clone(), source.clone());
        judge(scanned, None, Path::new("."));
    }
}
