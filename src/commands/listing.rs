//! The commands that list what drydock knows rather than audit: `rules`,
//! `explain ID` and `policy check FILE`.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::Format;
use crate::policy;
use crate::rule::Registry;

use super::output::{self, EXIT_ERROR};

/// `drydock policy check FILE`.
pub(super) fn check_policy(file: &Path) -> ExitCode {
    match policy::load_file(file, &crate::rules::registry()) {
        Ok(policy) => output::stdout(&format!(
            "{}: valid ({} rule setting(s), {} exception(s), {} compound rule(s))\n",
            file.display(),
            policy.rules.len(),
            policy.exceptions.len(),
            policy.compound.len()
        )),
        Err(errors) => {
            for e in &errors {
                output::error(e);
            }
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The built-in rules and those the repository's `.drydock.yaml` (found
/// from the current directory) declares, for `rules` and `explain`. A
/// broken policy adds nothing: `policy check` is where it is reported.
fn repository_registry() -> Registry {
    let mut registry = crate::rules::registry();
    if let Some(Ok(policy)) = policy::load_repository_policy(Path::new("."), &registry) {
        for rule in policy.compound {
            registry.declare(rule.info);
        }
    }
    registry
}

/// `drydock rules`: every rule, built in and the repository's.
pub(super) fn rules(format: Format) -> ExitCode {
    let registry = repository_registry();
    let rules = registry.all();
    let text = match format {
        Format::Html | Format::Junit | Format::GitlabCodequality | Format::GitlabSast => {
            output::error("`drydock rules` prints `human` or `json`; that format is for reports");
            return ExitCode::from(EXIT_ERROR);
        }
        Format::Json | Format::Sarif => {
            let list: Vec<_> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "title": r.title,
                        "severity": r.severity,
                        "scopes": r.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&list).unwrap_or_default() + "\n"
        }
        Format::Human => {
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            rules
                .iter()
                .map(|r| format!("{:width$}  {:8}  {}\n", r.id, r.severity.as_str(), r.title))
                .collect()
        }
    };
    output::stdout(&text)
}

/// `drydock explain ID`: a rule's docs; for a compound rule, also its
/// declaration. A rule the repository's policy declares is found too.
pub(super) fn explain(id: &str) -> ExitCode {
    let registry = repository_registry();
    match registry.find(id) {
        Some(rule) => {
            let scopes: Vec<&str> = rule.scopes.iter().map(|s| s.as_str()).collect();
            let parameters: String = crate::params::of(&rule.id)
                .map(|p| format!("- `{}`: {}\n", p.key, p.doc))
                .collect();
            let parameters = if parameters.is_empty() {
                String::new()
            } else {
                format!(
                    "\n## Parameters\nLists a policy sets under `rules: {{{}: {{...}}}}`:\n{parameters}",
                    rule.id
                )
            };
            let declaration = policy::compound::declaration_of(&rule.id)
                .map(|d| format!("\n## Declaration\nAs a policy's `compound-rules:` would write it (add `title` and `severity`):\n```yaml\n{d}```\n"))
                .unwrap_or_default();
            output::stdout(&format!(
                "# {}: {}\n\nDefault severity: {}. Applies to: {}.\n\n{}{parameters}{declaration}",
                rule.id,
                rule.title,
                rule.severity,
                scopes.join(", "),
                rule.docs
            ))
        }
        None => {
            let hint = registry
                .suggest(id)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            output::error(format_args!(
                "no rule `{id}`{hint} (`drydock rules` lists them)"
            ));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// `drydock completions SHELL`: the completion script, from the clap
/// definitions.
pub(super) fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut command = <crate::cli::Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "drydock", &mut script);
    output::stdout(&String::from_utf8_lossy(&script))
}

/// `drydock man`: the manual page (roff), from the clap definitions; each
/// subcommand's options are a section of it.
pub(super) fn man() -> ExitCode {
    let command = <crate::cli::Cli as clap::CommandFactory>::command();
    let mut page = Vec::new();
    let rendered = clap_mangen::Man::new(command.clone())
        .render(&mut page)
        .and_then(|()| {
            // Each subcommand's options, under its own heading.
            for sub in command.get_subcommands() {
                let heading = format!("DRYDOCK {}", sub.get_name().to_uppercase());
                page.extend_from_slice(format!(".SH \"{heading}\"\n").as_bytes());
                let man = clap_mangen::Man::new(sub.clone());
                man.render_description_section(&mut page)?;
                man.render_options_section(&mut page)?;
            }
            Ok(())
        });
    if let Err(e) = rendered {
        output::error(format_args!("cannot render the manual page: {e}"));
        return ExitCode::from(EXIT_ERROR);
    }
    output::stdout(&String::from_utf8_lossy(&page))
}
