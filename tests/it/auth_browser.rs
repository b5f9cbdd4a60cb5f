//! The browser sign-in over HTTP against the in-process sandbox: a test
//! "browser" follows the authorize URL and its redirect to the console's
//! loopback listener. A forged state, a wrong PKCE verifier and a browser
//! that never answers each fail with a clear message; with device code
//! blocked by Conditional Access the browser still signs in and the device
//! code flow says what to do. With a keychain, no token file is written.
//! A Graph claims challenge is passed on with the next token request.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use enroll_console::auth::pkce::challenge_of;
use enroll_console::auth::{
    AuthError, BROWSER_TIMEOUT, CachedSignIn, CachedTokenSource, Flow, LoginEndpoint,
    MemoryKeychain, PersonLogin, Progress, Secret, StoredIn, TokenCache, delegated_scope,
    system_clock,
};
use enroll_console::graph::{ClientConfig, GraphClient, ListQuery, Sleeper};
use enroll_console::sandbox::{self, AuthOptions, RunningSandbox, SandboxOptions};
use tokio::sync::mpsc;

async fn sandbox_with(auth: AuthOptions) -> RunningSandbox {
    sandbox::start_with_auth(([127, 0, 0, 1], 0).into(), SandboxOptions::default(), auth)
        .await
        .unwrap()
}

fn endpoint(root: &str) -> LoginEndpoint {
    let scope = delegated_scope("https://graph.microsoft.com");
    LoginEndpoint::new(root, "contoso.test", "client-1", &scope).unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

fn http_no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A login whose "browser" hands the URL to the test; the receiver.
fn login(
    root: &str,
    cache: TokenCache,
    flow: Flow,
) -> (PersonLogin, mpsc::UnboundedReceiver<String>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let login = PersonLogin {
        profile: "p".into(),
        endpoint: endpoint(root),
        cache,
        clock: system_clock(),
        sleeper: Sleeper::new(|_| Box::pin(async {})),
        flow,
        browser_timeout: BROWSER_TIMEOUT,
        opener: Arc::new(move |url: &str| tx.send(url.to_string()).map_err(|e| e.to_string())),
        claims: Default::default(),
    };
    (login, rx)
}

/// The browser: opens the URL and follows the redirect; status, page and URL.
fn browse(
    mut urls: mpsc::UnboundedReceiver<String>,
) -> tokio::task::JoinHandle<(u16, String, String)> {
    tokio::spawn(async move {
        let url = urls.recv().await.expect("the console opened a URL");
        let response = http()
            .get(&url)
            .send()
            .await
            .expect("the browser got an answer");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default(), url)
    })
}

#[tokio::test]
async fn the_browser_sign_in_is_redeemed_kept_in_the_keychain_and_used() {
    let running = sandbox_with(AuthOptions {
        require_auth: true,
        ..AuthOptions::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let keychain = MemoryKeychain::new();
    let cache = TokenCache::for_profile(dir.path(), "p").with_keychain(keychain.clone());
    let (login, urls) = login(&running.login_url(), cache.clone(), Flow::Browser);
    let browser = browse(urls);
    let shown = Arc::new(Mutex::new(Vec::new()));
    let seen = shown.clone();
    let signed_in = login
        .sign_in(move |p| seen.lock().unwrap().push(p))
        .await
        .unwrap();
    let (status, page, opened) = browser.await.unwrap();
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("You can close this window"), "{page}");
    assert_eq!(
        signed_in.sign_in.account.as_deref(),
        Some("helpdesk@contoso.test")
    );

    // The request: S256, a loopback redirect on a free port, a state.
    let url = url::Url::parse(&opened).unwrap();
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(url.path(), "/contoso.test/oauth2/v2.0/authorize");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43);
    assert!(q["redirect_uri"].starts_with("http://localhost:"));
    assert!(q["state"].len() >= 16);
    let shown = shown.lock().unwrap().clone();
    assert!(
        matches!(shown.as_slice(), [Progress::BrowserOpened { url: u, .. }] if *u == url.as_str()),
        "{shown:?}"
    );

    // Kept in the keychain: no token file at all.
    assert_eq!(
        signed_in.stored,
        StoredIn::Keychain("the test keychain".into())
    );
    assert_eq!(keychain.len(), 1);
    assert!(!cache.path().exists());
    assert!(!dir.path().join("tokens").exists());

    // The tokens work against Graph.
    let source = CachedTokenSource::new("p", endpoint(&running.login_url()), cache, system_clock());
    let client = GraphClient::new(
        ClientConfig::new(running.graph_url()).with_token_source(Arc::new(source)),
    )
    .unwrap();
    client.list_first(&ListQuery::default()).await.unwrap();
}

