//! enroll-console: a terminal console for registering Intune corporate
//! device identifiers (Microsoft Graph beta `importedDeviceIdentity`).

pub mod auth;
pub mod build_info;
pub mod cli;
pub mod config;
pub mod csvfile;
pub mod graph;
pub mod keymap;
pub mod logging;
pub mod model;
pub mod outbox;
pub mod paths;
pub mod session;
pub mod store;

pub mod app;
pub mod bulk;
pub mod runtime;
pub mod sanitize;
pub mod screens;
pub mod tenant;
pub mod terminal;
pub mod widgets;

// The domain and the sandbox are crates of their own (crates/domain, crates/sandbox); under
// these names every `crate::domain::…` and `crate::sandbox::…` path keeps working.
pub use enroll_domain as domain;
pub use enroll_sandbox as sandbox;
