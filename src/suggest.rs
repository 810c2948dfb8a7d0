//! "Did you mean": the closest known name to a misspelled one.

/// Returns the candidate closest to `word`, if it is close enough to be a
/// likely typo. Case, `-` and `_` differences count as nothing, so
/// `securityOpt` finds `security_opt` and `cap-add` finds `cap_add`.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let folded = fold(word);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let distance = levenshtein(&folded, &fold(candidate));
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    let (distance, candidate) = best?;
    let allowed = (folded.chars().count() / 3).clamp(1, 3);
    (distance <= allowed).then_some(candidate)
}

fn fold(word: &str) -> String {
    word.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_the_snake_case_key_for_camel_and_kebab_spellings() {
        let keys = ["security_opt", "cap_add", "cap_drop", "read_only"];
        assert_eq!(closest("securityOpt", keys), Some("security_opt"));
        assert_eq!(closest("cap-add", keys), Some("cap_add"));
        assert_eq!(closest("readonly", keys), Some("read_only"));
        assert_eq!(closest("completely_different", keys), None);
    }
}
