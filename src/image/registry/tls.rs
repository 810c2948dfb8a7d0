//! Which certificate authorities a registry's TLS certificate may chain
//! to, as Go tools and Docker decide it:
//!
//! - the system's roots, or those of `SSL_CERT_FILE` / `SSL_CERT_DIR`
//!   when set (which replace the system's, as in Go);
//! - plus, for one registry `HOST:PORT`, every `*.crt` in
//!   `/etc/docker/certs.d/HOST:PORT/`, `/etc/containers/certs.d/HOST:PORT/`
//!   and `~/.config/containers/certs.d/HOST:PORT/` (containers-certs.d(5)).
//!
//! Client certificates (`*.cert` and `*.key` in those folders) are not
//! read. TLS itself is rustls, through ureq.

use std::path::PathBuf;

use ureq::tls::Certificate;

/// The folders that may hold a registry's extra CA certificates.
fn certs_d_folders(host: &str) -> Vec<PathBuf> {
    let mut roots = vec![
        PathBuf::from("/etc/docker/certs.d"),
        PathBuf::from("/etc/containers/certs.d"),
    ];
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        roots.push(PathBuf::from(home).join(".config/containers/certs.d"));
    }
    roots.into_iter().map(|r| r.join(host)).collect()
}

/// The roots to trust for `host` (`HOST[:PORT]`). A `*.crt` that cannot be
/// read or holds no certificate is an error naming it.
pub(super) fn roots_for(host: &str) -> Result<Vec<Certificate<'static>>, String> {
    let native = rustls_native_certs::load_native_certs();
    let mut roots: Vec<Certificate<'static>> = native
        .certs
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    for folder in certs_d_folders(host) {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "crt"))
            .collect();
        files.sort();
        for file in files {
            let pem =
                std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let before = roots.len();
            for item in ureq::tls::parse_pem(&pem) {
                if let Ok(ureq::tls::PemItem::Certificate(cert)) = item {
                    roots.push(cert);
                }
            }
            if roots.len() == before {
                return Err(format!(
                    "{} holds no PEM certificate (a registry's CA for {host})",
                    file.display()
                ));
            }
        }
    }
    if roots.is_empty() {
        return Err(format!(
            "no certificate authority to check {host} against: the system has none and no certs.d folder names it"
        ));
    }
    Ok(roots)
}
