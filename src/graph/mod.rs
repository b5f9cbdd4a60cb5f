//! The Microsoft Graph client for imported device identities: requests,
//! typed errors, and the submit strategy (create, import, or auto).

pub mod client;
pub mod decode;
pub mod error;
pub mod retry;
pub mod submit;
pub mod token;
pub(crate) mod transport;
pub(crate) mod urls;

pub use client::{BearerToken, ClientConfig, GraphClient, ListQuery, Sent};
pub use error::GraphError;
pub use retry::{RetryPolicy, Sleeper};
pub use submit::{
    ParseSubmitMethodError, SubmitMethod, SubmitOutcome, Submitter, UsedMethod, same_identifier,
};
pub use token::{StaticToken, TokenSource};
