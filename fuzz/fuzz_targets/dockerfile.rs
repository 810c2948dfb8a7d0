//! See [`drydock::fuzzing::dockerfile`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| drydock::fuzzing::dockerfile(data));
