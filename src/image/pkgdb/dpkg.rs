//! dpkg: `var/lib/dpkg/status` (installed packages, conffiles),
//! `info/<pkg>[:arch].md5sums` and `.list`, `alternatives/*`, `diversions`,
//! and distroless images' `status.d/<pkg>` and `status.d/<pkg>.md5sums`.

use super::packages::{Kind, Owned, Packages, Recorded, data};
use crate::image::tree::Tree;

fn parse_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != N * 2 {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The installed packages of a `status` file, with their conffiles.
fn installed(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    for stanza in text.split("\n\n") {
        let mut name = None;
        let mut installed = false;
        let mut conffiles = Vec::new();
        let mut in_conffiles = false;
        for line in stanza.lines() {
            if let Some(rest) = line.strip_prefix(' ') {
                if in_conffiles {
                    let mut parts = rest.split_whitespace();
                    if let (Some(path), Some(md5)) = (parts.next(), parts.next())
                        && parts.next() != Some("obsolete")
                    {
                        conffiles.push((path.to_string(), md5.to_string()));
                    }
                }
                continue;
            }
            in_conffiles = false;
            if let Some(v) = line.strip_prefix("Package:") {
                name = Some(v.trim().to_string());
            } else if let Some(v) = line.strip_prefix("Status:") {
                installed = v.trim().ends_with(" installed");
            } else if line.starts_with("Conffiles:") {
                in_conffiles = true;
            }
        }
        // Distroless `status.d` stanzas often carry no Status line.
        let no_status = !stanza.contains("\nStatus:") && !stanza.starts_with("Status:");
        if let Some(name) = name
            && (installed || no_status)
        {
            out.push((name, conffiles));
        }
    }
    out
}

fn md5sums(
    tree: &Tree,
    packages: &mut Packages,
    diversions: &[(String, String, String)],
    package: &str,
    text: &str,
) {
    for line in text.lines() {
        let Some((digest, path)) = line.split_once("  ") else {
            continue;
        };
        let Some(md5) = parse_hex::<16>(digest.trim()) else {
            continue;
        };
        packages.own(
            tree,
            diverted(diversions, package, path),
            Owned {
                package: package.to_string(),
                digest: Recorded::Md5(md5),
                conffile: false,
                symlink: false,
            },
        );
    }
}

pub(super) fn read(tree: &Tree, packages: &mut Packages) {
    let status = data(tree, "var/lib/dpkg/status");
    let status_d: Vec<(String, &[u8])> = tree
        .under("var/lib/dpkg/status.d/")
        .filter_map(|(p, n)| Some((p.to_string(), n.entry.content.as_ref()?.data()?)))
        .collect();
    if status.is_none() && status_d.is_empty() {
        return;
    }
    packages.kinds.push(Kind::Dpkg);
    let diversions = diversions(tree);
    let mut names: Vec<String> = Vec::new();
    let mut conffiles: Vec<(String, String, String)> = Vec::new();
    if let Some(status) = status {
        for (name, files) in installed(&String::from_utf8_lossy(status)) {
            conffiles.extend(files.into_iter().map(|(p, m)| (name.clone(), p, m)));
            names.push(name);
        }
    }
    // `.list` files: ownership of every path, digests or not.
    let info: Vec<(String, &[u8])> = tree
        .under("var/lib/dpkg/info/")
        .filter_map(|(p, n)| Some((p.to_string(), n.entry.content.as_ref()?.data()?)))
        .collect();
    for (path, bytes) in &info {
        let file = &path["var/lib/dpkg/info/".len()..];
        if let Some(stem) = file.strip_suffix(".list") {
            let package = stem.split(':').next().unwrap_or(stem);
            for listed in String::from_utf8_lossy(bytes).lines() {
                if listed.is_empty() || listed == "/." {
                    continue;
                }
                packages.own(
                    tree,
                    diverted(&diversions, package, listed),
                    Owned {
                        package: package.to_string(),
                        digest: Recorded::None,
                        conffile: false,
                        symlink: false,
                    },
                );
            }
        }
    }
    for (path, bytes) in &info {
        let file = &path["var/lib/dpkg/info/".len()..];
        if let Some(stem) = file.strip_suffix(".md5sums") {
            let package = stem.split(':').next().unwrap_or(stem);
            md5sums(
                tree,
                packages,
                &diversions,
                package,
                &String::from_utf8_lossy(bytes),
            );
        }
    }
    for (path, bytes) in &status_d {
        let file = &path["var/lib/dpkg/status.d/".len()..];
        match file.strip_suffix(".md5sums") {
            Some(package) => md5sums(
                tree,
                packages,
                &diversions,
                package,
                &String::from_utf8_lossy(bytes),
            ),
            None => {
                for (name, files) in installed(&String::from_utf8_lossy(bytes)) {
                    conffiles.extend(files.into_iter().map(|(p, m)| (name.clone(), p, m)));
                }
            }
        }
    }
    for (package, path, md5) in conffiles {
        let digest = parse_hex::<16>(&md5).map_or(Recorded::None, Recorded::Md5);
        packages.own(
            tree,
            &path,
            Owned {
                package,
                digest,
                conffile: true,
                symlink: false,
            },
        );
    }
    alternatives(tree, packages);
}

/// `diversions`: records of three lines (path, diverted-to, package).
/// Another package's file at a diverted path now lives at the diverted-to
/// path; the diverting package's own file stays at the path.
fn diversions(tree: &Tree) -> Vec<(String, String, String)> {
    let Some(bytes) = data(tree, "var/lib/dpkg/diversions") else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines
        .chunks(3)
        .filter_map(|record| match record {
            [from, to, by] => Some((from.to_string(), to.to_string(), by.to_string())),
            _ => None,
        })
        .collect()
}

/// Where `package`'s file `path` is, after diversions.
fn diverted<'a>(
    diversions: &'a [(String, String, String)],
    package: &str,
    path: &'a str,
) -> &'a str {
    let slashed = |p: &str| p.trim_start_matches('/').to_string();
    diversions
        .iter()
        .find(|(from, _, by)| slashed(from) == slashed(path) && by != package)
        .map_or(path, |(_, to, _)| to.as_str())
}

