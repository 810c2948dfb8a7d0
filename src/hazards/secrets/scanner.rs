//! The streaming scanner: binary sniffing, the window buffer, the keyword
//! pass, the detectors, and what is done with their hits (line numbers,
//! the guards that make them Low, one hit per value).

use std::fmt;

use super::binary::{MAGIC_LEN, SNIFF_LEN, is_binary_start};
use super::keywords::{self, Families, Family};
use super::paths::{self, CredentialFile, PathFacts};
use super::window::{Found, Window};
use super::{SecretHit, SecretKind, SecretTier, cloud, files, keys, tokens};

/// The sizes of the window a file is scanned in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Limits {
    /// Bytes kept at once: a file up to this size is scanned whole.
    pub window: usize,
    /// Bytes a window keeps before its first owned byte (context some
    /// detectors look back for).
    pub lookbehind: usize,
    /// Bytes past a window's last owned byte: longer than any credential,
    /// so one starting in the owned part is whole in the window.
    pub lookahead: usize,
}

impl Limits {
    pub(super) const DEFAULT: Limits = Limits {
        window: 1 << 20,
        lookbehind: 16 << 10,
        lookahead: 64 << 10,
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between files.
    Idle,
    /// Reading text.
    Text,
    /// A NUL ended the text part: the rest of the file is ignored.
    Cut,
    /// Binary: nothing is read.
    Skipped,
}

/// Finds secrets in files streamed through it, one file at a time.
///
/// Reused from one file to the next on one thread: its buffers are kept,
/// and a file with no secret allocates nothing. Call [`begin`], [`feed`]
/// with the file's bytes in chunks of any size, then [`finish`].
///
/// [`begin`]: SecretScanner::begin
/// [`feed`]: SecretScanner::feed
/// [`finish`]: SecretScanner::finish
pub struct SecretScanner {
    limits: Limits,
    state: State,
    facts: PathFacts,
    /// Bytes of the file consumed so far.
    offset: u64,
    /// Whether the file's first bytes were checked for a binary signature.
    sniffed: bool,
    /// The current window of the file's bytes.
    buf: Vec<u8>,
    /// First index of `buf` this window reports hits for.
    owned_from: usize,
    /// Line ends before `buf[0]`.
    lines_before: u32,
    /// Bytes between the last line end before `buf[0]` and `buf[0]`.
    column_before: u32,
    found: Vec<Found>,
    hits: Vec<SecretHit>,
}

impl fmt::Debug for SecretScanner {
    /// Never the buffered bytes: they may hold the secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretScanner")
            .field("state", &self.state)
            .field("offset", &self.offset)
            .field("hits", &self.hits.len())
            .finish_non_exhaustive()
    }
}

impl Default for SecretScanner {
    fn default() -> Self {
        Self::new()
    }
}

impl SecretScanner {
    pub fn new() -> Self {
        Self::with_limits(Limits::DEFAULT)
    }

    pub(super) fn with_limits(limits: Limits) -> Self {
        assert!(limits.window > limits.lookbehind + limits.lookahead);
        SecretScanner {
            limits,
            state: State::Idle,
            facts: PathFacts::default(),
            offset: 0,
            sniffed: false,
            buf: Vec::new(),
            owned_from: 0,
            lines_before: 0,
            column_before: 0,
            found: Vec::new(),
            hits: Vec::new(),
        }
    }

    /// Starts a file. `path` is its path inside the image, with or
    /// without a leading `/`; the path-based detectors and guards use it.
    /// `size` is the file's declared size, a hint for the buffer.
    pub fn begin(&mut self, path: &str, size: u64) {
        self.facts = paths::facts(paths::normalize(path));
        self.state = if self.facts.binary {
            State::Skipped
        } else {
            State::Text
        };
        self.offset = 0;
        self.sniffed = false;
        self.buf.clear();
        let expected = usize::try_from(size).unwrap_or(usize::MAX);
        self.buf.reserve(expected.min(self.limits.window));
        self.owned_from = 0;
        self.lines_before = 0;
        self.column_before = 0;
        self.found.clear();
        self.hits.clear();
    }

