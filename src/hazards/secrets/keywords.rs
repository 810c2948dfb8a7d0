//! The keyword pass: one Aho-Corasick automaton, built once and shared by
//! every thread, finds which detector families a window may hold; only
//! those run their regexes. Each keyword is a fixed part of every value
//! its detectors look for, so a window without it cannot hold one.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

/// A group of detectors that share a keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum Family {
    Pem,
    Putty,
    Aws,
    Gcp,
    AzureStorage,
    AzureClient,
    Github,
    Gitlab,
    Slack,
    SlackWebhook,
    Stripe,
    Npm,
    NpmAuthToken,
    Pypi,
    DockerHub,
    Sendgrid,
    Twilio,
    OpenAi,
    Anthropic,
    Jwt,
    Kubeconfig,
}

/// A set of families.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Families(u32);

impl Families {
    pub(super) fn insert(&mut self, family: Family) {
        self.0 |= 1 << family as u32;
    }

    pub(super) fn contains(self, family: Family) -> bool {
        self.0 & (1 << family as u32) != 0
    }

    pub(super) fn is_empty(self) -> bool {
        self.0 == 0
    }
}

const KEYWORDS: &[(&[u8], Family)] = &[
    (b"PRIVATE KEY-----", Family::Pem),
    (b"PuTTY-User-Key-File-", Family::Putty),
    (b"AKIA", Family::Aws),
    (b"ASIA", Family::Aws),
    (b"service_account", Family::Gcp),
    (b"AccountKey=", Family::AzureStorage),
    // Entra ID client secrets: three characters, a version digit, `Q~`.
    (b"0Q~", Family::AzureClient),
    (b"1Q~", Family::AzureClient),
    (b"2Q~", Family::AzureClient),
    (b"3Q~", Family::AzureClient),
    (b"4Q~", Family::AzureClient),
    (b"5Q~", Family::AzureClient),
    (b"6Q~", Family::AzureClient),
    (b"7Q~", Family::AzureClient),
    (b"8Q~", Family::AzureClient),
    (b"9Q~", Family::AzureClient),
    (b"ghp_", Family::Github),
    (b"gho_", Family::Github),
    (b"ghu_", Family::Github),
    (b"ghs_", Family::Github),
    (b"ghr_", Family::Github),
    (b"github_pat_", Family::Github),
    (b"glpat-", Family::Gitlab),
    (b"xoxa-", Family::Slack),
    (b"xoxb-", Family::Slack),
    (b"xoxo-", Family::Slack),
    (b"xoxp-", Family::Slack),
    (b"xoxr-", Family::Slack),
    (b"xoxs-", Family::Slack),
    (b"xapp-", Family::Slack),
    (b"hooks.slack.com", Family::SlackWebhook),
    (b"sk_live_", Family::Stripe),
    (b"rk_live_", Family::Stripe),
    (b"npm_", Family::Npm),
    (b"_authToken", Family::NpmAuthToken),
    (b"pypi-AgE", Family::Pypi),
    (b"dckr_pat_", Family::DockerHub),
    (b"SG.", Family::Sendgrid),
    (b"twilio", Family::Twilio),
    (b"Twilio", Family::Twilio),
    (b"TWILIO", Family::Twilio),
    // base64 of `OpenAI`, inside every OpenAI key.
    (b"T3BlbkFJ", Family::OpenAi),
    (b"sk-ant-", Family::Anthropic),
    // base64url of `{"`: the start of a JWT's header.
    (b"eyJ", Family::Jwt),
    (b"kind: Config", Family::Kubeconfig),
];

fn automaton() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(KEYWORDS.iter().map(|(k, _)| k))
            .expect("the keywords are valid patterns")
    })
}

/// The families whose keyword occurs in `text`.
pub(super) fn families(text: &[u8]) -> Families {
    let mut found = Families::default();
    for m in automaton().find_iter(text) {
        found.insert(KEYWORDS[m.pattern().as_usize()].1);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_families_of_the_keywords_present() {
        let found = families(b"x = 'ghp_' and AKIA and a -----BEGIN RSA PRIVATE KEY-----");
        assert!(found.contains(Family::Github));
        assert!(found.contains(Family::Aws));
        assert!(found.contains(Family::Pem));
        assert!(!found.contains(Family::Jwt));
        assert!(families(b"plain text, nothing to see").is_empty());
    }
}
