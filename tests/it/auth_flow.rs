//! The sign-in flows over HTTP with no real waiting: the device code flow
//! against the in-process sandbox (a recording sleeper), every polling
//! answer from a scripted token endpoint, one renewal and one retry after a
//! 401, refresh ahead of expiry and refresh-token rotation.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use enroll_console::auth::{
    AuthError, BROWSER_TIMEOUT, CachedSignIn, CachedTokenSource, Clock, DeviceCode, Flow,
    LoginEndpoint, PersonLogin, Secret, TokenCache, delegated_scope, poll_for_token,
};
use enroll_console::graph::{ClientConfig, GraphClient, GraphError, ListQuery, Sleeper};
use enroll_console::sandbox::{self, AuthOptions, RunningSandbox, SandboxOptions};

/// A sleeper that returns at once and records what it was asked to wait.
fn recording_sleeper() -> (Sleeper, Arc<Mutex<Vec<Duration>>>) {
    let waits = Arc::new(Mutex::new(Vec::new()));
    let seen = waits.clone();
    let sleeper = Sleeper::new(move |d| {
        seen.lock().unwrap().push(d);
        Box::pin(async {})
    });
    (sleeper, waits)
}

fn fixed_clock(at: Arc<Mutex<i64>>) -> Clock {
    Arc::new(move || *at.lock().unwrap())
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn sandbox_requiring_auth() -> RunningSandbox {
    let auth = AuthOptions {
        require_auth: true,
        approve_after: 2,
        ..AuthOptions::default()
    };
    sandbox::start_with_auth(([127, 0, 0, 1], 0).into(), SandboxOptions::default(), auth)
        .await
        .unwrap()
}

fn endpoint(root: &str) -> LoginEndpoint {
    let scope = delegated_scope("https://graph.microsoft.com");
    LoginEndpoint::new(root, "contoso.test", "client-1", &scope).unwrap()
}

/// Signs in against the sandbox; the cache, the source and the clock.
async fn signed_in(
    running: &RunningSandbox,
    dir: &std::path::Path,
) -> (TokenCache, GraphClient, Arc<Mutex<i64>>) {
    let clock_at = Arc::new(Mutex::new(now()));
    let (sleeper, waits) = recording_sleeper();
    let cache = TokenCache::for_profile(dir, "p");
    let login = PersonLogin {
        profile: "p".into(),
        endpoint: endpoint(&running.login_url()),
        cache: cache.clone(),
        clock: fixed_clock(clock_at.clone()),
        sleeper,
        flow: Flow::DeviceCode,
        browser_timeout: BROWSER_TIMEOUT,
        opener: Arc::new(|_: &str| Err("no browser in this test".to_string())),
        claims: Default::default(),
    };
    let code = login.start().await.unwrap();
    assert_eq!(code.interval, Duration::from_secs(1));
    let stored = login.finish(&code).await.unwrap().sign_in;
    // Two pending answers, approved on the third poll.
    assert_eq!(*waits.lock().unwrap(), vec![Duration::from_secs(1); 3]);
    assert_eq!(stored.account.as_deref(), Some("helpdesk@contoso.test"));
    assert_eq!(cache.load().unwrap(), Some(stored));
    let source = CachedTokenSource::new(
        "p",
        endpoint(&running.login_url()),
        cache.clone(),
        fixed_clock(clock_at.clone()),
    );
    let client = GraphClient::new(
        ClientConfig::new(running.graph_url()).with_token_source(Arc::new(source)),
    )
    .unwrap();
    (cache, client, clock_at)
}

fn with_tokens(cache: &TokenCache, access: &str, refresh: &str) -> CachedSignIn {
    let mut s = cache.load().unwrap().unwrap();
    s.access_token = Secret::new(access);
    s.refresh_token = Some(Secret::new(refresh));
    cache.save(&s).unwrap();
    s
}

#[tokio::test]
async fn a_401_gets_one_renewal_and_one_retry_and_the_rotated_token_is_stored() {
    let running = sandbox_requiring_auth().await;
    let dir = tempfile::tempdir().unwrap();
    let (cache, client, _) = signed_in(&running, dir.path()).await;
    client.list_first(&ListQuery::default()).await.unwrap();

    // The cached access token looks fresh but the service refuses it.
    let before = cache.load().unwrap().unwrap();
    let old_refresh = before.refresh_token.clone().unwrap();
    with_tokens(&cache, "refused-token", old_refresh.expose());
    client.list_first(&ListQuery::default()).await.unwrap();
    let after = cache.load().unwrap().unwrap();
    assert_ne!(after.access_token.expose(), "refused-token");
    let new_refresh = after.refresh_token.clone().unwrap();
    assert_ne!(
        new_refresh, old_refresh,
        "the rotated refresh token is stored"
    );
    // The sandbox spends a used refresh token: only the stored one works.
    let spent = endpoint(&running.login_url()).refresh(&old_refresh).await;
    assert!(
        matches!(&spent, Err(AuthError::Refused { code, .. }) if code == "invalid_grant"),
        "{spent:?}"
    );

    // Refused token and a spent refresh token: no valid sign-in is left.
    with_tokens(&cache, "refused-token", old_refresh.expose());
    let err = client.list_first(&ListQuery::default()).await.unwrap_err();
    assert!(
        matches!(err, GraphError::SignIn { .. }) && err.is_auth(),
        "{err:?}"
    );
    let text = err.user_message();
    assert!(text.contains("enroll-console --profile p login"), "{text}");
    assert!(!text.contains(old_refresh.expose()) && !text.contains("refused-token"));
}

#[tokio::test]
async fn tokens_are_refreshed_ahead_of_expiry() {
    let running = sandbox_requiring_auth().await;
    let dir = tempfile::tempdir().unwrap();
    let (cache, client, clock) = signed_in(&running, dir.path()).await;
    let first = cache.load().unwrap().unwrap();
    assert_eq!(first.lifetime_secs, 3600);

    // Well before expiry: the cached token is used.
    *clock.lock().unwrap() = first.expires_at - 120;
    client.list_first(&ListQuery::default()).await.unwrap();
    assert_eq!(
        cache.load().unwrap().unwrap().access_token,
        first.access_token
    );

    // Within the last minute: refreshed before sending.
    *clock.lock().unwrap() = first.expires_at - 30;
    client.list_first(&ListQuery::default()).await.unwrap();
    let second = cache.load().unwrap().unwrap();
    assert_ne!(second.access_token, first.access_token);
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(second.account, first.account);
}

/// A token endpoint that answers from a script, then with tokens.
async fn scripted(answers: &[&str]) -> (String, tokio::task::JoinHandle<()>) {
    let script = Arc::new(Mutex::new(
        answers
            .iter()
            .map(|s| s.to_string())
            .collect::<VecDeque<_>>(),
    ));
    let app = Router::new().route(
        "/{tenant}/oauth2/v2.0/token",
        post(move || {
            let script = script.clone();
            async move {
                match script.lock().unwrap().pop_front() {
                    Some(error) => (
                        StatusCode::BAD_REQUEST,
                        axum::Json(serde_json::json!({
                            "error": error,
                            "error_description": "AADSTS70016: scripted",
                            "error_codes": [70016],
                        })),
                    )
                        .into_response(),
                    None => axum::Json(serde_json::json!({
                        "token_type": "Bearer", "expires_in": 3599,
                        "access_token": "at", "refresh_token": "rt"
                    }))
                    .into_response(),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), task)
}

fn device_code(expires_in: u64) -> DeviceCode {
    DeviceCode {
        device_code: Secret::new("dc"),
        user_code: "ABCD1234".into(),
        verification_uri: "https://microsoft.com/devicelogin".into(),
        expires_in,
        interval: Duration::from_secs(5),
        message: String::new(),
    }
}

async fn poll(script: &[&str], expires_in: u64) -> (Result<(), AuthError>, Vec<u64>) {
    let (root, task) = scripted(script).await;
    let (sleeper, waits) = recording_sleeper();
    let result = poll_for_token(&endpoint(&root), &device_code(expires_in), &sleeper)
        .await
        .map(|tokens| assert_eq!(tokens.access_token.expose(), "at"));
    task.abort();
    let waits = waits.lock().unwrap().iter().map(|d| d.as_secs()).collect();
    (result, waits)
}

#[tokio::test]
async fn every_polling_answer_over_http() {
    // Pending keeps the interval; slow_down adds 5 s for good.
    let (r, waits) = poll(
        &[
            "authorization_pending",
            "slow_down",
            "authorization_pending",
        ],
        900,
    )
    .await;
    assert_eq!(r, Ok(()));
    assert_eq!(waits, vec![5, 5, 10, 10]);

    for (code, expected) in [
        ("authorization_declined", AuthError::Declined),
        ("expired_token", AuthError::Expired),
        ("bad_verification_code", AuthError::BadVerificationCode),
        ("access_denied", AuthError::AccessDenied),
    ] {
        let (r, waits) = poll(&[code], 900).await;
        assert_eq!(r, Err(expected), "{code}");
        assert_eq!(waits, vec![5], "{code}: stops at once");
    }

    // Never approved: the code's lifetime ends the polling.
    let pending = ["authorization_pending"; 10];
    let (r, waits) = poll(&pending, 12).await;
    assert_eq!(r, Err(AuthError::Expired));
    assert_eq!(waits, vec![5, 5, 5]);

    // An unknown error stops with the service's words.
    let (r, _) = poll(&["invalid_client"], 900).await;
    let text = r.unwrap_err().to_string();
    assert!(
        text.contains("invalid_client") && text.contains("AADSTS70016"),
        "{text}"
    );
}

/// Hands out `t1`, and `t2` when asked to renew; counts renewals.
#[derive(Debug, Default)]
struct CountingSource {
    renewals: Mutex<u32>,
}

impl enroll_console::graph::TokenSource for CountingSource {
    fn token(
        &self,
    ) -> futures::future::BoxFuture<'_, Result<enroll_console::graph::BearerToken, GraphError>>
    {
        Box::pin(async { Ok(enroll_console::graph::BearerToken::new("t1")) })
    }

    fn renew<'a>(
        &'a self,
        _rejected: &'a enroll_console::graph::BearerToken,
    ) -> futures::future::BoxFuture<'a, Result<enroll_console::graph::BearerToken, GraphError>>
    {
        *self.renewals.lock().unwrap() += 1;
        Box::pin(async { Ok(enroll_console::graph::BearerToken::new("t2")) })
    }
}

#[tokio::test]
async fn a_second_401_is_returned_after_exactly_one_renewal() {
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let record = seen.clone();
    let app = Router::new().route(
        "/beta/deviceManagement/importedDeviceIdentities",
        axum::routing::get(move |headers: axum::http::HeaderMap| {
            let record = record.clone();
            async move {
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                record.lock().unwrap().push(auth);
                (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(serde_json::json!({"error": {
                        "code": "InvalidAuthenticationToken", "message": "expired"}})),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let source = Arc::new(CountingSource::default());
    let client = GraphClient::new(
        ClientConfig::new(format!("http://{addr}/beta")).with_token_source(source.clone()),
    )
    .unwrap();
    let err = client.list_first(&ListQuery::default()).await.unwrap_err();
    task.abort();
    assert_eq!(err.status(), Some(401));
    assert_eq!(*source.renewals.lock().unwrap(), 1);
    assert_eq!(*seen.lock().unwrap(), vec!["Bearer t1", "Bearer t2"]);
    assert!(err.user_message().starts_with("Sign-in missing or expired"));
}

#[tokio::test]
async fn the_sandbox_accepts_only_tokens_it_issued_when_it_requires_sign_in() {
    let running = sandbox_requiring_auth().await;
    let root = running.login_url();

    // A made-up token is refused.
    let client = GraphClient::new(
        ClientConfig::new(running.graph_url())
            .with_token(enroll_console::graph::BearerToken::new("made-up")),
    )
    .unwrap();
    let err = client.list_first(&ListQuery::default()).await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err:?}");

    // An application token from the client credentials grant is accepted.
    let tokens = endpoint(&root)
        .client_credentials(&Secret::new("app-secret"))
        .await
        .unwrap();
    assert!(tokens.refresh_token.is_none());
    let client = GraphClient::new(ClientConfig::new(running.graph_url()).with_token(
        enroll_console::graph::BearerToken::new(tokens.access_token.expose()),
    ))
    .unwrap();
    client.list_first(&ListQuery::default()).await.unwrap();
    let refused = endpoint(&root).client_credentials(&Secret::new(" ")).await;
    assert!(
        matches!(&refused, Err(AuthError::Refused { code, .. }) if code == "invalid_client"),
        "{refused:?}"
    );

    // A device code the sandbox never gave is not recognised.
    let (sleeper, _) = recording_sleeper();
    let unknown = poll_for_token(&endpoint(&root), &device_code(900), &sleeper).await;
    assert_eq!(unknown.unwrap_err(), AuthError::BadVerificationCode);
}
