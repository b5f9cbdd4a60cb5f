//! The Tenant list's calls on the Graph client. Deletes and description
//! edits are retried on throttling (429, honouring Retry-After), 503 and
//! lost connections, within the retry policy's budget: both are idempotent.
//! A delete that finds nothing after an attempt whose outcome is unknown
//! counts as done (that attempt deleted it).

use std::time::Duration;

use futures::future::BoxFuture;

use super::tenant::TenantService;
use crate::domain::{ImportedDeviceIdentity, Page};
use crate::graph::{GraphClient, GraphError, ListQuery, RetryPolicy, Sleeper};

/// [`GraphClient`] with retries for the Tenant list's writes.
#[derive(Debug, Clone)]
pub struct TenantClient {
    client: GraphClient,
    policy: RetryPolicy,
    sleeper: Sleeper,
}

impl TenantClient {
    pub fn new(client: GraphClient) -> Self {
        TenantClient {
            client,
            policy: RetryPolicy::default(),
            sleeper: Sleeper::default(),
        }
    }

    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Tests record the waits instead of sleeping.
    pub fn with_sleeper(mut self, sleeper: Sleeper) -> Self {
        self.sleeper = sleeper;
        self
    }

    /// Runs `call` until it succeeds, fails for good, or the budget is spent.
    /// `unknown` tells whether an earlier attempt's outcome was unknown.
    async fn retrying<T, F>(&self, mut call: F) -> Result<T, GraphError>
    where
        F: FnMut(bool) -> BoxFuture<'static, Result<T, GraphError>>,
    {
        let mut attempt = 0u32;
        let mut waited = Duration::ZERO;
        let mut unknown = false;
        loop {
            attempt += 1;
            match call(unknown).await {
                Ok(value) => return Ok(value),
                Err(e) if e.is_retryable() && attempt < self.policy.max_attempts => {
                    unknown |= e.outcome_unknown();
                    let wait =
                        self.policy
                            .next_wait(attempt, e.retry_after(), waited, &mut rand::rng());
                    let Some(wait) = wait else {
                        return Err(e);
                    };
                    self.sleeper.sleep(wait).await;
                    waited += wait;
                }
                Err(e) => return Err(e),
            }
        }
    }

    pub async fn delete(&self, id: &str) -> Result<(), GraphError> {
        let client = self.client.clone();
        let id = id.to_string();
        self.retrying(move |unknown| {
            let client = client.clone();
            let id = id.clone();
            Box::pin(async move {
                match client.delete(&id).await {
                    Err(e) if unknown && e.status() == Some(404) => Ok(()),
                    other => other,
                }
            })
        })
        .await
    }

    pub async fn update(
        &self,
        id: &str,
        patch: &ImportedDeviceIdentity,
    ) -> Result<Option<ImportedDeviceIdentity>, GraphError> {
        let client = self.client.clone();
        let id = id.to_string();
        let patch = patch.clone();
        self.retrying(move |_| {
            let client = client.clone();
            let id = id.clone();
            let patch = patch.clone();
            Box::pin(async move { client.update(&id, &patch).await })
        })
        .await
    }
}

impl TenantService for TenantClient {
    fn list_first(&self) -> BoxFuture<'_, Result<Page<ImportedDeviceIdentity>, String>> {
        Box::pin(async move {
            self.client
                .list_first(&ListQuery::default())
                .await
                .map_err(|e| e.user_message())
        })
    }
    fn list_next<'a>(
        &'a self,
        next_link: &'a str,
    ) -> BoxFuture<'a, Result<Page<ImportedDeviceIdentity>, String>> {
        Box::pin(async move {
            self.client
                .list_next(next_link)
                .await
                .map_err(|e| e.user_message())
        })
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
