//! What turns off the checks on what a build downloads: TLS certificate
//! checks (`curl -k`, `wget --no-check-certificate`, `pip --trusted-host`,
//! `git -c http.sslVerify=false`, `npm config set strict-ssl false`) and
//! package signature checks (`apt-get --allow-unauthenticated`, `apk add
//! --allow-untrusted`, `dnf --nogpgcheck`), written on a command line, in
//! an environment variable (`GIT_SSL_NO_VERIFY`,
//! `NODE_TLS_REJECT_UNAUTHORIZED=0`) or in a configuration line a command
//! writes (`echo "deb [trusted=yes] …"`, `sed 's/gpgcheck=1/gpgcheck=0/'`).
//!
//! An install of local files only (`apk add --allow-untrusted
//! /tmp/pkgs/*.apk`: packages the build made itself, which cannot be
//! signed) and `[trusted=yes]` on a `file:` repository fetch nothing and
//! are left alone.

use super::downloads::{CURL, WGET};
use super::options::{Spec, parse};
use super::shell::{Command, is_assignment};
use super::syntax::Word;

/// A word that turns a check off.
#[derive(Debug)]
pub struct Unverified<'a> {
    pub word: &'a Word,
    /// The part of the word that does, when the word holds more (the
    /// `trusted=yes` of `deb [trusted=yes] http://…`), as written.
    pub part: Option<String>,
    /// What does it, for a message: "`curl -k`".
    pub subject: String,
    /// What it does: "accepts any server certificate".
    pub effect: String,
}

/// A configuration or option value read as a boolean (`0`, `"false"`,
/// `no`, `off`; `1`, `true`, `yes`, `on`).
fn boolean(value: &str) -> Option<bool> {
    match value
        .trim_matches(['"', '\''])
        .to_ascii_lowercase()
        .as_str()
    {
        "0" | "false" | "no" | "off" => Some(false),
        "1" | "true" | "yes" | "on" => Some(true),
        _ => None,
    }
}

fn falsy(value: &str) -> bool {
    boolean(value) == Some(false)
}

fn truthy(value: &str) -> bool {
    boolean(value) == Some(true)
}

/// A file argument, not a package name: a path, or a package file.
fn local_file(text: &str) -> bool {
    !text.contains("://")
        && (text.starts_with(['/', '.', '~'])
            || [".apk", ".rpm", ".deb"].iter().any(|e| text.ends_with(e)))
}

/// What an environment variable set to `value` turns off, if anything.
pub fn unverified_variable(name: &str, value: &str) -> Option<&'static str> {
    Some(match name.to_ascii_uppercase().as_str() {
        // git tests only that the variable is set.
        "GIT_SSL_NO_VERIFY" => "makes git accept any server certificate, whatever its value",
        "NODE_TLS_REJECT_UNAUTHORIZED" if value.trim() == "0" => {
            "makes Node.js accept any server certificate"
        }
        "PYTHONHTTPSVERIFY" if value.trim() == "0" => {
            "makes Python's urllib accept any server certificate"
        }
        "NPM_CONFIG_STRICT_SSL" | "YARN_ENABLE_STRICT_SSL" if falsy(value) => {
            "makes the package manager accept any registry certificate"
        }
        "PIP_TRUSTED_HOST" | "UV_INSECURE_HOST" if !value.trim().is_empty() => {
            "makes pip accept any certificate, and plain HTTP, from those hosts"
        }
        "GOINSECURE" if !value.trim().is_empty() => {
            "makes Go fetch those modules without checking certificates, or over plain HTTP"
        }
        "GOSUMDB" if value.trim() == "off" => {
            "turns off Go's checksum database: downloaded modules are not verified"
        }
        "GOFLAGS" if value.contains("-insecure") => {
            "makes Go fetch modules without checking certificates"
        }
        _ => return None,
    })
}

