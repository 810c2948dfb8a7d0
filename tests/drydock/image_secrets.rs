//! `secret-in-image-file`: credentials in the files of an image's layers,
//! on generated images: each at its layer, build step, path and line; the
//! ones a later layer deleted or replaced still reported; what is no
//! secret (example keys, placeholders, certificates, packages' own test
//! fixtures) never reported; and no report format printing a value. The
//! same detectors read Compose `environment:` values and Kubernetes
//! Secrets (`plaintext-secret`), checked last.

use std::path::Path;

use serde_json::Value;

use crate::support::drydock;
use crate::support::image::*;
use crate::support::secrets::*;

const RULE: &str = "secret-in-image-file";

/// What the image of [`planted`] holds, for the assertions.
struct Planted {
    image: Image,
    password: String,
    token: String,
    replaced_token: String,
    aws: (String, String),
    key: String,
}

/// An image with credentials in every situation a layer can leave them.
fn planted(compression: Compression) -> Planted {
    let password = password(1);
    let token = github_token(2);
    let replaced_token = github_token(3);
    let aws = aws_pair(4);
    let key = rsa_key(5);
    let example = format!(
        "aws_access_key_id = {}\naws_secret_access_key = {}\n",
        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    );
    let image = Image::new()
        .user("app")
        .healthcheck(&["CMD", "/bin/true"])
        .layer(
            Layer::new()
                .file("etc/os-release", 0o644, 0, 0, "ID=test\n")
                .file("etc/ssl/certs/site.pem", 0o644, 0, 0, certificate(6))
                // A package's own test suite: public, counted in the warnings.
                .file(
                    "usr/lib/python3.11/test/certdata/keycert.pem",
                    0o644,
                    0,
                    0,
                    rsa_key(7),
                )
                .created_by("ADD rootfs.tar.xz /"),
        )
        .layer(
            Layer::new()
                .file(
                    "app/.env",
                    0o600,
                    0,
                    0,
                    format!(
                        "APP_NAME=demo\nDEBUG=false\nDB_PASSWORD={password}\nAPI_TOKEN=changeme\n"
                    ),
                )
                .file(
                    "app/config.py",
                    0o644,
                    0,
                    0,
                    format!("import os\nGITHUB_TOKEN = \"{token}\"\n"),
                )
                .file("root/.ssh/id_rsa", 0o600, 0, 0, key.clone())
                .file(
                    "app/secrets/aws.txt",
                    0o600,
                    0,
                    0,
                    format!(
                        "# deploy user\naws_access_key_id = {}\naws_secret_access_key = {}\n",
                        aws.0, aws.1
                    ),
                )
                .file(
                    "app/settings.json",
                    0o644,
                    0,
                    0,
                    format!("{{\n  \"token\": \"{replaced_token}\"\n}}\n"),
                )
                .file("app/docs/aws.md", 0o644, 0, 0, example)
                .file(
                    "app/placeholders.env",
                    0o644,
                    0,
                    0,
                    "DB_PASSWORD=changeme\nAPI_KEY=<your-api-key>\nTOKEN=${TOKEN}\n",
                )
                .created_by("COPY . /app"),
        )
        .layer(
            Layer::new()
                .whiteout("root/.ssh/id_rsa")
                .created_by("RUN rm /root/.ssh/id_rsa"),
        )
        .layer(
            Layer::new()
                .opaque("app/secrets")
                .file("app/secrets/README", 0o644, 0, 0, "mounted at run time\n")
                .created_by("RUN rm -rf /app/secrets && mkdir /app/secrets"),
        )
        .layer(
            Layer::new()
                .file("app/settings.json", 0o644, 0, 0, "{\"token\": null}\n")
                .created_by("COPY settings.json /app/"),
        )
        .compression(compression);
    Planted {
        image,
        password,
        token,
        replaced_token,
        aws,
        key,
    }
}

fn run_json(input: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let run = drydock().image_inputs(&[input]).args(&args).run();
    assert!(
        matches!(run.code(), Some(0 | 1)),
        "exit {:?}: {}",
        run.code(),
        run.stderr
    );
    run.json()
}

fn secrets(json: &Value) -> Vec<&Value> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == RULE)
        .collect()
}

fn at<'a>(json: &'a Value, path: &str) -> &'a Value {
    let found: Vec<&Value> = secrets(json)
        .into_iter()
        .filter(|f| f["location"]["path"] == path)
        .collect();
    assert_eq!(found.len(), 1, "want one {RULE} at {path}:\n{json:#}");
    found[0]
}

