//! The sign-in work behind the Sign-in screen: the device code flow of the
//! profile (code reported as soon as it is known, then polling until the
//! sign-in is stored), and copying the code to the clipboard with OSC 52.

use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures::future::BoxFuture;

use crate::app::SignInCode;
use crate::auth::DeviceLogin;

/// Reports the code once the identity service has given it.
pub type CodeSink = Box<dyn FnOnce(SignInCode) + Send>;

pub trait SignInService: Send + Sync + 'static {
    /// Runs the whole flow; the account on success, user-facing text on failure.
    fn sign_in(&self, on_code: CodeSink) -> BoxFuture<'_, Result<Option<String>, String>>;

    /// Puts `text` on the clipboard of the terminal.
    fn copy(&self, text: &str);
}

/// The OSC 52 sequence that asks the terminal to set its clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", STANDARD.encode(text))
}

impl SignInService for DeviceLogin {
    fn sign_in(&self, on_code: CodeSink) -> BoxFuture<'_, Result<Option<String>, String>> {
        Box::pin(async move {
            let code = self.start().await.map_err(|e| e.to_string())?;
            on_code(SignInCode {
                user_code: code.user_code.clone(),
                verification_uri: code.verification_uri.clone(),
                expires_in: code.expires_in,
            });
            let signed_in = self.finish(&code).await.map_err(|e| e.to_string())?;
            Ok(signed_in.account)
        })
    }

    fn copy(&self, text: &str) {
        let mut out = std::io::stdout();
        let _ = out.write_all(osc52(text).as_bytes());
        let _ = out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_carries_the_text_in_base64() {
        assert_eq!(osc52("AB12"), "\x1b]52;c;QUIxMg==\x07");
    }
}