/// `key` followed by a separator (`=`, `:`, blanks, quotes) and a value,
/// in lower-cased `text`, not inside a longer name (`repo_gpgcheck`):
/// where the key starts, where the value ends, and the value.
fn setting<'t>(text: &'t str, key: &str) -> Option<(usize, usize, &'t str)> {
    let mut from = 0;
    while let Some(found) = text[from..].find(key) {
        let at = from + found;
        from = at + key.len();
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            continue;
        }
        let rest = text[from..].trim_start_matches([' ', '\t', '=', ':', '"', '\'']);
        if rest.len() == text[from..].len() {
            // No separator: a longer name (`gpgcheck_x`), or no value.
            continue;
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .unwrap_or(rest.len());
        let start = text.len() - rest.len();
        return Some((at, start + len, &rest[..len]));
    }
    None
}

/// A configuration setting that turns a check off: its key (lower-case),
/// which values turn it off, and what that does.
type Setting = (&'static str, fn(&str) -> bool, &'static str);

/// Settings of yum/dnf/zypper repositories, apt.conf, `.npmrc`, `.wgetrc`
/// and `.gitconfig` that turn a check off.
const SETTINGS: [Setting; 6] = [
    (
        "gpgcheck",
        falsy,
        "turns off package signature checks for the repositories it configures",
    ),
    (
        "sslverify",
        falsy,
        "turns off certificate checks for the repositories it configures",
    ),
    (
        "verify-peer",
        falsy,
        "makes apt accept any server certificate",
    ),
    (
        "allowunauthenticated",
        truthy,
        "makes apt install packages whose signatures do not check out",
    ),
    (
        "strict-ssl",
        falsy,
        "makes npm accept any registry certificate",
    ),
    (
        "check_certificate",
        falsy,
        "makes wget accept any server certificate",
    ),
];

/// A configuration line turning a check off, in text a command writes
/// (`echo`, `printf`, a `sed` replacement): what, and the written part.
fn written(text: &str) -> Option<(String, &'static str)> {
    let lower = text.to_ascii_lowercase();
    for key in ["trusted=yes", "trusted: yes"] {
        if let Some(at) = lower.find(key) {
            // `deb [trusted=yes] URI suite`: the URI follows the options.
            let uri = lower[at..]
                .split_once(']')
                .map_or("", |(_, rest)| rest.trim_start());
            if uri.starts_with("file:") || uri.starts_with("copy:") {
                return None;
            }
            return Some((
                text[at..at + key.len()].to_string(),
                "makes apt install from that repository without checking signatures",
            ));
        }
    }
    for &(key, value_off, what) in &SETTINGS {
        if let Some((at, end, value)) = setting(&lower, key)
            && value_off(value)
        {
            return Some((text[at..end].to_string(), what));
        }
    }
    None
}

const APT: Spec = Spec {
    value_letters: "oct",
    value_longs: &["option", "config-file", "target-release"],
    stop_at_operand: false,
};

const DNF: Spec = Spec {
    value_letters: "cdeR",
    value_longs: &[
        "setopt",
        "enablerepo",
        "disablerepo",
        "repo",
        "repofrompath",
        "installroot",
        "releasever",
        "exclude",
    ],
    stop_at_operand: false,
};

const APK: Spec = Spec {
    value_letters: "Xpt",
    value_longs: &[
        "repository",
        "root",
        "virtual",
        "arch",
        "cache-dir",
        "keys-dir",
    ],
    stop_at_operand: false,
};

const GENERIC: Spec = Spec {
    value_letters: "",
    value_longs: &[],
    stop_at_operand: false,
};

