//! What a file's path says before its bytes are read: which credential
//! file it is (the detectors that select by path), whether it is binary by
//! name, and whether its hits are fixtures or examples that make them Low.

/// Credential files recognised by name; each has its own parser in
/// `files.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CredentialFile {
    /// `.docker/config.json`, a legacy `.dockercfg`, Podman's
    /// `containers/auth.json`.
    DockerConfig,
    /// `.git-credentials`, `.config/git/credentials`.
    GitCredentials,
    /// `.netrc`, `_netrc`.
    Netrc,
    /// `.pgpass`, `pgpass.conf`.
    Pgpass,
    /// `.kube/config`, `*.kubeconfig`, kubeadm's `etc/kubernetes/*.conf`.
    Kubeconfig,
    /// `.aws/credentials`, `.aws/config`.
    AwsCredentials,
    /// `.npmrc`, `etc/npmrc`.
    Npmrc,
    /// `.env`, `.env.*`, `*.env`, but not the example files
    /// (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`).
    Dotenv,
}

/// What the path of one file says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct PathFacts {
    pub file: Option<CredentialFile>,
    /// Binary by name (`.pyc`): not read at all.
    pub binary: bool,
    /// Why every hit in this file is Low: a package's own test fixture or
    /// documentation.
    pub fixture: Option<&'static str>,
    /// Debian's `ssl-cert` snakeoil key.
    pub snakeoil: bool,
}

/// The path inside the image without a leading `/` or `./`.
pub(super) fn normalize(path: &str) -> &str {
    let mut path = path;
    loop {
        let next = path.trim_start_matches('/');
        let next = next.strip_prefix("./").unwrap_or(next);
        if next.len() == path.len() {
            return path;
        }
        path = next;
    }
}

pub(super) const SNAKEOIL_KEY: &str = "etc/ssl/private/ssl-cert-snakeoil.key";

/// What `path` (normalised) says.
pub(super) fn facts(path: &str) -> PathFacts {
    PathFacts {
        file: credential_file(path),
        binary: super::binary::is_binary_name(path),
        fixture: fixture(path),
        snakeoil: path == SNAKEOIL_KEY,
    }
}

fn credential_file(path: &str) -> Option<CredentialFile> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let parent = dir.rsplit('/').next().unwrap_or("");
    let file = match (parent, name) {
        (".docker", "config.json") | (_, ".dockercfg") => CredentialFile::DockerConfig,
        (_, "auth.json") if dir.split('/').any(|c| c == "containers") => {
            CredentialFile::DockerConfig
        }
        (_, ".git-credentials") | ("git", "credentials") => CredentialFile::GitCredentials,
        (_, ".netrc" | "_netrc") => CredentialFile::Netrc,
        (_, ".pgpass" | "pgpass.conf") => CredentialFile::Pgpass,
        (".kube", "config") | (_, "kubeconfig") => CredentialFile::Kubeconfig,
        (_, name) if name.ends_with(".kubeconfig") => CredentialFile::Kubeconfig,
        ("kubernetes", name) if dir.ends_with("etc/kubernetes") && name.ends_with(".conf") => {
            CredentialFile::Kubeconfig
        }
        (".aws", "credentials" | "config") => CredentialFile::AwsCredentials,
        (_, ".npmrc") | ("etc", "npmrc") => CredentialFile::Npmrc,
        (_, name) if is_dotenv(name) => CredentialFile::Dotenv,
        _ => return None,
    };
    Some(file)
}

fn is_dotenv(name: &str) -> bool {
    const EXAMPLES: [&str; 6] = ["example", "sample", "template", "dist", "tmpl", "tpl"];
    let n = name.as_bytes();
    let named = n.eq_ignore_ascii_case(b".env")
        || (n.len() > 5 && n[..5].eq_ignore_ascii_case(b".env."))
        || (n.len() > 4 && n[n.len() - 4..].eq_ignore_ascii_case(b".env"));
    named
        && !name
            .split('.')
            .any(|part| EXAMPLES.iter().any(|e| part.eq_ignore_ascii_case(e)))
}

