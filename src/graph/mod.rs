//! The Microsoft Graph client for imported device identities: requests,
//! typed errors, and the submit strategy (create, import, or auto).

mod actions;
pub mod client;
pub mod decode;
pub mod engine;
pub mod error;
pub mod limiter;
pub mod paging;
pub mod retry;
pub mod submit;
pub mod token;
pub(crate) mod transport;
pub(crate) mod urls;

pub use actions::{ListedPage, Pager};
pub use client::{BearerToken, ClientConfig, GraphClient, ListQuery, Sent};
pub use engine::{CallKind, Clock, Engine, WriteLimit};
pub use error::GraphError;
pub use retry::{RetryPolicy, Sleeper};
pub use submit::{
    CreateUnusable, ParseSubmitMethodError, SubmitMethod, SubmitOutcome, Submitter, UsedMethod,
    same_identifier,
};
pub use token::{StaticToken, TokenSource};
