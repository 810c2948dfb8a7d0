//! API tokens whose shape their issuer documents: a fixed prefix, a
//! length and an alphabet. Each shape must stand alone (no token
//! character right before or after it) and its random part must look
//! random (`looks_random`: no `EXAMPLE`, no placeholder, no repeated
//! unit). JSON Web Tokens are told by their decoded header instead.

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use regex::bytes::Regex;

use super::keywords::{Families, Family};
use super::window::{
    Window, around, contains_ignore_case, is_token_byte, looks_random, stands_alone,
};
use super::{SecretKind, SecretTier};

/// One documented token shape.
struct Shape {
    family: Family,
    kind: SecretKind,
    /// The whole token is the match.
    pattern: &'static str,
    /// Where the random part starts (after the fixed prefix).
    random_from: usize,
}

/// Token shapes, with where each is documented.
const SHAPES: [Shape; 14] = [
    // GitHub's token formats (GitHub blog, "Behind GitHub's new
    // authentication token formats", 2021): `ghp_` personal, `gho_`
    // OAuth, `ghu_` user-to-server, `ghs_` server-to-server; 36 base62
    // characters.
    Shape {
        family: Family::Github,
        kind: SecretKind::GithubToken,
        pattern: r"gh[pous]_[A-Za-z0-9]{36}",
        random_from: 4,
    },
    // `ghr_` refresh tokens, issued with expiring user-to-server tokens,
    // are longer: 76 characters in GitHub's token responses (and in
    // Trivy's `github-refresh-token` rule); the 36 of the other prefixes
    // is accepted too.
    Shape {
        family: Family::Github,
        kind: SecretKind::GithubToken,
        pattern: r"ghr_(?:[A-Za-z0-9]{76}|[A-Za-z0-9]{36})",
        random_from: 4,
    },
    // Fine-grained personal access tokens: `github_pat_`, 22 characters,
    // `_`, 59 characters.
    Shape {
        family: Family::Github,
        kind: SecretKind::GithubToken,
        pattern: r"github_pat_[A-Za-z0-9_]{82}",
        random_from: 11,
    },
    // GitLab personal access tokens (GitLab docs, "Token prefixes"):
    // `glpat-` then 20 characters; newer routable tokens are longer and
    // may carry `.`-separated parts.
    Shape {
        family: Family::Gitlab,
        kind: SecretKind::GitlabToken,
        pattern: r"glpat-[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9_-]+)*",
        random_from: 6,
    },
    // Slack tokens (Slack API docs, "Token types"): `xoxb-` bot, `xoxp-`
    // user, `xoxa-`/`xoxr-` app and refresh, `xoxs-`/`xoxo-` legacy;
    // numeric workspace and user parts, then a random part.
    Shape {
        family: Family::Slack,
        kind: SecretKind::SlackToken,
        pattern: r"xox[abposr]-[0-9]{1,16}(?:-[0-9]{1,16}){0,3}-[A-Za-z0-9]{24,64}",
        random_from: 5,
    },
    // Slack app-level tokens: `xapp-1-A…-<digits>-<64 hex>`.
    Shape {
        family: Family::Slack,
        kind: SecretKind::SlackToken,
        pattern: r"xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,16}-[a-f0-9]{64}",
        random_from: 5,
    },
    // Slack incoming webhooks (Slack docs, "Sending messages using
    // incoming webhooks"): the URL itself is the credential.
    Shape {
        family: Family::SlackWebhook,
        kind: SecretKind::SlackWebhook,
        pattern: r"https://hooks\.slack\.com/services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{24}",
        random_from: 33,
    },
    // Stripe live secret and restricted keys (Stripe docs, "API keys"):
    // `sk_live_`, `rk_live_`. Test-mode keys (`sk_test_`) reach no money
    // and are not looked for.
    Shape {
        family: Family::Stripe,
        kind: SecretKind::StripeKey,
        pattern: r"[rs]k_live_[A-Za-z0-9]{24,99}",
        random_from: 8,
    },
    // npm access tokens (npm docs and blog, 2021): `npm_` then 36 base62.
    Shape {
        family: Family::Npm,
        kind: SecretKind::NpmToken,
        pattern: r"npm_[A-Za-z0-9]{36}",
        random_from: 4,
    },
    // PyPI API tokens (PyPI help, "API tokens"): `pypi-` then a base64
    // macaroon whose first bytes encode the domain (`pypi.org`, or
    // `test.pypi.org`).
    Shape {
        family: Family::Pypi,
        kind: SecretKind::PypiToken,
        pattern: r"pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,}",
        random_from: 20,
    },
    // Docker Hub personal access tokens (Docker docs): `dckr_pat_` then 27.
    Shape {
        family: Family::DockerHub,
        kind: SecretKind::DockerHubToken,
        pattern: r"dckr_pat_[A-Za-z0-9_-]{27}",
        random_from: 9,
    },
    // SendGrid API keys (Twilio SendGrid docs): `SG.`, a 22-character id,
    // `.`, a 43-character secret.
    Shape {
        family: Family::Sendgrid,
        kind: SecretKind::SendgridKey,
        pattern: r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}",
        random_from: 3,
    },
    // OpenAI API keys: `sk-` (legacy), `sk-proj-`, `sk-svcacct-`,
    // `sk-admin-`; every shape carries `T3BlbkFJ`, base64 of `OpenAI`.
    Shape {
        family: Family::OpenAi,
        kind: SecretKind::OpenAiKey,
        pattern: r"sk-[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}",
        random_from: 3,
    },
    // Anthropic API keys: `sk-ant-api03-` (and `sk-ant-admin01-`) then
    // about 95 characters.
    Shape {
        family: Family::Anthropic,
        kind: SecretKind::AnthropicKey,
        pattern: r"sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{80,}",
        random_from: 13,
    },
];

