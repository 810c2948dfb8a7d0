//! A sequence kept in chunks of one fixed size, for the two big per-file
//! arrays of an image: a layer's entries and the merged tree's nodes.
//!
//! One `Vec` of a few hundred thousand records has two costs that chunks
//! do not: it grows by doubling (up to twice the records, copied at each
//! step), and it is one block, so building one array from another holds
//! both whole. Chunks are taken from the front and freed as a consumer
//! reads them ([`IntoIterator`]), and a merge that writes a new sequence
//! while it reads two others reuses the chunks it frees: what it holds at
//! once is its inputs plus one chunk, not inputs plus output.
//!
//! Every chunk but the last is full, so a position is found by division
//! and the sequence can be searched and permuted like a slice.

/// Records per chunk.
const CHUNK: usize = 4096;

#[derive(Clone, Debug)]
pub struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Chunked<T> {
    pub fn push(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(item),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(item);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, at: usize) -> Option<&T> {
        self.chunks.get(at / CHUNK)?.get(at % CHUNK)
    }

    pub fn get_mut(&mut self, at: usize) -> Option<&mut T> {
        self.chunks.get_mut(at / CHUNK)?.get_mut(at % CHUNK)
    }

    pub fn last_mut(&mut self) -> Option<&mut T> {
        self.chunks.last_mut()?.last_mut()
    }

    /// Swaps two records.
    ///
    /// # Panics
    /// When either position is out of bounds, as slices do.
    pub fn swap(&mut self, a: usize, b: usize) {
        let (chunk_a, chunk_b) = (a / CHUNK, b / CHUNK);
        if chunk_a == chunk_b {
            self.chunks[chunk_a].swap(a % CHUNK, b % CHUNK);
            return;
        }
        let (low, high) = if chunk_a < chunk_b { (a, b) } else { (b, a) };
        let (before, from_high) = self.chunks.split_at_mut(high / CHUNK);
        std::mem::swap(
            &mut before[low / CHUNK][low % CHUNK],
            &mut from_high[0][high % CHUNK],
        );
    }

    /// The first position whose record does not satisfy `pred`, for a
    /// sequence partitioned by it (true first), as on slices.
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        let (mut low, mut high) = (0, self.len);
        while low < high {
            let mid = low + (high - low) / 2;
            match self.get(mid) {
                Some(item) if pred(item) => low = mid + 1,
                _ => high = mid,
            }
        }
        low
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.chunks.iter_mut().flatten()
    }

    /// The records from position `start` on.
    pub fn iter_from(&self, start: usize) -> impl Iterator<Item = &T> {
        let first = start / CHUNK;
        let head = self
            .chunks
            .get(first)
            .map_or(&[][..], |chunk| &chunk[(start % CHUNK).min(chunk.len())..]);
        let rest = self.chunks.get(first + 1..).unwrap_or(&[]);
        head.iter().chain(rest.iter().flatten())
    }
}

impl<T> Chunked<T> {
    /// Hands every record, in order, to `place` with a writer of a new
    /// sequence, which takes this one's chunks as they empty: rewriting
    /// allocates nothing new.
    pub fn rewrite(self, mut place: impl FnMut(&mut Writer<T>, T)) -> Chunked<T> {
        let mut reader = Reader::new(self);
        let mut writer = Writer::default();
        while let Some(item) = reader.next(&mut writer.spare) {
            place(&mut writer, item);
        }
        writer.out
    }

    /// Merges two sequences, each in order, into one: `self_first(a, b)`
    /// says whether `self`'s next record `a` goes before `other`'s next
    /// `b`. Records are handed to `place` in merged order with a writer
    /// that takes the inputs' chunks as they empty, so a merge holds its
    /// inputs and at most a chunk more, and allocates nothing new when
    /// they are big.
    pub fn merge(
        self,
        other: Chunked<T>,
        mut self_first: impl FnMut(&T, &T) -> bool,
        mut place: impl FnMut(&mut Writer<T>, T),
    ) -> Chunked<T> {
        let (mut left, mut right) = (Reader::new(self), Reader::new(other));
        let mut writer = Writer::default();
        loop {
            let from_left = match (left.peek(), right.peek()) {
                (Some(a), Some(b)) => self_first(a, b),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let reader = if from_left { &mut left } else { &mut right };
            let Some(item) = reader.next(&mut writer.spare) else {
                break;
            };
            place(&mut writer, item);
        }
        writer.out
    }
}

/// Takes a sequence's records from the front; a chunk's buffer, once
/// empty, goes to the spare buffers of the sequence being written.
struct Reader<T> {
    rest: std::vec::IntoIter<Vec<T>>,
    /// The chunk being read, reversed, so the next record is its last.
    current: Vec<T>,
}

impl<T> Reader<T> {
    fn new(sequence: Chunked<T>) -> Reader<T> {
        let mut reader = Reader {
            rest: sequence.chunks.into_iter(),
            current: Vec::new(),
        };
        reader.refill();
        reader
    }

