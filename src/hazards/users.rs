//! Users as Compose (`user:`), Kubernetes (`runAsUser`) and image
//! configs (`Config.User`) write them.

/// Whether a `user:` value names uid 0.
pub fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    name == "root" || name == "0"
}
