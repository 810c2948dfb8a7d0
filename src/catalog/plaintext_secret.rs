//! `plaintext-secret`: a credential is written literally in a service's
//! environment, or committed in a file the project mounts as a secret or
//! a config.
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("plaintext-secret", Severity::High, DOCS)
    .title("Credential written in plain text")
    .scopes(&[Scope::Compose, Scope::Kubernetes, Scope::Dockerfile]);

const DOCS: &str = r#"## What it checks
`environment:` entries (mapping or `KEY=VALUE` list) whose name looks like
a credential (`PASSWORD`, `PASSWD`, `PWD`, `SECRET`, `TOKEN`, `API_KEY`,
`ACCESS_KEY`, `PRIVATE_KEY`, `CREDENTIALS` as a word of the name) and whose
value is a literal written in the file, and any value holding a URL with a
password (`postgres://app:s3cret@db/app`). A default written in the file
(`${DB_PASSWORD:-s3cret}`) counts as a literal, whatever the environment
holds. Kubernetes `env` values get the same checks.

A value that only holds a credential's place (`changeme`, `CHANGE_ME`,
`your_api_key_here`, `<password>`, `xxxxxxxx`, `password`, `admin`,
`123456`) is reported as low: it is no secret, but a deployment that
forgets to replace it runs with a guessable credential.

Not reported:
- names that denote something about a credential rather than the
  credential: a last word `NAME` (a Kubernetes Secret's name), `FILE`,
  `PATH`, `DIR`, `REF`, `HEADER`, `FIELD`, `URL`, `URI`, `ENDPOINT`,
  `HOST`, `PORT`, `ISSUER`, `AUDIENCE`, `USER`, `USERNAME`, `SCHEME`,
  `TYPE`, `MODE`, `ALGORITHM`, `ALGO`, `LENGTH`, `POLICY`, `INTERVAL`,
  `TTL`, `TIMEOUT`, `EXPIRY`, `EXPIRES`, `EXPIRATION`, `LIFETIME`,
  `ENABLED`, `DISABLED`, `REQUIRED`, and `KEY_ID` (`AWS_ACCESS_KEY_ID`
  identifies a key);
- values that are no credential: empty, yes/no flags
  (`MYSQL_RANDOM_ROOT_PASSWORD: "yes"`), numbers and durations (`60`,
  `24h`; a number of four digits or more is still a password where the
  name ends in a credential word, `REDIS_PASSWORD: 90417263`), sentinels
  (`none`, `invalid`, `disabled`, `unset`, `-`), hash-scheme and
  algorithm names (`BLF-CRYPT`, `SHA512-CRYPT`, `argon2id`, `HS256`), a
  path to the file holding the secret (`/run/secrets/db`), a reference
  (`$(VAR)`, `{{ .Values.x }}`);
- values taken from the process environment (`${DB_PASSWORD}`, a bare
  `- DB_PASSWORD`).

A value a service takes whole from a variable (`${DB_PASSWORD}`, a bare
`- DB_PASSWORD`) that the project's `.env` or `--env-file` writes out is
in the repository like the Compose file: it gets the same checks and is
reported at its line in that file, as is a variable of an `env_file:`.
The process environment overrides `.env`, as in Compose: a value the
deploying environment sets is not reported.

A literal value of `environment:` or of an `env_file:` that the secret
detectors recognise (a token of a documented shape, a Slack webhook
URL, a private key; the detectors of `secret-in-image-file`) is reported
whatever its name (`GH=ghp_…`), at its line, the env file's for a
variable of an `env_file:`.

In Compose the human report's snippet shows only the first characters
of a reported value (`ghp_****`, a URL's password masked, the rest of the
URL shown); a placeholder is shown whole. JSON and SARIF hold no file
text.

- Compose top-level `secrets:` and `configs:` with `file:`: the file is
  read (through the audit boundary, up to 1 MiB; the summary says when a
  file is larger) and the secret detectors run over it; what they find
  (a private key, a token of a documented shape, a credential file such
  as a `.netrc` or a Docker `config.json` held under its name) is
  reported at the `file:` line, critical for a private key or a cloud
  credential, high for a token, low for what is not usable as found (an
  encrypted key). A `configs:` entry's inline `content:` is scanned the
  same way, as written in the Compose file, and reported at `content:`.
  Not read for this:
  - a file the repository's ignore rules leave out of its commits
    (`.gitignore` files from the file's directory up to the work tree's
    top or the audit root, and `.git/info/exclude`; the user's global
    excludes and git's index are not consulted, and git itself is
    never run). Keeping the secret file out of git and providing it at
    deploy time is what Compose recommends, so it is no finding; the
    summary says how many were left out ("not reported: ignored by
    .gitignore");
  - a file that is not there: the deploying environment provides it,
    and Docker Compose accepts a project whose secret file is missing
    (`docker compose config` succeeds);
  - a file outside the audit root, which is never read and is reported
    as `file-outside-repository` at its line instead;
  - `environment:` sources and `external:` secrets, which hold no text
    of the repository.
  A password alone in a file (`db_password.txt`) has no shape the
  detectors know: it is not reported, whatever the secret's name.

- Kubernetes `Secret`s (`data`, decoded from base64, and `stringData`)
  and `ConfigMap`s (`data`) in manifest files of the repository: a value
  the secret detectors recognise (a private key, a token of a documented
  shape, a credential file held under its file name such as
  `.dockerconfigjson`; the detectors of `secret-in-image-file`), or a
  value written out under a credential's name (the guards above). A
  `SealedSecret` or an `ExternalSecret` holds no plain text. The
  rendered output of Helm charts and kustomizations is not checked for
  this: what it holds is what the chart generates (`randAlphaNum`).

- Dockerfiles: an `ENV` or `ARG` default whose name is a credential's and whose value is written out (same heuristics as Compose), at the value; a password in a `RUN` command line (`curl -u user:password`, `--password=…`, `scheme://user:password@host`), at the word. A credential file copied into an image stage (`COPY id_rsa`, `*.key`, `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, `.docker/config.json`, `.env`) is reported at its name. A secret mounted with `RUN --mount=type=secret` is never reported.

## Why it matters
A password in a Compose file is in every clone of the repository, in its
history forever, in `docker inspect` output and in the container's
`/proc/1/environ`. Anyone who can read one of those can log in. A key
committed as the file of a Compose secret is no better: the `secrets:`
entry keeps it out of the environment, not out of the repository.

## Example
```yaml
services:
  db:
    image: postgres:17
    environment:
      POSTGRES_PASSWORD: Tr0ub4dor-db   # NOT OK
```

```yaml
secrets:
  deploy_key:
    file: ./secrets/id_ed25519   # NOT OK when the file holds a key and is committed
```

## Use instead
```yaml
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    secrets: [db_password]
secrets:
  db_password:
    file: ./db_password.txt   # not committed: listed in .gitignore
```

## References
- OWASP Docker Security Cheat Sheet, rule #12
- CWE-798: Use of Hard-coded Credentials
"#;
