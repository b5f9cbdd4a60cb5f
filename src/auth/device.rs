//! The device code flow (RFC 8628, Microsoft identity platform v2): show the
//! code, then poll the token endpoint at the service's interval until the
//! user approves, declines, or the code expires. Waiting goes through a
//! [`Sleeper`] so tests do not wait for real.

use std::time::Duration;

use serde::Deserialize;

use super::error::AuthError;
use super::oauth::{LoginEndpoint, OAuthError, PollAnswer, TokenSet};
use super::secret::Secret;
use crate::graph::Sleeper;
use crate::graph::transport::clean_text;

/// RFC 8628 §3.5: `slow_down` adds this to the interval, for good.
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// The interval when the service names none (RFC 8628 §3.2).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// The answer of the `devicecode` endpoint, as the user needs it.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceCode {
    pub device_code: Secret,
    pub user_code: String,
    pub verification_uri: String,
    /// Seconds the code stays valid.
    pub expires_in: u64,
    pub interval: Duration,
    /// The service's own instructions (code and URL).
    pub message: String,
}

impl std::fmt::Debug for DeviceCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceCode")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Body {
    device_code: Secret,
    user_code: String,
    verification_uri: String,
    expires_in: Option<u64>,
    interval: Option<u64>,
    message: Option<String>,
}

impl DeviceCode {
    pub(crate) fn from_json(json: serde_json::Value) -> Result<DeviceCode, AuthError> {
        let body: Body = serde_json::from_value(json)
            .map_err(|e| AuthError::Unexpected(format!("not a device code answer ({e})")))?;
        let user_code = clean_text(&body.user_code, 40);
        let verification_uri = clean_text(&body.verification_uri, 200);
        if body.device_code.is_empty() || user_code.is_empty() || verification_uri.is_empty() {
            return Err(AuthError::Unexpected(
                "the device code answer is missing the code or URL".into(),
            ));
        }
        let message = body
            .message
            .map(|m| clean_text(&m, 400))
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| {
                format!("To sign in, open {verification_uri} and enter the code {user_code}.")
            });
        Ok(DeviceCode {
            device_code: body.device_code,
            user_code,
            verification_uri,
            expires_in: body.expires_in.unwrap_or(900),
            interval: body
                .interval
                .filter(|i| *i > 0)
                .map(Duration::from_secs)
                .unwrap_or(DEFAULT_INTERVAL),
            message,
        })
    }
}

/// What a polling error means for the loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollError {
    /// Keep polling at this (possibly longer) interval.
    KeepPolling(Duration),
    /// Stop: the flow failed.
    Stop(AuthError),
}

/// The next step after the token endpoint answered `error` while polling
/// at `interval`.
pub fn after_poll_error(error: OAuthError, interval: Duration) -> PollError {
    match error.code.as_str() {
        "authorization_pending" => PollError::KeepPolling(interval),
        "slow_down" => PollError::KeepPolling(interval + SLOW_DOWN_STEP),
        // The token endpoint's "retry after a delay": the code is still good.
        "temporarily_unavailable" => PollError::KeepPolling(interval + SLOW_DOWN_STEP),
        _ => PollError::Stop(error.into()),
    }
}

/// Polls until the user approves (tokens), or the flow fails. The code's
/// lifetime is counted in the waits made, so a fake sleeper keeps it exact.
pub async fn poll_for_token(
    endpoint: &LoginEndpoint,
    code: &DeviceCode,
    sleeper: &Sleeper,
) -> Result<TokenSet, AuthError> {
    let lifetime = Duration::from_secs(code.expires_in);
    let mut interval = code.interval;
    let mut waited = Duration::ZERO;
    loop {
        if waited >= lifetime {
            return Err(AuthError::Expired);
        }
        sleeper.sleep(interval).await;
        waited += interval;
        match endpoint.poll_device_code(&code.device_code).await {
            Ok(tokens) => return Ok(tokens),
            Err(PollAnswer::Failed(e)) => return Err(e),
            Err(PollAnswer::OAuth(e)) => match after_poll_error(e, interval) {
                PollError::KeepPolling(next) => {
                    if next != interval {
                        tracing::debug!(
                            interval_secs = next.as_secs(),
                            "identity service asked to slow down"
                        );
                    }
                    interval = next;
                }
                PollError::Stop(e) => return Err(e),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: &str) -> OAuthError {
        OAuthError {
            code: code.into(),
            description: None,
        }
    }

    #[test]
    fn every_polling_error_has_its_step() {
        let i = Duration::from_secs(5);
        assert_eq!(
            after_poll_error(err("authorization_pending"), i),
            PollError::KeepPolling(i)
        );
        assert_eq!(
            after_poll_error(err("slow_down"), i),
            PollError::KeepPolling(Duration::from_secs(10))
        );
        assert_eq!(
            after_poll_error(err("temporarily_unavailable"), i),
            PollError::KeepPolling(Duration::from_secs(10))
        );
        for (code, expected) in [
            ("authorization_declined", AuthError::Declined),
            ("expired_token", AuthError::Expired),
            ("bad_verification_code", AuthError::BadVerificationCode),
            ("access_denied", AuthError::AccessDenied),
        ] {
            assert_eq!(
                after_poll_error(err(code), i),
                PollError::Stop(expected),
                "{code}"
            );
        }
        assert!(matches!(
            after_poll_error(err("invalid_grant"), i),
            PollError::Stop(AuthError::Refused { .. })
        ));
    }

    #[test]
    fn the_observed_device_code_answer_is_read() {
        let json = serde_json::json!({
            "user_code": "YZMYLD4K",
            "device_code": "HAQABAAEAAAD--DLA3VO7Qrdd",
            "verification_uri": "https://www.microsoft.com/link",
            "expires_in": 900,
            "interval": 5,
            "message": "To sign in, use a web browser to open the page https://www.microsoft.com/link and enter the code YZMYLD4K to authenticate."
        });
        let code = DeviceCode::from_json(json).unwrap();
        assert_eq!(code.user_code, "YZMYLD4K");
        assert_eq!(code.interval, Duration::from_secs(5));
        assert!(code.message.contains("YZMYLD4K"));
        assert!(!format!("{code:?}").contains("HAQAB"));

        let hostile = serde_json::json!({
            "user_code": "AB\u{1b}[2JCD", "device_code": "d",
            "verification_uri": "https://x.test/\u{7}", "expires_in": 60
        });
        let code = DeviceCode::from_json(hostile).unwrap();
        assert!(!code.user_code.contains('\u{1b}') && !code.verification_uri.contains('\u{7}'));
        assert_eq!(code.interval, DEFAULT_INTERVAL);
    }
}