fn shape_regexes() -> &'static [Regex] {
    static RES: OnceLock<Vec<Regex>> = OnceLock::new();
    RES.get_or_init(|| {
        SHAPES
            .iter()
            .map(|s| Regex::new(&format!("(?-u){}", s.pattern)).expect("valid regex"))
            .collect()
    })
}

/// Every token shape whose family's keyword was seen.
pub(super) fn shapes(w: &mut Window, families: Families) {
    let text = w.text;
    for (shape, re) in SHAPES.iter().zip(shape_regexes()) {
        if !families.contains(shape.family) {
            continue;
        }
        for m in re.find_iter(text) {
            let value = m.as_bytes();
            if w.owns(m.start())
                && stands_alone(text, &m.range(), is_token_byte)
                && looks_random(&value[shape.random_from.min(value.len())..])
            {
                w.report(m.start(), shape.kind, SecretTier::High, value, None);
            }
        }
    }
}

/// Twilio API key SIDs (`SK` then 32 hex, Twilio docs "API keys"): too
/// short a prefix to tell alone, so only where `twilio` is written
/// within three lines.
pub(super) fn twilio(w: &mut Window) {
    static SID: OnceLock<Regex> = OnceLock::new();
    let text = w.text;
    let re = SID.get_or_init(|| Regex::new(r"(?-u)SK[0-9a-fA-F]{32}").expect("valid regex"));
    for m in re.find_iter(text) {
        if w.owns(m.start())
            && stands_alone(text, &m.range(), |b| b.is_ascii_alphanumeric())
            && looks_random(&m.as_bytes()[2..])
            && contains_ignore_case(&text[around(text, m.start(), 3, 1024)], b"twilio")
        {
            w.report(
                m.start(),
                SecretKind::TwilioKey,
                SecretTier::High,
                m.as_bytes(),
                None,
            );
        }
    }
}