#[tokio::test]
async fn a_forged_state_is_refused_and_nothing_is_stored() {
    let running = sandbox_with(AuthOptions::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::for_profile(dir.path(), "p");
    let (login, mut urls) = login(&running.login_url(), cache.clone(), Flow::Browser);
    // A "browser" that swaps the state before coming back.
    let browser = tokio::spawn(async move {
        let url = urls.recv().await.unwrap();
        let answer = http_no_redirects().get(&url).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), 302);
        let location = answer.headers()["location"].to_str().unwrap().to_string();
        let mut back = url::Url::parse(&location).unwrap();
        let pairs: Vec<(String, String)> = back
            .query_pairs()
            .into_owned()
            .map(|(k, v)| {
                if k == "state" {
                    (k, "forged".into())
                } else {
                    (k, v)
                }
            })
            .collect();
        back.query_pairs_mut().clear().extend_pairs(pairs);
        let page = http().get(back).send().await.unwrap();
        (page.status().as_u16(), page.text().await.unwrap())
    });
    let err = login.sign_in(|_| {}).await.unwrap_err();
    let (status, page) = browser.await.unwrap();
    assert_eq!(err, AuthError::StateMismatch);
    let text = err.to_string();
    assert!(
        text.contains("did not belong to this sign-in") && text.contains("start the sign-in again"),
        "{text}"
    );
    assert_eq!(status, 400);
    assert!(page.contains("Nothing was signed in"), "{page}");
    assert_eq!(cache.load().unwrap(), None);
}

#[tokio::test]
async fn a_wrong_pkce_verifier_is_refused_by_the_service() {
    let running = sandbox_with(AuthOptions::default()).await;
    let e = endpoint(&running.login_url());
    let redirect = "http://localhost:5999";
    let url = e
        .authorize_url(redirect, "s", &challenge_of("the-right-verifier"), None)
        .unwrap();
    let answer = http_no_redirects().get(url).send().await.unwrap();
    let location = url::Url::parse(answer.headers()["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    let err = e
        .authorization_code(
            &Secret::new(code.clone()),
            &Secret::new("a-wrong-verifier"),
            redirect,
        )
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(&err, AuthError::Refused { code, .. } if code == "invalid_grant"),
        "{err:?}"
    );
    assert!(
        text.contains("AADSTS501481") && text.contains("start the sign-in again"),
        "{text}"
    );
    // The code is spent: not even the right verifier redeems it now.
    let again = e
        .authorization_code(
            &Secret::new(code),
            &Secret::new("the-right-verifier"),
            redirect,
        )
        .await;
    assert!(again.is_err());
}

#[tokio::test(start_paused = true)]
async fn a_browser_that_never_comes_back_times_out() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing is ever sent to this address: the wait ends first.
    let (mut login, _urls) = login(
        "http://127.0.0.1:9",
        TokenCache::for_profile(dir.path(), "p"),
        Flow::Browser,
    );
    login.browser_timeout = Duration::from_secs(120);
    let err = login.sign_in(|_| {}).await.unwrap_err();
    assert_eq!(err, AuthError::BrowserTimeout(120));
    let text = err.to_string();
    assert!(
        text.contains("no answer from the browser within 120 s") && text.contains("--device-code"),
        "{text}"
    );
}

