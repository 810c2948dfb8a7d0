//! The HTML report in a real browser: Debian's Chromium, driven headless
//! through ChromeDriver (WebDriver over HTTP on 127.0.0.1). The demo's
//! report must load with no console error, show its summary, join graph
//! and layer table, filter by severity when its script runs, and match
//! the size of the screenshot the README shows (`docs/report.png`, made
//! by `scripts/report-screenshot.sh`). The screenshot taken here is kept
//! under `target/html-report/` as the run's artifact.
//!
//! Skipped with a notice when `chromium` or `chromedriver` is not
//! installed; `DRYDOCK_REQUIRE_BROWSER=1` (CI) makes that a failure.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

/// The window the README's screenshot is taken at
/// (`scripts/report-screenshot.sh` uses the same).
const WINDOW: (u32, u32) = (1280, 1700);

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(program))
        .find(|p| p.is_file())
}

fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("html-report");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// ChromeDriver, stopped when dropped, and the browser session it
/// started closed first (killing ChromeDriver alone leaves Chromium
/// running when a test fails before closing it).
struct Driver {
    child: Child,
    base: String,
    agent: ureq::Agent,
    session: Option<String>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(id) = self.session.take() {
            let _ = self
                .agent
                .delete(format!("{}/session/{id}", self.base))
                .call();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start(chromedriver: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let driver = Driver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            agent,
            session: None,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = driver
                .agent
                .get(format!("{}/status", driver.base))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                return driver;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A WebDriver command; its `value`.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let response = match (method, body) {
            ("POST", body) => self
                .agent
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.unwrap_or_else(|| json!({})).to_string()),
            ("DELETE", _) => self.agent.delete(&url).call(),
            _ => self.agent.get(&url).call(),
        };
        let mut text = String::new();
        response
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
            .body_mut()
            .as_reader()
            .read_to_string(&mut text)
            .unwrap();
        let answer: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert!(
            answer["value"].get("error").is_none(),
            "{method} {path}: {answer}"
        );
        answer["value"].clone()
    }
}

#[test]
fn the_demo_report_renders_in_chromium() {
    let (Some(chromium), Some(chromedriver)) = (on_path("chromium"), on_path("chromedriver"))
    else {
        crate::support::skip(
            "DRYDOCK_REQUIRE_BROWSER",
            "no `chromium` and `chromedriver` on PATH (Debian's chromium and chromium-driver)",
        );
        return;
    };
    let dir = artifacts();
    let report = dir.join("demo.html");
    std::fs::write(&report, crate::html::demo_report()).unwrap();
    let profile = tempfile::tempdir().unwrap();

    let mut driver = Driver::start(&chromedriver);
    let session = driver.call(
        "POST",
        "/session",
        Some(json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={},{}", WINDOW.0, WINDOW.1),
                ],
            },
        }}})),
    );
    let id = session["sessionId"].as_str().unwrap().to_string();
    driver.session = Some(id.clone());
    let at = |path: &str| format!("/session/{id}{path}");
    // The viewport itself at the README's size (a headless window's size
    // includes its frame).
    driver.call(
        "POST",
        &at("/goog/cdp/execute"),
        Some(
            json!({"cmd": "Emulation.setDeviceMetricsOverride", "params": {
                "width": WINDOW.0, "height": WINDOW.1, "deviceScaleFactor": 1, "mobile": false,
            }}),
        ),
    );
    let url = format!("file://{}", report.canonicalize().unwrap().display());
    driver.call("POST", &at("/url"), Some(json!({ "url": url })));
    let run = |script: &str| {
        driver.call(
            "POST",
            &at("/execute/sync"),
            Some(json!({ "script": script, "args": [] })),
        )
    };

    // The console is read back (a probe proves it is), and holds no error.
    run("console.error('drydock-probe');");
    let logs = driver.call("POST", &at("/se/log"), Some(json!({"type": "browser"})));
    let logs = logs.as_array().unwrap();
    assert!(
        logs.iter().any(|l| l["message"]
            .as_str()
            .unwrap_or("")
            .contains("drydock-probe")),
        "the browser's console cannot be read: {logs:?}"
    );
    let errors: Vec<&Value> = logs
        .iter()
        .filter(|l| l["level"] == "SEVERE")
        .filter(|l| {
            !l["message"]
                .as_str()
                .unwrap_or("")
                .contains("drydock-probe")
        })
        .collect();
    assert!(errors.is_empty(), "console errors: {errors:?}");

    // The summary, the join graph and the layer table are laid out and
    // visible, and the script showed the filters.
    let hidden = run(
        "return ['#verdict', '#summary .cards', 'svg#join-graph', 'svg#join-graph path.edge.compound',
                 'table.layers', 'tr#image-0-layer-1', 'form#filters', 'article.finding']
          .filter(function (css) {
            var e = document.querySelector(css);
            if (!e) { return true; }
            var box = e.getBoundingClientRect();
            return (box.width === 0 && box.height === 0) || getComputedStyle(e).visibility === 'hidden';
          });",
    );
    assert_eq!(hidden, json!([]), "missing or invisible");

    // Filtering by severity hides exactly the findings of that severity.
    let counts = run(
        "var box = document.querySelector('input[name=severity][value=low]');
         var before = document.querySelectorAll('article.finding:not([hidden])').length;
         var low = document.querySelectorAll('article.finding[data-severity=low]').length;
         box.click();
         var after = document.querySelectorAll('article.finding:not([hidden])').length;
         box.click();
         var again = document.querySelectorAll('article.finding:not([hidden])').length;
         return [before, low, after, again];",
    );
    let [before, low, after, again] = [0, 1, 2, 3].map(|i| counts[i].as_u64().unwrap());
    assert!(low > 0, "{counts}");
    assert_eq!(after, before - low, "{counts}");
    assert_eq!(again, before, "{counts}");

    // The screenshot: kept, and the size of the README's.
    let shot = driver.call("GET", &at("/screenshot"), None);
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot.as_str().unwrap())
        .unwrap();
    std::fs::write(dir.join("demo.png"), &png).unwrap();
    let readme_shot =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.png")).unwrap();
    assert_eq!(png_size(&png), png_size(&readme_shot));
    assert_eq!(png_size(&png).0, WINDOW.0);
}

/// Width and height from a PNG's header.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let word = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}
