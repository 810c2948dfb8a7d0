//! `missing-healthcheck`: no stage the image is built from declares a
//! `HEALTHCHECK`, or the last one is `HEALTHCHECK NONE`.

use super::ctx::{DockerfileCtx, Rule, shell_text};
use crate::catalog;
use crate::dockerfile::stages::Base;
use crate::finding::{Finding, Severity};

pub(super) static RULE: Rule = Rule::new(&catalog::missing_healthcheck::META, check);

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    let chain = ctx.image_stages();
    let Some(target) = chain.first() else {
        return;
    };
    let fix = "add a `HEALTHCHECK CMD …` to the image stage";
    // The target's own instructions come first in the chain: its last
    // HEALTHCHECK wins, then its base stage's.
    let last = chain.iter().find_map(|stage| {
        stage
            .instructions
            .iter()
            .rev()
            .find(|i| i.keyword == "HEALTHCHECK")
            .map(|i| (stage, i))
    });
    if let Some((stage, healthcheck)) = last {
        let none = shell_text(healthcheck)
            .and_then(|t| t.words().into_iter().next())
            .filter(|w| w.text.eq_ignore_ascii_case("NONE"));
        if let Some(none) = none {
            out.push(
                ctx.finding(
                    RULE.meta,
                    Severity::Info,
                    none.span,
                    DockerfileCtx::route(stage, healthcheck),
                    format!(
                        "`HEALTHCHECK NONE` in {} turns the image's health check off",
                        DockerfileCtx::stage_name(stage)
                    ),
                )
                .fix(fix),
            );
        }
        return;
    }
    let base = chain.last().map_or(Base::Scratch, |s| s.base.clone());
    let message = match &base {
        Base::Image(image) => {
            format!("the image declares no `HEALTHCHECK`: it has one only if `{image}` does")
        }
        _ => "the image declares no `HEALTHCHECK`".to_string(),
    };
    let at = target
        .reference
        .as_ref()
        .map_or(target.from.keyword_span, |w| w.span);
    out.push(
        ctx.finding(
            RULE.meta,
            Severity::Info,
            at,
            format!("{}.FROM", DockerfileCtx::stage_name(target)),
            message,
        )
        .fix(fix),
    );
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::dockerfile::{parse, rules};
    use crate::finding::Place;
    use crate::text::SourceFile;

    /// The lines and messages of the rule's findings on `text`.
    fn found(text: &str) -> Vec<(u32, String)> {
        let file = Arc::new(SourceFile {
            path: "Dockerfile".into(),
            display: "Dockerfile".into(),
            text: text.into(),
        });
        let dockerfile = parse(file).unwrap_or_else(|e| panic!("{e}"));
        rules::check(&dockerfile, None, &Default::default(), &Default::default())
            .into_iter()
            .filter(|f| f.rule == "missing-healthcheck")
            .map(|f| match f.location {
                Place::Config(l) => (l.line, f.message),
                Place::Image(_) => (0, f.message),
            })
            .collect()
    }

    #[test]
    fn a_base_stages_healthcheck_counts_and_none_turns_it_off() {
        assert_eq!(
            found(
                "FROM alpine AS base\nHEALTHCHECK CMD wget -q -O /dev/null http://localhost/\nFROM base\n"
            ),
            []
        );
        assert_eq!(
            found("FROM alpine AS base\nHEALTHCHECK CMD true\nFROM base\nHEALTHCHECK NONE\n"),
            [(
                4,
                "`HEALTHCHECK NONE` in stage 1 turns the image's health check off".to_string()
            )]
        );
        assert_eq!(
            found("FROM scratch\nCOPY app /\n"),
            [(1, "the image declares no `HEALTHCHECK`".to_string())]
        );
    }
}
