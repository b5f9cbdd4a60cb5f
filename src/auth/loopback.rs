//! The loopback redirect of the browser sign-in (RFC 8252 §7.3): a one-shot
//! HTTP listener on a free port of this computer, `http://localhost:PORT`,
//! that takes the browser's answer (code and state, or an error), checks the
//! state and shows a plain page saying the console can be closed.

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::error::AuthError;
use super::oauth::OAuthError;
use super::secret::Secret;
use crate::graph::transport::clean_text;

/// How long the page gets to reach the browser once the answer is in.
const LINGER: Duration = Duration::from_secs(2);

/// A bound listener waiting for the browser's answer.
pub struct Redirect {
    v4: TcpListener,
    /// The same port on `::1`, when this computer has IPv6 loopback
    /// (`localhost` may resolve to either).
    v6: Option<TcpListener>,
    port: u16,
}

impl std::fmt::Debug for Redirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redirect({})", self.uri())
    }
}

type Outcome = Result<Secret, AuthError>;

struct Listening {
    state: String,
    done: Mutex<Option<oneshot::Sender<Outcome>>>,
}

impl Redirect {
    /// Binds a free port on 127.0.0.1 (and `::1` when there is one).
    pub async fn bind() -> Result<Redirect, AuthError> {
        let v4 = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .map_err(|e| {
                AuthError::Unexpected(format!("cannot listen for the browser's answer: {e}"))
            })?;
        let port = v4
            .local_addr()
            .map_err(|e| AuthError::Unexpected(e.to_string()))?
            .port();
        let v6 = TcpListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, port)))
            .await
            .ok();
        Ok(Redirect { v4, v6, port })
    }

    /// The redirect URI the request names (registered as `http://localhost`;
    /// the identity platform allows any port on it).
    pub fn uri(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// Serves until the browser brings an answer: the code when its state is
    /// `state`, else what went wrong.
    pub async fn wait(self, state: &str) -> Result<Secret, AuthError> {
        let (tx, rx) = oneshot::channel();
        let listening = Arc::new(Listening {
            state: state.to_string(),
            done: Mutex::new(Some(tx)),
        });
        let router = Router::new().route("/", get(answer)).with_state(listening);
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let serve = |listener: TcpListener| {
            let router = router.clone();
            let mut stop = stop_rx.clone();
            tokio::spawn(async move {
                let _ = axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = stop.wait_for(|s| *s).await;
                    })
                    .await;
            })
        };
        let mut servers = vec![serve(self.v4)];
        if let Some(v6) = self.v6 {
            servers.push(serve(v6));
        }
        let mut guard = AbortOnDrop(servers);
        let outcome = rx.await.unwrap_or_else(|_| {
            Err(AuthError::Unexpected(
                "the redirect listener stopped".into(),
            ))
        });
        // Let the page reach the browser, then stop listening.
        let _ = stop_tx.send(true);
        let _ = tokio::time::timeout(LINGER, async {
            for server in &mut guard.0 {
                let _ = server.await;
            }
        })
        .await;
        outcome
    }
}

/// Stops the listeners however the wait ends (timeout, cancel).
struct AbortOnDrop(Vec<tokio::task::JoinHandle<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        for server in &self.0 {
            server.abort();
        }
    }
}

/// What the browser brought, before it is checked.
fn outcome_of(params: &HashMap<String, String>, state: &str) -> Option<Outcome> {
    if let Some(error) = params.get("error") {
        return Some(Err(OAuthError {
            code: clean_text(error, 80),
            description: params
                .get("error_description")
                .map(|d| clean_text(d.lines().next().unwrap_or(""), 300)),
        }
        .into()));
    }
    let code = params.get("code")?;
    if params.get("state").map(String::as_str) != Some(state) {
        return Some(Err(AuthError::StateMismatch));
    }
    if code.trim().is_empty() {
        return Some(Err(AuthError::Unexpected(
            "the browser brought an empty code".into(),
        )));
    }
    Some(Ok(Secret::new(code.clone())))
}

async fn answer(
    State(listening): State<Arc<Listening>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let Some(outcome) = outcome_of(&params, &listening.state) else {
        return (StatusCode::NOT_FOUND, "Not a sign-in answer.").into_response();
    };
    let Some(done) = listening
        .done
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
    else {
        return page(
            StatusCode::OK,
            "Already answered",
            "This sign-in has already been answered. You can close this window.",
        );
    };
    let response = match &outcome {
        Ok(_) => page(
            StatusCode::OK,
            "Signed in",
            "Signed in to enroll-console. You can close this window and go back to the console.",
        ),
        Err(e) => page(
            StatusCode::BAD_REQUEST,
            "Sign-in failed",
            &format!(
                "Sign-in failed: {e}. Nothing was signed in; go back to the console to try again."
            ),
        ),
    };
    let _ = done.send(outcome);
    response
}

/// A plain page, no scripts, no outside resources.
fn page(status: StatusCode, title: &str, text: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body><h1>{}</h1><p>{}</p></body></html>",
        html_escape(title),
        html_escape(title),
        html_escape(text)
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_answer_is_checked_against_the_state() {
        let ok = outcome_of(&params(&[("code", "c1"), ("state", "s1")]), "s1");
        assert_eq!(ok.unwrap().unwrap().expose(), "c1");
        let forged = outcome_of(&params(&[("code", "c1"), ("state", "other")]), "s1");
        assert_eq!(forged.unwrap().unwrap_err(), AuthError::StateMismatch);
        let missing = outcome_of(&params(&[("code", "c1")]), "s1");
        assert_eq!(missing.unwrap().unwrap_err(), AuthError::StateMismatch);
        assert!(outcome_of(&params(&[]), "s1").is_none(), "not an answer");
        let refused = outcome_of(
            &params(&[
                ("error", "access_denied"),
                ("error_description", "AADSTS65004: no"),
            ]),
            "s1",
        );
        assert_eq!(refused.unwrap().unwrap_err(), AuthError::AccessDenied);
    }

    #[test]
    fn the_page_escapes_what_it_shows() {
        assert_eq!(html_escape("<b>&\"</b>"), "&lt;b&gt;&amp;&quot;&lt;/b&gt;");
    }
}