#[tokio::test]
async fn with_device_code_blocked_the_browser_signs_in_and_the_device_code_says_why() {
    let running = sandbox_with(AuthOptions {
        refuse_device_code: true,
        ..AuthOptions::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (browser_login, urls) = login(
        &running.login_url(),
        TokenCache::for_profile(dir.path(), "b"),
        Flow::Browser,
    );
    let browser = browse(urls);
    browser_login.sign_in(|_| {}).await.unwrap();
    assert_eq!(browser.await.unwrap().0, 200);

    // No browser to open: the device code follows, and is blocked.
    let (mut no_browser, _) = login(
        &running.login_url(),
        TokenCache::for_profile(dir.path(), "d"),
        Flow::Browser,
    );
    no_browser.opener = Arc::new(|_: &str| Err("no display".to_string()));
    let shown = Arc::new(Mutex::new(Vec::new()));
    let seen = shown.clone();
    let err = no_browser
        .sign_in(move |p| seen.lock().unwrap().push(p))
        .await
        .unwrap_err();
    let shown = shown.lock().unwrap();
    assert!(
        matches!(
            shown.as_slice(),
            [Progress::BrowserUnavailable { why }, Progress::Code(_)] if why == "no display"
        ),
        "{shown:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("AADSTS53003")
            && text.contains("Conditional Access")
            && text.contains("auth = \"browser\""),
        "{text}"
    );
}

/// Graph answering the first request with a claims challenge, and a token
/// endpoint that records each request's form; `refuse` answers the
/// challenged refresh with `interaction_required`.
async fn challenging(
    refuse: bool,
) -> (
    String,
    Arc<Mutex<Vec<String>>>,
    Arc<Mutex<Vec<std::collections::HashMap<String, String>>>>,
    tokio::task::JoinHandle<()>,
) {
    use base64::Engine;
    let graph_seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let token_seen = Arc::new(Mutex::new(Vec::new()));
    let (g, t) = (graph_seen.clone(), token_seen.clone());
    let claims = base64::engine::general_purpose::STANDARD
        .encode(r#"{"access_token":{"acrs":{"essential":true,"value":"c1"}}}"#);
    let app = Router::new()
        .route(
            "/beta/deviceManagement/importedDeviceIdentities",
            axum::routing::get(move |headers: axum::http::HeaderMap| {
                let g = g.clone();
                let claims = claims.clone();
                async move {
                    let auth = headers["authorization"].to_str().unwrap().to_string();
                    let first = {
                        let mut seen = g.lock().unwrap();
                        seen.push(auth);
                        seen.len() == 1
                    };
                    if first {
                        let challenge = format!(
                            "Bearer realm=\"\", error=\"insufficient_claims\", claims=\"{claims}\""
                        );
                        (
                            StatusCode::UNAUTHORIZED,
                            [("www-authenticate", challenge)],
                            axum::Json(serde_json::json!({"error": {
                                "code": "InvalidAuthenticationToken",
                                "message": "Continuous access evaluation resulted in challenge"}})),
                        )
                            .into_response()
                    } else {
                        axum::Json(serde_json::json!({"value": []})).into_response()
                    }
                }
            }),
        )
        .route(
            "/{tenant}/oauth2/v2.0/token",
            post(
                move |axum::Form(form): axum::Form<std::collections::HashMap<String, String>>| {
                    let t = t.clone();
                    async move {
                        t.lock().unwrap().push(form);
                        if refuse {
                            (
                                StatusCode::BAD_REQUEST,
                                axum::Json(serde_json::json!({
                                    "error": "interaction_required",
                                    "error_description": "AADSTS50076: MFA required.",
                                })),
                            )
                                .into_response()
                        } else {
                            axum::Json(serde_json::json!({
                                "token_type": "Bearer", "expires_in": 3599,
                                "access_token": "at-with-claims", "refresh_token": "rt-2"
                            }))
                            .into_response()
                        }
                    }
                },
            ),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), graph_seen, token_seen, task)
}

#[tokio::test]
async fn a_claims_challenge_is_passed_on_the_next_token_request() {
    const CLAIMS: &str = r#"{"access_token":{"acrs":{"essential":true,"value":"c1"}}}"#;
    for refuse in [false, true] {
        let (root, graph_seen, token_seen, task) = challenging(refuse).await;
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::for_profile(dir.path(), "p");
        cache
            .save(&CachedSignIn {
                access_token: Secret::new("at-1"),
                refresh_token: Some(Secret::new("rt-1")),
                expires_at: system_clock()() + 3600,
                lifetime_secs: 3600,
                account: None,
                tenant: "contoso.test".into(),
            })
            .unwrap();
        let slot = enroll_console::auth::ClaimsSlot::default();
        let source = CachedTokenSource::new("p", endpoint(&root), cache.clone(), system_clock())
            .with_claims_slot(slot.clone());
        let client = GraphClient::new(
            ClientConfig::new(format!("{root}/beta")).with_token_source(Arc::new(source)),
        )
        .unwrap();
        let result = client.list_first(&ListQuery::default()).await;
        task.abort();

        // One token request, a refresh carrying the decoded claims.
        let forms = token_seen.lock().unwrap().clone();
        assert_eq!(forms.len(), 1, "{forms:?}");
        assert_eq!(forms[0]["grant_type"], "refresh_token");
        assert_eq!(forms[0]["claims"], CLAIMS);
        if refuse {
            // The refresh cannot satisfy it: sign in again, in the browser,
            // whose request then carries the challenge.
            let err = result.unwrap_err();
            assert!(err.is_auth(), "{err:?}");
            let text = err.user_message();
            assert!(
                text.contains("login") && text.contains("interaction_required"),
                "{text}"
            );
            assert_eq!(graph_seen.lock().unwrap().len(), 1);
            assert_eq!(slot.lock().unwrap().as_deref(), Some(CLAIMS));
            let url = endpoint(&root)
                .authorize_url(
                    "http://localhost:1",
                    "s",
                    "c",
                    slot.lock().unwrap().as_deref(),
                )
                .unwrap();
            assert!(url.query_pairs().any(|(k, v)| k == "claims" && v == CLAIMS));
        } else {
            result.unwrap();
            assert_eq!(
                *graph_seen.lock().unwrap(),
                vec!["Bearer at-1", "Bearer at-with-claims"]
            );
            assert_eq!(slot.lock().unwrap().as_deref(), None);
        }
    }
}
