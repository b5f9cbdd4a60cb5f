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
    /// Another OAuth error (`invalid_grant`, `invalid_client`, …).
    #[error("the identity service refused: {code}{}", description.as_deref().map(|d| format!(" — {d}")).unwrap_or_default())]
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
