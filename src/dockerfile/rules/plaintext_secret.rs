//! `plaintext-secret`: a credential written into the Dockerfile: an `ENV`
//! or `ARG` default, a password in a `RUN` command line.

use super::ctx::{DockerfileCtx, Rule, run_commands, shell_text};
use crate::catalog;
use crate::dockerfile::stages::key_values;
use crate::finding::{Finding, Severity};
use crate::hazards::credentials::{CredentialValue, classify, url_password};

pub(super) static RULE: Rule = Rule::new(&catalog::plaintext_secret::META, check);

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
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
                            .fix("mount it at build time (`RUN --mount=type=secret,id=…`) or pass it at run time"),
                        );
                    }
                }
                "RUN" => {
                    for command in run_commands(instruction) {
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
                                out.push(
                                    ctx.finding(
                                        RULE.meta,
                                        Severity::High,
                                        word.span,
                                        route.clone(),
                                        format!("a `{}` command in {stage_name} carries a password in its arguments, kept in the image's history", command.program().unwrap_or("RUN")),
                                    )
                                    .fix("mount it at build time (`RUN --mount=type=secret,id=…`) and read it from the file"),
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
