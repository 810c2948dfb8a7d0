//! Which images of an engine are exported together. `docker save A B…`
//! writes one archive in which a layer the images share is written once,
//! so images that share layers (by diff id, as the engine lists them) are
//! asked for in one export: the engine streams each shared layer once and
//! drydock decompresses, hashes and indexes it once.
//!
//! A group holds at most [`MAX_GROUP`] images: the layers of a group's
//! images are all kept until its export ends (the manifest comes last), so
//! the cap bounds what a run over hundreds of images holds at a time.

use std::collections::HashMap;

/// Most images exported together.
pub(super) const MAX_GROUP: usize = 32;

/// One image to export: its id and its layers' diff ids.
pub(super) struct Member<'a> {
    pub(super) id: &'a str,
    pub(super) layers: &'a [String],
}

/// Groups of indexes into `members`: images that share a layer, directly
/// or through others, are in one group, in groups of at most
/// [`MAX_GROUP`]. Two references to one image (the same id) are never in
/// one group, so that each reads its own copy. Groups come in the order of
/// their first member, members in their own order.
pub(super) fn export_groups(members: &[Member]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..members.len()).collect();
    let mut first_with_layer: HashMap<&str, usize> = HashMap::new();
    for (i, member) in members.iter().enumerate() {
        for layer in member.layers {
            match first_with_layer.get(layer.as_str()) {
                Some(&other) => union(&mut parent, i, other),
                None => {
                    first_with_layer.insert(layer, i);
                }
            }
        }
    }
    // Components in the order of their first member.
    let mut components: Vec<Vec<usize>> = Vec::new();
    let mut component_of_root: HashMap<usize, usize> = HashMap::new();
    for i in 0..members.len() {
        let root = find(&mut parent, i);
        let at = *component_of_root.entry(root).or_insert_with(|| {
            components.push(Vec::new());
            components.len() - 1
        });
        components[at].push(i);
    }
    let mut groups = Vec::new();
    for component in components {
        let mut split: Vec<Vec<usize>> = Vec::new();
        for i in component {
            let fits = split.iter_mut().find(|group| {
                group.len() < MAX_GROUP && group.iter().all(|&j| members[j].id != members[i].id)
            });
            match fits {
                Some(group) => group.push(i),
                None => split.push(vec![i]),
            }
        }
        groups.extend(split);
    }
    groups
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (a, b) = (find(parent, a), find(parent, b));
    if a != b {
        parent[a.max(b)] = a.min(b);
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_GROUP, Member, export_groups};

    fn layers(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn images_sharing_a_layer_directly_or_through_others_are_one_group() {
        let debian = layers(&["debian"]);
        let app = layers(&["debian", "app"]);
        let api = layers(&["debian", "api"]);
        let alpine = layers(&["alpine"]);
        // Shares nothing with debian, but a layer with `bridge`.
        let tool = layers(&["busybox", "tool"]);
        let bridge = layers(&["debian", "busybox"]);
        let members = [
            Member {
                id: "1",
                layers: &app,
            },
            Member {
                id: "2",
                layers: &alpine,
            },
            Member {
                id: "3",
                layers: &api,
            },
            Member {
                id: "4",
                layers: &tool,
            },
            Member {
                id: "5",
                layers: &debian,
            },
            Member {
                id: "6",
                layers: &bridge,
            },
        ];
        assert_eq!(export_groups(&members), vec![vec![0, 2, 3, 4, 5], vec![1]]);
    }

    #[test]
    fn one_image_named_twice_is_read_in_two_exports() {
        let app = layers(&["debian", "app"]);
        let members = [
            Member {
                id: "1",
                layers: &app,
            },
            Member {
                id: "1",
                layers: &app,
            },
        ];
        assert_eq!(export_groups(&members), vec![vec![0], vec![1]]);
    }

    #[test]
    fn a_large_family_is_split_into_groups_of_the_cap() {
        let owned: Vec<(String, Vec<String>)> = (0..MAX_GROUP * 2 + 1)
            .map(|i| (i.to_string(), layers(&["debian", &format!("app{i}")])))
            .collect();
        let members: Vec<Member> = owned
            .iter()
            .map(|(id, layers)| Member { id, layers })
            .collect();
        let groups = export_groups(&members);
        let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![MAX_GROUP, MAX_GROUP, 1]);
        let mut all: Vec<usize> = groups.concat();
        all.sort();
        assert_eq!(all, (0..members.len()).collect::<Vec<_>>());
    }
}
