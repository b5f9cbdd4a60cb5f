//! Where the transport gets its bearer token: a fixed one, or a source that
//! can renew it (a cached sign-in that refreshes, an application sign-in).
//! After a 401 the transport asks the source once for a fresh token and
//! retries once.

use std::fmt;

use futures::future::BoxFuture;

use super::client::BearerToken;
use super::error::GraphError;

/// Hands out bearer tokens. Errors are [`GraphError::SignIn`] (or a
/// transport error reaching the identity service).
pub trait TokenSource: Send + Sync + fmt::Debug + 'static {
    /// A token valid for a while yet (renewed ahead of expiry as needed).
    fn token(&self) -> BoxFuture<'_, Result<BearerToken, GraphError>>;

    /// The service refused `rejected` (401): a new token, or an error when
    /// none can be had without the user.
    fn renew<'a>(
        &'a self,
        rejected: &'a BearerToken,
    ) -> BoxFuture<'a, Result<BearerToken, GraphError>>;

    /// The service refused `rejected` with a Conditional Access claims
    /// challenge: a new token asked for with `claims` (by default, as `renew`).
    fn renew_for_claims<'a>(
        &'a self,
        rejected: &'a BearerToken,
        claims: &'a str,
    ) -> BoxFuture<'a, Result<BearerToken, GraphError>> {
        let _ = claims;
        self.renew(rejected)
    }

    /// Whether [`TokenSource::renew`] can give anything new; when not, a 401
    /// is returned as it is, without a second request.
    fn can_renew(&self) -> bool {
        true
    }
}

/// A token that never changes (`ENROLL_CONSOLE_TOKEN`, the embedded sandbox).
#[derive(Debug, Clone)]
pub struct StaticToken(pub BearerToken);

impl TokenSource for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<BearerToken, GraphError>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }

    fn renew<'a>(
        &'a self,
        _rejected: &'a BearerToken,
    ) -> BoxFuture<'a, Result<BearerToken, GraphError>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }

    fn can_renew(&self) -> bool {
        false
    }
}