/// JSON Web Tokens (RFC 7519): three base64url parts, the header a JSON
/// object with an `alg` other than `none`, the payload a JSON object, a
/// signature of at least 16 characters. jwt.io's sample token (`John
/// Doe`, subject `1234567890`) is not a hit.
pub(super) fn jwt(w: &mut Window) {
    static JWT: OnceLock<Regex> = OnceLock::new();
    let text = w.text;
    let re = JWT.get_or_init(|| {
        Regex::new(r"(?-u)eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{16,}")
            .expect("valid regex")
    });
    for m in re.find_iter(text) {
        let token = m.as_bytes();
        // A fourth `.part` makes it a JWE or something else.
        let continues = |b: u8| is_token_byte(b) || b == b'.';
        if !w.owns(m.start()) || !stands_alone(text, &m.range(), continues) {
            continue;
        }
        let mut parts = token.split(|b| *b == b'.');
        let (Some(header), Some(payload)) = (parts.next(), parts.next()) else {
            continue;
        };
        if jwt_header_signs(header) && jwt_payload(payload).is_some_and(|p| !jwt_io_sample(&p)) {
            w.report(m.start(), SecretKind::Jwt, SecretTier::High, token, None);
        }
    }
}

fn jwt_header_signs(header: &[u8]) -> bool {
    let Ok(json) = URL_SAFE_NO_PAD.decode(header) else {
        return false;
    };
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(&json) else {
        return false;
    };
    map.get("alg")
        .and_then(|a| a.as_str())
        .is_some_and(|alg| !alg.is_empty() && !alg.eq_ignore_ascii_case("none"))
}

