//! The async Graph client for `deviceManagement/importedDeviceIdentities`.
//! Cheap to clone: one connection pool, shared.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use url::Url;

use super::engine::{CALL_POLICY, CallKind, Clock, Engine, Tried, WriteLimit};
use super::error::GraphError;
use super::retry::RetryPolicy;
use super::token::{StaticToken, TokenSource};
use super::transport::{Outgoing, Reply, exchange};
use super::urls::{checked_base, encode_component, is_loopback_url};
use crate::domain::{EntityResponse, ImportedDeviceIdentity, ImportedDeviceIdentityResult};

/// The per-request time limit when the configuration gives none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest wait for a connection (DNS, TCP, TLS).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub(super) const JSON: &str = "application/json";
const COLLECTION: &str = "deviceManagement/importedDeviceIdentities";

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

impl std::fmt::Display for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The Graph root including the version, e.g. `https://graph.microsoft.com/beta`.
    pub base_url: String,
    /// A fixed token; ignored when `token_source` is set.
    pub token: Option<BearerToken>,
    /// Renews the token ahead of expiry and after a 401.
    pub token_source: Option<Arc<dyn TokenSource>>,
    /// Per-request time limit; zero means [`DEFAULT_TIMEOUT`].
    pub timeout: Duration,
    /// The budget of one call (attempts and waits), see [`Engine`].
    pub retry: RetryPolicy,
    /// Writes allowed per window, for every writer of this client and its clones.
    pub write_limit: WriteLimit,
    /// Where waits and the limiter's time come from.
    pub clock: Clock,
}

