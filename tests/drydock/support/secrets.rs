//! Credentials for the secret tests, made up at run time from a seed: the
//! same bytes on every run, and no literal key or token in the
//! repository's sources for another secret scanner to flag. Each has the
//! shape a real one has (a PEM block whose body decodes to one DER
//! `SEQUENCE`, a token of the documented length and alphabet), so both
//! drydock and Trivy take them for real.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGITS: &[u8] = b"0123456789";
const HEX: &[u8] = b"0123456789abcdef";

/// A splitmix64 stream: deterministic, good enough to look random.
pub struct Seeded(u64);

impl Seeded {
    pub fn new(seed: u64) -> Seeded {
        Seeded(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn text(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| char::from(alphabet[(self.next() % alphabet.len() as u64) as usize]))
            .collect()
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// Five dashes, so no source line is a PEM boundary.
fn dashes() -> String {
    "-".repeat(5)
}

/// A PEM block labelled `label` around `body`, in 64-character lines.
fn pem(label: &str, body: &[u8]) -> String {
    armour(label, "", body, "")
}

/// `body` in base64 lines of 64 characters between the `BEGIN` and `END`
/// lines of `label`, `headers` before it and `trailer` after it.
fn armour(label: &str, headers: &str, body: &[u8], trailer: &str) -> String {
    let mut out = format!("{0}BEGIN {label}{0}\n{headers}", dashes());
    for line in STANDARD.encode(body).as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.push_str(trailer);
    out.push_str(&format!("{0}END {label}{0}\n", dashes()));
    out
}

/// A DER `SEQUENCE` of `len` random bytes (`len` up to 65535), its length
/// in the short or long form DER asks for.
fn der_sequence(seed: u64, len: usize) -> Vec<u8> {
    let mut der = match len {
        0..=127 => vec![0x30, len as u8],
        128..=255 => vec![0x30, 0x81, len as u8],
        _ => vec![0x30, 0x82, (len >> 8) as u8, len as u8],
    };
    der.extend(Seeded::new(seed).bytes(len));
    der
}

/// `<kind>PRIVATE KEY`, spelled so that no source line is a PEM label.
fn private_label(kind: &str) -> String {
    format!("{kind}{} {}", "PRIVATE", "KEY")
}

/// An unencrypted RSA private key block (a DER `SEQUENCE` of random
/// bytes; no real key).
pub fn rsa_key(seed: u64) -> String {
    pem(&private_label("RSA "), &der_sequence(seed, 610))
}

/// An unencrypted SEC 1 EC private key block (P-256 sized).
pub fn ec_key(seed: u64) -> String {
    pem(&private_label("EC "), &der_sequence(seed, 119))
}

/// The `EC PARAMETERS` block (the P-256 curve's OID) that `openssl ecparam
/// -genkey` writes before the key: public.
pub fn ec_parameters() -> String {
    format!(
        "{0}BEGIN EC PARAMETERS{0}\nBggqhkjOPQMBBw==\n{0}END EC PARAMETERS{0}\n",
        dashes()
    )
}

/// An RSA private key encrypted the legacy OpenSSL way: `Proc-Type:
/// 4,ENCRYPTED` and `DEK-Info` headers, then a ciphertext body.
pub fn encrypted_rsa_key(seed: u64) -> String {
    let mut rng = Seeded::new(seed);
    let iv = rng.text(b"0123456789ABCDEF", 32);
    let headers = format!("Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{iv}\n\n");
    armour(&private_label("RSA "), &headers, &rng.bytes(608), "")
}

/// An OpenPGP private key block (ASCII armour, no headers, a checksum
/// line).
pub fn pgp_private_key(seed: u64) -> String {
    let label = format!("PGP {} {} BLOCK", "PRIVATE", "KEY");
    let mut rng = Seeded::new(seed);
    let body = rng.bytes(900);
    let checksum = format!("={}\n", STANDARD.encode(rng.bytes(3)));
    armour(&label, "\n", &body, &checksum)
}

/// An unencrypted PKCS #8 private key block.
pub fn pkcs8_key(seed: u64) -> String {
    pem(&private_label(""), &der_sequence(seed, 630))
}

/// An unencrypted OpenSSH private key block (`openssh-key-v1`, cipher
/// `none`).
pub fn openssh_key(seed: u64) -> String {
    let mut body = b"openssh-key-v1\0".to_vec();
    body.extend(4u32.to_be_bytes());
    body.extend(b"none");
    body.extend(Seeded::new(seed).bytes(360));
    pem(&private_label("OPENSSH "), &body)
}

/// A certificate block: public, never a finding.
pub fn certificate(seed: u64) -> String {
    let body = STANDARD.encode(Seeded::new(seed).bytes(300));
    format!(
        "{0}BEGIN CERTIFICATE{0}\n{body}\n{0}END CERTIFICATE{0}\n",
        dashes()
    )
}

/// A classic GitHub personal access token.
pub fn github_token(seed: u64) -> String {
    format!("{}_{}", "ghp", Seeded::new(seed).text(ALNUM, 36))
}

/// A GitHub App refresh token (`ghr_` and 76 characters, as GitHub's token
/// responses carry them).
pub fn github_refresh_token(seed: u64) -> String {
    format!("{}_{}", "ghr", Seeded::new(seed).text(ALNUM, 76))
}

/// A fine-grained GitHub personal access token.
pub fn github_fine_grained_token(seed: u64) -> String {
    let mut rng = Seeded::new(seed);
    let (id, secret) = (rng.text(ALNUM, 22), rng.text(ALNUM, 59));
    format!("{}_{}_{id}_{secret}", "github", "pat")
}

/// A GitLab personal access token.
pub fn gitlab_token(seed: u64) -> String {
    format!("{}-{}", "glpat", Seeded::new(seed).text(ALNUM, 20))
}

/// A Slack bot token (workspace and user numbers, then 24 characters).
pub fn slack_token(seed: u64) -> String {
    let mut rng = Seeded::new(seed);
    let (team, user) = (rng.text(DIGITS, 12), rng.text(DIGITS, 13));
    format!("{}-{team}-{user}-{}", "xoxb", rng.text(ALNUM, 24))
}

/// A Slack incoming webhook URL.
pub fn slack_webhook(seed: u64) -> String {
    let mut rng = Seeded::new(seed);
    let team = rng.text(UPPER_DIGITS, 8);
    let channel = rng.text(UPPER_DIGITS, 10);
    let secret = rng.text(ALNUM, 24);
    format!(
        "https://hooks.{}.com/services/T{team}/B{channel}/{secret}",
        "slack"
    )
}

/// A Stripe secret key, live (`live`) or test-mode (`test`).
pub fn stripe_key(seed: u64, mode: &str) -> String {
    format!("{}_{mode}_{}", "sk", Seeded::new(seed).text(ALNUM, 24))
}

/// An npm access token.
pub fn npm_token(seed: u64) -> String {
    format!("{}_{}", "npm", Seeded::new(seed).text(ALNUM, 36))
}

/// A PyPI API token (`pypi-` and a macaroon for `pypi.org`).
pub fn pypi_token(seed: u64) -> String {
    format!(
        "{}-{}{}",
        "pypi",
        "AgEIcHlwaS5vcmc",
        Seeded::new(seed).text(ALNUM, 70)
    )
}

/// A SendGrid API key.
pub fn sendgrid_key(seed: u64) -> String {
    let mut rng = Seeded::new(seed);
    let (id, secret) = (rng.text(ALNUM, 22), rng.text(ALNUM, 43));
    format!("{}.{id}.{secret}", "SG")
}

/// A Docker Hub personal access token.
pub fn docker_hub_token(seed: u64) -> String {
    format!("{}_{}_{}", "dckr", "pat", Seeded::new(seed).text(ALNUM, 27))
}

/// An OpenAI project API key (`T3BlbkFJ`, base64 of `OpenAI`, inside).
pub fn openai_key(seed: u64) -> String {
    let mut rng = Seeded::new(seed);
    let (a, b) = (rng.text(ALNUM, 74), rng.text(ALNUM, 74));
    format!("{}-{}-{a}{}{b}", "sk", "proj", "T3BlbkFJ")
}

/// An Anthropic API key.
pub fn anthropic_key(seed: u64) -> String {
    let tail = Seeded::new(seed).text(ALNUM, 93);
    format!("{}-{}-{}-{tail}AA", "sk", "ant", "api03")
}

/// A Twilio API key SID (`SK` and 32 hex digits).
pub fn twilio_key(seed: u64) -> String {
    format!("{}{}", "SK", Seeded::new(seed).text(HEX, 32))
}

/// A JSON Web Token of `header` and `payload` (JSON) with a random
/// signature.
pub fn jwt(seed: u64, header: &str, payload: &str) -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode(Seeded::new(seed).bytes(32))
    )
}

/// A Google Cloud service-account key file, as the console writes it
/// (one field a line; the key at line 5).
pub fn gcp_service_account(seed: u64) -> String {
    let key = pkcs8_key(seed).replace('\n', "\\n");
    let id = Seeded::new(seed + 1).text(HEX, 40);
    format!(
        "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo-project\",\n  \
         \"private_key_id\": \"{id}\",\n  \"private_key\": \"{key}\",\n  \
         \"client_email\": \"deploy@demo-project.iam.gserviceaccount.com\",\n  \
         \"client_id\": \"104612345678901234567\"\n}}\n"
    )
}

/// A Docker `config.json` with a registry login (`auth` is base64 of
/// `user:password`; the login at line 4).
pub fn docker_config(seed: u64) -> String {
    let auth = STANDARD.encode(format!("deploy:{}", password(seed)));
    format!(
        "{{\n  \"auths\": {{\n    \"registry.example.org\": {{\n      \"auth\": \"{auth}\"\n    }}\n  }}\n}}\n"
    )
}

/// An Azure storage connection string (an 88-character `AccountKey`).
pub fn azure_storage_connection(seed: u64) -> String {
    let key = STANDARD.encode(Seeded::new(seed).bytes(64));
    format!(
        "DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey={key};\
         EndpointSuffix=core.windows.net"
    )
}

/// An Entra ID client secret of the current shape (`Q~` after a version
/// digit, 40 characters).
pub fn azure_client_secret(seed: u64) -> String {
    let mut rng = Seeded::new(seed);
    let head = rng.text(ALNUM, 3);
    format!("{head}8{}{}", "Q~", rng.text(ALNUM, 34))
}

/// An AWS access key id and its secret access key.
pub fn aws_pair(seed: u64) -> (String, String) {
    let mut rng = Seeded::new(seed);
    let id = format!("{}{}", "AKIA", rng.text(UPPER_DIGITS, 16));
    let secret = rng.text(B64, 40);
    (id, secret)
}

/// The unique id of an IAM user (`AIDA…`): it names the user, it signs
/// nothing.
pub fn aws_user_id(seed: u64) -> String {
    format!("{}{}", "AIDA", Seeded::new(seed).text(UPPER_DIGITS, 16))
}

/// AWS's documented example key pair (`…EXAMPLE`, `…EXAMPLEKEY`), which
/// its documentation uses everywhere: no credential.
pub fn aws_documented_example() -> (String, String) {
    (
        format!("{}{}", "AKIAIOSFODNN7", "EXAMPLE"),
        format!("{}/{}/{}", "wJalrXUtnFEMI", "K7MDENG", "bPxRfiCYEXAMPLEKEY"),
    )
}

/// A password that looks like one.
pub fn password(seed: u64) -> String {
    format!("{}-{}", Seeded::new(seed).text(ALNUM, 12), "x9")
}
