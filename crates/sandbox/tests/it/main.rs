//! The sandbox crate's integration tests, linked into one test binary: one
//! module per area (the module's own comment says what it covers), the support
//! module shared once. They talk HTTP to a sandbox on 127.0.0.1 (a random
//! port). Run one area with `cargo test -p enroll-sandbox --test it AREA::`.

// Tests may unwrap: a panic here is a failed test, not a user's crash.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod faults;
mod http;
mod paging;