    /// Feeds the file's next bytes; chunk boundaries are arbitrary.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.state != State::Text {
            return;
        }
        let mut bytes = bytes;
        if self.offset < SNIFF_LEN as u64 {
            let head = (SNIFF_LEN - self.offset as usize).min(bytes.len());
            if let Some(nul) = memchr::memchr(0, &bytes[..head]) {
                bytes = &bytes[..nul];
                self.state = State::Cut;
            }
        }
        while !bytes.is_empty() {
            if self.buf.len() == self.limits.window {
                self.slide();
            }
            let take = (self.limits.window - self.buf.len()).min(bytes.len());
            self.buf.extend_from_slice(&bytes[..take]);
            self.offset += take as u64;
            bytes = &bytes[take..];
            if !self.sniffed && self.buf.len() >= MAGIC_LEN {
                self.sniff();
                if self.state == State::Skipped {
                    return;
                }
            }
        }
    }

    /// Ends the file and returns its hits sorted by line: one per distinct
    /// value, from the detector that says the most about it. An empty Vec
    /// (no allocation) when there is none.
    pub fn finish(&mut self) -> Vec<SecretHit> {
        if matches!(self.state, State::Text | State::Cut) {
            if !self.sniffed {
                self.sniff();
            }
            if self.state != State::Skipped {
                self.scan_window(true);
            }
        }
        self.state = State::Idle;
        self.buf.clear();
        if self.hits.is_empty() {
            return Vec::new();
        }
        self.settle();
        std::mem::take(&mut self.hits)
    }

    /// What the window buffer holds room for: bounded whatever the size
    /// of the file.
    #[cfg(test)]
    fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    fn sniff(&mut self) {
        self.sniffed = true;
        if is_binary_start(&self.buf[..self.buf.len().min(MAGIC_LEN)]) {
            self.state = State::Skipped;
            self.buf.clear();
        }
    }

    /// Scans the full window, then keeps its margins as the start of the
    /// next one.
    fn slide(&mut self) {
        self.scan_window(false);
        let keep = self.limits.lookbehind + self.limits.lookahead;
        let drop = self.buf.len() - keep;
        let dropped = &self.buf[..drop];
        let ends = memchr::memchr_iter(b'\n', dropped).count();
        self.lines_before = self.lines_before.saturating_add(saturate(ends));
        self.column_before = match memchr::memrchr(b'\n', dropped) {
            Some(i) => saturate(drop - i - 1),
            None => self.column_before.saturating_add(saturate(drop)),
        };
        self.buf.drain(..drop);
        self.owned_from = self.limits.lookbehind;
    }

    fn scan_window(&mut self, last: bool) {
        let owned_to = if last {
            self.buf.len()
        } else {
            self.buf.len() - self.limits.lookahead
        };
        let families = keywords::families(&self.buf);
        if families.is_empty() && self.facts.file.is_none() {
            return;
        }
        let mut window = Window::new(&self.buf, self.owned_from..owned_to, &mut self.found);
        detect(&mut window, families, self.facts.file);
        self.place();
    }

    /// Turns the window's finds into hits with a line and a column.
    fn place(&mut self) {
        self.found.sort_by_key(|f| f.at);
        let mut line = self.lines_before;
        let mut counted = 0;
        let mut line_start: Option<usize> = None;
        for found in self.found.drain(..) {
            let between = &self.buf[counted..found.at];
            line = line.saturating_add(saturate(memchr::memchr_iter(b'\n', between).count()));
            if let Some(i) = memchr::memrchr(b'\n', between) {
                line_start = Some(counted + i + 1);
            }
            counted = found.at;
            let column = match line_start {
                Some(start) => saturate(found.at - start),
                None => self.column_before.saturating_add(saturate(found.at)),
            };
            self.hits.push(SecretHit {
                kind: found.kind,
                line: line.saturating_add(1),
                column: column.saturating_add(1),
                tier: found.tier,
                preview: found.preview,
                value_digest: found.digest,
                detail: found.detail,
                fixture: false,
            });
        }
    }

    /// Applies the path guards, keeps one hit per value, sorts by line.
    fn settle(&mut self) {
        let facts = self.facts;
        for hit in &mut self.hits {
            if facts.snakeoil && matches!(hit.kind, SecretKind::PrivateKey(_)) {
                lower(
                    hit,
                    "Debian's ssl-cert snakeoil key, generated per machine by make-ssl-cert \
                     (an image that ships it shares it with every container)",
                );
            }
            if let Some(why) = facts.fixture {
                lower(hit, why);
                hit.fixture = true;
            }
        }
        // One hit per value: the first of the kind that says the most.
        self.hits.sort_by(|a, b| {
            a.value_digest
                .cmp(&b.value_digest)
                .then(b.kind.precedence().cmp(&a.kind.precedence()))
                .then(a.kind.cmp(&b.kind))
                .then((a.line, a.column).cmp(&(b.line, b.column)))
        });
        self.hits
            .dedup_by(|later, kept| later.value_digest == kept.value_digest);
        self.hits.sort_by_key(|h| (h.line, h.column, h.kind));
    }
}

