//! The Microsoft identity platform's v2 endpoints: `authorize` (the URL the
//! browser opens), `devicecode` and `token` (authorization_code with PKCE,
//! device_code, refresh_token and client_credentials with a secret or a
//! signed assertion). One request per call; the flows live in
//! [`super::browser`], [`super::device`] and [`super::provider`].

use std::time::Duration;

use serde::Deserialize;
use url::Url;

use super::device::DeviceCode;
use super::error::AuthError;
use super::secret::Secret;
use crate::graph::transport::{clean_text, transport_error};
use crate::graph::urls::{checked_url, encode_component, is_loopback_url};

const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const TIMEOUT: Duration = Duration::from_secs(30);

/// Tokens from a successful grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSet {
    pub access_token: Secret,
    /// Present with `offline_access`.
    pub refresh_token: Option<Secret>,
    /// Seconds the access token lives.
    pub expires_in: u64,
    /// Present with `openid`.
    pub id_token: Option<Secret>,
}

#[derive(Deserialize)]
struct TokenBody {
    access_token: Secret,
    refresh_token: Option<Secret>,
    #[serde(default, deserialize_with = "number_or_text")]
    expires_in: Option<u64>,
    id_token: Option<Secret>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
    error_description: Option<String>,
}

/// `expires_in` is a number, but older endpoints send it as text.
fn number_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// An OAuth error answer (`{"error": "...", "error_description": "..."}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub code: String,
    pub description: Option<String>,
}

impl From<OAuthError> for AuthError {
    fn from(e: OAuthError) -> AuthError {
        match e.code.as_str() {
            "authorization_declined" => AuthError::Declined,
            "expired_token" => AuthError::Expired,
            "bad_verification_code" => AuthError::BadVerificationCode,
            "access_denied" => AuthError::AccessDenied,
            _ => AuthError::Refused {
                code: e.code,
                description: e.description,
            },
        }
    }
}

/// Where and as whom to sign in.
#[derive(Debug, Clone)]
pub struct LoginEndpoint {
    http: reqwest::Client,
    /// The identity host root, e.g. `https://login.microsoftonline.com`.
    base: String,
    pub tenant: String,
    pub client_id: String,
    pub scope: String,
}

