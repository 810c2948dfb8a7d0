//! The registry target: what a registry's answers are read with, without
//! the network.

use super::harness::parts;
use crate::image::oci::{self, ImageConfig, Index, Manifest};
use crate::image::registry::Reference;
use crate::image::registry::client::Challenge;
use crate::image::source::{checked_diff_ids, choose_platform, host_platform, parse_platform};

/// `registry_responses`: five parts, read as a registry client reads
/// them: an image reference (which must print back to itself, parsed
/// again), a `WWW-Authenticate` header, a manifest or image index (told
/// apart as the client tells them), the image config, and a
/// `--platform` value choosing from the index.
pub fn registry_responses(data: &[u8]) {
    let [reference, challenge, document, config, platform] = parts(data, 5)[..] else {
        return;
    };
    if let Ok(reference) = Reference::parse(&String::from_utf8_lossy(reference)) {
        let printed = reference.to_string();
        let again = Reference::parse(&printed);
        assert_eq!(
            again.as_ref(),
            Ok(&reference),
            "`{printed}` does not read back"
        );
        let _ = (reference.api_host(), reference.credential_keys());
    }
    let challenge = Challenge::parse(&String::from_utf8_lossy(challenge));
    let _ = ["realm", "scope", "service"].map(|key| challenge.param(key));
    let explicit = parse_platform(&String::from_utf8_lossy(platform)).ok();
    let want = explicit.clone().unwrap_or_else(host_platform);
    let Ok(document) = serde_json::from_slice::<serde_json::Value>(document) else {
        return;
    };
    let media_type = document
        .get("mediaType")
        .and_then(|m| m.as_str())
        .unwrap_or_default();
    if oci::is_index(media_type) || (media_type.is_empty() && document.get("manifests").is_some()) {
        if let Ok(index) = serde_json::from_value::<Index>(document) {
            let _ = choose_platform(&index.manifests, &want, explicit.is_some());
        }
    } else if let (Ok(manifest), Ok(config)) = (
        serde_json::from_value::<Manifest>(document),
        serde_json::from_slice::<ImageConfig>(config),
    ) {
        let _ = checked_diff_ids(&config, manifest.layers.len(), "the manifest lists");
        let _ = crate::image::source::platform_mismatch(&config, &want, explicit.is_some());
    }
}