fn lower(hit: &mut SecretHit, why: &str) {
    hit.tier = SecretTier::Low;
    hit.detail = Some(match hit.detail.take() {
        Some(detail) => format!("{detail}; {why}"),
        None => why.to_string(),
    });
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Runs the detectors of the families seen, and those of the credential
/// file the path names.
fn detect(w: &mut Window, families: Families, file: Option<CredentialFile>) {
    if families.contains(Family::Pem) {
        keys::pem(w);
    }
    if families.contains(Family::Putty) {
        keys::putty(w);
    }
    if families.contains(Family::Aws) {
        cloud::aws(w);
    }
    if families.contains(Family::Gcp) {
        cloud::gcp(w);
    }
    if families.contains(Family::AzureStorage) {
        cloud::azure_storage(w);
    }
    if families.contains(Family::AzureClient) {
        cloud::azure_client_secret(w);
    }
    tokens::shapes(w, families);
    if families.contains(Family::Twilio) {
        tokens::twilio(w);
    }
    if families.contains(Family::Jwt) {
        tokens::jwt(w);
    }
    if families.contains(Family::NpmAuthToken) {
        files::npm_auth_token(w);
    }
    if families.contains(Family::Kubeconfig) && file != Some(CredentialFile::Kubeconfig) {
        files::kubeconfig(w, false);
    }
    match file {
        Some(CredentialFile::DockerConfig) => files::docker_config(w),
        Some(CredentialFile::GitCredentials) => files::git_credentials(w),
        Some(CredentialFile::Netrc) => files::netrc(w),
        Some(CredentialFile::Pgpass) => files::pgpass(w),
        Some(CredentialFile::Kubeconfig) => files::kubeconfig(w, true),
        Some(CredentialFile::AwsCredentials) => files::aws_credentials(w),
        Some(CredentialFile::Npmrc) => files::npmrc(w),
        Some(CredentialFile::Dotenv) => files::dotenv(w),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::super::testkit::*;
    use super::super::{SecretHit, SecretKind, scan_text};
    use super::{Limits, SecretScanner, is_binary_start};

    fn scan_in(scanner: &mut SecretScanner, path: &str, chunks: &[&[u8]]) -> Vec<SecretHit> {
        let size = chunks.iter().map(|c| c.len() as u64).sum();
        scanner.begin(path, size);
        for chunk in chunks {
            scanner.feed(chunk);
        }
        scanner.finish()
    }

    /// A small file with a key block and a token.
    fn small_file() -> String {
        format!(
            "# notes\n{}\ntoken: ghp_{}\n",
            rsa_key(1),
            random(2, BASE62, 36)
        )
    }

    #[test]
    fn finds_keywords_and_blocks_split_at_every_offset() {
        let text = small_file();
        let whole = scan_text("a.txt", text.as_bytes());
        assert_eq!(whole.len(), 2, "{whole:?}");
        let mut scanner = SecretScanner::new();
        for split in 0..=text.len() {
            let (a, b) = text.as_bytes().split_at(split);
            assert_eq!(
                scan_in(&mut scanner, "a.txt", &[a, b]),
                whole,
                "split at {split}"
            );
        }
    }

    #[test]
    fn finds_the_same_fed_one_byte_or_random_chunks_at_a_time() {
        let text = small_file();
        let whole = scan_text("a.txt", text.as_bytes());
        let mut scanner = SecretScanner::new();
        let bytes: Vec<&[u8]> = text.as_bytes().chunks(1).collect();
        assert_eq!(scan_in(&mut scanner, "a.txt", &bytes), whole);
        let mut rng = Rng::new(3);
        for _ in 0..50 {
            let mut chunks = Vec::new();
            let mut rest = text.as_bytes();
            while !rest.is_empty() {
                let n = (1 + rng.below(300)).min(rest.len());
                chunks.push(&rest[..n]);
                rest = &rest[n..];
            }
            assert_eq!(scan_in(&mut scanner, "a.txt", &chunks), whole);
        }
    }

    /// Filler text: numbered lines with no keyword.
    fn filler(len: usize) -> String {
        let mut out = String::with_capacity(len + 64);
        let mut n = 0;
        while out.len() < len {
            out.push_str(&format!("line {n} of plain text, nothing to see here\n"));
            n += 1;
        }
        out.truncate(len);
        out
    }

    /// The 1-based line and column of byte `at` of `text`.
    fn line_column(text: &str, at: usize) -> (u32, u32) {
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let column = at - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        (line as u32, column as u32)
    }

    #[test]
    fn windows_report_each_hit_once_at_its_true_line_whatever_its_offset() {
        let limits = Limits {
            window: 4096,
            lookbehind: 512,
            lookahead: 1024,
        };
        let mut scanner = SecretScanner::with_limits(limits);
        let key = rsa_key(4);
        assert!(key.len() < limits.lookahead);
        let base = filler(3 * limits.window);
        for at in (0..2 * limits.window).step_by(61) {
            let text = format!("{}{key}{}", &base[..at], &base[at..]);
            let chunks: Vec<&[u8]> = text.as_bytes().chunks(777).collect();
            let hits = scan_in(&mut scanner, "a.txt", &chunks);
            assert_eq!(hits.len(), 1, "key at {at}: {hits:?}");
            assert_eq!(
                (hits[0].line, hits[0].column),
                line_column(&text, at),
                "key at {at}"
            );
        }
    }

    #[test]
    fn finds_secrets_past_the_first_mebibyte_in_a_window_and_across_windows() {
        let limits = Limits::DEFAULT;
        let token = format!("ghp_{}", random(5, BASE62, 36));
        let key = rsa_key(6);
        let base = filler(3 * limits.window + 12345);
        // Far inside the second window; straddling the end of the first
        // window's owned part; straddling the end of the first window.
        let first_end = limits.window;
        let owned_end = limits.window - limits.lookahead;
        for at in [
            limits.window + 300_000,
            owned_end - 10,
            first_end - 500,
            2 * (limits.window - limits.lookbehind - limits.lookahead) + 7,
        ] {
            let text = format!("{} {token} {key}{}", &base[..at], &base[at..]);
            let chunks: Vec<&[u8]> = text.as_bytes().chunks(64 << 10).collect();
            let hits = scan_in(&mut SecretScanner::new(), "var/log/app.log", &chunks);
            let got: Vec<(SecretKind, u32, u32)> =
                hits.iter().map(|h| (h.kind, h.line, h.column)).collect();
            let (line, column) = line_column(&text, at + 1);
            let key_column = column + token.len() as u32 + 1;
            assert_eq!(
                got,
                vec![
                    (SecretKind::GithubToken, line, column),
                    (
                        SecretKind::PrivateKey(super::super::KeyFormat::Rsa),
                        line,
                        key_column
                    ),
                ],
                "at {at}"
            );
        }
    }

    #[test]
    fn a_long_file_is_scanned_to_its_end_in_bounded_memory() {
        let token = format!("ghp_{}", random(16, BASE62, 36));
        let text = format!("{}\n{token}\n", filler(8 << 20));
        let mut scanner = SecretScanner::new();
        scanner.begin("var/log/huge.log", 0);
        let mut most = 0;
        for chunk in text.as_bytes().chunks(64 << 10) {
            scanner.feed(chunk);
            most = most.max(scanner.buffer_capacity());
        }
        let hits = scanner.finish();
        assert!(most <= 2 * Limits::DEFAULT.window, "{most}");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].line, line_column(&text, text.len() - 37).0);
    }

    #[test]
    fn skips_binary_files_by_signature_or_early_nul() {
        let token = format!("ghp_{}\n", random(7, BASE62, 36));
        let elf = format!("\x7fELF{token}");
        assert!(scan_text("usr/bin/x", elf.as_bytes()).is_empty());
        let mut gz = vec![0x1f, 0x8b, 0x08];
        gz.extend(token.as_bytes());
        assert!(scan_text("x.gz", &gz).is_empty());
        assert!(scan_text("app/x.pyc", token.as_bytes()).is_empty());
        // Random bytes hold NULs early on.
        let mut random_bytes = Rng::new(8).bytes(1 << 20);
        random_bytes.extend(token.as_bytes());
        assert!(scan_text("blob", &random_bytes).is_empty());
    }

    #[test]
    fn scans_the_text_part_before_an_early_nul() {
        let token = |seed| format!("ghp_{}", random(seed, BASE62, 36));
        // A script stub before a NUL: its text is scanned, the rest not.
        let text = format!(
            "#!/bin/sh\nT={}\nexit 0\n\0\0\0payload {}\n",
            token(9),
            token(10)
        );
        let hits = scan_text("opt/install.run", text.as_bytes());
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!((hits[0].line, hits[0].column), (2, 3));
        // No NUL in the first 8 KiB: the whole file is text, NULs later
        // on included.
        let late = format!("{}\0\0{}\n", filler(9000), token(11));
        assert_eq!(scan_text("data.txt", late.as_bytes()).len(), 1);
        // Split feeds cut at the same NUL.
        let mut scanner = SecretScanner::new();
        let (a, b) = text.as_bytes().split_at(text.find('\0').unwrap_or(0) + 1);
        assert_eq!(scan_in(&mut scanner, "opt/install.run", &[a, b]).len(), 1);
    }

    #[test]
    fn a_reused_scanner_allocates_no_hits_for_a_clean_file() {
        let mut scanner = SecretScanner::new();
        assert_eq!(
            scan_in(&mut scanner, "a.txt", &[small_file().as_bytes()]).len(),
            2
        );
        let clean = scan_in(&mut scanner, "b.txt", &[b"nothing here\n"]);
        assert!(clean.is_empty());
        assert_eq!(clean.capacity(), 0);
        // And a file begun again forgets the last one's bytes.
        scanner.begin("c.txt", 10);
        scanner.feed(b"-----BEGIN");
        assert!(scanner.finish().is_empty());
    }

    #[test]
    fn debug_never_prints_the_bytes() {
        let mut scanner = SecretScanner::new();
        let secret = format!("ghp_{}", random(12, BASE62, 36));
        scanner.begin("a.txt", secret.len() as u64);
        scanner.feed(secret.as_bytes());
        let shown = format!("{scanner:?}");
        assert!(!shown.contains(&secret[4..12]), "{shown}");
        let hits = scanner.finish();
        let shown = format!("{hits:?}");
        assert!(!shown.contains(&secret[4..12]), "{shown}");
    }

    /// Mixed text without keywords: configuration, code, prose, long
    /// base64-ish runs.
    fn mixed_text(len: usize) -> Vec<u8> {
        let mut rng = Rng::new(13);
        let mut out = Vec::with_capacity(len + 256);
        while out.len() < len {
            let line = match rng.below(4) {
                0 => format!(
                    "    let value_{} = compute(&input, {});\n",
                    rng.below(1000),
                    rng.below(99)
                ),
                1 => format!(
                    "setting.{}.enabled = true # disk-usage task-runner\n",
                    rng.below(500)
                ),
                2 => format!("{}\n", rng.string(BASE62, 76)),
                _ => "The quick brown fox jumps over the lazy dog; SSL and TLS config notes.\n"
                    .to_string(),
            };
            out.extend_from_slice(line.as_bytes());
        }
        out.truncate(len);
        out
    }

    // The hand-run benchmark reports on stderr.
    #[allow(clippy::print_stderr)]
    fn throughput(name: &str, path: &str, data: &[u8]) {
        let mut scanner = SecretScanner::new();
        let start = Instant::now();
        scanner.begin(path, data.len() as u64);
        for chunk in data.chunks(64 << 10) {
            scanner.feed(chunk);
        }
        let capacity = scanner.buffer_capacity();
        let hits = scanner.finish();
        let secs = start.elapsed().as_secs_f64();
        assert!(capacity <= 2 * Limits::DEFAULT.window, "{capacity}");
        let mb = data.len() as f64 / 1e6;
        eprintln!(
            "{name}: {mb:.0} MB in {secs:.3} s = {:.0} MB/s ({} hits)",
            mb / secs,
            hits.len()
        );
    }

    /// Run by hand: `cargo test --release --lib secrets_throughput --
    /// --ignored --nocapture`.
    #[test]
    #[ignore]
    fn secrets_throughput() {
        let text = mixed_text(200 << 20);
        throughput("text without keywords", "srv/app/data.txt", &text);
        let mut seeded = text.clone();
        let token = format!("ghp_{}", random(14, BASE62, 36));
        for at in (0..seeded.len() - 64).step_by(1 << 20) {
            seeded[at..at + token.len()].copy_from_slice(token.as_bytes());
        }
        throughput("text with a token every MiB", "srv/app/data.txt", &seeded);
        let random_bytes = Rng::new(15).bytes(200 << 20);
        throughput("random bytes", "srv/app/blob", &random_bytes);
        let mut elf = b"\x7fELF".to_vec();
        elf.extend_from_slice(&random_bytes);
        throughput("ELF", "usr/bin/app", &elf);
    }

    /// Run by hand over a real tree, for speed and false positives:
    /// `DRYDOCK_SECRETS_DIR=/usr cargo test --release --lib
    /// secrets_over_a_tree -- --ignored --nocapture`. Times only the
    /// scanner (the files are read before the clock starts, in batches).
    #[test]
    #[ignore]
    #[allow(clippy::print_stderr)]
    fn secrets_over_a_tree() {
        let Some(root) = std::env::var_os("DRYDOCK_SECRETS_DIR") else {
            return;
        };
        let mut pending = vec![std::path::PathBuf::from(root)];
        let mut files = Vec::new();
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                match entry.file_type() {
                    Ok(t) if t.is_dir() => pending.push(entry.path()),
                    Ok(t) if t.is_file() => files.push(entry.path()),
                    _ => {}
                }
            }
        }
        let mut scanner = SecretScanner::new();
        // [binary, text]: bytes and time.
        let mut bytes = [0u64; 2];
        let mut elapsed = [std::time::Duration::ZERO; 2];
        let mut found: Vec<String> = Vec::new();
        for path in &files {
            let Ok(data) = std::fs::read(path) else {
                continue;
            };
            let name = path.to_string_lossy();
            let head = &data[..data.len().min(super::SNIFF_LEN)];
            let text = usize::from(!is_binary_start(head) && !head.contains(&0));
            let start = Instant::now();
            scanner.begin(&name, data.len() as u64);
            for chunk in data.chunks(64 << 10) {
                scanner.feed(chunk);
            }
            let hits = scanner.finish();
            elapsed[text] += start.elapsed();
            bytes[text] += data.len() as u64;
            for hit in hits {
                found.push(format!(
                    "{name}:{}:{} {:?} {:?} {} {:?}",
                    hit.line, hit.column, hit.kind, hit.tier, hit.preview, hit.detail
                ));
            }
        }
        for line in &found {
            eprintln!("{line}");
        }
        for (i, what) in ["binary", "text"].iter().enumerate() {
            let mb = bytes[i] as f64 / 1e6;
            let secs = elapsed[i].as_secs_f64();
            eprintln!("{what}: {mb:.0} MB in {secs:.3} s = {:.0} MB/s", mb / secs);
        }
        eprintln!("{} files, {} hits", files.len(), found.len());
    }
}
