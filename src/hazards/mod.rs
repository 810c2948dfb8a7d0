//! Knowledge about hazards that every format shares (Compose, Kubernetes,
//! images), kept below the scanners so none of them borrows it from
//! another's rule files.

pub mod capabilities;
pub mod credentials;
pub mod host_paths;
pub mod image_ref;
pub mod secrets;
pub mod users;

#[cfg(test)]
mod tests {
    /// The secret scanner's API as the image walker and the scanners see
    /// it, from outside its module.
    #[test]
    fn the_secret_scanner_is_usable_from_outside_its_module() {
        let mut scanner = super::secrets::SecretScanner::new();
        scanner.begin("/etc/hosts", 10);
        scanner.feed(b"127.0.0.1 ");
        assert!(scanner.finish().is_empty());
        assert!(super::secrets::scan_text("app/.env", b"DEBUG=1\n").is_empty());
    }
}