/// Directories that hold what a language package or toolchain installed
/// (its own files, not the application's).
const PACKAGE_ROOTS: [&str; 9] = [
    "site-packages",
    "dist-packages",
    "node_modules",
    "gems",
    "vendor",
    "vendored",
    "third_party",
    ".cargo",
    "mod", // Go's module cache, `go/pkg/mod`
];

/// Where a distribution's package manager installs software: whatever
/// lies below is a package's, not the application's (an application
/// lives in `/app`, `/srv`, `/opt/…`, `/usr/src/…`, a home directory).
const SYSTEM_PREFIXES: [&str; 6] = [
    "usr/lib/",
    "usr/lib64/",
    "usr/libexec/",
    "usr/share/",
    "usr/local/lib/",
    "usr/local/share/",
];

/// Directories of tests, fixtures and examples inside a package.
const TEST_DIRS: [&str; 12] = [
    "test",
    "tests",
    "testing",
    "spec",
    "specs",
    "__tests__",
    "test_data",
    "fixtures",
    "__fixtures__",
    "example",
    "examples",
    "testdata",
];

/// Directories of documentation inside a package (npm ships its docs and
/// man pages with `_authToken=MYTOKEN` examples).
const DOC_DIRS: [&str; 3] = ["doc", "docs", "man"];

