//! What a hit is: the kinds of secret, their tiers, and one hit with its
//! place, preview and digest (never the value). Every detector file and
//! the rules read these; nothing here looks at bytes.

use crate::finding::Severity;

/// What kind of secret a hit is.
///
/// The order is the order of precedence when two detectors find the same
/// value in one file (see `SecretKind::precedence`) and otherwise
/// meaningless.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecretKind {
    PrivateKey(KeyFormat),
    AwsAccessKey,
    GcpServiceAccount,
    AzureStorageKey,
    AzureClientSecret,
    GithubToken,
    GitlabToken,
    SlackToken,
    SlackWebhook,
    StripeKey,
    NpmToken,
    PypiToken,
    DockerHubToken,
    SendgridKey,
    TwilioKey,
    OpenAiKey,
    AnthropicKey,
    Jwt,
    DockerConfigAuth,
    GitCredentials,
    Netrc,
    Pgpass,
    KubeconfigCredential,
    AwsCredentialsFile,
    DotenvCredential,
}

/// The encoding of a private key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyFormat {
    /// PKCS #1 `RSA PRIVATE KEY`.
    Rsa,
    /// SEC 1 `EC PRIVATE KEY`.
    Ec,
    /// OpenSSL's `DSA PRIVATE KEY`.
    Dsa,
    /// `OPENSSH PRIVATE KEY` (`openssh-key-v1`).
    OpenSsh,
    /// PKCS #8 `PRIVATE KEY` or `ENCRYPTED PRIVATE KEY`.
    Pkcs8,
    /// PuTTY's `.ppk` (`PuTTY-User-Key-File-2` or `-3`).
    Putty,
}

impl SecretKind {
    /// What the secret is, for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            SecretKind::PrivateKey(KeyFormat::Rsa) => "RSA private key",
            SecretKind::PrivateKey(KeyFormat::Ec) => "EC private key",
            SecretKind::PrivateKey(KeyFormat::Dsa) => "DSA private key",
            SecretKind::PrivateKey(KeyFormat::OpenSsh) => "OpenSSH private key",
            SecretKind::PrivateKey(KeyFormat::Pkcs8) => "PKCS #8 private key",
            SecretKind::PrivateKey(KeyFormat::Putty) => "PuTTY private key",
            SecretKind::AwsAccessKey => "AWS access key",
            SecretKind::GcpServiceAccount => "Google Cloud service account key",
            SecretKind::AzureStorageKey => "Azure storage account key",
            SecretKind::AzureClientSecret => "Azure AD (Entra ID) client secret",
            SecretKind::GithubToken => "GitHub token",
            SecretKind::GitlabToken => "GitLab personal access token",
            SecretKind::SlackToken => "Slack token",
            SecretKind::SlackWebhook => "Slack incoming webhook URL",
            SecretKind::StripeKey => "Stripe live secret key",
            SecretKind::NpmToken => "npm access token",
            SecretKind::PypiToken => "PyPI API token",
            SecretKind::DockerHubToken => "Docker Hub personal access token",
            SecretKind::SendgridKey => "SendGrid API key",
            SecretKind::TwilioKey => "Twilio API key",
            SecretKind::OpenAiKey => "OpenAI API key",
            SecretKind::AnthropicKey => "Anthropic API key",
            SecretKind::Jwt => "JSON Web Token",
            SecretKind::DockerConfigAuth => "registry credential in a Docker config",
            SecretKind::GitCredentials => "password in git credentials",
            SecretKind::Netrc => "password in a .netrc",
            SecretKind::Pgpass => "password in a PostgreSQL .pgpass",
            SecretKind::KubeconfigCredential => "credential in a kubeconfig",
            SecretKind::AwsCredentialsFile => "secret in an AWS credentials file",
            SecretKind::DotenvCredential => "credential in a .env file",
        }
    }

    /// A stable kebab-case name, for fingerprints and JSON.
    pub fn id(&self) -> &'static str {
        match self {
            SecretKind::PrivateKey(_) => "private-key",
            SecretKind::AwsAccessKey => "aws-access-key",
            SecretKind::GcpServiceAccount => "gcp-service-account",
            SecretKind::AzureStorageKey => "azure-storage-key",
            SecretKind::AzureClientSecret => "azure-client-secret",
            SecretKind::GithubToken => "github-token",
            SecretKind::GitlabToken => "gitlab-token",
            SecretKind::SlackToken => "slack-token",
            SecretKind::SlackWebhook => "slack-webhook",
            SecretKind::StripeKey => "stripe-key",
            SecretKind::NpmToken => "npm-token",
            SecretKind::PypiToken => "pypi-token",
            SecretKind::DockerHubToken => "docker-hub-token",
            SecretKind::SendgridKey => "sendgrid-key",
            SecretKind::TwilioKey => "twilio-key",
            SecretKind::OpenAiKey => "openai-key",
            SecretKind::AnthropicKey => "anthropic-key",
            SecretKind::Jwt => "jwt",
            SecretKind::DockerConfigAuth => "docker-config-auth",
            SecretKind::GitCredentials => "git-credentials",
            SecretKind::Netrc => "netrc",
            SecretKind::Pgpass => "pgpass",
            SecretKind::KubeconfigCredential => "kubeconfig-credential",
            SecretKind::AwsCredentialsFile => "aws-credentials-file",
            SecretKind::DotenvCredential => "dotenv-credential",
        }
    }

    /// When two detectors find the same value in one file, the hit of
    /// the kind with the higher precedence is kept: the one that says
    /// more (a GCP service-account file over the PEM key inside it, a
    /// GitHub token over the `.env` line that holds it, a kubeconfig's
    /// user token over the bare JWT).
    pub(super) fn precedence(&self) -> u8 {
        match self {
            SecretKind::GcpServiceAccount => 4,
            SecretKind::KubeconfigCredential | SecretKind::DockerConfigAuth => 3,
            SecretKind::Jwt => 2,
            SecretKind::GitCredentials
            | SecretKind::Netrc
            | SecretKind::Pgpass
            | SecretKind::AwsCredentialsFile
            | SecretKind::DotenvCredential => 1,
            _ => 3,
        }
    }
}