    fn refill(&mut self) -> Vec<T> {
        let mut next = self.rest.next().unwrap_or_default();
        next.reverse();
        std::mem::replace(&mut self.current, next)
    }

    fn peek(&self) -> Option<&T> {
        self.current.last()
    }

    fn next(&mut self, spare: &mut Vec<Vec<T>>) -> Option<T> {
        let item = self.current.pop()?;
        if self.current.is_empty() {
            let emptied = self.refill();
            if emptied.capacity() >= CHUNK {
                spare.push(emptied);
            }
        }
        Some(item)
    }
}

/// The sequence a [`Chunked::rewrite`] or [`Chunked::merge`] writes.
pub struct Writer<T> {
    out: Chunked<T>,
    /// Emptied chunks of the inputs, to be written again.
    spare: Vec<Vec<T>>,
}

impl<T> Default for Writer<T> {
    fn default() -> Self {
        Writer {
            out: Chunked::default(),
            spare: Vec::new(),
        }
    }
}

impl<T> Writer<T> {
    pub fn push(&mut self, item: T) {
        let out = &mut self.out;
        match out.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(item),
            _ => {
                let mut chunk = self
                    .spare
                    .pop()
                    .unwrap_or_else(|| Vec::with_capacity(CHUNK));
                chunk.push(item);
                out.chunks.push(chunk);
            }
        }
        out.len += 1;
    }

    /// The record written last.
    pub fn last_mut(&mut self) -> Option<&mut T> {
        self.out.last_mut()
    }
}

impl<T> IntoIterator for Chunked<T> {
    type Item = T;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Vec<T>>>;

    /// Each chunk is freed as soon as its last record is taken.
    fn into_iter(self) -> Self::IntoIter {
        self.chunks.into_iter().flatten()
    }
}

impl<T> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Chunked<T> {
        let mut out = Chunked::default();
        for item in items {
            out.push(item);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_cross_chunks_like_a_slice() {
        let n = 3 * CHUNK + 17;
        let mut chunked: Chunked<usize> = (0..n).collect();
        let mut plain: Vec<usize> = (0..n).collect();
        assert_eq!(chunked.len(), n);
        for (a, b) in [(0, n - 1), (5, 6), (CHUNK - 1, CHUNK), (2 * CHUNK + 3, 7)] {
            chunked.swap(a, b);
            plain.swap(a, b);
        }
        assert!(chunked.iter().eq(plain.iter()));
        for start in [0, 1, CHUNK - 1, CHUNK, n - 1, n] {
            assert!(
                chunked.iter_from(start).eq(plain[start..].iter()),
                "{start}"
            );
        }
        assert_eq!(chunked.get(n), None);
        let sorted: Chunked<usize> = (0..n).map(|i| i * 2).collect();
        for probe in [0, 1, 2 * CHUNK, 2 * CHUNK + 1, 2 * n] {
            let expected = (0..n).map(|i| i * 2).collect::<Vec<_>>();
            assert_eq!(
                sorted.partition_point(|&x| x < probe),
                expected.partition_point(|&x| x < probe)
            );
        }
        assert!(chunked.clone().into_iter().eq(plain.clone()));

        let odd: Chunked<usize> = chunked.rewrite(|out, x| {
            if x % 2 == 1 {
                out.push(x)
            }
        });
        let plain_odd: Vec<usize> = plain.into_iter().filter(|x| x % 2 == 1).collect();
        assert!(odd.iter().eq(plain_odd.iter()));
    }

    #[test]
    fn a_merge_keeps_order_and_reuses_the_inputs_chunks() {
        let evens: Chunked<usize> = (0..5 * CHUNK).map(|i| i * 2).collect();
        let odds: Chunked<usize> = (0..CHUNK + 3).map(|i| i * 2 + 1).collect();
        let merged = evens.merge(odds, |a, b| a <= b, |out, x| out.push(x));
        let mut expected: Vec<usize> = (0..5 * CHUNK).map(|i| i * 2).collect();
        expected.extend((0..CHUNK + 3).map(|i| i * 2 + 1));
        expected.sort();
        assert!(merged.iter().eq(expected.iter()));
        assert_eq!(merged.len(), expected.len());
        assert!(merged.chunks.iter().all(|c| c.capacity() == CHUNK));
        // Equal records: the left input's first, then a writer may
        // combine them with the last one written.
        let left: Chunked<(u8, char)> = [(1, 'a'), (2, 'a')].into_iter().collect();
        let right: Chunked<(u8, char)> = [(1, 'b'), (3, 'b')].into_iter().collect();
        let kept_last = left.merge(
            right,
            |a, b| a.0 <= b.0,
            |out, x| match out.last_mut() {
                Some(last) if last.0 == x.0 => *last = x,
                _ => out.push(x),
            },
        );
        assert!(kept_last.iter().eq([(1, 'b'), (2, 'a'), (3, 'b')].iter()));
    }
}
