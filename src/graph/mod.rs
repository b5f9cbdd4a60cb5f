//! The Microsoft Graph client for imported device identities: requests,
//! typed errors, and the submit strategy (create, import, or auto).

pub mod client;
pub mod error;
pub mod submit;

pub use client::{BearerToken, ClientConfig, GraphClient, ListQuery, Sent};
pub use error::GraphError;
pub use submit::{SubmitMethod, SubmitOutcome, Submitter, UsedMethod};