/// How much a hit matters, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecretTier {
    /// Not a usable secret as found: an encrypted private key, Debian's
    /// per-machine snakeoil key, an AWS key id without its secret, a
    /// package's own test fixture.
    Low,
    /// A token or a password of a credential file.
    High,
    /// A private key or a cloud credential.
    Critical,
}

impl SecretTier {
    /// The severity of a finding about a hit of this tier, the same in
    /// every format that reports one.
    pub fn severity(self) -> Severity {
        match self {
            SecretTier::Critical => Severity::Critical,
            SecretTier::High => Severity::High,
            SecretTier::Low => Severity::Low,
        }
    }
}

/// One secret found in a file. Holds no secret: see the module docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretHit {
    pub kind: SecretKind,
    /// 1-based line where the value (or the PEM block) starts.
    pub line: u32,
    /// 1-based byte column of that start.
    pub column: u32,
    pub tier: SecretTier,
    /// At most the first four characters of the value, then `****`; for
    /// key blocks their (public) header line.
    pub preview: String,
    /// SHA-256 of the value (of the decoded key for key blocks).
    pub value_digest: [u8; 32],
    /// What else to know, never the value: `encrypted`, the `.env` key
    /// name, why a hit was made Low.
    pub detail: Option<String>,
    /// Found in a package's own test fixtures or documentation (the
    /// `paths.rs` list): public by construction.
    pub fixture: bool,
}

impl SecretHit {
    /// What was found, for a message: its kind with an article and the
    /// detail (`an RSA private key`, `a PKCS #8 private key (encrypted)`);
    /// never the value.
    pub fn described(&self) -> String {
        let kind = self.kind.describe();
        let article = match kind.chars().next() {
            // Said letter by letter: "an RSA", "an EC", "an npm".
            Some('A' | 'E' | 'I' | 'O' | 'U' | 'R' | 'a' | 'e' | 'i' | 'o' | 'u') => "an",
            _ => "a",
        };
        match self.detail.as_deref() {
            Some(detail) => format!("{article} {kind} ({detail})"),
            None => format!("{article} {kind}"),
        }
    }

    /// The value's SHA-256 in hex: a finding's identity, so that a
    /// rotated secret is a new finding and the same one is not.
    pub fn digest_hex(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = String::with_capacity(64);
        for byte in &self.value_digest {
            text.push(char::from(HEX[usize::from(byte >> 4)]));
            text.push(char::from(HEX[usize::from(byte & 15)]));
        }
        text
    }
}
