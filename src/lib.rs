//! enroll-console: a terminal console for registering Intune corporate
//! device identifiers (Microsoft Graph beta `importedDeviceIdentity`).

pub mod config;
pub mod csvfile;
pub mod domain;
pub mod graph;
pub mod logging;
pub mod paths;
pub mod sandbox;
pub mod session;
pub mod store;
