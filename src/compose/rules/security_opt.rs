//! Reading `security_opt` entries, shared by the rules about
//! no-new-privileges, seccomp, AppArmor and SELinux. Docker accepts both
//! `key:value` and `key=value`.

use crate::compose::model::strings;
use crate::yaml::Node;

/// One `security_opt` entry split into option and value.
pub struct SecurityOpt<'a> {
    pub option: String,
    pub value: Option<String>,
    pub node: &'a Node,
    pub index: usize,
}

/// The entries of a service's `security_opt`.
pub fn security_opts(service: &Node) -> Vec<SecurityOpt<'_>> {
    let Some(list) = service.get("security_opt") else {
        return Vec::new();
    };
    strings(list)
        .into_iter()
        .enumerate()
        .map(|(index, (text, node))| {
            let text = text.trim();
            let split = text.find([':', '=']);
            let (option, value) = match split {
                Some(i) => (&text[..i], Some(text[i + 1..].to_string())),
                None => (text, None),
            };
            SecurityOpt {
                option: option.to_ascii_lowercase(),
                value,
                node,
                index,
            }
        })
        .collect()
}
