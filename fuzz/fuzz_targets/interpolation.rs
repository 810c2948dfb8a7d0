//! See [`drydock::fuzzing::interpolation`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| drydock::fuzzing::interpolation(data));