impl ClientConfig {
    /// A configuration with the default timeout and no token.
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            token: None,
            token_source: None,
            timeout: DEFAULT_TIMEOUT,
            retry: CALL_POLICY,
            write_limit: WriteLimit::default(),
            clock: Clock::tokio(),
        }
    }

    /// Replaces the budget of one call ([`RetryPolicy::once`]: no retries).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn with_write_limit(mut self, limit: WriteLimit) -> Self {
        self.write_limit = limit;
        self
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub fn with_token_source(mut self, source: Arc<dyn TokenSource>) -> Self {
        self.token_source = Some(source);
        self
    }

    pub fn with_token(mut self, token: BearerToken) -> Self {
        self.token = Some(token);
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
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
pub struct GraphClient {
    inner: Arc<Inner>,
}

#[derive(Debug, Clone)]
struct Inner {
    http: reqwest::Client,
    base: Url,
    base_text: String,
    token: Option<Arc<dyn TokenSource>>,
    engine: Engine,
}

impl GraphClient {
    /// Checks the URL (https, or http to this computer only) and builds the
    /// connection pool. Nothing is sent.
    pub fn new(config: ClientConfig) -> Result<Self, GraphError> {
        let (base, base_text) = checked_base(&config.base_url)?;
        let timeout = if config.timeout.is_zero() {
            DEFAULT_TIMEOUT
        } else {
            config.timeout
        };
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(CONNECT_TIMEOUT))
            // A redirect could carry the token elsewhere; Graph does not need them.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("enroll-console/", env!("CARGO_PKG_VERSION")));
        if is_loopback_url(&base) {
            // Plain http to this computer must not detour through a proxy.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| GraphError::Connect {
            message: format!("could not set up the HTTP client: {e}"),
            client_request_id: String::new(),
        })?;
        Ok(GraphClient {
            inner: Arc::new(Inner {
                http,
                base,
                base_text,
                token: config.token_source.or_else(|| {
                    config
                        .token
                        .map(|t| Arc::new(StaticToken(t)) as Arc<dyn TokenSource>)
                }),
                engine: Engine::new(config.retry, config.write_limit, config.clock),
            }),
        })
    }

    /// The request engine every call of this client (and its clones) goes through.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The same connections and write limiter, waiting with another clock.
    pub fn with_clock(&self, clock: Clock) -> GraphClient {
        let mut inner = (*self.inner).clone();
        inner.engine = inner.engine.with_clock(clock);
        GraphClient {
            inner: Arc::new(inner),
        }
    }

    /// The same connections and write limiter, with another budget per call.
    pub fn with_retry(&self, retry: RetryPolicy) -> GraphClient {
        let mut inner = (*self.inner).clone();
        inner.engine = inner.engine.with_policy(retry);
        GraphClient {
            inner: Arc::new(inner),
        }
    }

    /// The Graph root without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_text
    }

    /// The Graph root as a URL (next-page links must stay on it).
    pub(super) fn base(&self) -> &Url {
        &self.inner.base
    }

    /// Whether a bearer token is configured.
    pub fn has_token(&self) -> bool {
        self.inner.token.is_some()
    }

    pub(super) fn url(&self, suffix: &str) -> Result<Url, GraphError> {
        let text = format!("{}/{COLLECTION}{suffix}", self.inner.base_text);
        Url::parse(&text).map_err(|e| GraphError::InvalidUrl {
            url: text,
            reason: e.to_string(),
        })
    }

    fn id_url(&self, id: &str) -> Result<Url, GraphError> {
        if id.trim().is_empty() {
            return Err(GraphError::InvalidUrl {
                url: self.inner.base_text.clone(),
                reason: "an identity id is required".to_string(),
            });
        }
        self.url(&format!("/{}", encode_component(id)))
    }

    /// One call through the engine: retried as its kind allows.
    pub(super) async fn send(
        &self,
        kind: CallKind,
        method: Method,
        url: Url,
        body: Option<&impl serde::Serialize>,
        accept: &str,
    ) -> Result<Reply, GraphError> {
        self.send_as(kind, method, url, body, accept, |_, r| r)
            .await
    }

    /// [`Self::send`] with a say on each attempt's result (a DELETE that
    /// finds nothing after an attempt whose outcome is unknown is done).
    async fn send_as(
        &self,
        kind: CallKind,
        method: Method,
        url: Url,
        body: Option<&impl serde::Serialize>,
        accept: &str,
        settle: impl Fn(Tried, Result<Reply, GraphError>) -> Result<Reply, GraphError>,
    ) -> Result<Reply, GraphError> {
        let body = match body {
            Some(b) => Some(serde_json::to_vec(b).map_err(|e| GraphError::Decode {
                message: format!("could not encode the request ({e})"),
                client_request_id: String::new(),
                request_id: None,
            })?),
            None => None,
        };
        let settle = &settle;
        self.inner
            .engine
            .run(kind, |tried| {
                let out = Outgoing {
                    method: method.clone(),
                    url: url.clone(),
                    body: body.clone(),
                    accept,
                };
                async move { settle(tried, self.send_once(out).await) }
            })
            .await
    }

    async fn send_once(&self, out: Outgoing<'_>) -> Result<Reply, GraphError> {
        let Some(source) = &self.inner.token else {
            return exchange(&self.inner.http, None, out).await;
        };
        let token = source.token().await?;
        match exchange(&self.inner.http, Some(&token), out.clone()).await {
            // A 401 means nothing was applied: renew the token once and resend once.
            Err(e) if e.status() == Some(401) && source.can_renew() => {
                tracing::debug!("graph answered 401: renewing the sign-in and retrying once");
                let fresh = match e.claims_challenge() {
                    Some(claims) => source.renew_for_claims(&token, claims).await?,
                    None => source.renew(&token).await?,
                };
                exchange(&self.inner.http, Some(&fresh), out).await
            }
            other => other,
        }
    }

    pub(super) fn sent<T>(reply: &Reply, value: T, raw: serde_json::Value) -> Sent<T> {
        Sent {
            value,
            raw,
            request_id: reply.request_id.clone(),
            client_request_id: reply.client_request_id.clone(),
        }
    }

    /// `POST .../importedDeviceIdentities` (201 with the created result).
    pub async fn create(
        &self,
        identity: &ImportedDeviceIdentity,
    ) -> Result<Sent<ImportedDeviceIdentityResult>, GraphError> {
        let reply = self
            .send(
                CallKind::Write,
                Method::POST,
                self.url("")?,
                Some(identity),
                JSON,
            )
            .await?;
        let (value, raw) = reply.decode::<EntityResponse<ImportedDeviceIdentityResult>>()?;
        Ok(Self::sent(&reply, value.into_inner(), raw))
    }

    /// `GET .../{id}`; accepts the documented `{"value":{...}}` and the bare entity.
    pub async fn get(&self, id: &str) -> Result<ImportedDeviceIdentity, GraphError> {
        let reply = self
            .send(
                CallKind::Read,
                Method::GET,
                self.id_url(id)?,
                None::<&()>,
                JSON,
            )
            .await?;
        Ok(reply
            .decode::<EntityResponse<ImportedDeviceIdentity>>()?
            .0
            .into_inner())
    }

    /// PATCH; the service may answer 200 with the entity or 204 without.
    pub async fn update(
        &self,
        id: &str,
        patch: &ImportedDeviceIdentity,
    ) -> Result<Option<ImportedDeviceIdentity>, GraphError> {
        let reply = self
            .send(
                CallKind::Idempotent,
                Method::PATCH,
                self.id_url(id)?,
                Some(patch),
                JSON,
            )
            .await?;
        if reply.status == 204 || reply.json()?.is_null() {
            return Ok(None);
        }
        let entity = reply.decode::<EntityResponse<ImportedDeviceIdentity>>()?.0;
        Ok(Some(entity.into_inner()))
    }

    /// `DELETE .../{id}` (204). Retried like any idempotent write; a 404
    /// after an attempt whose outcome is unknown means that attempt deleted it.
    pub async fn delete(&self, id: &str) -> Result<(), GraphError> {
        let url = self.id_url(id)?;
        self.send_as(
            CallKind::Idempotent,
            Method::DELETE,
            url,
            None::<&()>,
            JSON,
            |tried, result| match result {
                Err(e) if tried.unknown && e.status() == Some(404) => Ok(Reply {
                    status: 204,
                    body: bytes::Bytes::new(),
                    request_id: e.request_id().map(str::to_string),
                    client_request_id: e.client_request_id().unwrap_or("").to_string(),
                }),
                other => other,
            },
        )
        .await?;
        Ok(())
    }

    /// How many identities match `filter` (all when `None`): `GET .../$count`,
    /// or `@odata.count` of a one-row list when the service has no `$count` route.
    pub async fn count(&self, filter: Option<&str>) -> Result<u64, GraphError> {
        let filter = filter.filter(|f| !f.trim().is_empty());
        let suffix = match filter {
            Some(f) => format!("/$count?$filter={}", encode_component(f)),
            None => "/$count".to_string(),
        };
        let accept = "text/plain, application/json;q=0.9";
        match self
            .send(
                CallKind::Read,
                Method::GET,
                self.url(&suffix)?,
                None::<&()>,
                accept,
            )
            .await
        {
            Ok(reply) => parse_count(&reply),
            Err(e) if matches!(e.status(), Some(400 | 404 | 405 | 406 | 501)) => {
                let query = ListQuery {
                    top: Some(1),
                    filter: filter.map(str::to_string),
                    count: true,
                };
                self.list_first(&query).await?.count.ok_or(e)
            }
            Err(e) => Err(e),
        }
    }
}