/// What `command` turns off, each at its word.
pub fn unverified<'a>(command: &'a Command) -> Vec<Unverified<'a>> {
    let mut out = Vec::new();
    let mut push = |word: &'a Word, part: Option<String>, subject: String, effect: &str| {
        out.push(Unverified {
            word,
            part,
            subject,
            effect: effect.to_string(),
        })
    };
    // Variables set for the command (`X=1 git clone`, `env X=1 …`,
    // `export X=1`).
    for word in &command.words {
        if is_assignment(&word.text)
            && let Some((name, value)) = word.text.split_once('=')
            && let Some(what) = unverified_variable(name, value)
        {
            push(word, None, format!("`{name}`"), what);
        }
    }
    let Some(at) = command.runs_index() else {
        return out;
    };
    let Some(program) = command.runs() else {
        return out;
    };
    let args = &command.words[at + 1..];
    let bare = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    let pip = bare == "pip"
        || program == "uv"
        || (bare == "python"
            && args
                .windows(2)
                .any(|w| w[0].text == "-m" && w[1].text == "pip"));
    match program {
        "curl" => {
            for o in parse(args, &CURL).options {
                if o.is('k', "insecure") || (o.long && o.name == "proxy-insecure") {
                    let shown = if o.long { "--" } else { "-" };
                    let effect = if o.name == "proxy-insecure" {
                        "accepts any certificate from the proxy"
                    } else {
                        "accepts any server certificate"
                    };
                    push(o.word, None, format!("`curl {shown}{}`", o.name), effect);
                }
            }
        }
        "wget" => {
            for o in parse(args, &WGET).options {
                if o.long && o.name == "no-check-certificate" {
                    push(
                        o.word,
                        None,
                        "`wget --no-check-certificate`".into(),
                        "accepts any server certificate",
                    );
                }
                let value = o.value.as_deref().unwrap_or("").to_ascii_lowercase();
                if o.is('e', "execute")
                    && setting(&value, "check_certificate").is_some_and(|(_, _, v)| falsy(v))
                    && let Some(word) = o.value_word
                {
                    push(
                        word,
                        None,
                        format!("`wget -e {value}`"),
                        "accepts any server certificate",
                    );
                }
            }
        }
        "apt-get" | "apt" | "aptitude" => {
            let parsed = parse(args, &APT);
            if !local_install(&parsed.operands, &["install", "reinstall"]) {
                for o in parsed.options {
                    let what = match (o.long, o.name.as_str()) {
                        (true, "allow-unauthenticated") => {
                            "installs packages whose signatures do not check out"
                        }
                        (true, "allow-insecure-repositories") => "reads unsigned repositories",
                        (true, "force-yes") => {
                            "also installs packages whose signatures do not check out"
                        }
                        (false, "o") | (true, "option") => {
                            match o.value.as_deref().and_then(|v| written_option(v)) {
                                Some(what) => {
                                    if let Some(word) = o.value_word {
                                        push(
                                            word,
                                            None,
                                            format!(
                                                "`{program} -o {}`",
                                                o.value.unwrap_or_default()
                                            ),
                                            what,
                                        );
                                    }
                                    continue;
                                }
                                None => continue,
                            }
                        }
                        _ => continue,
                    };
                    push(o.word, None, format!("`{program} --{}`", o.name), what);
                }
            }
        }
        "apk" => {
            let parsed = parse(args, &APK);
            let verb = parsed.operands.first().map_or("", |w| w.text.as_str());
            let fetches = matches!(verb, "add" | "update" | "upgrade" | "fix" | "fetch" | "");
            if fetches && !local_install(&parsed.operands, &["add"]) {
                for o in parsed.options {
                    if o.long && o.name == "allow-untrusted" {
                        push(
                            o.word,
                            None,
                            "`apk --allow-untrusted`".into(),
                            "installs packages with missing or untrusted signatures",
                        );
                    }
                }
            }
        }
        "dnf" | "yum" | "microdnf" | "tdnf" | "zypper" | "rpm" => {
            let parsed = parse(args, &DNF);
            let local = if program == "rpm" {
                !parsed.operands.is_empty() && parsed.operands.iter().all(|w| local_file(&w.text))
            } else {
                local_install(
                    &parsed.operands,
                    &["install", "localinstall", "reinstall", "in"],
                )
            };
            if !local {
                for o in parsed.options {
                    let signatures = o.long
                        && matches!(
                            o.name.as_str(),
                            "nogpgcheck" | "no-gpgcheck" | "no-gpg-checks" | "nosignature"
                        );
                    if signatures {
                        push(
                            o.word,
                            None,
                            format!("`{program} --{}`", o.name),
                            "installs packages without checking their signatures",
                        );
                    } else if o.long
                        && o.name == "setopt"
                        && let Some((_, what)) = o.value.as_deref().and_then(written)
                        && let Some(word) = o.value_word
                    {
                        push(
                            word,
                            None,
                            format!("`{program} --setopt={}`", o.value.unwrap_or_default()),
                            what,
                        );
                    }
                }
            }
        }
        "npm" | "yarn" | "pnpm" => {
            for (i, word) in args.iter().enumerate() {
                let t = word.text.trim_start_matches('-').to_ascii_lowercase();
                let key = ["strict-ssl", "enablestrictssl"]
                    .into_iter()
                    .find(|k| t == *k || t.starts_with(&format!("{k}=")));
                let Some(key) = key else { continue };
                let value = match t.split_once('=') {
                    Some((_, v)) => Some(v.to_string()),
                    None => args.get(i + 1).map(|w| w.text.clone()),
                };
                if value.as_deref().is_some_and(falsy) {
                    push(
                        word,
                        None,
                        format!("`{program}` with `{key}` off"),
                        "accepts any registry certificate",
                    );
                }
            }
        }
        "git" => {
            let parsed = parse(
                args,
                &Spec {
                    value_letters: "cC",
                    ..GENERIC
                },
            );
            let ssl_verify = |key: &str| {
                let key = key.to_ascii_lowercase();
                key.starts_with("http.") && key.ends_with(".sslverify")
            };
            for o in &parsed.options {
                if o.is('c', "")
                    && let Some((key, value)) = o.value.as_deref().and_then(|v| v.split_once('='))
                    && ssl_verify(key)
                    && falsy(value)
                    && let Some(word) = o.value_word
                {
                    push(
                        word,
                        None,
                        format!("`git -c {key}={value}`"),
                        "accepts any server certificate",
                    );
                }
            }
            if parsed.operands.first().is_some_and(|w| w.text == "config") {
                for pair in parsed.operands.windows(2) {
                    if ssl_verify(&pair[0].text) && falsy(&pair[1].text) {
                        push(
                            pair[0],
                            None,
                            format!("`git config {} {}`", pair[0].text, pair[1].text),
                            "makes git accept any server certificate",
                        );
                    }
                }
            }
        }
        "echo" | "printf" => {
            for word in args {
                if let Some((part, what)) = written(&word.text) {
                    let subject = format!("`{part}` written by `{program}`");
                    push(word, Some(part), subject, what);
                }
            }
        }
        "sed" => {
            for word in args {
                if let Some(replacement) = sed_replacement(&word.text)
                    && let Some((part, what)) = written(replacement)
                {
                    let subject = format!("`{part}` written by `sed`");
                    push(word, Some(part), subject, what);
                }
            }
        }
        _ if pip => {
            for (i, word) in args.iter().enumerate() {
                let t = word.text.as_str();
                let flag = ["--trusted-host", "--allow-insecure-host"]
                    .into_iter()
                    .any(|f| t == f || t.starts_with(&format!("{f}=")));
                let config =
                    t.ends_with(".trusted-host") && args[..i].iter().any(|w| w.text == "config");
                if flag || config {
                    push(
                        word,
                        None,
                        format!("`{program} {t}`"),
                        "accepts any certificate, and plain HTTP, from that host",
                    );
                }
            }
        }
        _ => {}
    }
    out
}

