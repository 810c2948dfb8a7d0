//! See [`drydock::fuzzing::policy`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| drydock::fuzzing::policy(data));
