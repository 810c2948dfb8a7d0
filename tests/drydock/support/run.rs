//! The one way the tests run the `drydock` binary: [`drydock()`] gives a
//! builder (arguments, directory, environment, standard input, a time
//! limit), [`Drydock::run`] runs it and returns a [`Run`] with both streams
//! as text.
//!
//! Every run is hermetic about container engines: `DOCKER_HOST` names a
//! socket that does not exist (`scan` would otherwise read a local
//! engine's images) and `DOCKER_CONTEXT`/`CONTAINER_HOST` are removed; the
//! engine tests set their own `DOCKER_HOST`. A run whose standard error
//! says `panicked` is a failed test.

use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_drydock");

/// The crate root: fixtures under `testdata/` are named relative to it.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// `DOCKER_HOST` of every run unless a test sets its own: no engine.
pub const NO_ENGINE: &str = "unix:///nonexistent/drydock-test.sock";

/// The system calls [`Drydock::traced`] logs: every way to start a
/// program, open a file, or change the file system.
pub const TRACED_CALLS: &[&str] = &[
    "execve",
    "execveat",
    "open",
    "openat",
    "openat2",
    "creat",
    "mkdir",
    "mkdirat",
    "rename",
    "renameat",
    "renameat2",
    "link",
    "linkat",
    "symlink",
    "symlinkat",
    "unlink",
    "unlinkat",
    "truncate",
    "chmod",
    "fchmodat",
    "mknod",
    "mknodat",
];

/// `drydock`, to be given arguments and run.
pub fn drydock() -> Drydock {
    Drydock {
        args: Vec::new(),
        envs: vec![
            ("DOCKER_HOST".into(), Some(NO_ENGINE.into())),
            ("DOCKER_CONTEXT".into(), None),
            ("CONTAINER_HOST".into(), None),
        ],
        clear_env: false,
        cwd: None,
        stdin: None,
        timeout: None,
        as_uid: None,
        traced: None,
    }
}

/// The README's demo command, `drydock scan testdata/demo --images
/// testdata/demo/images`, to be given more arguments and run.
pub fn demo_scan() -> Drydock {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/demo");
    drydock()
        .arg("scan")
        .arg(&demo)
        .arg("--images")
        .arg(demo.join("images"))
}

/// A run of drydock being prepared; see [`drydock()`].
#[must_use]
pub struct Drydock {
    args: Vec<OsString>,
    /// In order; `None` removes the variable.
    envs: Vec<(OsString, Option<OsString>)>,
    clear_env: bool,
    cwd: Option<PathBuf>,
    stdin: Option<Vec<u8>>,
    timeout: Option<Duration>,
    as_uid: Option<u32>,
    /// Run under `strace`, its log written here.
    traced: Option<PathBuf>,
}

