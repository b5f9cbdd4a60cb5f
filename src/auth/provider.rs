//! Token sources the Graph client asks for tokens: a cached delegated
//! sign-in (refreshed ahead of expiry and after a 401, the rotated refresh
//! token stored), and an application sign-in (client credentials, kept in
//! memory only).

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::Mutex;

use super::cache::{CachedSignIn, TokenCache};
use super::certificate::ClientCertificate;
use super::claims::Claims;
use super::error::AuthError;
use super::oauth::{LoginEndpoint, TokenSet};
use super::secret::Secret;
use super::{app_scope, delegated_scope, sign_in_hint};
use crate::config::Profile;
use crate::graph::{BearerToken, GraphError, TokenSource};

/// The longest head start for refreshing before expiry.
const MAX_REFRESH_AHEAD_SECS: i64 = 60;
/// How early an application token is fetched again before it expires.
const APP_REFRESH_AHEAD_SECS: i64 = 30;

/// Unix seconds now; replaceable in tests.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(|| time::OffsetDateTime::now_utc().unix_timestamp())
}

/// The sign-in endpoint of a profile: its `login_url` (or its cloud's
/// login host), its tenant (`organizations` when unset, for people) and
/// client id, and the scope its auth method asks for.
pub fn build_login_endpoint(name: &str, profile: &Profile) -> Result<LoginEndpoint, AuthError> {
    let client_id = profile
        .client_id
        .as_deref()
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| AuthError::Config(format!("profile {name:?} has no client_id")))?;
    let graph_host = profile.cloud.graph_host();
    let (tenant, scope) = match profile.auth {
        method if method.is_application() => (
            profile.tenant.clone().ok_or_else(|| {
                AuthError::Config(format!(
                    "profile {name:?} signs in as an application and needs a tenant"
                ))
            })?,
            app_scope(graph_host),
        ),
        _ => (
            profile
                .tenant
                .clone()
                .unwrap_or_else(|| "organizations".to_string()),
            delegated_scope(graph_host),
        ),
    };
    LoginEndpoint::new(&profile.login_base_url(), &tenant, client_id, &scope)
}

/// What the cache keeps of fresh tokens; a refresh without a new refresh
/// token keeps the old one.
pub fn cached_sign_in(
    tokens: TokenSet,
    tenant: &str,
    previous: Option<&CachedSignIn>,
    now: i64,
) -> CachedSignIn {
    let claims = tokens
        .id_token
        .as_ref()
        .and_then(|t| Claims::of(t.expose()))
        .or_else(|| Claims::of(tokens.access_token.expose()))
        .unwrap_or_default();
    let account = claims
        .account()
        .or_else(|| previous.and_then(|p| p.account.clone()));
    let tenant = claims
        .tid
        .filter(|_| tenant == "organizations" || tenant == "common")
        .unwrap_or_else(|| tenant.to_string());
    CachedSignIn {
        refresh_token: tokens
            .refresh_token
            .or_else(|| previous.and_then(|p| p.refresh_token.clone())),
        expires_at: now.saturating_add(i64::try_from(tokens.expires_in).unwrap_or(i64::MAX)),
        lifetime_secs: tokens.expires_in,
        access_token: tokens.access_token,
        account,
        tenant,
    }
}

/// A Conditional Access claims challenge waiting for the next interactive
/// sign-in (shared by a token source and the sign-in of its profile).
pub type ClaimsSlot = Arc<std::sync::Mutex<Option<String>>>;

/// A profile's delegated sign-in, as the token cache holds it.
pub struct CachedTokenSource {
    profile: String,
    endpoint: LoginEndpoint,
    cache: TokenCache,
    clock: Clock,
    /// One refresh at a time; others then read the cache.
    refreshing: Mutex<()>,
    /// Where a challenge the refresh could not satisfy is left for the browser.
    claims: ClaimsSlot,
}

impl std::fmt::Debug for CachedTokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedTokenSource")
            .field("profile", &self.profile)
            .field("cache", &self.cache.path())
            .finish_non_exhaustive()
    }
}

impl CachedTokenSource {
    pub fn new(profile: &str, endpoint: LoginEndpoint, cache: TokenCache, clock: Clock) -> Self {
        CachedTokenSource {
            profile: profile.to_string(),
            endpoint,
            cache,
            clock,
            refreshing: Mutex::new(()),
            claims: ClaimsSlot::default(),
        }
    }

    /// Shares the claims challenge slot with the profile's interactive sign-in.
    pub fn with_claims_slot(mut self, claims: ClaimsSlot) -> Self {
        self.claims = claims;
        self
    }

    fn not_signed_in(&self, why: Option<&AuthError>) -> AuthError {
        let hint = sign_in_hint(&self.profile);
        AuthError::NotSignedIn(match why {
            Some(why) => format!("{hint} ({why})"),
            None => hint,
        })
    }

    fn load(&self) -> Result<CachedSignIn, AuthError> {
        self.cache.load()?.ok_or_else(|| self.not_signed_in(None))
    }

