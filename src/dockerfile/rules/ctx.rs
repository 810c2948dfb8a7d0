//! What every Dockerfile rule file imports: [`Rule`] and the
//! [`DockerfileCtx`] a check gets — the parsed file, its stages, which of
//! them make the image, and a way to name a place in the file. The list of
//! the rules is in `mod.rs`; a rule file imports only this file.

use crate::dockerfile::shell::{Command, commands_deep, is_shell, word_commands};
use crate::dockerfile::stages::{Build, Stage};
use crate::dockerfile::syntax::{Args, Dockerfile, Heredoc, Instruction, Text, Word};
use crate::finding::{Finding, Location, Place, Severity, Subject};
use crate::params::Params;
use crate::rule::RuleMeta;
use crate::text::Span;

/// A Dockerfile rule.
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: fn(&DockerfileCtx, &mut Vec<Finding>),
}

impl Rule {
    pub const fn new(
        meta: &'static RuleMeta,
        check: fn(&DockerfileCtx, &mut Vec<Finding>),
    ) -> Rule {
        Rule { meta, check }
    }
}

/// One Dockerfile, as a rule sees it.
pub struct DockerfileCtx<'a> {
    pub dockerfile: &'a Dockerfile,
    pub build: &'a Build<'a>,
    /// The stage that is the image (the last, or the Compose `target`).
    pub target: Option<usize>,
    pub params: &'a Params,
}

impl<'a> DockerfileCtx<'a> {
    pub fn subject(&self) -> Subject {
        Subject::File {
            path: self.dockerfile.file.display.clone(),
        }
    }

    /// The stages the image is made of: the target stage and the stages
    /// it is built `FROM`, target first. Stages only copied from
    /// (`COPY --from`) are build-time and not among them.
    pub fn image_stages(&self) -> Vec<&'a Stage<'a>> {
        match self.target {
            Some(target) => self.build.chain(target),
            None => Vec::new(),
        }
    }

    /// How a stage is named in messages and routes: `stage build` or
    /// `stage 2`.
    pub fn stage_name(stage: &Stage) -> String {
        stage.label()
    }

    /// A finding at `span` of the file. `route` names the instruction
    /// (`stage build.RUN`), so baselines survive moved lines.
    pub fn finding(
        &self,
        meta: &RuleMeta,
        severity: Severity,
        span: Span,
        route: String,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule: meta.id.into(),
            severity,
            message: message.into(),
            subject: self.subject(),
            location: Place::Config(Location::at(&self.dockerfile.pos(span), route)),
            related: Vec::new(),
            fix: None,
            identity: None,
        }
    }

    /// Where `part` is written inside `span` (a word whose text, quotes
    /// removed, holds it), or `span` when the file does not write it there
    /// as is (an escape or a line break inside it).
    pub fn narrow(&self, span: Span, part: &str) -> Span {
        let written = self
            .dockerfile
            .file
            .text
            .get(span.start..span.end)
            .unwrap_or("");
        match written.find(part) {
            Some(at) if !part.is_empty() => Span {
                start: span.start + at,
                end: span.start + at + part.len(),
            },
            _ => span,
        }
    }

    /// The route of an instruction in a stage.
    pub fn route(stage: &Stage, instruction: &Instruction) -> String {
        format!("{}.{}", Self::stage_name(stage), instruction.keyword)
    }
}

impl DockerfileCtx<'_> {
    /// The shell commands a `RUN` runs: its shell form; its JSON form
    /// (`["apt-get", "install", "x"]`, and the script of `["sh", "-c",
    /// "…"]`); each heredoc that is a script rather than a command's input;
    /// and, after them, the scripts of `sh -c '…'` inside any of these.
    pub fn run_commands(&self, instruction: &Instruction) -> Vec<Command> {
        if instruction.keyword != "RUN" {
            return Vec::new();
        }
        let file_text = self.dockerfile.file.text.as_str();
        let mut out = match &instruction.args {
            Args::Shell(text) => commands_deep(text, file_text),
            Args::Json(words) => {
                let exec = Command {
                    words: words.iter().map(|w| unquoted(w, file_text)).collect(),
                    pipes_into_next: false,
                };
                let mut out = vec![exec.clone()];
                if let Some(script) = exec.shell_script() {
                    out.extend(word_commands(script, file_text));
                }
                out
            }
        };
        let outer = out.clone();
        for heredoc in &instruction.heredocs {
            if heredoc_is_script(heredoc, &outer) {
                out.extend(commands_deep(&heredoc.body, file_text));
            }
        }
        out
    }
}

