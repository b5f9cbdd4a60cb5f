//! What a console session talks to: the service (or the sandbox), the local
//! store, and how to describe both to the user. Built by the command line,
//! handed to the TUI runtime.

use std::path::PathBuf;

use crate::graph::Submitter;
use crate::store::Store;

/// Where submissions go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The embedded sandbox (no account needed).
    Sandbox,
    /// A real or custom Graph endpoint, labelled for the status bar (tenant or URL).
    Tenant(String),
}

/// The folders the console uses.
#[derive(Debug, Clone)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
}

pub struct Session {
    pub target: Target,
    /// Profile name used to key remembered settings and Recent entries.
    pub profile: String,
    pub submitter: Submitter,
    pub store: Store,
    pub paths: Paths,
    /// `--offline` was given.
    pub offline: bool,
    /// How to sign a person in when the service asks (browser and
    /// device-code profiles).
    pub person_login: Option<crate::auth::PersonLogin>,
}
