//! Platforms: the host's in OCI's words, `--platform`'s `os/arch[/variant]`,
//! and the choice of one image from a multi-platform index.

use crate::image::oci::{self, Platform};

/// The platform drydock runs on, in OCI's words.
pub fn host_platform() -> Platform {
    let architecture = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        other => other,
    };
    Platform {
        architecture: architecture.into(),
        os: "linux".into(),
        variant: (architecture == "arm64").then(|| "v8".into()),
    }
}

/// Parses `os/arch[/variant]`.
pub fn parse_platform(text: &str) -> Result<Platform, String> {
    let parts: Vec<&str> = text.split('/').collect();
    match parts.as_slice() {
        [os, arch] => Ok(Platform {
            os: os.to_string(),
            architecture: arch.to_string(),
            variant: None,
        }),
        [os, arch, variant] => Ok(Platform {
            os: os.to_string(),
            architecture: arch.to_string(),
            variant: Some(variant.to_string()),
        }),
        _ => Err(format!("`{text}` is not a platform (os/arch[/variant])")),
    }
}

/// Whether an image of platform `have` serves `want` (`explicit`: asked
/// for with `--platform`).
pub(super) fn matches(want: &Platform, have: &Platform, explicit: bool) -> bool {
    let variant_ok = match (&want.variant, &have.variant) {
        (Some(a), Some(b)) => a == b,
        // The host's default variant does not exclude images without one.
        (Some(_), None) => !explicit || want.architecture != "arm",
        _ => true,
    };
    want.os == have.os && want.architecture == have.architecture && variant_ok
}

/// The descriptor of an index that is the image for `want` (`explicit`:
/// asked for with `--platform`, so a variant must match); an error naming
/// the platforms the index has when none is.
pub fn choose_platform<'a>(
    descriptors: &'a [oci::Descriptor],
    want: &Platform,
    explicit: bool,
) -> Result<&'a oci::Descriptor, String> {
    // Attestations and other artifacts are not images.
    let images: Vec<&oci::Descriptor> = descriptors
        .iter()
        .filter(|d| {
            d.annotations
                .get("vnd.docker.reference.type")
                .map(String::as_str)
                != Some("attestation-manifest")
        })
        .collect();
    match images.as_slice() {
        [] => Err("the index lists no image".into()),
        [only] if only.platform.is_none() => Ok(only),
        _ => {
            if let Some(found) = images.iter().find(|d| {
                d.platform
                    .as_ref()
                    .is_some_and(|p| matches(want, p, explicit))
            }) {
                return Ok(found);
            }
            if let Some(untagged) = images.iter().find(|d| d.platform.is_none()) {
                return Ok(untagged);
            }
            let available: Vec<String> = images
                .iter()
                .filter_map(|d| d.platform.as_ref().map(ToString::to_string))
                .collect();
            Err(format!(
                "no image for platform {want}; the index has {} (choose one with --platform)",
                available.join(", ")
            ))
        }
    }
}
