//! Credential files told by their path (see `paths.rs`) and read by their
//! structure: a value counts only where the format puts a credential, and
//! only when it is written out (no `${VAR}`, no placeholder: the shared
//! heuristics of [`crate::hazards::credentials`] decide).

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT;
use regex::bytes::Regex;

use super::window::{Window, contains_ignore_case, lines, looks_random};
use super::{SecretKind, SecretTier};
use crate::hazards::credentials::{CredentialValue, classify};

fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid regex"))
}

fn text_of(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok()
}

/// Whether `value` is written out as the value of a variable `name`.
fn literal(name: &str, value: &[u8]) -> bool {
    text_of(value).is_some_and(|v| {
        !v.contains("${")
            && !v.contains("$(")
            && !contains_ignore_case(value, b"example")
            && classify(name, v) == CredentialValue::Literal
    })
}

/// Docker and Podman registry credentials (`auths.<registry>.auth`, the
/// base64 of `user:password`, or an `identitytoken`): a non-empty value
/// is a hit; `credsStore` and `credHelpers` hold none.
pub(super) fn docker_config(w: &mut Window) {
    static ENTRY: OnceLock<Regex> = OnceLock::new();
    static REGISTRY: OnceLock<Regex> = OnceLock::new();
    let text = w.text;
    let entry = regex(
        &ENTRY,
        r#"(?-u)"(auth|identitytoken|registrytoken)"\s*:\s*"([^"\n]+)""#,
    );
    for c in entry.captures_iter(text) {
        let (Some(key), Some(value)) = (c.get(1), c.get(2)) else {
            continue;
        };
        if key.as_bytes() == b"auth" && !basic_auth_has_password(value.as_bytes()) {
            continue;
        }
        let before = &text[key.start().saturating_sub(1024)..key.start()];
        let registry = regex(&REGISTRY, r#"(?-u)"([^"\n]+)"\s*:\s*\{"#)
            .captures_iter(before)
            .last()
            .and_then(|c| c.get(1))
            .map(|r| String::from_utf8_lossy(r.as_bytes()).into_owned());
        let key = String::from_utf8_lossy(key.as_bytes());
        let detail = match registry {
            Some(registry) if registry != "auths" => format!("`{key}` for {registry}"),
            _ => format!("`{key}`"),
        };
        w.report(
            value.start(),
            SecretKind::DockerConfigAuth,
            SecretTier::High,
            value.as_bytes(),
            Some(detail),
        );
    }
}

/// Whether a Docker `auth` value carries a password: it decodes to
/// `user:password` with a password, or does not decode (then it is some
/// credential all the same).
fn basic_auth_has_password(value: &[u8]) -> bool {
    match STANDARD_PAD_INDIFFERENT.decode(value) {
        Ok(plain) => plain
            .iter()
            .position(|b| *b == b':')
            .is_some_and(|i| literal("password", &plain[i + 1..])),
        Err(_) => true,
    }
}

/// `.git-credentials`: one `scheme://user:password@host` URL a line (the
/// git `store` helper's format). The host is what RFC 3986 allows in one
/// (an IPv6 address in brackets), so it ends at the next `@`, `/`, `:`.
pub(super) fn git_credentials(w: &mut Window) {
    static URL: OnceLock<Regex> = OnceLock::new();
    let re = regex(
        &URL,
        r"(?m-u)^[ \t]*[A-Za-z][A-Za-z0-9+.-]*://[^:@/\s]*:([^@\s]+)@([A-Za-z0-9._~%!$&'()*+,;=-]+|\[[0-9A-Fa-f:.]+\])",
    );
    let text = w.text;
    for c in re.captures_iter(text) {
        let (Some(password), Some(host)) = (c.get(1), c.get(2)) else {
            continue;
        };
        if literal("password", password.as_bytes()) {
            let host = String::from_utf8_lossy(host.as_bytes());
            w.report(
                password.start(),
                SecretKind::GitCredentials,
                SecretTier::High,
                password.as_bytes(),
                Some(format!("for {host}")),
            );
        }
    }
}

/// `.netrc`: whitespace-separated tokens, a `password` token followed by
/// its value, for the last `machine` named.
pub(super) fn netrc(w: &mut Window) {
    let text = w.text;
    let mut machine: Option<&[u8]> = None;
    let mut tokens = text
        .split(|b| b.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
        .map(|t| (t.as_ptr() as usize - text.as_ptr() as usize, t));
    while let Some((_, token)) = tokens.next() {
        match token {
            b"machine" => machine = tokens.next().map(|(_, m)| m),
            b"default" => machine = Some(b"default"),
            b"password" => {
                let Some((at, value)) = tokens.next() else {
                    break;
                };
                if literal("password", value) {
                    let detail = machine.map(|m| format!("for {}", String::from_utf8_lossy(m)));
                    w.report(at, SecretKind::Netrc, SecretTier::High, value, detail);
                }
            }
            _ => {}
        }
    }
}

/// `.pgpass`: `hostname:port:database:username:password` a line, `:` and
/// `\` escaped by `\`; the password is the fifth field.
pub(super) fn pgpass(w: &mut Window) {
    let text = w.text;
    for (start, line) in lines(text) {
        if line.trim_ascii_start().starts_with(b"#") {
            continue;
        }
        let mut fields = 0;
        let mut i = 0;
        while i < line.len() && fields < 4 {
            match line[i] {
                b'\\' => i += 1,
                b':' => fields += 1,
                _ => {}
            }
            i += 1;
        }
        if fields < 4 {
            continue;
        }
        let raw = &line[i..];
        let mut password = Vec::with_capacity(raw.len());
        let mut escaped = false;
        for &b in raw {
            if b == b'\\' && !escaped {
                escaped = true;
            } else {
                password.push(b);
                escaped = false;
            }
        }
        if literal("password", &password) {
            w.report(
                start + i,
                SecretKind::Pgpass,
                SecretTier::High,
                &password,
                None,
            );
        }
    }
}

/// kubeconfigs: the credentials of `users:` (`token`, `client-key-data`,
/// `password`, an auth provider's `id-token`, `refresh-token`,
/// `client-secret`). A file found by content rather than by path must be
/// a kubeconfig (`kind: Config` and `users:` at the top level).
/// `client-key-data` must decode to a PEM private key, and is then
/// Critical; the others are High.
pub(super) fn kubeconfig(w: &mut Window, by_path: bool) {
    static KIND: OnceLock<Regex> = OnceLock::new();
    static USERS: OnceLock<Regex> = OnceLock::new();
    static CREDENTIAL: OnceLock<Regex> = OnceLock::new();
    let text = w.text;
    let is_kubeconfig = || {
        regex(&KIND, r#"(?m-u)^kind:[ \t]*["']?Config["']?[ \t]*\r?$"#).is_match(text)
            && regex(&USERS, r"(?m-u)^users:").is_match(text)
    };
    if !by_path && !is_kubeconfig() {
        return;
    }
    let re = regex(
        &CREDENTIAL,
        r#"(?m-u)^[ \t]*(?:-[ \t]+)?(token|client-key-data|password|id-token|refresh-token|client-secret)[ \t]*:[ \t]*["']?([^\s"'#]+)"#,
    );
    for c in re.captures_iter(text) {
        let (Some(key), Some(value)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let name = String::from_utf8_lossy(key.as_bytes()).into_owned();
        let tier = if key.as_bytes() == b"client-key-data" {
            let is_key = STANDARD_PAD_INDIFFERENT
                .decode(value.as_bytes())
                .is_ok_and(|pem| memchr::memmem::find(&pem, b"PRIVATE KEY-----").is_some());
            if !is_key {
                continue;
            }
            SecretTier::Critical
        } else if literal("token", value.as_bytes()) {
            SecretTier::High
        } else {
            continue;
        };
        w.report(
            value.start(),
            SecretKind::KubeconfigCredential,
            tier,
            value.as_bytes(),
            Some(name),
        );
    }
}

/// `.aws/credentials` and `.aws/config`: `aws_secret_access_key = …` in
/// a profile (AWS CLI's shared credentials file format). Named after the
/// profile; AWS's documented example secret is not a hit.
pub(super) fn aws_credentials(w: &mut Window) {
    static SECRET: OnceLock<Regex> = OnceLock::new();
    let re = regex(
        &SECRET,
        r"(?m-u)^[ \t]*aws_secret_access_key[ \t]*=[ \t]*([^\s#;]+)",
    );
    let text = w.text;
    for c in re.captures_iter(text) {
        let Some(value) = c.get(1) else { continue };
        if !literal("aws_secret_access_key", value.as_bytes()) {
            continue;
        }
        let profile = lines(&text[..value.start()])
            .filter_map(|(_, l)| {
                let l = l.trim_ascii();
                l.strip_prefix(b"[")?.strip_suffix(b"]")
            })
            .last()
            .map(|p| format!("profile {}", String::from_utf8_lossy(p.trim_ascii())));
        w.report(
            value.start(),
            SecretKind::AwsCredentialsFile,
            SecretTier::Critical,
            value.as_bytes(),
            profile,
        );
    }
}

/// `_authToken=…` in any npm config (`//registry.npmjs.org/:_authToken=`),
/// wherever it is written (an `.npmrc`, a script that writes one): a
/// literal value that looks like a token (16 characters or more, random)
/// is a hit; `${NPM_TOKEN}` and npm's own documented `MYTOKEN` are not.
pub(super) fn npm_auth_token(w: &mut Window) {
    static TOKEN: OnceLock<Regex> = OnceLock::new();
    let re = regex(&TOKEN, r#"(?-u)_authToken[ \t]*=[ \t]*["']?([^\s"']+)"#);
    npm_setting(w, re, 16, "`_authToken` in an npm config");
}

/// `.npmrc`'s other credentials: `_auth` (base64 `user:password`) and
/// `_password` (base64 password).
pub(super) fn npmrc(w: &mut Window) {
    static AUTH: OnceLock<Regex> = OnceLock::new();
    let re = regex(
        &AUTH,
        r#"(?m-u)(?:^|[:\s])_(?:auth|password)[ \t]*=[ \t]*["']?([^\s"']+)"#,
    );
    npm_setting(w, re, 1, "`_auth` or `_password` in an npm config");
}

fn npm_setting(w: &mut Window, re: &Regex, min_len: usize, detail: &str) {
    let text = w.text;
    for c in re.captures_iter(text) {
        let Some(value) = c.get(1) else { continue };
        let value_bytes = value.as_bytes();
        if value_bytes.len() >= min_len
            && (min_len <= 1 || looks_random(value_bytes))
            && literal("token", value_bytes)
        {
            w.report(
                value.start(),
                SecretKind::NpmToken,
                SecretTier::High,
                value.as_bytes(),
                Some(detail.to_string()),
            );
        }
    }
}

/// `.env` files: `KEY=value` lines (`export` allowed, quotes stripped, an
/// unquoted value ends at ` #`) whose key names a credential and whose
/// value is written out, as [`classify`] judges it. The detail is the
/// key's name.
pub(super) fn dotenv(w: &mut Window) {
    let text = w.text;
    for (start, line) in lines(text) {
        let Some((name, value_at, value)) = dotenv_line(line) else {
            continue;
        };
        let Some(name) = text_of(name) else { continue };
        let Some(value_text) = text_of(value) else {
            continue;
        };
        if value_text.contains("${")
            || value_text.contains("$(")
            || contains_ignore_case(value, b"example")
            || classify(name, value_text) != CredentialValue::Literal
        {
            continue;
        }
        w.report(
            start + value_at,
            SecretKind::DotenvCredential,
            SecretTier::High,
            value,
            Some(name.to_string()),
        );
    }
}

/// The name, the value's index in the line and the value of a `.env`
/// line.
fn dotenv_line(line: &[u8]) -> Option<(&[u8], usize, &[u8])> {
    let indent = line.len() - line.trim_ascii_start().len();
    let mut rest = &line[indent..];
    let mut at = indent;
    if let Some(after) = rest.strip_prefix(b"export ") {
        let trimmed = after.trim_ascii_start();
        at += rest.len() - trimmed.len();
        rest = trimmed;
    }
    let name_len = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')))
        .unwrap_or(rest.len());
    if name_len == 0 || rest[0].is_ascii_digit() {
        return None;
    }
    let name = &rest[..name_len];
    let after_name = rest[name_len..].trim_ascii_start();
    let after_eq = after_name.strip_prefix(b"=")?;
    let value_raw = after_eq.trim_ascii_start();
    at += rest.len() - value_raw.len();
    let (value_at, value) = match value_raw.first() {
        Some(&q @ (b'"' | b'\'')) => {
            let end = memchr::memchr(q, &value_raw[1..])?;
            (at + 1, &value_raw[1..1 + end])
        }
        _ => {
            let end = memchr::memmem::find(value_raw, b" #").unwrap_or(value_raw.len());
            (at, value_raw[..end].trim_ascii_end())
        }
    };
    (!value.is_empty()).then_some((name, value_at, value))
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::super::{SecretKind, SecretTier, scan_text};
    use super::*;
    use base64::engine::general_purpose::STANDARD;

    fn docker_config(auth: &str) -> String {
        format!(
            "{{\n  \"auths\": {{\n    \"registry.example.com\": {{\n      \"auth\": \"{auth}\"\n    }}\n  }},\n  \"credsStore\": \"desktop\"\n}}\n"
        )
    }

    #[test]
    fn docker_configs_with_an_auth_are_hits() {
        let auth = STANDARD.encode(format!("ci:{}", random(1, BASE62, 20)));
        let hit = assert_hit(
            "/root/.docker/config.json",
            &docker_config(&auth),
            SecretKind::DockerConfigAuth,
            SecretTier::High,
        );
        assert_eq!((hit.line, hit.column), (4, 16));
        assert_eq!(
            hit.detail.as_deref(),
            Some("`auth` for registry.example.com")
        );
        // The same file elsewhere is no Docker config.
        assert_none("app/config.json", &docker_config(&auth));
        // Empty, or a user without a password.
        assert_none("root/.docker/config.json", &docker_config(""));
        assert_none(
            "root/.docker/config.json",
            &docker_config(&STANDARD.encode("ci:")),
        );
        let token = format!(
            "{{\"auths\": {{\"r.io\": {{\"identitytoken\": \"{}\"}}}}}}",
            random(2, BASE62, 40)
        );
        assert_eq!(
            kinds("run/containers/0/auth.json", &token),
            vec![SecretKind::DockerConfigAuth]
        );
    }

    #[test]
    fn git_credentials_with_a_password_are_hits() {
        let text = format!(
            "https://ci:{}@git.example.com\nhttps://anon@git.example.com\n",
            random(3, BASE62, 24)
        );
        let hit = assert_hit(
            "root/.git-credentials",
            &text,
            SecretKind::GitCredentials,
            SecretTier::High,
        );
        assert_eq!((hit.line, hit.column), (1, 12));
        assert_eq!(hit.detail.as_deref(), Some("for git.example.com"));
        assert_none(
            "root/.git-credentials",
            "https://ci:${GIT_TOKEN}@git.example.com\n",
        );
        assert_none(
            "root/.git-credentials",
            "https://ci:changeme@git.example.com\n",
        );
    }

    #[test]
    fn netrc_passwords_are_hits_unless_placeholders() {
        let text = format!(
            "machine ftp.example.com\n  login ci\n  password {}\n",
            random(4, BASE62, 16)
        );
        let hit = assert_hit("root/.netrc", &text, SecretKind::Netrc, SecretTier::High);
        assert_eq!((hit.line, hit.column), (3, 12));
        assert_eq!(hit.detail.as_deref(), Some("for ftp.example.com"));
        assert_none("root/.netrc", "machine a login b password <password>\n");
        assert_none("root/.netrc", "machine a login b password $PASSWORD\n");
        assert_none("root/netrc.txt", &text);
    }

    #[test]
    fn pgpass_passwords_are_the_fifth_field() {
        let text = format!(
            "# comment\ndb\\:1:5432:*:app:{}\n*:*:*:ro:*\n",
            random(5, BASE62, 18)
        );
        let hit = assert_hit(
            "var/lib/postgresql/.pgpass",
            &text,
            SecretKind::Pgpass,
            SecretTier::High,
        );
        assert_eq!((hit.line, hit.column), (2, 18));
        assert_none("root/.pgpass", "localhost:5432:*:app:\n");
        assert_none("root/.pgpass", "localhost:5432:*:app:*\n");
    }

    fn kubeconfig(user: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://k8s:6443\nusers:\n- name: admin\n  user:\n{user}\n"
        )
    }

    #[test]
    fn kubeconfig_credentials_are_hits_by_path_or_by_content() {
        let token = format!("    token: {}", random(6, BASE62, 40));
        let hit = assert_hit(
            "root/.kube/config",
            &kubeconfig(&token),
            SecretKind::KubeconfigCredential,
            SecretTier::High,
        );
        assert_eq!(
            (hit.line, hit.column, hit.detail.as_deref()),
            (10, 12, Some("token"))
        );
        assert_eq!(
            kinds("deploy/admin.yaml", &kubeconfig(&token)),
            vec![SecretKind::KubeconfigCredential]
        );
        let key = STANDARD.encode(rsa_key(7));
        let key_line = format!("    client-key-data: {key}");
        assert_hit(
            "etc/kubernetes/admin.conf",
            &kubeconfig(&key_line),
            SecretKind::KubeconfigCredential,
            SecretTier::Critical,
        );
        // Exec plugins and references hold no credential.
        assert_none(
            "root/.kube/config",
            &kubeconfig("    exec:\n      command: aws"),
        );
        assert_none("root/.kube/config", &kubeconfig("    token: ${K8S_TOKEN}"));
        // Not a kubeconfig: a ConfigMap with a `token:` key.
        let configmap = format!(
            "kind: ConfigMap\ndata:\n  token: {}\n",
            random(6, BASE62, 40)
        );
        assert_none("deploy/cm.yaml", &configmap);
    }

    #[test]
    fn a_service_account_token_in_a_kubeconfig_is_one_hit() {
        let token = jwt(
            8,
            r#"{"alg":"RS256","kid":"k"}"#,
            r#"{"iss":"kubernetes/serviceaccount"}"#,
        );
        let hits = scan_text(
            "root/.kube/config",
            kubeconfig(&format!("    token: {token}")).as_bytes(),
        );
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].kind, SecretKind::KubeconfigCredential);
    }

    #[test]
    fn npm_auth_tokens_are_hits_unless_a_variable() {
        let literal = format!(
            "//registry.npmjs.org/:_authToken={}\n",
            random(9, BASE62, 36)
        );
        let hit = assert_hit(
            "app/.npmrc",
            &literal,
            SecretKind::NpmToken,
            SecretTier::High,
        );
        assert_eq!(hit.column, 34);
        assert_hit(
            "app/Dockerfile",
            &literal,
            SecretKind::NpmToken,
            SecretTier::High,
        );
        assert_none(
            "app/.npmrc",
            "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
        );
        let auth = format!(
            "_auth={}\n",
            STANDARD.encode(format!("ci:{}", random(10, BASE62, 16)))
        );
        assert_hit("root/.npmrc", &auth, SecretKind::NpmToken, SecretTier::High);
        // An npm_ token under `_authToken` is one hit.
        let token = format!("//r/:_authToken=npm_{}\n", random(11, BASE62, 36));
        assert_eq!(kinds("app/.npmrc", &token), vec![SecretKind::NpmToken]);
    }

    #[test]
    fn dotenv_credentials_are_literal_values_of_credential_names() {
        let text = format!(
            "# app\nDB_HOST=db\nDB_PASSWORD={}\nAPI_TOKEN=changeme\nSECRET_KEY=${{SECRET}}\nPASSWORD_FILE=/run/secrets/db\nDEBUG=true\n",
            random(12, BASE62, 20)
        );
        let hit = assert_hit(
            "app/.env",
            &text,
            SecretKind::DotenvCredential,
            SecretTier::High,
        );
        assert_eq!((hit.line, hit.column), (3, 13));
        assert_eq!(hit.detail.as_deref(), Some("DB_PASSWORD"));
        assert_eq!(kinds("app/.env.production", &text).len(), 1);
        assert_none("app/.env.example", &text);
        assert_none("app/settings.txt", &text);
        // A GitHub token in a .env file is the GitHub token.
        let gh = format!("GH_TOKEN=ghp_{}\n", random(13, BASE62, 36));
        assert_eq!(kinds("app/.env", &gh), vec![SecretKind::GithubToken]);
    }

    #[test]
    fn reads_dotenv_lines() {
        let line = |l: &'static str| {
            dotenv_line(l.as_bytes()).map(|(n, at, v)| {
                (
                    String::from_utf8_lossy(n).into_owned(),
                    at,
                    String::from_utf8_lossy(v).into_owned(),
                )
            })
        };
        assert_eq!(line("A=b"), Some(("A".into(), 2, "b".into())));
        assert_eq!(
            line("export  DB_PASSWORD = \"s3 cr#t\" # note"),
            Some(("DB_PASSWORD".into(), 23, "s3 cr#t".into()))
        );
        assert_eq!(line("  K='v' "), Some(("K".into(), 5, "v".into())));
        assert_eq!(line("K=v #c"), Some(("K".into(), 2, "v".into())));
        assert_eq!(line("# K=v"), None);
        assert_eq!(line("K="), None);
        assert_eq!(line("not a line"), None);
    }
}
