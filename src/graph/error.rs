//! STUB — to be implemented. The variant set may grow; `user_message` is the contract.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GraphError {
    #[error("{message}")]
    Service {
        status: u16,
        code: String,
        message: String,
        request_id: Option<String>,
        client_request_id: String,
        retry_after_secs: Option<u64>,
    },
}

impl GraphError {
    /// One line for the status bar / Detail: the service's human message, the
    /// HTTP status and the request id for support.
    pub fn user_message(&self) -> String {
        todo!()
    }
}