/// (path, layer, line, severity) of a finding.
fn place(f: &Value) -> (String, u64, u64, String) {
    let l = &f["location"];
    (
        l["path"].as_str().unwrap().to_string(),
        l["layer"]["index"].as_u64().unwrap(),
        l["line"].as_u64().unwrap(),
        f["severity"].as_str().unwrap().to_string(),
    )
}

#[test]
fn secrets_are_found_in_every_layer_with_their_step_line_and_deletion() {
    let tmp = tempfile::tempdir().unwrap();
    for compression in [Compression::None, Compression::Gzip, Compression::Zstd] {
        let planted = planted(compression);
        let input = tmp.path().join(format!("{compression:?}.tar"));
        planted.image.write_docker_oci(&input);
        let json = run_json(&input, &[]);
        let what = format!("{compression:?}");

        let mut got: Vec<_> = secrets(&json).into_iter().map(place).collect();
        got.sort();
        let want = [
            ("/app/.env", 1, 3, "high"),
            ("/app/config.py", 1, 2, "high"),
            ("/app/secrets/aws.txt", 1, 2, "critical"),
            ("/app/settings.json", 1, 2, "high"),
            ("/root/.ssh/id_rsa", 1, 1, "critical"),
        ]
        .map(|(p, l, n, s)| (p.to_string(), l, n, s.to_string()));
        assert_eq!(got, want, "{what}:\n{json:#}");

        let token = at(&json, "/app/config.py");
        let message = token["message"].as_str().unwrap();
        assert!(message.contains("GitHub token"), "{message}");
        assert!(message.contains("`ghp_****`"), "{message}");
        assert_eq!(token["location"]["layer"]["created_by"], "COPY . /app");

        let env = at(&json, "/app/.env");
        assert!(
            env["message"].as_str().unwrap().contains("DB_PASSWORD"),
            "{env:#}"
        );

        let key = at(&json, "/root/.ssh/id_rsa");
        let message = key["message"].as_str().unwrap();
        assert!(
            message.contains(
                "deleted in layer 2 (`RUN rm /root/.ssh/id_rsa`), but layer 1 still ships it"
            ),
            "{message}"
        );
        let related = &key["related"][0];
        assert_eq!(related["layer"]["index"], 2, "{key:#}");
        assert_eq!(related["note"], "deleted here", "{key:#}");

        let aws = at(&json, "/app/secrets/aws.txt");
        assert!(
            aws["message"]
                .as_str()
                .unwrap()
                .contains("deleted in layer 3"),
            "an opaque directory deletes what is under it: {aws:#}"
        );
        let replaced = at(&json, "/app/settings.json");
        assert!(
            replaced["message"]
                .as_str()
                .unwrap()
                .contains("replaced in layer 4"),
            "{replaced:#}"
        );

        let warnings = json["warnings"].to_string();
        assert!(
            warnings.contains("1 credential(s) in packages' own test fixtures")
                && warnings.contains("/usr/lib/python3.11/test/certdata/keycert.pem"),
            "{what}: {warnings}"
        );
        assert_eq!(
            json["summary"]["exit_code"], 1,
            "a critical finding fails the gate"
        );
    }
}

#[test]
fn no_report_format_prints_a_planted_value() {
    let tmp = tempfile::tempdir().unwrap();
    let planted = planted(Compression::Gzip);
    let input = tmp.path().join("image.tar");
    planted.image.write_docker_oci(&input);
    let key_body = planted.key.lines().nth(1).unwrap().to_string();
    let values = [
        planted.password.as_str(),
        planted.token.as_str(),
        planted.replaced_token.as_str(),
        planted.aws.0.as_str(),
        planted.aws.1.as_str(),
        key_body.as_str(),
        // What a preview must not reach: more than four characters.
        &planted.token[..6],
    ];
    for format in ["human", "json", "sarif"] {
        let run = drydock()
            .image_inputs(&[&input])
            .args(["--format", format])
            .run();
        assert_eq!(run.code(), Some(1), "{format}: {}", run.stderr);
        assert!(run.stdout.contains(RULE), "{format}: {}", run.stdout);
        for value in values {
            assert!(
                !run.stdout.contains(value) && !run.stderr.contains(value),
                "{format} prints a planted secret"
            );
        }
    }
}

