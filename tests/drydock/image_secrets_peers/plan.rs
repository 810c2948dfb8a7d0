//! The image the Trivy comparison reads: its layers, the files each
//! writes and the situation each stands for, and the planted files' text
//! (to read off the lines the comparison moves).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::support::image::{Compression, Image, Layer};
use crate::support::secrets::*;

/// One layer: the step that made it and what it changes.
pub struct Step {
    pub created_by: &'static str,
    pub files: Vec<Planted>,
    /// Deleted by this layer (whiteouts).
    pub deletes: Vec<&'static str>,
    /// Emptied by this layer (opaque directories).
    pub empties: Vec<&'static str>,
}

/// A file of a layer and the situation it stands for.
pub struct Planted {
    pub path: &'static str,
    pub content: Vec<u8>,
    pub why: &'static str,
}

fn put(path: &'static str, content: impl Into<Vec<u8>>, why: &'static str) -> Planted {
    Planted {
        path,
        content: content.into(),
        why,
    }
}

/// `lines`, one a line.
fn text(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// 10.6 MB of log lines (over Trivy's 10 MiB warning), a GitLab token at
/// line 21 and a GitHub token at the end.
fn big_log() -> String {
    let mut log = String::with_capacity(10_700_000);
    let mut n = 0u32;
    while log.len() < 10_600_000 {
        n += 1;
        let _ = writeln!(
            log,
            "2024-05-01T12:{:02}:{:02}Z INFO request {n} served in 12 ms path=/api/v1/items",
            n / 60 % 60,
            n % 60
        );
        if n == 20 {
            let _ = writeln!(log, "retrying with token={}", gitlab_token(90));
        }
    }
    let _ = writeln!(log, "pushing with token={}", github_token(91));
    log
}

/// A script (under 300 bytes), then NUL bytes and data.
fn script_then_nul() -> Vec<u8> {
    let mut out = format!("#!/bin/sh\nexport GH_TOKEN={}\n", github_token(92)).into_bytes();
    out.extend([0u8; 64]);
    out.extend(format!("\nGH_TOKEN={}\n", github_token(93)).into_bytes());
    out
}

/// A self-extracting installer: 2 KiB of script with a token at line 41,
/// then NUL bytes in the first 8 KiB, then a token in the payload.
fn installer() -> Vec<u8> {
    let mut out = String::new();
    for i in 1..=40 {
        let _ = writeln!(
            out,
            "# installer header line {i}: unpacks the payload below"
        );
    }
    let _ = writeln!(out, "export GH_TOKEN={}", github_token(94));
    out.push_str("exit 0\n__PAYLOAD__\n");
    let mut out = out.into_bytes();
    out.extend([0u8; 32]);
    out.extend(format!("\nGL_TOKEN={}\n", gitlab_token(95)).into_bytes());
    out
}

/// The layers of the compared image, bottom first.
pub fn plan() -> Vec<Step> {
    let hs256 = r#"{"alg":"HS256","typ":"JWT"}"#;
    let (aws_id, aws_secret) = aws_pair(20);
    let (example_id, example_secret) = aws_documented_example();
    let rsa = rsa_key(21);
    let rsa_lines = || rsa.lines().map(|l| format!("    {l}")).collect::<Vec<_>>();
    let kube_jwt = jwt(
        22,
        r#"{"alg":"RS256","kid":"sa-1"}"#,
        r#"{"iss":"kubernetes/serviceaccount","sub":"system:serviceaccount:ci:deployer"}"#,
    );
    let regcred = STANDARD.encode(docker_config(23));
    vec![
        Step {
            created_by: "ADD rootfs.tar /",
            files: vec![
                put("etc/os-release", "ID=test\n", "no secret"),
                put(
                    "usr/lib/python3.11/test/certdata/keycert.pem",
                    rsa_key(1),
                    "a package's test fixture under a path both tools skip",
                ),
                put(
                    "opt/venv/lib/python3.12/site-packages/tlslib/fixtures/server.key",
                    rsa_key(2),
                    "a package's test fixture drydock leaves out (with a warning)",
                ),
                put(
                    "usr/local/lib/python3.12/site-packages/billing/settings.py",
                    format!("# billing\nSTRIPE_KEY = \"{}\"\n", stripe_key(3, "live")),
                    "an application installed by pip, under Trivy's `python` allow rule",
                ),
            ],
            deletes: vec![],
            empties: vec![],
        },
        Step {
            created_by: "COPY . /",
            files: vec![
                put(
                    "root/.ssh/id_rsa",
                    rsa.clone(),
                    "RSA key, deleted by a whiteout in layer 2",
                ),
                put(
                    "root/.ssh/id_ecdsa",
                    format!("{}{}", ec_parameters(), ec_key(4)),
                    "EC key after its `EC PARAMETERS` block",
                ),
                put("root/.ssh/id_ed25519", openssh_key(5), "OpenSSH key"),
                put(
                    "app/certs/server.key",
                    format!("# issued 2024-05-01\n{}", pkcs8_key(6)),
                    "PKCS #8 key after a comment line",
                ),
                put(
                    "app/certs/windows.pem",
                    ec_key(7).replace('\n', "\r\n"),
                    "EC key with CRLF line ends",
                ),
                put(
                    "app/certs/legacy.key",
                    encrypted_rsa_key(8),
                    "RSA key encrypted with `Proc-Type` headers",
                ),
                put(
                    "app/certs/signing.asc",
                    pgp_private_key(9),
                    "PGP private key",
                ),
                put(
                    "app/chart/values.yaml",
                    text(&[vec!["tls:".into(), "  key: |".into()], rsa_lines()].concat()),
                    "RSA key indented in a YAML block scalar",
                ),
                put(
                    "app/env.sh",
                    format!(
                        "export SIGNING_KEY=\"{}\"\nexport AWS_ACCESS_KEY_ID={}\n",
                        rsa_key(10).trim_end().replace('\n', "\\n"),
                        aws_pair(11).0
                    ),
                    "RSA key with escaped newlines; an AWS key id without its secret",
                ),
                put(
                    "app/config.py",
                    text(&[
                        "import os".into(),
                        format!("GITHUB_TOKEN = \"{}\"", github_token(12)),
                        format!("STRIPE_KEY = \"{}\"", stripe_key(13, "live")),
                        format!("SENDGRID_API_KEY = \"{}\"", sendgrid_key(14)),
                        format!("OPENAI_API_KEY = \"{}\"", openai_key(15)),
                        format!("TWILIO_API_KEY = \"{}\"", twilio_key(16)),
                        format!("STRIPE_TEST_KEY = \"{}\"", stripe_key(17, "test")),
                        format!("ANTHROPIC_API_KEY = \"{}\"", anthropic_key(18)),
                        format!(
                            "SESSION = \"{}\"",
                            jwt(19, hs256, r#"{"sub":"42","iat":1714564800}"#)
                        ),
                        format!(
                            "ANONYMOUS = \"{}\"",
                            jwt(24, r#"{"alg":"none","typ":"JWT"}"#, r#"{"sub":"guest"}"#)
                        ),
                    ]),
                    "one token of each kind a line, a Stripe test key, an unsigned JWT",
                ),
                put(
                    "app/settings.json",
                    format!(
                        "{{\n  \"token\": \"{}\"\n}}\n",
                        github_fine_grained_token(25)
                    ),
                    "fine-grained GitHub token, replaced by a clean file in layer 4",
                ),
                put(
                    "app/secrets/aws.txt",
                    format!(
                        "# deploy user\naws_access_key_id = {aws_id}\n\
                         aws_secret_access_key = {aws_secret}\n"
                    ),
                    "AWS key pair, hidden by an opaque directory in layer 3",
                ),
                put(
                    "root/.aws/credentials",
                    {
                        let (id, secret) = aws_pair(26);
                        format!(
                            "[default]\naws_access_key_id = {id}\n\
                             aws_secret_access_key = {secret}\nregion = eu-west-1\n"
                        )
                    },
                    "AWS credentials file",
                ),
                put(
                    "app/deploy.sh",
                    text(&[
                        "#!/bin/sh".into(),
                        format!("export GITLAB_TOKEN={}", gitlab_token(27)),
                        format!("export SLACK_TOKEN={}", slack_token(28)),
                        format!("curl -X POST {} -d @msg.json", slack_webhook(29)),
                        format!(
                            "echo {} | docker login -u ci --password-stdin",
                            docker_hub_token(30)
                        ),
                    ]),
                    "GitLab, Slack and Docker Hub tokens, a Slack webhook",
                ),
                put(
                    "app/.npmrc",
                    format!("//registry.npmjs.org/:_authToken={}\n", npm_token(31)),
                    "npm token in `.npmrc`, unquoted",
                ),
                put(
                    "app/publish.js",
                    format!("const token = \"{}\";\n", npm_token(32)),
                    "npm token in quotes",
                ),
                put(
                    "root/.pypirc",
                    format!(
                        "[pypi]\nusername = __token__\npassword = {}\n",
                        pypi_token(33)
                    ),
                    "PyPI token",
                ),
                put(
                    "app/gcp.json",
                    gcp_service_account(34),
                    "Google Cloud service-account key file",
                ),
                put(
                    "app/appsettings.json",
                    format!(
                        "{{\n  \"Storage\": \"{}\"\n}}\n",
                        azure_storage_connection(35)
                    ),
                    "Azure storage connection string",
                ),
                put(
                    "app/entra.yaml",
                    format!("tenant: acme\nclient_secret: {}\n", azure_client_secret(36)),
                    "Entra ID client secret",
                ),
                put(
                    "app/oauth/token.json",
                    format!(
                        "{{\n  \"refresh_token\": \"{}\",\n  \"expires_in\": 15811200\n}}\n",
                        github_refresh_token(37)
                    ),
                    "GitHub refresh token (76 characters)",
                ),
                put(
                    "root/.git-credentials",
                    format!("https://ci:{}@github.com\n", github_token(38)),
                    "GitHub token in `.git-credentials`",
                ),
                put(
                    "root/.kube/config",
                    format!(
                        "apiVersion: v1\nkind: Config\nusers:\n- name: deployer\n  user:\n    \
                         token: {kube_jwt}\n"
                    ),
                    "service-account JWT in a kubeconfig",
                ),
                put(
                    "root/.docker/config.json",
                    docker_config(39),
                    "registry login in Docker's config",
                ),
                put(
                    "app/k8s/regcred.yaml",
                    format!(
                        "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\n\
                         data:\n  .dockerconfigjson: {regcred}\n"
                    ),
                    "registry login in a Kubernetes Secret manifest",
                ),
                put(
                    "app/.env",
                    format!("APP_NAME=demo\nDB_PASSWORD={}\n", password(40)),
                    "password in `.env`",
                ),
                put(
                    "root/.netrc",
                    format!(
                        "machine git.internal\nlogin ci\npassword {}\n",
                        password(41)
                    ),
                    "password in `.netrc`",
                ),
                put(
                    "root/.pgpass",
                    format!("db:5432:app:app:{}\n", password(42)),
                    "password in `.pgpass`",
                ),
                put(
                    "app/docs/setup.txt",
                    format!(
                        "aws_access_key_id = {example_id}\naws_secret_access_key = \
                         {example_secret}\nAuthorization: Bearer {}\n",
                        jwt(
                            43,
                            hs256,
                            r#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#
                        )
                    ),
                    "documented examples: AWS's key pair, jwt.io's token",
                ),
                put(
                    "app/examples/deploy.sh",
                    format!("export GITLAB_TOKEN={}\n", gitlab_token(44)),
                    "GitLab token under `examples/`",
                ),
                put(
                    "app/tests/conftest.py",
                    format!("TOKEN = \"{}\"\n", github_token(45)),
                    "GitHub token in the application's own tests",
                ),
                put(
                    "app/README.md",
                    format!("# App\n\nexport GH_TOKEN={}\n", github_token(46)),
                    "GitHub token in a README",
                ),
                put(
                    "app/node_modules/acme-client/lib/config.js",
                    format!("module.exports = {{ token: \"{}\" }};\n", github_token(47)),
                    "GitHub token in a package's code",
                ),
                put(
                    "app/scripts/mirror.sh",
                    format!(
                        "PUSH_TOKEN={}\nPULL_TOKEN={}\n",
                        github_token(48),
                        github_token(49)
                    ),
                    "two GitHub tokens in one file",
                ),
                put(
                    "app/caller-identity.json",
                    format!(
                        "{{\n  \"UserId\": \"{}\",\n  \"Account\": \"123456789012\"\n}}\n",
                        aws_user_id(50)
                    ),
                    "an IAM user's unique id",
                ),
                put(
                    "app/logs/s3.log",
                    format!(
                        "GET https://b.s3.amazonaws.com/o?AWSAccessKeyId={}&Expires=1714564800\
                         &Signature=abc 200\n",
                        aws_pair(51).0
                    ),
                    "an access key id in a presigned URL",
                ),
                put(
                    "app/tool.sh",
                    script_then_nul(),
                    "a script followed by NUL bytes within its first 300 bytes",
                ),
                put(
                    "app/bundle.run",
                    installer(),
                    "2 KiB of script, NUL bytes, a payload",
                ),
                put(
                    "app/ci/token.txt",
                    format!("{}\n", github_token(52)),
                    "GitHub token, replaced by another one in layer 4",
                ),
            ],
            deletes: vec![],
            empties: vec![],
        },
        Step {
            created_by: "RUN rm /root/.ssh/id_rsa",
            files: vec![],
            deletes: vec!["root/.ssh/id_rsa"],
            empties: vec![],
        },
        Step {
            created_by: "RUN rm -rf /app/secrets && mkdir /app/secrets",
            files: vec![put(
                "app/secrets/README",
                "mounted at run time\n",
                "no secret",
            )],
            deletes: vec![],
            empties: vec!["app/secrets"],
        },
        Step {
            created_by: "COPY settings.json token.txt /app/",
            files: vec![
                put(
                    "app/settings.json",
                    "{\n  \"token\": null\n}\n",
                    "no secret (replaces layer 1's)",
                ),
                put(
                    "app/ci/token.txt",
                    format!("{}\n", github_token(53)),
                    "GitHub token (replaces layer 1's)",
                ),
            ],
            deletes: vec![],
            empties: vec![],
        },
        Step {
            created_by: "COPY app.log /var/log/app/",
            files: vec![put(
                "var/log/app/app.log",
                big_log(),
                "10.6 MB log, a token at line 21 and one past 10 MiB",
            )],
            deletes: vec![],
            empties: vec![],
        },
    ]
}

/// The image of `plan`, its layers compressed with `compression`.
pub fn image(plan: &[Step], compression: Compression) -> Image {
    let mut image = Image::new().user("app").compression(compression);
    for step in plan {
        let mut layer = Layer::new().created_by(step.created_by);
        for dir in &step.empties {
            layer = layer.opaque(dir);
        }
        for path in &step.deletes {
            layer = layer.whiteout(path);
        }
        for f in &step.files {
            layer = layer.file(f.path, 0o644, 0, 0, f.content.clone());
        }
        image = image.layer(layer);
    }
    image
}

/// The text of the planted files, by (layer, `/path`), to read lines off.
pub struct Files(BTreeMap<(usize, String), Vec<String>>);

impl Files {
    pub fn new(plan: &[Step]) -> Files {
        let mut files = BTreeMap::new();
        for (layer, step) in plan.iter().enumerate() {
            for f in &step.files {
                let text = String::from_utf8_lossy(&f.content);
                let lines = text.split('\n').map(str::to_owned).collect();
                files.insert((layer, format!("/{}", f.path)), lines);
            }
        }
        Files(files)
    }

    /// The lines of `path` as layer `layer` writes it (none when it
    /// writes no such file).
    pub fn lines(&self, layer: usize, path: &str) -> &[String] {
        self.0
            .get(&(layer, path.to_owned()))
            .map_or(&[], Vec::as_slice)
    }
}
