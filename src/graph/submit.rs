//! STUB — to be implemented.
use crate::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityResult};

use super::{GraphClient, GraphError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubmitMethod {
    #[default]
    Auto,
    Create,
    Import,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsedMethod {
    Create,
    Import,
}

#[derive(Debug, Clone)]
pub struct SubmitOutcome {
    pub result: ImportedDeviceIdentityResult,
    pub raw: serde_json::Value,
    pub method: UsedMethod,
    /// Auto mode found the create route missing during this submission and switched to import.
    pub switched_to_import: bool,
    /// The identifier already existed after an unknown outcome; nothing was sent again.
    pub found_existing: bool,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Submitter {}

impl Submitter {
    pub fn new(_client: GraphClient, _method: SubmitMethod) -> Self {
        todo!()
    }
    /// Whether auto mode has learnt that the create route is missing.
    pub fn create_route_missing(&self) -> bool {
        todo!()
    }
    /// Marks the create route as missing (remembered from an earlier session).
    pub fn remember_create_route_missing(&self) {
        todo!()
    }
    pub async fn submit(
        &self,
        _identity: &ImportedDeviceIdentity,
    ) -> Result<SubmitOutcome, GraphError> {
        todo!()
    }
}
