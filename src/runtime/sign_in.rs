//! The sign-in work behind the Sign-in screen: the profile's flow (the
//! browser, or the device code it falls back to), reporting what to show
//! as soon as it is known, then waiting until the sign-in is stored.
//! Copying the code or URL goes through the session's clipboard.

use futures::future::BoxFuture;

use crate::app::{SignInCode, SignInMsg};
use crate::auth::{PersonLogin, Progress};

/// Takes what the running sign-in has to show (browser opened, no browser,
/// the code); called from the sign-in task.
pub type ProgressSink = Box<dyn Fn(SignInMsg) + Send + Sync>;

/// A finished sign-in: who, and where the tokens are kept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignInDone {
    pub account: Option<String>,
    /// One line saying where the tokens are kept.
    pub stored: Option<String>,
}

pub trait SignInService: Send + Sync + 'static {
    /// Runs the whole flow; user-facing text on failure.
    fn sign_in(&self, report: ProgressSink) -> BoxFuture<'_, Result<SignInDone, String>>;
}

fn progress_msg(progress: Progress) -> SignInMsg {
    match progress {
        Progress::BrowserOpened { url, timeout } => SignInMsg::BrowserOpened {
            url,
            timeout_secs: timeout.as_secs(),
        },
        Progress::BrowserUnavailable { why } => SignInMsg::BrowserUnavailable(why),
        Progress::Code(code) => SignInMsg::CodeReady(SignInCode {
            user_code: code.user_code,
            verification_uri: code.verification_uri,
            expires_in: code.expires_in,
        }),
    }
}

impl SignInService for PersonLogin {
    fn sign_in(&self, report: ProgressSink) -> BoxFuture<'_, Result<SignInDone, String>> {
        Box::pin(async move {
            let signed_in = PersonLogin::sign_in(self, |p| report(progress_msg(p)))
                .await
                .map_err(|e| e.to_string())?;
            Ok(SignInDone {
                account: signed_in.sign_in.account,
                stored: Some(signed_in.stored.notice()),
            })
        })
    }
}