impl LoginEndpoint {
    /// Checks the URL (https, or http to this computer) before anything is sent.
    pub fn new(
        login_url: &str,
        tenant: &str,
        client_id: &str,
        scope: &str,
    ) -> Result<LoginEndpoint, AuthError> {
        let url = checked_url(login_url).map_err(AuthError::Http)?;
        let mut builder = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("enroll-console/", env!("CARGO_PKG_VERSION")));
        if is_loopback_url(&url) {
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| AuthError::Unexpected(format!("could not set up HTTP: {e}")))?;
        Ok(LoginEndpoint {
            http,
            base: url.as_str().trim_end_matches('/').to_string(),
            tenant: tenant.to_string(),
            client_id: client_id.to_string(),
            scope: scope.to_string(),
        })
    }

    /// The identity host root this endpoint talks to.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The token endpoint, the audience of a client assertion.
    pub fn token_url(&self) -> Result<Url, AuthError> {
        self.url("token")
    }

    /// The authorization request the browser opens (authorization code
    /// flow with PKCE S256, answered at `redirect_uri` in the query), with
    /// a Conditional Access claims challenge when one is pending.
    pub fn authorize_url(
        &self,
        redirect_uri: &str,
        state: &str,
        code_challenge: &str,
        claims: Option<&str>,
    ) -> Result<Url, AuthError> {
        let mut url = self.url("authorize")?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("client_id", &self.client_id)
                .append_pair("response_type", "code")
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("response_mode", "query")
                .append_pair("scope", &self.scope)
                .append_pair("state", state)
                .append_pair("code_challenge", code_challenge)
                .append_pair("code_challenge_method", "S256")
                .append_pair("prompt", "select_account");
            if let Some(claims) = claims {
                q.append_pair("claims", claims);
            }
        }
        Ok(url)
    }

    fn url(&self, leaf: &str) -> Result<Url, AuthError> {
        let text = format!(
            "{}/{}/oauth2/v2.0/{leaf}",
            self.base,
            encode_component(&self.tenant)
        );
        Url::parse(&text).map_err(|e| AuthError::Config(format!("bad sign-in URL {text}: {e}")))
    }

    async fn post(&self, leaf: &str, form: &[(&str, &str)]) -> Result<serde_json::Value, Answer> {
        let url = self.url(leaf).map_err(Answer::Failed)?;
        let response = self
            .http
            .post(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(form)
            .send()
            .await
            .map_err(|e| Answer::Failed(AuthError::Http(transport_error(&e, ""))))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| Answer::Failed(AuthError::Http(transport_error(&e, ""))))?;
        tracing::debug!(endpoint = leaf, status, "identity request");
        let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
        if (200..300).contains(&status) {
            return json.ok_or_else(|| {
                Answer::Failed(AuthError::Unexpected(format!("HTTP {status}, not JSON")))
            });
        }
        if let Some(err) = json.and_then(|j| serde_json::from_value::<ErrorBody>(j).ok()) {
            return Err(Answer::OAuth(OAuthError {
                code: clean_text(&err.error, 80),
                description: err
                    .error_description
                    .map(|d| clean_text(d.lines().next().unwrap_or(""), 300)),
            }));
        }
        Err(Answer::Failed(AuthError::Unexpected(format!(
            "HTTP {status}: {}",
            clean_text(&String::from_utf8_lossy(&body), 200)
        ))))
    }

    /// Step 1 of the device code flow.
    pub async fn request_device_code(&self) -> Result<DeviceCode, AuthError> {
        let form = [
            ("client_id", self.client_id.as_str()),
            ("scope", self.scope.as_str()),
        ];
        let json = self
            .post("devicecode", &form)
            .await
            .map_err(Answer::into_error)?;
        DeviceCode::from_json(json)
    }

    /// One poll of the token endpoint for a device code.
    pub async fn poll_device_code(&self, device_code: &Secret) -> Result<TokenSet, PollAnswer> {
        let form = [
            ("grant_type", DEVICE_CODE_GRANT),
            ("client_id", self.client_id.as_str()),
            ("device_code", device_code.expose()),
        ];
        match self.post("token", &form).await {
            Ok(json) => token_set(json).map_err(PollAnswer::Failed),
            Err(Answer::OAuth(e)) => Err(PollAnswer::OAuth(e)),
            Err(Answer::Failed(e)) => Err(PollAnswer::Failed(e)),
        }
    }

    /// The refresh token grant; the answer carries the rotated refresh token.
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<TokenSet, AuthError> {
        self.refresh_with_claims(refresh_token, None).await
    }

    /// The refresh token grant carrying a Conditional Access claims challenge.
    pub async fn refresh_with_claims(
        &self,
        refresh_token: &Secret,
        claims: Option<&str>,
    ) -> Result<TokenSet, AuthError> {
        let mut form = vec![
            ("grant_type", "refresh_token"),
            ("client_id", self.client_id.as_str()),
            ("refresh_token", refresh_token.expose()),
            ("scope", self.scope.as_str()),
        ];
        if let Some(claims) = claims {
            form.push(("claims", claims));
        }
        self.token_grant(&form).await
    }

    /// The authorization code grant: the code the browser brought, proven
    /// with the PKCE verifier, for the same redirect URI.
    pub async fn authorization_code(
        &self,
        code: &Secret,
        verifier: &Secret,
        redirect_uri: &str,
    ) -> Result<TokenSet, AuthError> {
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", self.client_id.as_str()),
            ("code", code.expose()),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier.expose()),
            ("scope", self.scope.as_str()),
        ];
        self.token_grant(&form).await
    }

    /// The client credentials grant with a signed client assertion (RFC 7523).
    pub async fn client_assertion(&self, assertion: &Secret) -> Result<TokenSet, AuthError> {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", assertion.expose()),
            ("scope", self.scope.as_str()),
        ];
        self.token_grant(&form).await
    }

    /// The client credentials grant (application sign-in).
    pub async fn client_credentials(&self, secret: &Secret) -> Result<TokenSet, AuthError> {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", secret.expose()),
            ("scope", self.scope.as_str()),
        ];
        self.token_grant(&form).await
    }

    /// Posts a grant to the token endpoint and reads the token set it answers.
    async fn token_grant(&self, form: &[(&str, &str)]) -> Result<TokenSet, AuthError> {
        let json = self.post("token", form).await.map_err(Answer::into_error)?;
        token_set(json)
    }
}

