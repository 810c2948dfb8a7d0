//! See [`drydock::fuzzing::k8s_manifests`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| drydock::fuzzing::k8s_manifests(data));
