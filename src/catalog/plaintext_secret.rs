//! `plaintext-secret`: a credential is written literally in a service's
//! environment.
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
`/proc/1/environ`. Anyone who can read one of those can log in.

## Example
```yaml
services:
  db:
    image: postgres:17
    environment:
      POSTGRES_PASSWORD: Tr0ub4dor-db   # NOT OK
```

## Use instead
```yaml
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    secrets: [db_password]
secrets:
  db_password:
    file: ./db_password.txt   # not committed
```

## References
- OWASP Docker Security Cheat Sheet, rule #12
- CWE-798: Use of Hard-coded Credentials
"#;
