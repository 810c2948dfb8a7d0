//! Bounds on what one layer may cost, and the size of the pieces its
//! bytes are read and passed on in.

/// Size of the pieces a layer is read, decompressed and handed on in.
pub(super) const CHUNK: usize = 1 << 18;

/// Bounds on what one layer may cost.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest uncompressed layer.
    pub max_layer_bytes: u64,
    /// Past `bomb_floor` uncompressed bytes, the largest ratio of
    /// uncompressed to compressed bytes (a decompression bomb).
    pub max_ratio: u64,
    pub bomb_floor: u64,
    /// Most entries in one layer.
    pub max_entries: usize,
    /// Largest package-database file kept in memory, and all of them.
    pub max_db_file: u64,
    pub max_db_total: u64,
    /// ELF files up to this size are held whole while they stream, so
    /// BusyBox's tables can be read.
    pub max_whole_elf: u64,
    /// Take SHA-1 and SHA-256 of every file too (for a stream, which cannot
    /// be read a second time for the apk-owned files).
    pub all_digests: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_layer_bytes: 64 << 30,
            max_ratio: 256,
            bomb_floor: 512 << 20,
            max_entries: 4_000_000,
            max_db_file: 64 << 20,
            max_db_total: 512 << 20,
            max_whole_elf: 4 << 20,
            all_digests: false,
        }
    }
}
