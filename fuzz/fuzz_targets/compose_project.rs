//! See [`drydock::fuzzing::compose_project`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| drydock::fuzzing::compose_project(data));