    /// Refreshes with the cached refresh token (carrying `claims` when the
    /// service challenged) and stores the rotated one.
    async fn refresh(
        &self,
        cached: &CachedSignIn,
        claims: Option<&str>,
    ) -> Result<CachedSignIn, AuthError> {
        let Some(refresh_token) = &cached.refresh_token else {
            self.keep_claims(claims);
            return Err(self.not_signed_in(None));
        };
        let tokens = match self
            .endpoint
            .refresh_with_claims(refresh_token, claims)
            .await
        {
            Ok(t) => t,
            Err(e @ AuthError::Http(_)) => return Err(e),
            Err(e) => {
                self.keep_claims(claims);
                return Err(self.not_signed_in(Some(&e)));
            }
        };
        let fresh = cached_sign_in(tokens, &cached.tenant, Some(cached), (self.clock)());
        self.cache.save(&fresh)?;
        tracing::info!(profile = %self.profile, expires_at = fresh.expires_at, "sign-in refreshed");
        Ok(fresh)
    }

    /// Leaves a challenge the refresh could not satisfy for the browser sign-in.
    fn keep_claims(&self, claims: Option<&str>) {
        if let Some(claims) = claims {
            *self
                .claims
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(claims.to_string());
        }
    }

    /// A token valid for a while yet, refreshing ahead of expiry.
    pub async fn current(&self) -> Result<Secret, AuthError> {
        let _one = self.refreshing.lock().await;
        let cached = self.load()?;
        let ahead = i64::try_from(cached.lifetime_secs / 10)
            .unwrap_or(MAX_REFRESH_AHEAD_SECS)
            .min(MAX_REFRESH_AHEAD_SECS);
        if (self.clock)() + ahead < cached.expires_at {
            return Ok(cached.access_token);
        }
        Ok(self.refresh(&cached, None).await?.access_token)
    }

    /// A new token asked for with a claims challenge (whatever is cached).
    pub async fn after_challenge(&self, claims: &str) -> Result<Secret, AuthError> {
        let _one = self.refreshing.lock().await;
        let cached = self.load()?;
        Ok(self.refresh(&cached, Some(claims)).await?.access_token)
    }

    /// A new token after the service refused `rejected`.
    pub async fn after_rejection(&self, rejected: &str) -> Result<Secret, AuthError> {
        let _one = self.refreshing.lock().await;
        let cached = self.load()?;
        if cached.access_token.expose() != rejected {
            // Someone refreshed meanwhile (or signed in again).
            return Ok(cached.access_token);
        }
        Ok(self.refresh(&cached, None).await?.access_token)
    }
}

impl TokenSource for CachedTokenSource {
    fn token(&self) -> BoxFuture<'_, Result<BearerToken, GraphError>> {
        Box::pin(async move {
            self.current()
                .await
                .map(|t| BearerToken::new(t.expose()))
                .map_err(AuthError::into_graph)
        })
    }

    fn renew<'a>(
        &'a self,
        rejected: &'a BearerToken,
    ) -> BoxFuture<'a, Result<BearerToken, GraphError>> {
        Box::pin(async move {
            self.after_rejection(rejected.secret())
                .await
                .map(|t| BearerToken::new(t.expose()))
                .map_err(AuthError::into_graph)
        })
    }

    fn renew_for_claims<'a>(
        &'a self,
        _rejected: &'a BearerToken,
        claims: &'a str,
    ) -> BoxFuture<'a, Result<BearerToken, GraphError>> {
        Box::pin(async move {
            self.after_challenge(claims)
                .await
                .map(|t| BearerToken::new(t.expose()))
                .map_err(AuthError::into_graph)
        })
    }
}

/// How an application proves who it is.
enum AppCredential {
    Secret(Secret),
    Certificate(Box<ClientCertificate>),
}

/// An application sign-in (client credentials) with a secret from the
/// environment or a certificate; the token stays in memory.
pub struct AppSignIn {
    endpoint: LoginEndpoint,
    credential: AppCredential,
    clock: Clock,
    current: Mutex<Option<(Secret, i64)>>,
}

impl std::fmt::Debug for AppSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppSignIn(<redacted>)")
    }
}

