//! The Microsoft Graph client for imported device identities: requests,
//! typed errors, and the submit strategy (create, import, or auto).

pub mod client;
pub mod decode;
pub mod error;
pub mod retry;
pub mod submit;
mod transport;
mod urls;

pub use client::{BearerToken, ClientConfig, GraphClient, ListQuery, Sent};
pub use error::GraphError;
pub use retry::{RetryPolicy, Sleeper};
pub use submit::{
    ParseSubmitMethodError, SubmitMethod, SubmitOutcome, Submitter, UsedMethod, same_identifier,
};
