//! See [`drydock::fuzzing::secrets`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| drydock::fuzzing::secrets(data));
