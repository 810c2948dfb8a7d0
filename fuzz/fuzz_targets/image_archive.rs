//! See [`drydock::fuzzing::image_archive`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| drydock::fuzzing::image_archive(data));
