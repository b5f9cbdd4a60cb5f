//! STUB — to be implemented. Signatures are the contract.
use std::time::Duration;

use crate::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityResult, Page};

use super::error::GraphError;

/// A bearer token. Its Debug and Display never show the secret.
#[derive(Clone)]
pub struct BearerToken(String);

impl BearerToken {
    pub fn new(token: impl Into<String>) -> Self {
        BearerToken(token.into())
    }
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The Graph root including the version, e.g. `https://graph.microsoft.com/beta`.
    pub base_url: String,
    pub token: Option<BearerToken>,
    pub timeout: Duration,
}

/// A decoded response with what support needs.
#[derive(Debug, Clone)]
pub struct Sent<T> {
    pub value: T,
    /// The response body as the service sent it.
    pub raw: serde_json::Value,
    pub request_id: Option<String>,
    pub client_request_id: String,
}

/// Server-side options of a list; the service may ignore `filter`.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub top: Option<u32>,
    pub filter: Option<String>,
    pub count: bool,
}

#[derive(Debug, Clone)]
pub struct GraphClient {}

impl GraphClient {
    pub fn new(_config: ClientConfig) -> Result<Self, GraphError> {
        todo!()
    }
    pub fn base_url(&self) -> &str {
        todo!()
    }
    pub async fn create(
        &self,
        _identity: &ImportedDeviceIdentity,
    ) -> Result<Sent<ImportedDeviceIdentityResult>, GraphError> {
        todo!()
    }
    pub async fn import_list(
        &self,
        _identities: &[ImportedDeviceIdentity],
        _overwrite: bool,
    ) -> Result<Sent<Vec<ImportedDeviceIdentityResult>>, GraphError> {
        todo!()
    }
    pub async fn search_existing(
        &self,
        _identities: &[ImportedDeviceIdentity],
    ) -> Result<Vec<ImportedDeviceIdentity>, GraphError> {
        todo!()
    }
    /// The first page of a list.
    pub async fn list_first(
        &self,
        _query: &ListQuery,
    ) -> Result<Page<ImportedDeviceIdentity>, GraphError> {
        todo!()
    }
    /// A following page: `next_link` is fetched verbatim.
    pub async fn list_next(
        &self,
        _next_link: &str,
    ) -> Result<Page<ImportedDeviceIdentity>, GraphError> {
        todo!()
    }
    pub async fn get(&self, _id: &str) -> Result<ImportedDeviceIdentity, GraphError> {
        todo!()
    }
    /// PATCH; the service may answer 200 with the entity or 204 without.
    pub async fn update(
        &self,
        _id: &str,
        _patch: &ImportedDeviceIdentity,
    ) -> Result<Option<ImportedDeviceIdentity>, GraphError> {
        todo!()
    }
    pub async fn delete(&self, _id: &str) -> Result<(), GraphError> {
        todo!()
    }
}