/// A JSON string's word, pointing inside its quotes when the file writes
/// it without escapes.
fn unquoted(word: &Word, file_text: &str) -> Word {
    let written = file_text.get(word.span.start..word.span.end).unwrap_or("");
    let inner = written.strip_prefix('"').and_then(|w| w.strip_suffix('"'));
    match inner {
        Some(inner) if inner == word.text => Word {
            text: word.text.clone(),
            span: Span {
                start: word.span.start + 1,
                end: word.span.end - 1,
            },
        },
        _ => word.clone(),
    }
}

/// Whether a `RUN` heredoc is a shell script: the `RUN` is the heredoc
/// alone (`RUN <<EOF`, run by the build's shell unless a `#!` line names
/// another interpreter), or the command that reads it is a shell without
/// `-c` (`RUN bash -e <<EOF`). A heredoc another program reads is its
/// input (`RUN cat <<EOF > /etc/app.conf`, `RUN python3 <<EOF`).
fn heredoc_is_script(heredoc: &Heredoc, commands: &[Command]) -> bool {
    let reader = commands
        .iter()
        .rev()
        .find(|c| {
            c.words
                .first()
                .is_some_and(|w| w.span.start < heredoc.marker.start)
        })
        .or(commands.first());
    match reader {
        Some(command) => command.runs().is_some_and(is_shell) && command.shell_script().is_none(),
        None => {
            let first_line = heredoc.body.text.lines().next().unwrap_or("");
            match first_line.strip_prefix("#!") {
                Some(interpreter) => {
                    let mut words = interpreter.split_whitespace();
                    let program = words.next().unwrap_or("");
                    let program = match program.rsplit('/').next() {
                        Some("env") => words.find(|w| !w.starts_with('-')).unwrap_or(""),
                        _ => program,
                    };
                    is_shell(program.rsplit('/').next().unwrap_or(program))
                }
                None => true,
            }
        }
    }
}

/// The `RUN` instructions of the stages the image is made of, with their
/// stage. (`ONBUILD RUN` runs in images built on this one, not in this
/// one, and is left out.)
pub(super) fn image_runs<'a>(ctx: &DockerfileCtx<'a>) -> Vec<(&'a Stage<'a>, &'a Instruction)> {
    runs_of(ctx.image_stages())
}

/// The `RUN` instructions of every stage, with their stage: what the
/// build runs, whether or not its stage ends up in the image.
pub(super) fn build_runs<'a>(ctx: &DockerfileCtx<'a>) -> Vec<(&'a Stage<'a>, &'a Instruction)> {
    runs_of(&ctx.build.stages)
}

fn runs_of<'a>(
    stages: impl IntoIterator<Item = &'a Stage<'a>>,
) -> Vec<(&'a Stage<'a>, &'a Instruction)> {
    stages
        .into_iter()
        .flat_map(|stage| {
            stage
                .instructions
                .iter()
                .filter(|i| i.keyword == "RUN")
                .map(move |i| (stage, i))
        })
        .collect()
}

/// The text an instruction's shell form holds, if it has one.
pub(super) fn shell_text(instruction: &Instruction) -> Option<&Text> {
    match &instruction.args {
        Args::Shell(text) => Some(text),
        Args::Json(_) => None,
    }
}

/// A permission change in a stage the image is made of: a `RUN chmod` or
/// a `COPY`/`ADD --chmod`, with what it grants.
pub(super) struct PermissionChange {
    /// Where the mode is written (the mode word, or the `--chmod` flag).
    pub span: Span,
    /// How messages show it: `chmod 777`, `COPY --chmod=4755`.
    pub shown: String,
    pub grants: crate::dockerfile::permissions::Grants,
    /// The instruction's route.
    pub route: String,
    /// `stage runtime`.
    pub stage: String,
}

/// Every permission change of the image's stages, in order.
pub(super) fn permission_changes(ctx: &DockerfileCtx) -> Vec<PermissionChange> {
    use crate::dockerfile::permissions::{chmod, grants};
    let mut out = Vec::new();
    for stage in ctx.image_stages() {
        let stage_name = DockerfileCtx::stage_name(stage);
        for instruction in stage.instructions {
            let route = DockerfileCtx::route(stage, instruction);
            match instruction.keyword.as_str() {
                "RUN" => {
                    for command in ctx.run_commands(instruction) {
                        if let Some((mode, granted)) = chmod(&command) {
                            out.push(PermissionChange {
                                span: mode.span,
                                shown: format!("chmod {}", mode.text),
                                grants: granted,
                                route: route.clone(),
                                stage: stage_name.clone(),
                            });
                        }
                    }
                }
                "COPY" | "ADD" => {
                    if let Some(flag) = instruction.flag("chmod")
                        && let Some(mode) = &flag.value
                    {
                        out.push(PermissionChange {
                            span: flag.span,
                            shown: format!("{} --chmod={mode}", instruction.keyword),
                            grants: grants(mode),
                            route: route.clone(),
                            stage: stage_name.clone(),
                        });
                    }
                }
                _ => {}
            }
        }
    }
    out
}
