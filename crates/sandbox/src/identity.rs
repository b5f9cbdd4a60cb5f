//! The sandbox's identity endpoints, shaped like the Microsoft identity
//! platform v2: `/{tenant}/oauth2/v2.0/devicecode` and `.../token` with the
//! authorization_code (see [`super::authorize`]), device_code,
//! refresh_token and client_credentials grants (a secret, or a client
//! assertion checked by [`super::assertion`]). A device code is approved
//! after a set number of polls, or refused as Conditional Access does
//! (AADSTS53003); access tokens expire after a set time; refresh tokens
//! rotate (a used one is spent). With `require_auth`, the Graph routes
//! accept only unexpired tokens issued here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::Form;
use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::Shared;
use super::authorize::Codes;
use super::errors::{GraphFailure, KeepBody};

const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const DEVICE_CODE_LIFETIME: Duration = Duration::from_secs(900);

/// How the identity endpoints behave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthOptions {
    /// Polls answered `authorization_pending` before a device code is approved.
    pub approve_after: u32,
    /// Lifetime of issued access tokens.
    pub token_ttl: Duration,
    /// Graph routes accept only unexpired tokens issued here (401 otherwise).
    pub require_auth: bool,
    /// The polling interval a device code answer asks for, in seconds.
    pub poll_interval_secs: u64,
    /// How long the authorization endpoint takes to approve a browser sign-in.
    pub authorize_delay: Duration,
    /// Device code sign-ins are blocked, as Conditional Access does (AADSTS53003).
    pub refuse_device_code: bool,
    /// The certificates (DER) whose client assertions are accepted.
    pub trusted_certificates: Vec<Vec<u8>>,
}

impl Default for AuthOptions {
    fn default() -> Self {
        AuthOptions {
            approve_after: 2,
            token_ttl: Duration::from_secs(3600),
            require_auth: false,
            poll_interval_secs: 1,
            authorize_delay: Duration::ZERO,
            refuse_device_code: false,
            trusted_certificates: Vec::new(),
        }
    }
}

struct PendingCode {
    polls: u32,
    tenant: String,
    issued: Instant,
}

#[derive(Default)]
struct Issued {
    device_codes: HashMap<String, PendingCode>,
    /// Access token → when it expires.
    access: HashMap<String, Instant>,
    /// Refresh token → tenant; a used one is removed (rotation).
    refresh: HashMap<String, String>,
}

pub(crate) struct Issuer {
    pub options: AuthOptions,
    issued: Mutex<Issued>,
    /// Authorization codes handed to browsers, not yet redeemed.
    pub codes: Codes,
}

