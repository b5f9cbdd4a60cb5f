//! STUB — to be implemented. The embedded Graph emulator.
use std::net::SocketAddr;
use std::path::PathBuf;

/// The bearer token the console sends to its own embedded sandbox.
pub const SANDBOX_TOKEN: &str = "sandbox-local-token";

#[derive(Debug, Clone)]
pub enum Storage {
    InMemory,
    /// A SQLite file holding the sandbox tenant's identities.
    File(PathBuf),
}

#[derive(Debug, Clone, Default)]
pub struct Faults {
    pub latency_ms: u64,
    pub fail_rate: f64,
    pub throttle_rate: f64,
    pub drop_rate: f64,
    pub create_route_missing: bool,
    /// Seed for the fault dice, for reproducible runs.
    pub seed: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct SandboxOptions {
    pub storage: Storage,
    pub faults: Faults,
    pub page_size: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("could not start the sandbox: {0}")]
    Start(String),
}

pub struct RunningSandbox {}

impl RunningSandbox {
    pub fn addr(&self) -> SocketAddr {
        todo!()
    }
    /// `http://127.0.0.1:PORT/beta`
    pub fn graph_url(&self) -> String {
        todo!()
    }
    pub async fn shutdown(self) {
        todo!()
    }
}

pub async fn start(
    _bind: SocketAddr,
    _options: SandboxOptions,
) -> Result<RunningSandbox, SandboxError> {
    todo!()
}
