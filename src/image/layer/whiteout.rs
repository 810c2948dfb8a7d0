//! Deletions a layer makes in the layers below it, spelled as OCI's and
//! aufs's `.wh.` names. Here they are only recognised; the merged tree
//! (`tree`) applies them.

/// A deletion a layer makes in the layers below it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Whiteout {
    /// `.wh.name`: the path and everything under it.
    Path(String),
    /// `.wh..wh..opq` in a directory: everything under it.
    Opaque(String),
}

impl Whiteout {
    /// The deletion an entry named `path` (normalised, not empty) spells,
    /// if its name is a whiteout.
    pub fn from_path(path: &str) -> Option<Whiteout> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        if name == ".wh..wh..opq" {
            return Some(Whiteout::Opaque(dir.to_string()));
        }
        let hidden = name.strip_prefix(".wh.")?;
        Some(Whiteout::Path(if dir.is_empty() {
            hidden.to_string()
        } else {
            format!("{dir}/{hidden}")
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_path_and_opaque_whiteouts_by_name() {
        assert_eq!(
            Whiteout::from_path("etc/.wh.passwd"),
            Some(Whiteout::Path("etc/passwd".into()))
        );
        assert_eq!(
            Whiteout::from_path(".wh.opt"),
            Some(Whiteout::Path("opt".into()))
        );
        assert_eq!(
            Whiteout::from_path("opt/tool/.wh..wh..opq"),
            Some(Whiteout::Opaque("opt/tool".into()))
        );
        assert_eq!(Whiteout::from_path("etc/passwd"), None);
    }
}
