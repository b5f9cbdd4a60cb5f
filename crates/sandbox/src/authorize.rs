//! The sandbox's authorization endpoint and the codes it hands out, shaped
//! like the Microsoft identity platform v2: `GET /{tenant}/oauth2/v2.0/authorize`
//! approves at once (or after a set delay) and redirects the browser to the
//! loopback `redirect_uri` with a code and the request's state. The token
//! endpoint redeems a code once, for the same client and redirect URI, when
//! the PKCE verifier matches the S256 challenge.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::Shared;

/// How long a code may wait to be redeemed.
const CODE_LIFETIME: Duration = Duration::from_secs(600);

struct IssuedCode {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    tenant: String,
    issued: Instant,
}

/// The codes handed out and not yet redeemed.
#[derive(Default)]
pub(crate) struct Codes(Mutex<HashMap<String, IssuedCode>>);

impl Codes {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, IssuedCode>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Redeems `code` (spent whatever the outcome): the tenant, or the
    /// OAuth error and description to answer.
    pub fn redeem(
        &self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: &str,
    ) -> Result<String, (&'static str, String)> {
        let Some(issued) = self.lock().remove(code) else {
            return Err((
                "invalid_grant",
                "AADSTS70000: The provided authorization code is invalid, expired or already redeemed.".into(),
            ));
        };
        if issued.issued.elapsed() > CODE_LIFETIME {
            return Err((
                "invalid_grant",
                "AADSTS70008: The provided authorization code has expired.".into(),
            ));
        }
        if issued.client_id != client_id {
            return Err((
                "invalid_grant",
                "AADSTS70000: The code was issued to another application.".into(),
            ));
        }
        if issued.redirect_uri != redirect_uri {
            return Err((
                "invalid_grant",
                "AADSTS50148: The redirect_uri does not match the one of the authorization request.".into(),
            ));
        }
        if verifier.is_empty() || challenge_of(verifier) != issued.challenge {
            return Err((
                "invalid_grant",
                "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.".into(),
            ));
        }
        Ok(issued.tenant)
    }
}

fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Only this computer may receive codes (RFC 8252 loopback redirects).
fn is_loopback_redirect(uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|u| {
        u.scheme() == "http"
            && matches!(
                u.host_str(),
                Some("localhost") | Some("127.0.0.1") | Some("[::1]")
            )
    })
}

#[derive(Deserialize)]
pub(crate) struct AuthorizeQuery {
    client_id: Option<String>,
    response_type: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

/// A page for the browser when there is nowhere to redirect to.
fn refusal_page(description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("Sign-in refused: {description}"),
    )
        .into_response()
}

fn redirect_to(redirect_uri: &str, pairs: &[(&str, &str)]) -> Response {
    let mut url = match url::Url::parse(redirect_uri) {
        Ok(u) => u,
        Err(_) => return refusal_page("AADSTS50011: the redirect URI is not a URL"),
    };
    url.query_pairs_mut().extend_pairs(pairs);
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    Query(q): Query<AuthorizeQuery>,
) -> Response {
    let Some(client_id) = q.client_id.filter(|c| !c.trim().is_empty()) else {
        return refusal_page(
            "AADSTS900144: The request body must contain the parameter client_id.",
        );
    };
    let Some(redirect_uri) = q.redirect_uri.filter(|r| is_loopback_redirect(r)) else {
        return refusal_page(
            "AADSTS50011: The redirect URI must be http://localhost (any port) for this application.",
        );
    };
    let state = q.state.unwrap_or_default();
    let fail = |error: &str, description: &str| {
        redirect_to(
            &redirect_uri,
            &[
                ("error", error),
                ("error_description", description),
                ("state", &state),
            ],
        )
    };
    if q.response_type.as_deref() != Some("code") {
        return fail(
            "unsupported_response_type",
            "AADSTS700054: response_type must be code.",
        );
    }
    let Some(challenge) = q.code_challenge.filter(|c| !c.is_empty()) else {
        return fail(
            "invalid_request",
            "AADSTS9002325: Proof Key for Code Exchange is required.",
        );
    };
    if q.code_challenge_method.as_deref() != Some("S256") {
        return fail(
            "invalid_request",
            "AADSTS501491: code_challenge_method must be S256.",
        );
    }
    let delay = shared.issuer.options.authorize_delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let code = uuid::Uuid::new_v4().simple().to_string();
    shared.issuer.codes.lock().insert(
        code.clone(),
        IssuedCode {
            client_id,
            redirect_uri: redirect_uri.clone(),
            challenge,
            tenant: super::identity::tenant_name(&tenant),
            issued: Instant::now(),
        },
    );
    tracing::debug!("sandbox approved a browser sign-in");
    redirect_to(&redirect_uri, &[("code", &code), ("state", &state)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_with(code: &str, challenge: &str) -> Codes {
        let codes = Codes::default();
        codes.lock().insert(
            code.into(),
            IssuedCode {
                client_id: "c".into(),
                redirect_uri: "http://localhost:1".into(),
                challenge: challenge.into(),
                tenant: "t".into(),
                issued: Instant::now(),
            },
        );
        codes
    }

    #[test]
    fn a_code_is_redeemed_once_with_the_right_verifier() {
        let codes = codes_with("k", &challenge_of("right"));
        assert_eq!(
            codes.redeem("k", "c", "http://localhost:1", "right"),
            Ok("t".into())
        );
        let again = codes.redeem("k", "c", "http://localhost:1", "right");
        assert_eq!(again.unwrap_err().0, "invalid_grant");

        let codes = codes_with("k", &challenge_of("right"));
        let (error, description) = codes
            .redeem("k", "c", "http://localhost:1", "wrong")
            .unwrap_err();
        assert_eq!(error, "invalid_grant");
        assert!(description.starts_with("AADSTS501481"), "{description}");
        let codes = codes_with("k", &challenge_of("right"));
        assert!(
            codes
                .redeem("k", "c", "http://localhost:2", "right")
                .is_err()
        );
    }

    #[test]
    fn only_loopback_redirects_are_served() {
        assert!(is_loopback_redirect("http://localhost:5123"));
        assert!(is_loopback_redirect("http://127.0.0.1:5123/cb"));
        assert!(!is_loopback_redirect("https://evil.test/cb"));
        assert!(!is_loopback_redirect("http://localhost.evil.test/"));
        assert!(!is_loopback_redirect("not a url"));
    }
}
