//! See [`drydock::fuzzing::yaml`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| drydock::fuzzing::yaml(data));
