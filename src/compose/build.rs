//! A service's `build:`, as the Dockerfile link needs it: where the
//! context is (a local directory, or a remote one that is never fetched),
//! which Dockerfile (a path in the context, or `dockerfile_inline`), the
//! `target` stage and the `args`, each with where it is written. Compose
//! knows nothing of Dockerfiles: the scan reads and checks them.

use std::path::PathBuf;

use super::Project;
use super::model::key_values;
use super::paths::is_remote_context;
use crate::finding::Location;

/// Where a build's context is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Context {
    /// A directory, relative to the project directory (or absolute).
    Local(PathBuf),
    /// A git or HTTP URL: never fetched.
    Remote(String),
}

/// Which Dockerfile a build uses.
#[derive(Clone, Debug)]
pub enum DockerfileSource {
    /// A path, relative to the context (default `Dockerfile`).
    Path(PathBuf),
    /// `dockerfile_inline`: written as a literal block scalar (`|`) in
    /// `file`, whose bytes `span` are its content, so the
    /// Dockerfile's positions are the Compose file's; `None` for another
    /// style (quoted, folded), whose text is not the file's bytes.
    Inline {
        file: Option<(std::sync::Arc<crate::text::SourceFile>, crate::text::Span)>,
    },
}

/// One service's build.
#[derive(Clone, Debug)]
pub struct Build {
    pub service: String,
    /// The image the build is tagged as: `image:`, else Compose's
    /// `<project>-<service>`.
    pub image: String,
    pub context: Context,
    pub dockerfile: DockerfileSource,
    pub target: Option<String>,
    /// `args` with a value (a bare `KEY` takes the builder's environment
    /// and is left out).
    pub args: Vec<(String, String)>,
    /// The `build` key's line: where a finding about the build as a whole
    /// goes.
    pub at: Location,
    /// Where the Dockerfile is named (`dockerfile:`), else the context.
    pub dockerfile_at: Location,
    /// Where `target:` is written.
    pub target_at: Option<Location>,
}

/// The builds of a project's services, in service order.
pub fn builds(project: &Project) -> Vec<Build> {
    let mut out = Vec::new();
    for (name, service) in project.services() {
        let Some(build) = service.get("build") else {
            continue;
        };
        let route = format!("services.{}.build", name.text);
        let at = Location::of(build, route.clone());
        // `build: ./dir` or `build: {context: ./dir, …}`.
        let (context_node, map) = match build.as_str() {
            Some(_) => (Some(build), None),
            None => (build.get("context"), Some(build)),
        };
        let context_text = context_node.and_then(|n| n.as_str()).unwrap_or(".");
        let context = if is_remote_context(context_text) {
            Context::Remote(context_text.to_string())
        } else {
            Context::Local(PathBuf::from(context_text))
        };
        let context_at =
            context_node.map_or(at.clone(), |n| Location::of(n, format!("{route}.context")));
        let get = |key: &str| map.and_then(|m| m.get(key));
        let (dockerfile, dockerfile_at) = match (get("dockerfile_inline"), get("dockerfile")) {
            (Some(inline), _) => {
                let pos = &inline.pos;
                // A literal block's content starts on the line after its
                // `|` indicator (`|`, `|-`, `|+`, `|2`…).
                let before = pos.file.text[..pos.span.start.min(pos.file.text.len())].trim_end();
                let literal = before
                    .rsplit([' ', '\t', ':'])
                    .next()
                    .is_some_and(|indicator| indicator.starts_with('|'));
                (
                    DockerfileSource::Inline {
                        file: literal.then(|| (pos.file.clone(), pos.span)),
                    },
                    Location::of(inline, format!("{route}.dockerfile_inline")),
                )
            }
            (None, Some(path)) => (
                DockerfileSource::Path(PathBuf::from(path.as_str().unwrap_or("Dockerfile"))),
                Location::of(path, format!("{route}.dockerfile")),
            ),
            (None, None) => (
                DockerfileSource::Path(PathBuf::from("Dockerfile")),
                context_at,
            ),
        };
        let target = get("target").and_then(|t| t.as_str()).map(str::to_string);
        let target_at = get("target").map(|t| Location::of(t, format!("{route}.target")));
        let args = get("args")
            .map(|a| {
                key_values(a)
                    .into_iter()
                    .filter_map(|kv| Some((kv.key, kv.value?)))
                    .collect()
            })
            .unwrap_or_default();
        let image = service
            .get("image")
            .and_then(|i| i.as_str())
            .map_or_else(|| format!("{}-{}", project.name, name.text), str::to_string);
        out.push(Build {
            service: name.text.clone(),
            image,
            context,
            dockerfile,
            target,
            args,
            at,
            dockerfile_at,
            target_at,
        });
    }
    out
}
