//! Submitting one identity exactly once: create or import (or auto, which
//! learns that the create route is missing), bounded retries honouring
//! Retry-After, and a search for the identifier before re-sending after an
//! attempt whose outcome is unknown.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::retry::{RetryPolicy, Sleeper};
use super::{GraphClient, GraphError};
use crate::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityResult};

/// The `submit_method` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubmitMethod {
    /// Create, switching to import once the service says create has no route.
    #[default]
    Auto,
    Create,
    Import,
}

impl SubmitMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            SubmitMethod::Auto => "auto",
            SubmitMethod::Create => "create",
            SubmitMethod::Import => "import",
        }
    }
}

impl fmt::Display for SubmitMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `submit_method` value that is not auto, create or import.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("submit method must be auto, create or import, not {0:?}")]
pub struct ParseSubmitMethodError(pub String);

impl FromStr for SubmitMethod {
    type Err = ParseSubmitMethodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(SubmitMethod::Auto),
            "create" => Ok(SubmitMethod::Create),
            "import" => Ok(SubmitMethod::Import),
            _ => Err(ParseSubmitMethodError(s.to_string())),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsedMethod {
    Create,
    Import,
}

impl UsedMethod {
    /// "create" or "import", as recorded locally.
    pub fn as_str(self) -> &'static str {
        match self {
            UsedMethod::Create => "create",
            UsedMethod::Import => "import",
        }
    }
}

impl fmt::Display for UsedMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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
pub struct Submitter {
    client: GraphClient,
    method: SubmitMethod,
    create_route_missing: Arc<AtomicBool>,
    policy: RetryPolicy,
    sleeper: Sleeper,
}

/// An identity found by `searchExistingIdentities`, with its raw row.
struct Found {
    identity: ImportedDeviceIdentity,
    raw: serde_json::Value,
    request_id: Option<String>,
}

impl Submitter {
    pub fn new(client: GraphClient, method: SubmitMethod) -> Self {
        Submitter {
            client,
            method,
            create_route_missing: Arc::new(AtomicBool::new(false)),
            policy: RetryPolicy::default(),
            sleeper: Sleeper::default(),
        }
    }

    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Replaces how waits between attempts are done (tests record them).
    pub fn with_sleeper(mut self, sleeper: Sleeper) -> Self {
        self.sleeper = sleeper;
        self
    }

    pub fn client(&self) -> &GraphClient {
        &self.client
    }

    pub fn method(&self) -> SubmitMethod {
        self.method
    }

    /// Whether auto mode has learnt that the create route is missing.
    pub fn create_route_missing(&self) -> bool {
        self.create_route_missing.load(Ordering::SeqCst)
    }

    /// Marks the create route as missing (remembered from an earlier session).
    pub fn remember_create_route_missing(&self) {
        self.create_route_missing.store(true, Ordering::SeqCst);
    }

    /// The method the next submission starts with.
    pub fn next_method(&self) -> UsedMethod {
        match self.method {
            SubmitMethod::Create => UsedMethod::Create,
            SubmitMethod::Import => UsedMethod::Import,
            SubmitMethod::Auto if self.create_route_missing() => UsedMethod::Import,
            SubmitMethod::Auto => UsedMethod::Create,
        }
    }