fn jwt_payload(payload: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    let json = URL_SAFE_NO_PAD.decode(payload).ok()?;
    match serde_json::from_slice(&json).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

fn jwt_io_sample(payload: &serde_json::Map<String, serde_json::Value>) -> bool {
    payload.get("sub").and_then(|s| s.as_str()) == Some("1234567890")
        && payload.get("name").and_then(|s| s.as_str()) == Some("John Doe")
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::super::{SecretKind, SecretTier};

    /// A token of `prefix` and `len` random characters of `alphabet`.
    fn token(seed: u64, prefix: &str, alphabet: &[u8], len: usize) -> String {
        format!("{prefix}{}", random(seed, alphabet, len))
    }

    fn assert_token(text: &str, kind: SecretKind) {
        let hit = assert_hit("app/config.txt", text, kind, SecretTier::High);
        assert!(
            hit.preview.ends_with("****") && hit.preview.len() <= 8,
            "{hit:?}"
        );
    }

    #[test]
    fn finds_github_tokens_where_they_start() {
        let classic = token(1, "ghp_", BASE62, 36);
        let text = format!("# ci\nexport GH={classic}\n");
        let hit = assert_hit(
            "app/ci.sh",
            &text,
            SecretKind::GithubToken,
            SecretTier::High,
        );
        assert_eq!(
            (hit.line, hit.column, hit.preview.as_str()),
            (2, 11, "ghp_****")
        );
        for prefix in ["gho_", "ghu_", "ghs_", "ghr_"] {
            assert_token(&token(2, prefix, BASE62, 36), SecretKind::GithubToken);
        }
        let fine = format!(
            "github_pat_{}_{}",
            random(3, BASE62, 22),
            random(4, BASE62, 59)
        );
        assert_token(&fine, SecretKind::GithubToken);
    }

    #[test]
    fn finds_github_refresh_tokens_of_their_full_length() {
        let refresh = token(29, "ghr_", BASE62, 76);
        let text = format!("access_token=x&refresh_token={refresh}&expires_in=15811200\n");
        let hit = assert_hit(
            "app/oauth.log",
            &text,
            SecretKind::GithubToken,
            SecretTier::High,
        );
        assert_eq!(
            (hit.line, hit.column, hit.preview.as_str()),
            (1, 30, "ghr_****")
        );
        assert_none("a.txt", &token(29, "ghr_", BASE62, 77));
        assert_none("a.txt", &token(29, "ghr_", BASE62, 60));
    }

    #[test]
    fn github_shapes_of_the_wrong_length_or_fake_are_not_tokens() {
        assert_none("a.txt", &token(5, "ghp_", BASE62, 35));
        assert_none("a.txt", &token(5, "ghp_", BASE62, 37));
        assert_none("a.txt", &format!("x{}", token(5, "ghp_", BASE62, 36)));
        assert_none("a.txt", &format!("ghp_{}", "a1B2".repeat(9)));
        assert_none("a.txt", &format!("ghp_{}", "x".repeat(36)));
        assert_none("a.txt", &format!("ghp_EXAMPLE{}", random(6, BASE62, 29)));
        assert_none("a.txt", &format!("ghp_your{}", random(6, BASE62, 32)));
    }

    #[test]
    fn finds_the_other_documented_token_shapes() {
        assert_token(&token(7, "glpat-", BASE62, 20), SecretKind::GitlabToken);
        let bot = format!(
            "xoxb-{}-{}-{}",
            random(8, b"0123456789", 12),
            random(9, b"0123456789", 13),
            random(10, BASE62, 24)
        );
        assert_token(&bot, SecretKind::SlackToken);
        let webhook = format!(
            "https://hooks.slack.com/services/T{}/B{}/{}",
            random(11, BASE32, 8),
            random(12, BASE32, 10),
            random(13, BASE62, 24)
        );
        let hit = only("a.txt", &webhook);
        assert_eq!(
            (hit.kind, hit.preview.as_str()),
            (SecretKind::SlackWebhook, "http****")
        );
        assert_token(&token(14, "sk_live_", BASE62, 24), SecretKind::StripeKey);
        assert_token(&token(15, "rk_live_", BASE62, 32), SecretKind::StripeKey);
        assert_token(&token(16, "npm_", BASE62, 36), SecretKind::NpmToken);
        let pypi = token(17, &format!("pypi-{}", "AgEIcHlwaS5vcmc"), BASE62, 70);
        assert_token(&pypi, SecretKind::PypiToken);
        assert_token(
            &token(18, "dckr_pat_", BASE62, 27),
            SecretKind::DockerHubToken,
        );
        let sendgrid = format!("SG.{}.{}", random(19, BASE62, 22), random(20, BASE62, 43));
        assert_token(&sendgrid, SecretKind::SendgridKey);
        let openai = format!(
            "sk-proj-{}{}{}",
            random(21, BASE62, 74),
            "T3BlbkFJ",
            random(22, BASE62, 74)
        );
        assert_token(&openai, SecretKind::OpenAiKey);
        let anthropic = format!("sk-ant-api03-{}AA", random(23, BASE62, 93));
        assert_token(&anthropic, SecretKind::AnthropicKey);
    }

    #[test]
    fn test_keys_and_lookalikes_are_not_tokens() {
        assert_none("a.txt", &token(24, "sk_test_", BASE62, 24));
        assert_none(
            "a.txt",
            "npm_config_cache=/tmp/npm_cache_dir_for_the_build_x\n",
        );
        assert_none("a.txt", "sk-ant-api03-short\n");
        assert_none("a.txt", &format!("sk-{}", random(25, BASE62, 48)));
    }

    #[test]
    fn twilio_keys_need_twilio_nearby() {
        let sid = token(26, "SK", HEX, 32);
        assert_token(&format!("TWILIO_API_KEY={sid}\n"), SecretKind::TwilioKey);
        assert_token(&format!("# twilio\n\n{sid}\n"), SecretKind::TwilioKey);
        assert_none("a.txt", &format!("api_key={sid}\n"));
        assert_none("a.txt", &format!("# twilio\n\n\n\n\n{sid}\n"));
    }

    #[test]
    fn finds_signed_jwts_only() {
        let header = r#"{"alg":"HS256","typ":"JWT"}"#;
        let signed = jwt(27, header, r#"{"sub":"42","iat":1700000000}"#);
        assert_token(
            &format!("Authorization: Bearer {signed}\n"),
            SecretKind::Jwt,
        );
        let unsigned = jwt(27, r#"{"alg":"none"}"#, r#"{"sub":"42"}"#);
        assert_none("a.txt", &unsigned);
        let no_alg = jwt(27, r#"{"typ":"JWT"}"#, r#"{"sub":"42"}"#);
        assert_none("a.txt", &no_alg);
        let sample = jwt(
            27,
            header,
            r#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#,
        );
        assert_none("a.txt", &sample);
        let not_json = format!(
            "eyJub3QganNvbg.{}",
            &signed[signed.find('.').unwrap_or(0)..]
        );
        assert_none("a.txt", &not_json);
        assert_none("a.txt", &format!("{signed}.{}", random(28, BASE62, 20)));
    }
}