/// What an apt `-o Key=value` turns off.
fn written_option(option: &str) -> Option<&'static str> {
    let (key, value) = option.split_once('=')?;
    let key = key.to_ascii_lowercase();
    if (key.ends_with("::verify-peer") || key.ends_with("::verify-host")) && falsy(value) {
        return Some("accepts any server certificate");
    }
    let unsigned = key.ends_with("::allowunauthenticated")
        || key.ends_with("::allowinsecurerepositories")
        || key.ends_with("::allowdowngradetoinsecurerepositories");
    (unsigned && truthy(value)).then_some("accepts unsigned packages or repositories")
}

/// Whether a package manager's operands (verb first) install local files
/// only.
fn local_install(operands: &[&Word], verbs: &[&str]) -> bool {
    match operands {
        [verb, files @ ..] if verbs.contains(&verb.text.as_str()) && !files.is_empty() => {
            files.iter().all(|w| local_file(&w.text))
        }
        _ => false,
    }
}

/// The replacement of a `sed` substitution (`s/old/new/g` → `new`).
fn sed_replacement(expression: &str) -> Option<&str> {
    let rest = expression.strip_prefix('s')?;
    let delimiter = rest.chars().next()?;
    if delimiter.is_alphanumeric() || delimiter.is_whitespace() {
        return None;
    }
    let mut parts = rest[delimiter.len_utf8()..].split(delimiter);
    parts.next()?;
    parts.next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::shell::commands_of;

    fn found(script: &str) -> Vec<String> {
        commands_of(script)
            .iter()
            .flat_map(|c| {
                unverified(c)
                    .into_iter()
                    .map(|u| u.part.unwrap_or(u.word.text.clone()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn finds_downloaders_that_accept_any_certificate() {
        assert_eq!(found("curl -fsSLk https://x -o /a"), ["-fsSLk"]);
        assert_eq!(found("curl --insecure https://x"), ["--insecure"]);
        assert_eq!(
            found("curl -H 'X-k: 1' -ukey:k https://x"),
            Vec::<String>::new()
        );
        assert_eq!(
            found("wget -q --no-check-certificate https://x"),
            ["--no-check-certificate"]
        );
        assert_eq!(
            found("wget -e check_certificate=off https://x"),
            ["check_certificate=off"]
        );
        assert_eq!(
            found(
                "git -c http.sslVerify=false clone https://x && git config --global http.https://h.sslverify false"
            ),
            ["http.sslVerify=false", "http.https://h.sslverify"]
        );
        assert_eq!(
            found("GIT_SSL_NO_VERIFY=1 git clone https://x; export NODE_TLS_REJECT_UNAUTHORIZED=0"),
            ["GIT_SSL_NO_VERIFY=1", "NODE_TLS_REJECT_UNAUTHORIZED=0"]
        );
    }

    #[test]
    fn finds_package_managers_without_checks() {
        assert_eq!(
            found(
                "pip install --trusted-host pypi.example x; python3 -m pip install --trusted-host=h y; pip config set global.trusted-host h"
            ),
            ["--trusted-host", "--trusted-host=h", "global.trusted-host"]
        );
        assert_eq!(
            found(
                "apt-get install -y --allow-unauthenticated x && apt-get -o Acquire::https::Verify-Peer=false update"
            ),
            [
                "--allow-unauthenticated",
                "Acquire::https::Verify-Peer=false"
            ]
        );
        assert_eq!(
            found(
                r#"echo "deb [trusted=yes] http://repo.example/ ./" > /etc/apt/sources.list.d/x.list"#
            ),
            ["trusted=yes"]
        );
        assert_eq!(
            found("apk add --allow-untrusted curl"),
            ["--allow-untrusted"]
        );
        assert_eq!(
            found("dnf install -y --nogpgcheck x; yum --setopt=gpgcheck=0 install y"),
            ["--nogpgcheck", "--setopt=gpgcheck=0"]
        );
        assert_eq!(
            found(
                "npm config set strict-ssl false; yarn config set strict-ssl=false; npm --strict-ssl=false ci"
            ),
            ["strict-ssl", "strict-ssl=false", "--strict-ssl=false"]
        );
        assert_eq!(
            found("sed -i 's/gpgcheck=1/gpgcheck=0/' /etc/yum.repos.d/x.repo"),
            ["gpgcheck=0"]
        );
        assert_eq!(
            found(r#"printf 'Acquire::https::Verify-Peer "false";\n' > /etc/apt/apt.conf.d/99x"#),
            [r#"Verify-Peer "false"#]
        );
    }

    #[test]
    fn leaves_local_files_and_checks_turned_on_alone() {
        for script in [
            // Packages the build made itself.
            "apk add --no-cache --allow-untrusted /tmp/packages/nginx-module-*.apk",
            "apk index --allow-untrusted -o /tmp/APKINDEX.tar.gz /tmp/*.apk",
            r#"echo "deb [ trusted=yes ] file://$tempDir ./" > /etc/apt/sources.list.d/temp.list"#,
            "dnf install -y --nogpgcheck ./build/x.rpm",
            // Checks on, or names that only look alike.
            "sed -i 's/gpgcheck=0/gpgcheck=1/' /etc/yum.conf",
            "echo 'repo_gpgcheck=0' >> /etc/dnf/dnf.conf",
            "git config --global http.sslVerify true",
            "npm config set strict-ssl true",
            "NODE_TLS_REJECT_UNAUTHORIZED=1 node x",
            "curl -fsSL https://x | gpg --dearmor",
            "echo insecure",
        ] {
            assert_eq!(found(script), Vec::<String>::new(), "{script}");
        }
    }
}