/// `alternatives/<name>`: the managed link is on the second line.
fn alternatives(tree: &Tree, packages: &mut Packages) {
    let files: Vec<&[u8]> = tree
        .under("var/lib/dpkg/alternatives/")
        .filter_map(|(_, n)| n.entry.content.as_ref()?.data())
        .collect();
    for bytes in files {
        let text = String::from_utf8_lossy(bytes);
        let mut lines = text.lines();
        let _mode = lines.next();
        if let Some(link) = lines.next() {
            let path = link.trim_start_matches('/');
            let canonical = tree
                .canonical(path, false)
                .unwrap_or_else(|| path.to_string());
            packages.alternatives.push(canonical);
        }
        // Slave links: pairs of (name, path) until a blank line.
        let mut slaves = Vec::new();
        for line in lines.by_ref() {
            if line.is_empty() {
                break;
            }
            slaves.push(line);
        }
        for pair in slaves.chunks(2) {
            if let [_, path] = pair {
                let path = path.trim_start_matches('/');
                packages.alternatives.push(
                    tree.canonical(path, false)
                        .unwrap_or_else(|| path.to_string()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_installed_packages_and_conffiles() {
        let status = "Package: base-files\nStatus: install ok installed\nConffiles:\n /etc/issue 0123456789abcdef0123456789abcdef\n /etc/old 0123456789abcdef0123456789abcdef obsolete\n\nPackage: gone\nStatus: deinstall ok config-files\n";
        let got = installed(status);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "base-files");
        assert_eq!(got[0].1.len(), 1);
    }
}