/// A token endpoint answer that is not a token.
enum Answer {
    OAuth(OAuthError),
    Failed(AuthError),
}

impl Answer {
    fn into_error(self) -> AuthError {
        match self {
            Answer::OAuth(e) => e.into(),
            Answer::Failed(e) => e,
        }
    }
}

/// What one device code poll can answer besides tokens.
#[derive(Debug)]
pub enum PollAnswer {
    OAuth(OAuthError),
    Failed(AuthError),
}

fn token_set(json: serde_json::Value) -> Result<TokenSet, AuthError> {
    let body: TokenBody = serde_json::from_value(json)
        .map_err(|e| AuthError::Unexpected(format!("not a token answer ({e})")))?;
    if body.access_token.is_empty() {
        return Err(AuthError::Unexpected("an empty access token".into()));
    }
    Ok(TokenSet {
        access_token: body.access_token,
        refresh_token: body.refresh_token.filter(|t| !t.is_empty()),
        expires_in: body.expires_in.unwrap_or(3600),
        id_token: body.id_token.filter(|t| !t.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_token_answer_is_read() {
        let json = serde_json::json!({
            "token_type": "Bearer",
            "scope": "User.Read profile openid email",
            "expires_in": 3599,
            "access_token": "eyJ0eXAi.aaa.bbb",
            "refresh_token": "AwABAAAAvPM1KaPlrEqdFSBzjqfTGAMxZGUTdM0t4B4",
            "id_token": "eyJ0eXAi.ccc."
        });
        let t = token_set(json).unwrap();
        assert_eq!(t.expires_in, 3599);
        assert_eq!(t.access_token.expose(), "eyJ0eXAi.aaa.bbb");
        assert!(t.refresh_token.is_some() && t.id_token.is_some());
        assert!(!format!("{t:?}").contains("AwAB"));
        let t = token_set(serde_json::json!({"access_token": "x", "expires_in": "10"})).unwrap();
        assert_eq!((t.expires_in, t.refresh_token), (10, None));
    }

    #[test]
    fn the_authorize_url_asks_for_a_code_with_an_s256_challenge() {
        let e = LoginEndpoint::new("https://login.example.com/", "t.test", "c-1", "a b").unwrap();
        let url = e
            .authorize_url("http://localhost:5000", "st", "ch", Some("{\"x\":1}"))
            .unwrap();
        assert_eq!(url.path(), "/t.test/oauth2/v2.0/authorize");
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        for (k, v) in [
            ("client_id", "c-1"),
            ("response_type", "code"),
            ("redirect_uri", "http://localhost:5000"),
            ("scope", "a b"),
            ("state", "st"),
            ("code_challenge", "ch"),
            ("code_challenge_method", "S256"),
            ("claims", "{\"x\":1}"),
        ] {
            assert_eq!(q.get(k).map(String::as_str), Some(v), "{k}");
        }
        assert!(
            !e.authorize_url("r", "s", "c", None)
                .unwrap()
                .as_str()
                .contains("claims")
        );
    }

    #[test]
    fn plain_http_elsewhere_is_refused_before_anything_is_sent() {
        let e = LoginEndpoint::new("http://login.example.com", "t", "c", "s").unwrap_err();
        assert!(e.to_string().contains("https"), "{e}");
        assert!(LoginEndpoint::new("http://127.0.0.1:9", "t", "c", "s").is_ok());
    }

    #[test]
    fn oauth_errors_map_to_what_the_user_can_do() {
        let e = |code: &str| {
            AuthError::from(OAuthError {
                code: code.into(),
                description: Some("AADSTS70000: x".into()),
            })
        };
        assert_eq!(e("authorization_declined"), AuthError::Declined);
        assert_eq!(e("expired_token"), AuthError::Expired);
        assert_eq!(e("bad_verification_code"), AuthError::BadVerificationCode);
        assert_eq!(e("access_denied"), AuthError::AccessDenied);
        assert!(e("invalid_grant").to_string().contains("invalid_grant"));
    }
}
