//! See [`drydock::fuzzing::package_databases`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| drydock::fuzzing::package_databases(data));
