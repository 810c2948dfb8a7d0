//! The rules more than one scanner reports (a privileged Compose service
//! and a privileged Kubernetes container are one `privileged` rule): each
//! file holds one rule's metadata and documentation, below the scanners,
//! so Compose, Kubernetes and images all name it from here. Each
//! scanner's check for it lives in that scanner's own rules folder.

pub mod added_capabilities;
pub mod apparmor_disabled;
pub mod capabilities_not_dropped;
pub mod exec_capable_netcat;
pub mod host_namespace;
pub mod host_path_mount;
pub mod missing_healthcheck;
pub mod missing_resource_limits;
pub mod network_tool;
pub mod no_new_privileges;
pub mod plaintext_secret;
pub mod privileged;
pub mod proc_mount;
pub mod root_user;
pub mod runtime_socket_mount;
pub mod seccomp_disabled;
pub mod selinux_disabled;
pub mod setuid_file;
pub mod shared_mount_propagation;
pub mod unpinned_image;
pub mod untrusted_registry;
pub mod writable_executable;
pub mod writable_root_filesystem;
