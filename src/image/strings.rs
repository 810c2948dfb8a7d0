//! Many short strings stored end to end: the names and directories of a
//! layer's paths ([`super::paths`]). Each as its own `Box<str>` would cost
//! a 16-byte pointer, the allocator's header and its rounding up, 20 to
//! 40 bytes over the text; here a string costs its bytes and a 12-byte
//! [`StrId`].
//!
//! Strings are only added, never removed: a layer's paths live as long as
//! the image's merged tree, which reads them through the ids its nodes
//! keep.

/// Bytes per block; a longer string gets a block of its own.
const BLOCK: usize = 1 << 16;

/// Where one string is in its [`Strings`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StrId {
    block: u32,
    start: u32,
    len: u32,
}

#[derive(Clone, Debug, Default)]
pub struct Strings {
    /// Each filled up to its capacity, never grown past it (a block that
    /// grew would move the strings in it, which would still be right, but
    /// copied).
    blocks: Vec<String>,
}

impl Strings {
    pub fn push(&mut self, text: &str) -> StrId {
        let fits = self
            .blocks
            .last()
            .is_some_and(|block| block.capacity() - block.len() >= text.len());
        if !fits {
            self.blocks
                .push(String::with_capacity(BLOCK.max(text.len())));
        }
        let block = self.blocks.len() - 1;
        let buffer = &mut self.blocks[block];
        let start = buffer.len();
        buffer.push_str(text);
        // A block or a string past 4 GiB would have exhausted memory long
        // before (paths are bounded by the layer's entry limits).
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        StrId {
            block: narrow(block),
            start: narrow(start),
            len: narrow(text.len()),
        }
    }

    /// The string of `id`; empty for an id of another `Strings`.
    pub fn get(&self, id: StrId) -> &str {
        let start = id.start as usize;
        self.blocks
            .get(id.block as usize)
            .and_then(|block| block.get(start..start + id.len as usize))
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_come_back_as_written_across_blocks() {
        let mut strings = Strings::default();
        let texts: Vec<String> = (0..5000)
            .map(|i| format!("usr/lib/python3/site-packages/pkg{i}/mod{i}.py"))
            .chain(["".to_string(), "é".repeat(BLOCK)])
            .collect();
        let ids: Vec<StrId> = texts.iter().map(|t| strings.push(t)).collect();
        for (id, text) in ids.iter().zip(&texts) {
            assert_eq!(strings.get(*id), text);
        }
        let held: usize = strings.blocks.iter().map(String::capacity).sum();
        assert!(held < 2 * texts.iter().map(String::len).sum::<usize>());
        assert_eq!(Strings::default().get(ids[3]), "");
    }
}