impl Drydock {
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_os_string());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    /// `image --input INPUT...`: the image command on image files.
    pub fn image_inputs<P: AsRef<Path>>(mut self, inputs: &[P]) -> Self {
        self = self.arg("image");
        for input in inputs {
            self = self.arg("--input").arg(input.as_ref());
        }
        self
    }

    /// Runs in `dir` (default: the test process's directory, the crate
    /// root under `cargo test`).
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.cwd = Some(dir.as_ref().to_path_buf());
        self
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.envs.push((
            key.as_ref().to_os_string(),
            Some(value.as_ref().to_os_string()),
        ));
        self
    }

    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Self {
        self.envs.push((key.as_ref().to_os_string(), None));
        self
    }

    /// Starts from an empty environment but `PATH` (so that every
    /// `${VAR:-default}` takes its default); variables set with
    /// [`Drydock::env`], before or after, still apply.
    pub fn env_clear(mut self) -> Self {
        self.clear_env = true;
        self
    }

    /// Writes `text` to drydock's standard input (default: none).
    pub fn stdin(mut self, text: impl AsRef<[u8]>) -> Self {
        self.stdin = Some(text.as_ref().to_vec());
        self
    }

    /// Kills drydock after `limit`; [`Drydock::try_run`] then says so.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// Runs drydock as user and group `uid` through `setpriv` (the test
    /// must run as root).
    pub fn setpriv_uid(mut self, uid: u32) -> Self {
        self.as_uid = Some(uid);
        self
    }

    /// Runs drydock under `strace -f`, logging to `log` every call that
    /// names a file or starts a program ([`TRACED_CALLS`]).
    pub fn traced(mut self, log: impl AsRef<Path>) -> Self {
        self.traced = Some(log.as_ref().to_path_buf());
        self
    }

    /// The command line, for messages.
    pub fn shown(&self) -> String {
        let args: Vec<_> = self.args.iter().map(|a| a.to_string_lossy()).collect();
        format!("drydock {}", args.join(" "))
    }

    fn command(&self) -> Command {
        let mut cmd = match (self.as_uid, &self.traced) {
            (_, Some(log)) => {
                let mut c = Command::new("strace");
                c.args(["-f", "-qq", "-e"])
                    .arg(format!("trace={}", TRACED_CALLS.join(",")))
                    .arg("-o")
                    .arg(log)
                    .arg("--")
                    .arg(BIN);
                c
            }
            (Some(id), None) => {
                let mut c = Command::new("setpriv");
                c.args([
                    format!("--reuid={id}"),
                    format!("--regid={id}"),
                    "--clear-groups".to_string(),
                    "--".to_string(),
                    BIN.to_string(),
                ]);
                c
            }
            (None, None) => Command::new(BIN),
        };
        cmd.args(&self.args);
        if self.clear_env {
            cmd.env_clear();
            if let Some(path) = std::env::var_os("PATH") {
                cmd.env("PATH", path);
            }
        }
        for (key, value) in &self.envs {
            match value {
                Some(value) => cmd.env(key, value),
                None => cmd.env_remove(key),
            };
        }
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        cmd
    }

    /// Runs drydock; a failure to start, a timeout or a panic is an
    /// `Err` saying so.
    pub fn try_run(self) -> Result<Run, String> {
        let shown = self.shown();
        let started = Instant::now();
        let mut child = self
            .command()
            .spawn()
            .map_err(|e| format!("cannot run {shown}: {e}"))?;
        let writer = child.stdin.take().zip(self.stdin).map(|(mut pipe, text)| {
            std::thread::spawn(move || {
                // drydock may exit before reading (a bad `--policy` is
                // exit 2 at once): a closed pipe is not the test's failure.
                if let Err(e) = pipe.write_all(&text) {
                    assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
                }
            })
        });
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let status = loop {
            let Some(limit) = self.timeout else {
                break child.wait().map_err(|e| e.to_string())?;
            };
            if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
                break status;
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{shown} still running after {:?}",
                    started.elapsed()
                ));
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        if let Some(writer) = writer {
            writer.join().map_err(|_| "writing stdin failed")?;
        }
        let run = Run {
            status,
            stdout: stdout.join().map_err(|_| "reading stdout failed")?,
            stderr: stderr.join().map_err(|_| "reading stderr failed")?,
            shown,
        };
        if run.stderr.contains("panicked") {
            return Err(format!("{} panicked:\n{}", run.shown, run.stderr));
        }
        Ok(run)
    }

    /// Runs drydock; panics if it cannot start, times out or panics.
    pub fn run(self) -> Run {
        self.try_run().unwrap_or_else(|e| panic!("{e}"))
    }
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// What one run of drydock did.
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    /// The command line, for messages.
    pub shown: String,
}

impl Run {
    /// The exit code (`None`: killed by a signal).
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// Standard output then standard error.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Standard output as JSON.
    pub fn try_json(&self) -> Result<Value, String> {
        serde_json::from_str(&self.stdout).map_err(|e| {
            format!(
                "`{}` printed no JSON ({e}):\n{}\nstderr:\n{}",
                self.shown, self.stdout, self.stderr
            )
        })
    }

    /// Standard output as JSON; panics with both streams if it is not.
    pub fn json(&self) -> Value {
        self.try_json().unwrap_or_else(|e| panic!("{e}"))
    }
}
