//! What can go wrong signing in, in words a helpdesk user can act on.

use std::path::PathBuf;

use crate::graph::GraphError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("sign-in was declined")]
    Declined,
    #[error("the sign-in code expired before it was used; start again")]
    Expired,
    #[error("the identity service did not recognise the sign-in code; start again")]
    BadVerificationCode,
    #[error("sign-in was denied")]
    AccessDenied,
    /// Another OAuth error (`invalid_grant`, `invalid_client`, …), with
    /// what to do when it is a known one (Conditional Access, consent…).
    #[error("{}", refused_text(code, description.as_deref()))]
    Refused {
        code: String,
        description: Option<String>,
    },
    /// The identity service answered something that is not OAuth.
    #[error("unexpected answer from the identity service: {0}")]
    Unexpected(String),
    /// The identity service could not be reached or the URL was refused.
    #[error("{}", .0.user_message())]
    Http(GraphError),
    #[error(
        "the token cache {path} can be read by other users (mode {mode:03o}); remove it with \
         `enroll-console logout` (or `chmod 600 {path}`) and sign in again"
    )]
    CacheReadableByOthers { path: PathBuf, mode: u32 },
    #[error("token cache {path}: {message}")]
    Cache { path: PathBuf, message: String },
    #[error("{0}")]
    NotSignedIn(String),
    #[error(
        "the client secret variable {0} is not set (auth = \"client-secret\" reads the secret from it)"
    )]
    MissingSecret(String),
    #[error("{0}")]
    Config(String),
    #[error(
        "the browser's answer did not belong to this sign-in (its state did not match), so \
         nothing was signed in; start the sign-in again"
    )]
    StateMismatch,
    #[error(
        "no answer from the browser within {0} s; start the sign-in again (or use a device code: \
         `enroll-console login --device-code`)"
    )]
    BrowserTimeout(u64),
    #[error("client certificate: {0}")]
    Certificate(String),
}

fn refused_text(code: &str, description: Option<&str>) -> String {
    let mut text = format!("the identity service refused: {code}");
    if let Some(d) = description {
        text.push_str(" — ");
        text.push_str(d);
    }
    if let Some(hint) = super::explain::hint(code, description) {
        text.push_str(". What to do: ");
        text.push_str(hint);
    }
    text
}

impl AuthError {
    /// As a Graph client error: sign-in problems stay sign-in problems,
    /// network failures stay network failures.
    pub fn into_graph(self) -> GraphError {
        match self {
            AuthError::Http(e) => e,
            other => GraphError::SignIn {
                message: other.to_string(),
            },
        }
    }
}
