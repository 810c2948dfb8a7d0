//! Packages a shell command installs: `apt-get`/`apt`/`aptitude install`,
//! `apk add`, `dnf`/`yum`/`microdnf`/`tdnf install`, `zypper install`,
//! `pacman -S`, behind `sudo` or `env` too. Each package is the word as
//! written (for its position) and its bare name (`pkg=1.2`, `pkg/bookworm`
//! and `pkg-1.2-r0`'s version left as written but `=`/`/` suffixes cut).

use super::shell::Command;
use super::syntax::Word;

/// A package a command installs.
pub struct Installed<'a> {
    /// `apt-get`, `apk`, `dnf`…
    pub manager: String,
    /// How the install is written: `apt-get install`, `apk add`, `pacman -Sy`.
    pub how: String,
    /// The package's name, without a version or release suffix.
    pub name: String,
    pub word: &'a Word,
}

/// Options of the package managers that take a value as the next word.
const VALUE_OPTIONS: [&str; 12] = [
    "-o",
    "-t",
    "--virtual",
    "-X",
    "--repository",
    "--setopt",
    "--enablerepo",
    "--disablerepo",
    "--repo",
    "--root",
    "-c",
    "--target-release",
];

/// A package manager's install command: who runs it, how it is written,
/// and its arguments after the verb that are not options (packages,
/// local files, `$VARS`).
pub struct Install<'a> {
    pub manager: String,
    pub how: String,
    pub arguments: Vec<&'a Word>,
}

/// The install `command` runs, if it is one (behind `sudo` or `env` too).
pub fn install(command: &Command) -> Option<Install<'_>> {
    let at = command.runs_index()?;
    let words = &command.words;
    let manager = command.runs()?.to_string();
    let verbs: &[&str] = match manager.as_str() {
        "apt-get" | "apt" | "aptitude" => &["install"],
        "apk" => &["add"],
        "dnf" | "yum" | "microdnf" | "tdnf" => &["install"],
        "zypper" => &["install", "in"],
        "pacman" => &[],
        _ => return None,
    };
    let rest = &words[at + 1..];
    let start = if manager == "pacman" {
        rest.iter().position(|w| {
            w.text.starts_with("-S") && !w.text.starts_with("--") && !w.text.contains('s')
        })? + 1
    } else {
        rest.iter().position(|w| verbs.contains(&w.text.as_str()))? + 1
    };
    let how = format!("{manager} {}", rest[start - 1].text);
    let mut arguments = Vec::new();
    let mut skip_value = false;
    for word in &rest[start..] {
        if skip_value {
            skip_value = false;
            continue;
        }
        if word.text.starts_with('-') {
            skip_value = VALUE_OPTIONS.contains(&word.text.as_str());
            continue;
        }
        arguments.push(word);
    }
    Some(Install {
        manager,
        how,
        arguments,
    })
}

/// The packages `command` installs.
pub fn installed(command: &Command) -> Vec<Installed<'_>> {
    let Some(install) = install(command) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for word in install.arguments {
        let name = word
            .text
            .split(['=', '/'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if name.is_empty() || name.starts_with('$') || name.starts_with('`') {
            continue;
        }
        out.push(Installed {
            manager: install.manager.clone(),
            how: install.how.clone(),
            name,
            word,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::shell::commands_of;

    fn names(script: &str) -> Vec<String> {
        commands_of(script)
            .iter()
            .flat_map(|c| {
                installed(c)
                    .into_iter()
                    .map(|i| format!("{}:{}", i.manager, i.name))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn reads_every_package_manager() {
        assert_eq!(
            names(
                "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confold netcat-traditional curl=8.5.0-2 && rm -rf /var/lib/apt/lists/*"
            ),
            ["apt-get:netcat-traditional", "apt-get:curl"]
        );
        assert_eq!(
            names("apk add --no-cache --virtual .build socat busybox-extras"),
            ["apk:socat", "apk:busybox-extras"]
        );
        assert_eq!(names("sudo -E dnf -y install nmap-ncat"), ["dnf:nmap-ncat"]);
        assert_eq!(
            names("microdnf install --setopt=tsflags=nodocs nc"),
            ["microdnf:nc"]
        );
        assert_eq!(
            names("pacman -Syu --noconfirm openbsd-netcat"),
            ["pacman:openbsd-netcat"]
        );
        assert_eq!(names("zypper --non-interactive in socat"), ["zypper:socat"]);
        assert!(names("apt-get update; apk info socat; pip install socat").is_empty());
    }
}
