//! See [`drydock::fuzzing::image_layer`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| drydock::fuzzing::image_layer(data));
