//! `plaintext-secret`: a credential written into the Dockerfile (an `ENV`
//! or `ARG` default, a password in a `RUN` command line), or a credential
//! file copied into the image (`COPY id_rsa`, `.npmrc`, `.env`…).

use super::ctx::{DockerfileCtx, Rule, shell_text};
use crate::catalog;
use crate::dockerfile::stages::key_values;
use crate::finding::{Finding, Severity};
use crate::hazards::credentials::{CredentialValue, classify, url_password};

pub(super) static RULE: Rule = Rule::new(&catalog::plaintext_secret::META, check);

/// What a file copied into the image is, when its name says it holds a
/// credential: private keys, package-registry and git credentials, a
/// Docker login, an env file.
fn credential_file(path: &str) -> Option<&'static str> {
    let path = path.trim_end_matches('/');
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let key = matches!(
        name.as_str(),
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519"
    ) || name.ends_with(".key")
        || name.ends_with(".p12")
        || name.ends_with(".pfx")
        || (name.ends_with(".pem") && name.contains("key"));
    Some(if key {
        "a private key"
    } else if matches!(
        name.as_str(),
        ".npmrc" | ".pypirc" | ".netrc" | ".git-credentials"
    ) {
        "registry or git credentials"
    } else if path.ends_with(".docker/config.json") {
        "a Docker login"
    } else if name == ".env" || (name.ends_with(".env") && !name.ends_with(".example.env")) {
        "an env file"
    } else {
        return None;
    })
}

/// The credential files a `COPY`/`ADD` of an image stage copies in: its
/// sources (every word but the destination), heredocs and flags left out.
fn copied_credentials(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    for stage in ctx.image_stages() {
        for instruction in stage
            .instructions
            .iter()
            .filter(|i| matches!(i.keyword.as_str(), "COPY" | "ADD"))
        {
            let words = match &instruction.args {
                crate::dockerfile::syntax::Args::Shell(text) => text.words(),
                crate::dockerfile::syntax::Args::Json(words) => words.clone(),
            };
            let Some((_, sources)) = words.split_last() else {
                continue;
            };
            for source in sources.iter().filter(|w| !w.text.starts_with("<<")) {
                let Some(what) = credential_file(&source.text) else {
                    continue;
                };
                out.push(
                    ctx.finding(
                        RULE.meta,
                        Severity::High,
                        source.span,
                        DockerfileCtx::route(stage, instruction),
                        format!(
                            "`{} {}` in {} puts {what} in the image, for anyone who pulls it",
                            instruction.keyword,
                            source.text,
                            DockerfileCtx::stage_name(stage)
                        ),
                    )
                    .fix("mount it for the step that needs it (`RUN --mount=type=secret,id=…` or `--mount=type=ssh`) and keep it out of the build context (.dockerignore)"),
                );
            }
        }
    }
}

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    copied_credentials(ctx, out);
    for stage in &ctx.build.stages {
        let stage_name = DockerfileCtx::stage_name(stage);
        for instruction in stage.instructions {
            let route = DockerfileCtx::route(stage, instruction);
            match instruction.keyword.as_str() {
                "ENV" | "ARG" => {
                    let Some(text) = shell_text(instruction) else {
                        continue;
                    };
                    for (name, value) in key_values(text, instruction.keyword == "ENV") {
                        let Some(value) = value else {
                            continue;
                        };
                        if classify(&name.text, &value.text) != CredentialValue::Literal {
                            continue;
                        }
                        let kept = if instruction.keyword == "ENV" {
                            "is kept in the image's config for anyone who pulls it"
                        } else {
                            "is kept in the image's history of every step that uses it"
                        };
                        out.push(
                            ctx.finding(
                                RULE.meta,
                                Severity::High,
                                value.span,
                                route.clone(),
                                format!("`{} {}` in {stage_name} sets a credential written out in the file; it {kept}", instruction.keyword, name.text),
                            )
                            .fix("mount it at build time (`RUN --mount=type=secret,id=…`) or pass it at run time")
                            .hiding(value.span),
                        );
                    }
                }
                "RUN" => {
                    for command in ctx.run_commands(instruction) {
                        let args = command.arguments();
                        for (i, word) in args.iter().enumerate() {
                            let written_password =
                                |text: &str| !text.is_empty() && !text.starts_with('$');
                            // `curl -u user:password`: the credential is the next word.
                            let user_option = matches!(word.text.as_str(), "-u" | "--user")
                                && matches!(command.program(), Some("curl" | "wget"));
                            let at = if url_password(&word.text).is_some()
                                || word
                                    .text
                                    .strip_prefix("--password=")
                                    .is_some_and(written_password)
                            {
                                Some(word)
                            } else if user_option {
                                args.get(i + 1).filter(|w| {
                                    w.text
                                        .split_once(':')
                                        .is_some_and(|(_, p)| written_password(p))
                                })
                            } else {
                                None
                            };
                            if let Some(word) = at {
                                // The password itself, inside the word.
                                let password = url_password(&word.text)
                                    .or_else(|| word.text.strip_prefix("--password="))
                                    .or_else(|| word.text.split_once(':').map(|(_, p)| p))
                                    .unwrap_or(&word.text);
                                out.push(
                                    ctx.finding(
                                        RULE.meta,
                                        Severity::High,
                                        word.span,
                                        route.clone(),
                                        format!("a `{}` command in {stage_name} carries a password in its arguments, kept in the image's history", command.program().unwrap_or("RUN")),
                                    )
                                    .fix("mount it at build time (`RUN --mount=type=secret,id=…`) and read it from the file")
                                    .hiding(ctx.narrow(word.span, password)),
                                );
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
