//! Exit codes (PRODUCT §2) and the failure a command ends with.

use std::process::ExitCode;

/// 0 ok, 1 some rows failed, 2 usage/config error, 3 auth error, 4 service/network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    RowsFailed = 1,
    Usage = 2,
    Auth = 3,
    Service = 4,
    /// Stopped by SIGHUP, SIGINT or SIGTERM after a clean save: 128 + the
    /// signal's number, as shells report a process a signal ended.
    Hangup = 129,
    Interrupted = 130,
    Terminated = 143,
}

impl Exit {
    /// The exit for a stop signal's number (`None` for any other).
    pub fn for_signal(number: i32) -> Option<Exit> {
        match number {
            1 => Some(Exit::Hangup),
            2 => Some(Exit::Interrupted),
            15 => Some(Exit::Terminated),
            _ => None,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// A command's failure: its exit code and one message for the user.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            exit: Exit::Usage,
            message: message.into(),
        }
    }
    pub fn auth(message: impl Into<String>) -> Self {
        Failure {
            exit: Exit::Auth,
            message: message.into(),
        }
    }
    /// Writing the output failed. A closed pipe (`list | head`) is how the
    /// reader says it has enough: exit 0 and say nothing, as `cat` does.
    pub fn write(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Failure {
                exit: Exit::Ok,
                message: String::new(),
            };
        }
        Failure::usage(format!("cannot write the output: {e}"))
    }
    pub fn service(message: impl Into<String>) -> Self {
        Failure {
            exit: Exit::Service,
            message: message.into(),
        }
    }
}

impl From<crate::graph::GraphError> for Failure {
    fn from(e: crate::graph::GraphError) -> Self {
        let exit = match e.status() {
            Some(401 | 403) => Exit::Auth,
            _ if e.is_auth() => Exit::Auth,
            _ => Exit::Service,
        };
        Failure {
            exit,
            message: e.user_message(),
        }
    }
}
