//! The browser sign-in (OAuth 2.0 authorization code flow with PKCE,
//! RFC 7636, on a loopback redirect, RFC 8252): the console listens on
//! `http://localhost:PORT`, the browser opens the authorize URL, the user
//! signs in there (where Conditional Access allows it), and the browser
//! comes back to the listener with a code, which the console exchanges,
//! with the PKCE verifier, for tokens.

use super::error::AuthError;
use super::login::{PersonLogin, SignedIn};
use super::loopback::Redirect;
use super::pkce::{Pkce, new_state};

/// A started browser sign-in: the URL to open, the listener waiting for
/// its answer, and the values that tie the answer to this request.
#[derive(Debug)]
pub struct BrowserRequest {
    url: url::Url,
    redirect: Redirect,
    redirect_uri: String,
    pkce: Pkce,
    state: String,
}

impl BrowserRequest {
    /// What the browser opens (and the user may open by hand).
    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    /// Where the browser brings the answer.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }
}

impl PersonLogin {
    /// Listens on a free loopback port and builds the authorize URL.
    pub async fn start_browser(&self) -> Result<BrowserRequest, AuthError> {
        let redirect = Redirect::bind().await?;
        let redirect_uri = redirect.uri();
        let pkce = Pkce::new();
        let state = new_state();
        let claims = self
            .claims
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let url = self.endpoint.authorize_url(
            &redirect_uri,
            &state,
            &pkce.challenge,
            claims.as_deref(),
        )?;
        Ok(BrowserRequest {
            url,
            redirect,
            redirect_uri,
            pkce,
            state,
        })
    }

    /// Waits (up to the timeout) for the browser's answer, checks its
    /// state, exchanges the code and stores the sign-in.
    pub async fn finish_browser(&self, request: BrowserRequest) -> Result<SignedIn, AuthError> {
        let BrowserRequest {
            redirect,
            redirect_uri,
            pkce,
            state,
            ..
        } = request;
        let code = tokio::time::timeout(self.browser_timeout, redirect.wait(&state))
            .await
            .map_err(|_| AuthError::BrowserTimeout(self.browser_timeout.as_secs()))??;
        let tokens = self
            .endpoint
            .authorization_code(&code, &pkce.verifier, &redirect_uri)
            .await?;
        // The challenge is met by this sign-in.
        self.claims
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        self.store(tokens)
    }
}
