//! drydock's integration tests, in one test binary: each module runs the
//! real `drydock` binary (through [`support::drydock`]) on one area.
//!
//! ```sh
//! cargo test --test drydock            # all of them
//! cargo test --test drydock k8s::      # one module
//! ```
//!
//! Suites that need something the machine may not have (`../shared/peers`,
//! the Docker Compose oracle, a container engine) say on the terminal when
//! they are skipped; `DRYDOCK_REQUIRE_*=1` turns a skip into a failure.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

mod awesome_compose;
mod bad_input;
mod bench_images;
mod boundary;
mod browser;
mod cli;
mod complexity;
mod compose_oracle;
mod compose_secrets;
mod demo;
mod dockerfile;
mod dockerfile_peers;
mod docs;
mod engine;
mod engine_faults;
mod fake_registry;
mod formats;
mod fuzz_corpus;
mod fuzz_regressions;
mod html;
mod image;
mod image_bad_input;
mod image_secrets;
mod image_secrets_peers;
mod image_support;
mod join;
mod k8s;
mod kics_conformance;
mod policy;
mod pre_commit;
mod pss_conformance;
mod real_repositories;
mod registry;
mod registry_faults;
mod rule_fixtures;
mod sandbox;