    /// Sends `identity.to_request()` once, retrying within the policy; never
    /// re-sends after an unknown outcome without first checking whether
    /// the identifier now exists.
    pub async fn submit(
        &self,
        identity: &ImportedDeviceIdentity,
    ) -> Result<SubmitOutcome, GraphError> {
        let request = identity.to_request();
        let mut switched = false;
        let mut waited = Duration::ZERO;
        let mut attempt = 0u32;
        // A send whose outcome is unknown and not yet checked.
        let mut unresolved: Option<(GraphError, UsedMethod)> = None;
        loop {
            attempt += 1;
            let error = if let Some((_, used)) = &unresolved {
                match self.find(&request).await {
                    Ok(Some(found)) => return Ok(found_outcome(found, *used)),
                    Ok(None) => {
                        unresolved = None;
                        None
                    }
                    Err(e) => Some(e),
                }
            } else {
                None
            };
            let error = match error {
                Some(search_error) => search_error,
                None => {
                    let used = self.next_method();
                    match self.send_once(&request, used).await {
                        Ok(mut outcome) => {
                            outcome.switched_to_import = switched;
                            return Ok(outcome);
                        }
                        Err(e)
                            if self.method == SubmitMethod::Auto
                                && used == UsedMethod::Create
                                && e.is_route_missing() =>
                        {
                            let already = self.create_route_missing.swap(true, Ordering::SeqCst);
                            switched = switched || !already;
                            tracing::info!(
                                "create route missing; submitting by import from now on"
                            );
                            // Nothing was applied: the switch costs no attempt.
                            attempt -= 1;
                            continue;
                        }
                        Err(e) => {
                            if e.outcome_unknown() {
                                unresolved = Some((e.clone(), used));
                            }
                            e
                        }
                    }
                }
            };
            let give_up = |error: GraphError, unresolved: Option<(GraphError, UsedMethod)>| {
                // An unchecked unknown outcome is what the caller must know about.
                Err(unresolved.map(|(e, _)| e).unwrap_or(error))
            };
            if !error.is_retryable() || attempt >= self.policy.max_attempts {
                return give_up(error, unresolved);
            }
            let wait =
                self.policy
                    .next_wait(attempt, error.retry_after(), waited, &mut rand::rng());
            let Some(wait) = wait else {
                return give_up(error, unresolved);
            };
            tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, error = %error, "retrying submission");
            self.sleeper.sleep(wait).await;
            waited += wait;
        }
    }

    async fn send_once(
        &self,
        request: &ImportedDeviceIdentity,
        used: UsedMethod,
    ) -> Result<SubmitOutcome, GraphError> {
        let (result, raw, request_id) = match used {
            UsedMethod::Create => {
                let sent = self.client.create(request).await?;
                (sent.value, sent.raw, sent.request_id)
            }
            UsedMethod::Import => {
                let sent = self
                    .client
                    .import_list(std::slice::from_ref(request), false)
                    .await?;
                let Some(row) = sent.value.into_iter().next() else {
                    return Err(GraphError::Decode {
                        message: "the import answer holds no result row".to_string(),
                        client_request_id: sent.client_request_id,
                        request_id: sent.request_id,
                    });
                };
                let raw = sent
                    .raw
                    .get("value")
                    .and_then(|v| v.get(0))
                    .cloned()
                    .unwrap_or(serde_json::Value::Null);
                (row, raw, sent.request_id)
            }
        };
        Ok(SubmitOutcome {
            result,
            raw,
            method: used,
            switched_to_import: false,
            found_existing: false,
            request_id,
        })
    }

    /// Whether the identifier exists in the tenant now (checked, not
    /// assumed, e.g. after the user cancelled a submission).
    pub async fn find_existing(
        &self,
        identity: &ImportedDeviceIdentity,
    ) -> Result<Option<ImportedDeviceIdentity>, GraphError> {
        Ok(self
            .find(&identity.to_request())
            .await?
            .map(|found| found.identity))
    }

    async fn find(&self, request: &ImportedDeviceIdentity) -> Result<Option<Found>, GraphError> {
        let sent = self
            .client
            .search_existing_sent(std::slice::from_ref(request))
            .await?;
        let wanted = request.identifier();
        let index = sent
            .value
            .iter()
            .position(|candidate| same_identifier(candidate.identifier(), wanted));
        Ok(index.and_then(|i| {
            let raw = sent.raw.get("value").and_then(|v| v.get(i)).cloned()?;
            let identity = sent.value.get(i).cloned()?;
            Some(Found {
                identity,
                raw,
                request_id: sent.request_id.clone(),
            })
        }))
    }
}

fn found_outcome(found: Found, method: UsedMethod) -> SubmitOutcome {
    SubmitOutcome {
        result: ImportedDeviceIdentityResult {
            identity: found.identity,
            status: Some(true),
        },
        raw: found.raw,
        method,
        switched_to_import: false,
        found_existing: true,
        request_id: found.request_id,
    }
}

/// Identifiers compare ignoring case and surrounding space; Windows
/// `Manufacturer,Model,Serial` tuples also ignore punctuation and spaces
/// within each part (the service stores them normalised).
pub fn same_identifier(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a.eq_ignore_ascii_case(b) || a.to_lowercase() == b.to_lowercase() {
        return !a.is_empty();
    }
    let norm = |s: &str| -> Vec<String> {
        s.split(',')
            .map(|p| {
                p.chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_uppercase)
                    .collect()
            })
            .collect()
    };
    a.split(',').count() == 3 && b.split(',').count() == 3 && norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_parse_and_print() {
        for m in [
            SubmitMethod::Auto,
            SubmitMethod::Create,
            SubmitMethod::Import,
        ] {
            assert_eq!(m.to_string().parse::<SubmitMethod>(), Ok(m));
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(json, format!("\"{m}\""));
            assert_eq!(serde_json::from_str::<SubmitMethod>(&json).unwrap(), m);
        }
        assert_eq!(" IMPORT ".parse::<SubmitMethod>(), Ok(SubmitMethod::Import));
        assert!("post".parse::<SubmitMethod>().is_err());
        assert_eq!(SubmitMethod::default(), SubmitMethod::Auto);
    }

    #[test]
    fn identifiers_compare_loosely_but_not_too_loosely() {
        assert!(same_identifier("c02xk0xxjgh5", " C02XK0XXJGH5 "));
        assert!(same_identifier(
            "Microsoft Corporation,Virtual Machine,7801-5131",
            "MICROSOFTCORPORATION,VIRTUALMACHINE,78015131"
        ));
        assert!(!same_identifier("490154203237518", "49015420323751"));
        assert!(!same_identifier("", ""));
        assert!(!same_identifier("AB-1", "AB1"));
    }
}
