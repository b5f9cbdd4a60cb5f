//! The sign-in work behind the Sign-in screen: the device code flow of the
//! profile (code reported as soon as it is known, then polling until the
//! sign-in is stored). Copying the code goes through the session's clipboard.

use futures::future::BoxFuture;

use crate::app::SignInCode;
use crate::auth::DeviceLogin;

/// Reports the code once the identity service has given it.
pub type CodeSink = Box<dyn FnOnce(SignInCode) + Send>;

pub trait SignInService: Send + Sync + 'static {
    /// Runs the whole flow; the account on success, user-facing text on failure.
    fn sign_in(&self, on_code: CodeSink) -> BoxFuture<'_, Result<Option<String>, String>>;
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
}