/// A `$count` body: a plain number, or JSON holding one.
fn parse_count(reply: &Reply) -> Result<u64, GraphError> {
    let text = String::from_utf8_lossy(&reply.body);
    let text = text.trim().trim_start_matches('\u{feff}');
    if let Ok(n) = text.parse::<u64>() {
        return Ok(n);
    }
    let value = reply.json()?;
    value
        .as_u64()
        .or_else(|| value.get("@odata.count").and_then(|v| v.as_u64()))
        .or_else(|| value.get("value").and_then(|v| v.as_u64()))
        .ok_or_else(|| reply.decode_error("the count is not a number".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> ClientConfig {
        ClientConfig::new(url).with_token(BearerToken::new("s3cret-token"))
    }

    #[test]
    fn the_token_goes_only_to_https_or_this_computer() {
        for ok in [
            "https://graph.microsoft.com/beta/",
            "http://127.0.0.1:9/beta",
            "http://localhost:9/beta",
            "http://[::1]:9/beta",
        ] {
            let client = GraphClient::new(config(ok)).unwrap();
            assert!(!client.base_url().ends_with('/'), "{ok}");
            assert!(client.has_token());
        }
        // Refused while building: no connection is ever attempted.
        let err = GraphClient::new(config("http://example.com/beta")).unwrap_err();
        assert!(matches!(err, GraphError::InsecureUrl { .. }), "{err:?}");
        let line = err.user_message();
        assert!(
            line.contains("http://example.com/beta") && line.contains("https"),
            "{line}"
        );
        assert!(!line.contains("s3cret") && !format!("{err:?}").contains("s3cret"));
    }

    #[test]
    fn the_token_is_never_shown() {
        let cfg = config("https://graph.microsoft.com/beta");
        assert!(!format!("{cfg:?}").contains("s3cret"));
        assert_eq!(BearerToken::new("s3cret").to_string(), "<redacted>");
        let client = GraphClient::new(cfg).unwrap();
        assert!(!format!("{client:?}").contains("s3cret"));
    }

    #[test]
    fn zero_timeout_means_the_default_and_ids_are_encoded() {
        let client = GraphClient::new(
            config("https://graph.microsoft.com/beta").with_timeout(Duration::ZERO),
        )
        .unwrap();
        let url = client.id_url("a/b c").unwrap();
        assert_eq!(
            url.as_str(),
            "https://graph.microsoft.com/beta/deviceManagement/importedDeviceIdentities/a%2Fb%20c"
        );
        assert!(client.id_url("  ").is_err());
    }
}