impl AppSignIn {
    /// Reads the secret from the variable `secret_env`.
    pub fn from_env(
        endpoint: LoginEndpoint,
        secret_env: &str,
        clock: Clock,
    ) -> Result<Self, AuthError> {
        let secret = std::env::var(secret_env)
            .ok()
            .map(Secret::new)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| AuthError::MissingSecret(secret_env.to_string()))?;
        Ok(AppSignIn {
            endpoint,
            credential: AppCredential::Secret(secret),
            clock,
            current: Mutex::new(None),
        })
    }

    /// Signs in with a certificate's client assertion.
    pub fn with_certificate(
        endpoint: LoginEndpoint,
        certificate: ClientCertificate,
        clock: Clock,
    ) -> Self {
        AppSignIn {
            endpoint,
            credential: AppCredential::Certificate(Box::new(certificate)),
            clock,
            current: Mutex::new(None),
        }
    }

    /// A token now, for `login` to check the credentials.
    pub async fn check(&self) -> Result<(), AuthError> {
        self.fetch(None).await.map(|_| ())
    }

    async fn fetch(&self, rejected: Option<&str>) -> Result<Secret, AuthError> {
        let mut current = self.current.lock().await;
        if let Some((token, expires_at)) = current.as_ref()
            && (self.clock)() + APP_REFRESH_AHEAD_SECS < *expires_at
            && rejected != Some(token.expose())
        {
            return Ok(token.clone());
        }
        let tokens = match &self.credential {
            AppCredential::Secret(secret) => self.endpoint.client_credentials(secret).await?,
            AppCredential::Certificate(certificate) => {
                let audience = self.endpoint.token_url()?;
                let assertion = certificate.assertion(
                    &self.endpoint.client_id,
                    audience.as_str(),
                    (self.clock)(),
                )?;
                self.endpoint.client_assertion(&assertion).await?
            }
        };
        let expires_at = (self.clock)() + i64::try_from(tokens.expires_in).unwrap_or(3600);
        *current = Some((tokens.access_token.clone(), expires_at));
        Ok(tokens.access_token)
    }
}

impl TokenSource for AppSignIn {
    fn token(&self) -> BoxFuture<'_, Result<BearerToken, GraphError>> {
        Box::pin(async move {
            self.fetch(None)
                .await
                .map(|t| BearerToken::new(t.expose()))
                .map_err(AuthError::into_graph)
        })
    }

    fn renew<'a>(
        &'a self,
        rejected: &'a BearerToken,
    ) -> BoxFuture<'a, Result<BearerToken, GraphError>> {
        Box::pin(async move {
            self.fetch(Some(rejected.secret()))
                .await
                .map(|t| BearerToken::new(t.expose()))
                .map_err(AuthError::into_graph)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Cloud;

    fn profile(text: &str) -> Profile {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn each_cloud_signs_in_at_its_login_host_for_its_graph_host() {
        for (cloud, login, graph) in [
            (
                "global",
                "https://login.microsoftonline.com",
                "https://graph.microsoft.com",
            ),
            (
                "usgov",
                "https://login.microsoftonline.us",
                "https://graph.microsoft.us",
            ),
            (
                "usgov-dod",
                "https://login.microsoftonline.us",
                "https://dod-graph.microsoft.us",
            ),
            (
                "china",
                "https://login.chinacloudapi.cn",
                "https://microsoftgraph.chinacloudapi.cn",
            ),
        ] {
            let p = profile(&format!("client_id = \"c\"\ncloud = \"{cloud}\""));
            let e = build_login_endpoint("p", &p).unwrap();
            assert_eq!(e.base_url(), login, "{cloud}");
            assert_eq!(
                e.scope,
                format!("{graph}/DeviceManagementServiceConfig.ReadWrite.All offline_access")
            );
            assert_eq!(
                e.tenant, "organizations",
                "people sign in to their own tenant"
            );
        }
        assert_eq!(
            Cloud::China.graph_host(),
            "https://microsoftgraph.chinacloudapi.cn"
        );
    }

    #[test]
    fn overrides_missing_settings_and_app_sign_in() {
        let p =
            profile("client_id = \"c\"\ntenant = \"t.test\"\nlogin_url = \"http://127.0.0.1:9/\"");
        let e = build_login_endpoint("p", &p).unwrap();
        assert_eq!(
            (e.base_url(), e.tenant.as_str()),
            ("http://127.0.0.1:9", "t.test")
        );

        let e = build_login_endpoint("p", &profile("tenant = \"t\"")).unwrap_err();
        assert!(e.to_string().contains("client_id"), "{e}");

        let app = profile("client_id = \"c\"\nauth = \"client-secret\"\ncloud = \"usgov\"");
        let e = build_login_endpoint("p", &app).unwrap_err();
        assert!(e.to_string().contains("tenant"), "{e}");
        let app = profile(
            "client_id = \"c\"\ntenant = \"t\"\nauth = \"client-secret\"\ncloud = \"usgov\"",
        );
        let e = build_login_endpoint("p", &app).unwrap();
        assert_eq!(e.scope, "https://graph.microsoft.us/.default");
    }

    #[test]
    fn a_refresh_without_a_new_refresh_token_keeps_the_old_one() {
        let first = cached_sign_in(
            TokenSet {
                access_token: Secret::new("a1"),
                refresh_token: Some(Secret::new("r1")),
                expires_in: 3600,
                id_token: None,
            },
            "organizations",
            None,
            100,
        );
        assert_eq!((first.expires_at, first.lifetime_secs), (3700, 3600));
        let second = cached_sign_in(
            TokenSet {
                access_token: Secret::new("a2"),
                refresh_token: None,
                expires_in: 60,
                id_token: None,
            },
            &first.tenant,
            Some(&first),
            200,
        );
        assert_eq!(second.refresh_token, Some(Secret::new("r1")));
        assert_eq!(second.expires_at, 260);
    }
}
