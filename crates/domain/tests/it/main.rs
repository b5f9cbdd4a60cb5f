//! The domain crate's integration tests, linked into one test binary: one
//! module per area (the module's own comment says what it covers). Run one
//! area with `cargo test -p enroll-domain --test it AREA::`.

// Tests may unwrap: a panic here is a failed test, not a user's crash.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fixtures;
mod props;
mod validate_props;
