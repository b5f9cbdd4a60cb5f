//! The Tenant list's calls on the Graph client. Retries are the request
//! engine's (`graph::engine`): reads wait out throttling and transient
//! failures, deletes and description edits are idempotent writes (a delete
//! that finds nothing after an attempt whose outcome is unknown counts as
//! done), and every write takes a slot of the process's write limiter.

use futures::future::BoxFuture;

use super::tenant::TenantService;
use crate::domain::ImportedDeviceIdentity;
use crate::graph::{Clock, GraphClient, GraphError, ListQuery, ListedPage, RetryPolicy, Sleeper};

/// [`GraphClient`] as the Tenant list uses it.
#[derive(Debug, Clone)]
pub struct TenantClient {
    client: GraphClient,
}

impl TenantClient {
    pub fn new(client: GraphClient) -> Self {
        TenantClient { client }
    }

    /// Replaces the budget of each call.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.client = self.client.with_retry(policy);
        self
    }

    /// Tests record the waits instead of sleeping.
    pub fn with_sleeper(mut self, sleeper: Sleeper) -> Self {
        self.client = self.client.with_clock(Clock::from_sleeper(sleeper));
        self
    }

    pub async fn delete(&self, id: &str) -> Result<(), GraphError> {
        self.client.delete(id).await
    }

    pub async fn update(
        &self,
        id: &str,
        patch: &ImportedDeviceIdentity,
    ) -> Result<Option<ImportedDeviceIdentity>, GraphError> {
        self.client.update(id, patch).await
    }
}

impl TenantService for TenantClient {
    fn list_first(&self) -> BoxFuture<'_, Result<ListedPage, GraphError>> {
        Box::pin(async move { self.client.list_first_listed(&ListQuery::default()).await })
    }
    fn list_next<'a>(
        &'a self,
        next_link: &'a str,
    ) -> BoxFuture<'a, Result<ListedPage, GraphError>> {
        Box::pin(self.client.list_next_listed(next_link))
    }
    fn update<'a>(
        &'a self,
        id: &'a str,
        patch: &'a ImportedDeviceIdentity,
    ) -> BoxFuture<'a, Result<Option<ImportedDeviceIdentity>, String>> {
        Box::pin(async move {
            TenantClient::update(self, id, patch)
                .await
                .map_err(|e| e.user_message())
        })
    }
    fn delete<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            TenantClient::delete(self, id)
                .await
                .map_err(|e| e.user_message())
        })
    }
}