#[test]
fn fingerprints_follow_the_value_not_the_build() {
    let tmp = tempfile::tempdir().unwrap();
    let image = |token: &str, step: &str| {
        Image::new().user("app").layer(
            Layer::new()
                .file("app/env.sh", 0o644, 0, 0, format!("export T={token}\n"))
                .created_by(step),
        )
    };
    let fingerprint = |image: Image, name: &str| {
        let input = tmp.path().join(name);
        image.write_docker_oci(&input);
        let json = run_json(&input, &[]);
        at(&json, "/app/env.sh")["fingerprint"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let first = fingerprint(image(&github_token(10), "COPY . /app"), "a.tar");
    let rebuilt = fingerprint(image(&github_token(10), "COPY --link . /app"), "b.tar");
    let rotated = fingerprint(image(&github_token(11), "COPY . /app"), "c.tar");
    assert_eq!(first, rebuilt, "the same secret in the next build");
    assert_ne!(first, rotated, "a rotated secret is a new finding");
}

#[test]
fn a_policy_accepts_secrets_under_allowed_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let planted = planted(Compression::None);
    let input = tmp.path().join("image.tar");
    planted.image.write_docker_oci(&input);
    let policy = tmp.path().join("policy.yaml");
    std::fs::write(
        &policy,
        "rules:\n  secret-in-image-file:\n    allowed-paths: [/app/*.py, \"app/secrets/**\"]\n",
    )
    .unwrap();
    let json = run_json(&input, &["--policy", policy.to_str().unwrap()]);
    let mut paths: Vec<&str> = secrets(&json)
        .iter()
        .map(|f| f["location"]["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        ["/app/.env", "/app/settings.json", "/root/.ssh/id_rsa"]
    );

    std::fs::write(
        &policy,
        "rules:\n  secret-in-image-file:\n    allowed-paths: [\"/app/[\"]\n",
    )
    .unwrap();
    let run = drydock()
        .image_inputs(&[&input])
        .args(["--policy", policy.to_str().unwrap()])
        .run();
    assert_eq!(run.code(), Some(2), "{}", run.stderr);
    assert!(run.stdout.contains("is not a glob"), "{}", run.stdout);
}

#[test]
fn large_and_odd_files_are_read_within_bounds() {
    let tmp = tempfile::tempdir().unwrap();
    let token = github_token(20);
    // Straddles every power-of-two read size from 4 KiB to 1 MiB.
    let mut straddling = vec![b'#'; (1 << 20) - 7];
    straddling.push(b'\n');
    straddling.extend_from_slice(format!("T={token}\n").as_bytes());
    // A text header, then NUL bytes: read up to the first NUL in the
    // first 8 KiB.
    let mut before_nul = format!("#!/bin/sh\nexport T={}\n", github_token(21)).into_bytes();
    before_nul.extend([0u8; 64]);
    before_nul.extend_from_slice(format!("T={}\n", github_token(22)).as_bytes());
    // 200 MB of random bytes: skipped by its first bytes, quickly.
    let mut rng = Seeded::new(23);
    let mut random = Vec::with_capacity(200 << 20);
    while random.len() < 200 << 20 {
        random.extend_from_slice(&rng.next().to_le_bytes());
    }
    let image = Image::new().user("app").layer(
        Layer::new()
            .file("app/big.txt", 0o644, 0, 0, straddling)
            .file("app/tool.sh", 0o755, 0, 0, before_nul)
            .file("app/random.bin", 0o644, 0, 0, random)
            .created_by("COPY . /app"),
    );
    let input = tmp.path().join("image.tar");
    image.write_docker_legacy(&input);
    let json = run_json(&input, &[]);
    let mut got: Vec<_> = secrets(&json).into_iter().map(place).collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("/app/big.txt".to_string(), 0, 2, "high".to_string()),
            ("/app/tool.sh".to_string(), 0, 2, "high".to_string()),
        ],
        "{json:#}"
    );
}

#[test]
fn the_same_detectors_read_compose_environment_and_kubernetes_secrets() {
    use base64::Engine as _;
    let tmp = tempfile::tempdir().unwrap();
    let token = github_token(30);
    std::fs::write(
        tmp.path().join("compose.yaml"),
        format!(
            "services:\n  app:\n    image: example/app:1.0\n    environment:\n      GH: {token}\n      MODE: fast\n"
        ),
    )
    .unwrap();
    let key = base64::engine::general_purpose::STANDARD.encode(rsa_key(31));
    std::fs::write(
        tmp.path().join("secret.yaml"),
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: {}\n  tls.key: {key}\n",
            base64::engine::general_purpose::STANDARD.encode(certificate(32))
        ),
    )
    .unwrap();
    let run = drydock()
        .current_dir(tmp.path())
        .args(["scan", ".", "--format", "json"])
        .run();
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    assert!(!run.stdout.contains(&token), "the token is printed");
    let json = run.json();
    let found: Vec<(String, u64, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "plaintext-secret")
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("compose.yaml".to_string(), 5, "high".to_string()),
            ("secret.yaml".to_string(), 8, "critical".to_string()),
        ],
        "{json:#}"
    );
}
