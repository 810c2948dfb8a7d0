//! See [`drydock::fuzzing::registry_responses`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| drydock::fuzzing::registry_responses(data));