impl Issuer {
    pub fn new(options: AuthOptions) -> Self {
        Issuer {
            options,
            issued: Mutex::new(Issued::default()),
            codes: Codes::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Issued> {
        self.issued.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether `token` was issued here and has not expired.
    fn accepts(&self, token: &str) -> bool {
        self.lock()
            .access
            .get(token)
            .is_some_and(|expires| Instant::now() < *expires)
    }
}

fn random_text() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// An unsigned JWT-shaped token whose claims say who and until when.
fn access_token(tenant: &str, ttl: Duration, app: Option<&str>) -> String {
    let exp = time::OffsetDateTime::now_utc().unix_timestamp()
        + i64::try_from(ttl.as_secs()).unwrap_or(3600);
    let mut claims = serde_json::json!({
        "tid": tenant,
        "exp": exp,
        "nonce": random_text(),
    });
    match app {
        Some(appid) => claims["appid"] = appid.into(),
        None => claims["upn"] = format!("helpdesk@{tenant}").into(),
    }
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.sandbox")
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let code = description
        .strip_prefix("AADSTS")
        .and_then(|r| r.split(':').next())
        .and_then(|n| n.parse::<u32>().ok())
        .unwrap_or(0);
    oauth_error_codes(status, error, description, code)
}

fn oauth_error_codes(status: StatusCode, error: &str, description: &str, code: u32) -> Response {
    let body = serde_json::json!({
        "error": error,
        "error_description": description,
        "error_codes": if code == 0 { vec![] } else { vec![code] },
        "timestamp": time::OffsetDateTime::now_utc().unix_timestamp(),
        "trace_id": random_text(),
        "correlation_id": random_text(),
    });
    let mut response = (status, Json(body)).into_response();
    response.extensions_mut().insert(KeepBody);
    response
}

pub(crate) fn tenant_name(tenant: &str) -> String {
    if matches!(tenant, "organizations" | "common" | "consumers") {
        "sandbox.test".to_string()
    } else {
        tenant.to_string()
    }
}

#[derive(Deserialize)]
pub(crate) struct DeviceCodeForm {
    client_id: Option<String>,
}

pub(crate) async fn device_code(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    Form(form): Form<DeviceCodeForm>,
) -> Response {
    if form
        .client_id
        .as_deref()
        .is_none_or(|c| c.trim().is_empty())
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id is required",
        );
    }
    let device_code = random_text();
    let digits = random_text().to_uppercase();
    let user_code: String = digits.chars().take(8).collect();
    shared.issuer.lock().device_codes.insert(
        device_code.clone(),
        PendingCode {
            polls: 0,
            tenant: tenant_name(&tenant),
            issued: Instant::now(),
        },
    );
    let uri = format!("{}/devicelogin", shared.base_url);
    Json(serde_json::json!({
        "user_code": user_code,
        "device_code": device_code,
        "verification_uri": uri,
        "expires_in": DEVICE_CODE_LIFETIME.as_secs(),
        "interval": shared.issuer.options.poll_interval_secs,
        "message": format!("To sign in, use a web browser to open the page {uri} and enter the code {user_code} to authenticate."),
    }))
    .into_response()
}

#[derive(Deserialize)]
pub(crate) struct TokenForm {
    grant_type: Option<String>,
    client_id: Option<String>,
    device_code: Option<String>,
    refresh_token: Option<String>,
    client_secret: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    client_assertion_type: Option<String>,
    client_assertion: Option<String>,
}

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    Form(form): Form<TokenForm>,
) -> Response {
    let audience = format!("{}/{tenant}/oauth2/v2.0/token", shared.base_url);
    let issuer = &shared.issuer;
    let ttl = issuer.options.token_ttl;
    let Some(client_id) = form.client_id.filter(|c| !c.trim().is_empty()) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id is required",
        );
    };
    let mut issued = issuer.lock();
    let (tenant, app) = match form.grant_type.as_deref() {
        Some(DEVICE_CODE_GRANT) => {
            let code = form.device_code.unwrap_or_default();
            let Some(pending) = issued.device_codes.get_mut(&code) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "bad_verification_code",
                    "AADSTS70019: Verification code was not recognized.",
                );
            };
            if pending.issued.elapsed() > DEVICE_CODE_LIFETIME {
                issued.device_codes.remove(&code);
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "expired_token",
                    "AADSTS70019: Verification code expired.",
                );
            }
            pending.polls += 1;
            if issuer.options.refuse_device_code {
                issued.device_codes.remove(&code);
                return oauth_error_codes(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
                    53003,
                );
            }
            if pending.polls <= issuer.options.approve_after {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "authorization_pending",
                    "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                );
            }
            let tenant = pending.tenant.clone();
            issued.device_codes.remove(&code);
            (tenant, None)
        }
        Some("refresh_token") => {
            let old = form.refresh_token.unwrap_or_default();
            match issued.refresh.remove(&old) {
                Some(tenant) => (tenant, None),
                None => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "AADSTS70000: The refresh token is not valid or was already used.",
                    );
                }
            }
        }
        Some("authorization_code") => {
            let redeemed = issuer.codes.redeem(
                form.code.as_deref().unwrap_or_default(),
                &client_id,
                form.redirect_uri.as_deref().unwrap_or_default(),
                form.code_verifier.as_deref().unwrap_or_default(),
            );
            match redeemed {
                Ok(tenant) => (tenant, None),
                Err((error, description)) => {
                    return oauth_error(StatusCode::BAD_REQUEST, error, &description);
                }
            }
        }
        Some("client_credentials") if form.client_assertion_type.as_deref() == Some(JWT_BEARER) => {
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            if let Err(description) = super::assertion::verify(
                form.client_assertion.as_deref().unwrap_or_default(),
                &client_id,
                &audience,
                &issuer.options.trusted_certificates,
                now,
            ) {
                return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", &description);
            }
            (tenant_name(&tenant), Some(client_id))
        }
        Some("client_credentials") => {
            if form
                .client_secret
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
            {
                return oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "AADSTS7000215: Invalid client secret provided.",
                );
            }
            (tenant_name(&tenant), Some(client_id))
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "AADSTS70003: The app requested an unsupported grant type.",
            );
        }
    };
    let access = access_token(&tenant, ttl, app.as_deref());
    let now = Instant::now();
    issued.access.retain(|_, expires| *expires > now);
    issued.access.insert(access.clone(), now + ttl);
    let mut body = serde_json::json!({
        "token_type": "Bearer",
        "scope": "DeviceManagementServiceConfig.ReadWrite.All",
        "expires_in": ttl.as_secs(),
        "ext_expires_in": ttl.as_secs(),
        "access_token": access,
    });
    if app.is_none() {
        let refresh = random_text();
        issued.refresh.insert(refresh.clone(), tenant);
        body["refresh_token"] = refresh.into();
    }
    tracing::debug!(
        grant = form.grant_type.as_deref().unwrap_or(""),
        "sandbox issued a token"
    );
    Json(body).into_response()
}

/// The bearer check on the Graph routes: any non-empty token, or with
/// `require_auth` only an unexpired one issued here.
pub(crate) async fn require_token(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, token)| scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .map(|(_, token)| token.trim().to_string());
    let Some(token) = token else {
        return GraphFailure::unauthenticated().into_response();
    };
    if shared.issuer.options.require_auth && !shared.issuer.accepts(&token) {
        return GraphFailure::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token has expired or is not valid yet.",
        )
        .into_response();
    }
    next.run(req).await
}