/// Why hits in `path` are a package's fixture or example rather than
/// the image's secret, if they are. Packages ship their own test keys
/// (Python's `test/keycert.pem`, `cryptography`'s vectors, Go's
/// `crypto/tls` test data, `requests`' test certificates) and examples
/// in their docs and READMEs; those are public, the same in every image.
fn fixture(path: &str) -> Option<&'static str> {
    // Allocation-free: this runs for every file of every layer.
    let dirs = path.rsplit_once('/').map_or("", |(dirs, _)| dirs);
    let has = |within: &str, names: &[&str]| within.split('/').any(|d| names.contains(&d));
    if path.starts_with("usr/share/doc/") || path.starts_with("usr/local/share/doc/") {
        return Some("documentation under usr/share/doc: a package's example, not this image's");
    }
    if has(dirs, &["testdata"]) {
        return Some(
            "a testdata directory: test fixtures, by the Go convention that others follow",
        );
    }
    if has(dirs, &["cryptography_vectors"]) {
        return Some("the test vectors of Python's cryptography package");
    }
    if dirs
        .split('/')
        .any(|d| d.ends_with(".egg-info") || d.ends_with(".dist-info"))
    {
        return Some("the metadata of an installed Python package (its README's examples)");
    }
    let mut prev = "";
    let mut components = dirs.split('/').peekable();
    while let Some(d) = components.next() {
        let python = d.starts_with("python") && d[6..].starts_with(|c: char| c.is_ascii_digit());
        if prev == "lib" && python && components.peek().is_some_and(|n| TEST_DIRS.contains(n)) {
            return Some("Python's own test suite (test/keycert.pem and the like)");
        }
        prev = d;
    }
    let inside = if let Some(prefix) = SYSTEM_PREFIXES.iter().find(|p| path.starts_with(**p)) {
        dirs.get(prefix.len()..).unwrap_or("")
    } else {
        let mut offset = 0;
        let mut inside = None;
        for d in dirs.split('/') {
            offset += d.len() + 1;
            if PACKAGE_ROOTS.contains(&d) && (d != "mod" || path.contains("pkg/mod/")) {
                inside = Some(dirs.get(offset..).unwrap_or(""));
                break;
            }
        }
        inside?
    };
    if inside.is_empty() {
        None
    } else if has(inside, &TEST_DIRS) {
        Some("a test fixture of an installed package: packages ship their own test keys")
    } else if has(inside, &DOC_DIRS) {
        Some("the documentation of an installed package: its examples")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_leading_slashes_and_dots() {
        assert_eq!(normalize("/root/.ssh/id_rsa"), "root/.ssh/id_rsa");
        assert_eq!(normalize("./root/.ssh/id_rsa"), "root/.ssh/id_rsa");
        assert_eq!(normalize("//./x"), "x");
        assert_eq!(normalize("root/x"), "root/x");
    }

    #[test]
    fn recognises_credential_files_by_name() {
        let file = |p: &str| credential_file(p);
        assert_eq!(
            file("root/.docker/config.json"),
            Some(CredentialFile::DockerConfig)
        );
        assert_eq!(file("app/config.json"), None);
        assert_eq!(
            file("run/containers/0/auth.json"),
            Some(CredentialFile::DockerConfig)
        );
        assert_eq!(
            file("home/u/.git-credentials"),
            Some(CredentialFile::GitCredentials)
        );
        assert_eq!(
            file("root/.config/git/credentials"),
            Some(CredentialFile::GitCredentials)
        );
        assert_eq!(file("root/_netrc"), Some(CredentialFile::Netrc));
        assert_eq!(
            file("var/lib/postgresql/.pgpass"),
            Some(CredentialFile::Pgpass)
        );
        assert_eq!(file("root/.kube/config"), Some(CredentialFile::Kubeconfig));
        assert_eq!(
            file("etc/kubernetes/admin.conf"),
            Some(CredentialFile::Kubeconfig)
        );
        assert_eq!(file("etc/nginx/admin.conf"), None);
        assert_eq!(
            file("root/.aws/credentials"),
            Some(CredentialFile::AwsCredentials)
        );
        assert_eq!(file("app/.npmrc"), Some(CredentialFile::Npmrc));
        assert_eq!(file("app/.env"), Some(CredentialFile::Dotenv));
        assert_eq!(file("app/.env.production"), Some(CredentialFile::Dotenv));
        assert_eq!(file("app/prod.env"), Some(CredentialFile::Dotenv));
        assert_eq!(file("app/.env.example"), None);
        assert_eq!(file("app/.env.sample"), None);
        assert_eq!(file("app/example.env"), None);
        assert_eq!(file("app/environment"), None);
    }

    #[test]
    fn packages_test_directories_are_fixtures() {
        for path in [
            "usr/lib/python3.11/test/keycert.pem",
            "usr/lib/python3/dist-packages/twisted/test/server.pem",
            "usr/local/lib/python3.12/site-packages/tornado/test/test.key",
            "app/node_modules/https-proxy/test/ssl-cert-snakeoil.key",
            "usr/lib/ruby/gems/3.1.0/gems/net-ssh-7.0/test/keys/id_rsa",
            "usr/local/go/src/crypto/tls/testdata/example-key.pem",
            "root/go/pkg/mod/github.com/x/y@v1/testdata/key.pem",
            "root/go/pkg/mod/github.com/x/y@v1/tests/key.pem",
            "usr/share/doc/openssl/demo.key",
            "usr/lib/python3/site-packages/cryptography_vectors/asymmetric/k.pem",
            "app/vendor/phpseclib/phpseclib/tests/rsa.key",
            "usr/lib/google-cloud-sdk/platform/gsutil/gslib/tests/test_data/test.json",
            "opt/sdk/third_party/requests/tests/certs/server.key",
            "usr/lib/node_modules/npm/docs/content/configuring-npm/npmrc.md",
            "usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO",
        ] {
            assert!(fixture(path).is_some(), "{path}");
        }
        for path in [
            "app/tests/deploy.key",
            "root/.ssh/id_rsa",
            "usr/lib/python3.11/site-packages/app/key.pem",
            "srv/mod/tests/key.pem",
            "usr/src/app/tests/key.pem",
            "opt/app/docs/deploy.key",
            "usr/lib/myapp/key.pem",
            "usr/share/ca-certificates/x.crt",
        ] {
            assert!(fixture(path).is_none(), "{path}");
        }
    }
}
