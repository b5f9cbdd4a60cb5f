//! enroll-console: a terminal console for registering Intune corporate
//! device identifiers (Microsoft Graph beta `importedDeviceIdentity`).

pub mod auth;
pub mod build_info;
pub mod cli;
pub mod config;
pub mod csvfile;
pub mod domain;
pub mod graph;
pub mod logging;
pub mod outbox;
pub mod paths;
pub mod sandbox;
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
