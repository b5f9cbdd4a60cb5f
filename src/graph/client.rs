//! The async Graph client for `deviceManagement/importedDeviceIdentities`.
//! Cheap to clone: one connection pool, shared.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use url::Url;

use super::error::GraphError;
use super::token::{StaticToken, TokenSource};
use super::transport::{Outgoing, Reply, exchange};
use super::urls::{checked_base, checked_next_link, encode_component, is_loopback_url};
use crate::domain::{
    EntityResponse, ImportDeviceIdentityListRequest, ImportedDeviceIdentity,
    ImportedDeviceIdentityResult, Page, SearchExistingIdentitiesRequest,
};

/// The per-request time limit when the configuration gives none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest wait for a connection (DNS, TCP, TLS).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

const JSON: &str = "application/json";
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
}

impl ClientConfig {
    /// A configuration with the default timeout and no token.
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            token: None,
            token_source: None,
            timeout: DEFAULT_TIMEOUT,
        }
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

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base: Url,
    base_text: String,
    token: Option<Arc<dyn TokenSource>>,
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
            }),
        })
    }

    /// The Graph root without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_text
    }

    /// Whether a bearer token is configured.
    pub fn has_token(&self) -> bool {
        self.inner.token.is_some()
    }

    fn url(&self, suffix: &str) -> Result<Url, GraphError> {
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

    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<&impl serde::Serialize>,
        accept: &str,
    ) -> Result<Reply, GraphError> {
        let body = match body {
            Some(b) => Some(serde_json::to_vec(b).map_err(|e| GraphError::Decode {
                message: format!("could not encode the request ({e})"),
                client_request_id: String::new(),
                request_id: None,
            })?),
            None => None,
        };
        let out = Outgoing {
            method,
            url,
            body,
            accept,
        };
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

    fn sent<T>(reply: &Reply, value: T, raw: serde_json::Value) -> Sent<T> {
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
            .send(Method::POST, self.url("")?, Some(identity), JSON)
            .await?;
        let (value, raw) = reply.decode::<EntityResponse<ImportedDeviceIdentityResult>>()?;
        Ok(Self::sent(&reply, value.into_inner(), raw))
    }

    /// `POST .../importDeviceIdentityList`: one result row per identity, in
    /// order. Chunking is the caller's.
    pub async fn import_list(
        &self,
        identities: &[ImportedDeviceIdentity],
        overwrite: bool,
    ) -> Result<Sent<Vec<ImportedDeviceIdentityResult>>, GraphError> {
        let body = ImportDeviceIdentityListRequest {
            imported_device_identities: identities.to_vec(),
            overwrite_imported_device_identities: overwrite,
        };
        let url = self.url("/importDeviceIdentityList")?;
        let reply = self.send(Method::POST, url, Some(&body), JSON).await?;
        let (page, raw) = reply.decode::<Page<ImportedDeviceIdentityResult>>()?;
        Ok(Self::sent(&reply, page.value, raw))
    }

    /// [`Self::import_list`] decoded straight into the results, without
    /// keeping the raw response (bulk imports of thousands of rows).
    pub async fn import_list_results(
        &self,
        identities: &[ImportedDeviceIdentity],
        overwrite: bool,
    ) -> Result<Vec<ImportedDeviceIdentityResult>, GraphError> {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            imported_device_identities: &'a [ImportedDeviceIdentity],
            overwrite_imported_device_identities: bool,
        }
        let body = Body {
            imported_device_identities: identities,
            overwrite_imported_device_identities: overwrite,
        };
        let url = self.url("/importDeviceIdentityList")?;
        let reply = self.send(Method::POST, url, Some(&body), JSON).await?;
        let page: Page<ImportedDeviceIdentityResult> = serde_json::from_slice(&reply.body)
            .map_err(|e| reply.decode_error(format!("unexpected response shape ({e})")))?;
        Ok(page.value)
    }

    /// `POST .../searchExistingIdentities` with the whole response kept.
    pub async fn search_existing_sent(
        &self,
        identities: &[ImportedDeviceIdentity],
    ) -> Result<Sent<Vec<ImportedDeviceIdentity>>, GraphError> {
        let body = SearchExistingIdentitiesRequest {
            imported_device_identities: identities.to_vec(),
        };
        let url = self.url("/searchExistingIdentities")?;
        let reply = self.send(Method::POST, url, Some(&body), JSON).await?;
        let (page, raw) = reply.decode::<Page<ImportedDeviceIdentity>>()?;
        Ok(Self::sent(&reply, page.value, raw))
    }

    /// `POST .../searchExistingIdentities`: the already imported identities
    /// among `identities`.
    pub async fn search_existing(
        &self,
        identities: &[ImportedDeviceIdentity],
    ) -> Result<Vec<ImportedDeviceIdentity>, GraphError> {
        Ok(self.search_existing_sent(identities).await?.value)
    }

    /// The first page of a list.
    pub async fn list_first(
        &self,
        query: &ListQuery,
    ) -> Result<Page<ImportedDeviceIdentity>, GraphError> {
        let mut params = Vec::new();
        if let Some(top) = query.top {
            params.push(format!("$top={top}"));
        }
        if let Some(filter) = query.filter.as_deref().filter(|f| !f.trim().is_empty()) {
            params.push(format!("$filter={}", encode_component(filter)));
        }
        if query.count {
            params.push("$count=true".to_string());
        }
        let suffix = if params.is_empty() {
            String::new()
        } else {
            format!("?{}", params.join("&"))
        };
        self.get_page(self.url(&suffix)?).await
    }

    /// A following page: `next_link` is fetched verbatim, and only when it
    /// points at the same service (scheme, host and port) as the base URL.
    pub async fn list_next(
        &self,
        next_link: &str,
    ) -> Result<Page<ImportedDeviceIdentity>, GraphError> {
        let url = checked_next_link(next_link, &self.inner.base)?;
        self.get_page(url).await
    }

    async fn get_page(&self, url: Url) -> Result<Page<ImportedDeviceIdentity>, GraphError> {
        let reply = self.send(Method::GET, url, None::<&()>, JSON).await?;
        Ok(reply.decode::<Page<ImportedDeviceIdentity>>()?.0)
    }

    /// Every identity, following `@odata.nextLink` to the end.
    pub async fn list_all(
        &self,
        query: &ListQuery,
    ) -> Result<Vec<ImportedDeviceIdentity>, GraphError> {
        let mut page = self.list_first(query).await?;
        let mut all = std::mem::take(&mut page.value);
        let mut previous = String::new();
        while let Some(link) = page.next_link.take() {
            if link == previous {
                return Err(GraphError::Decode {
                    message: "the service repeated its next-page link".to_string(),
                    client_request_id: String::new(),
                    request_id: None,
                });
            }
            page = self.list_next(&link).await?;
            all.append(&mut page.value);
            previous = link;
        }
        Ok(all)
    }

    /// `GET .../{id}`; accepts the documented `{"value":{...}}` and the bare entity.
    pub async fn get(&self, id: &str) -> Result<ImportedDeviceIdentity, GraphError> {
        let reply = self
            .send(Method::GET, self.id_url(id)?, None::<&()>, JSON)
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
            .send(Method::PATCH, self.id_url(id)?, Some(patch), JSON)
            .await?;
        if reply.status == 204 || reply.json()?.is_null() {
            return Ok(None);
        }
        let entity = reply.decode::<EntityResponse<ImportedDeviceIdentity>>()?.0;
        Ok(Some(entity.into_inner()))
    }

    /// `DELETE .../{id}` (204).
    pub async fn delete(&self, id: &str) -> Result<(), GraphError> {
        self.send(Method::DELETE, self.id_url(id)?, None::<&()>, JSON)
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
            .send(Method::GET, self.url(&suffix)?, None::<&()>, accept)
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
