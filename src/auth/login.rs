//! Signing a person in for one profile, end to end: in the system browser
//! (see [`super::browser`]) or with a device code, then storing the tokens
//! in the profile's cache. The browser flow falls back to the device code
//! when no browser can be opened. Used by `enroll-console login` and the
//! TUI's Sign-in screen.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::cache::{CachedSignIn, StoredIn, TokenCache};
use super::device::{DeviceCode, poll_for_token};
use super::error::AuthError;
use super::keychain::SecretStore;
use super::launch::{Opener, system_opener};
use super::oauth::{LoginEndpoint, TokenSet};
use super::provider::{ClaimsSlot, Clock, build_login_endpoint, cached_sign_in};
use crate::config::{AuthMethod, Profile};
use crate::graph::Sleeper;

/// How long the browser sign-in waits for the answer by default.
pub const BROWSER_TIMEOUT: Duration = Duration::from_secs(300);

/// Which interactive flow a sign-in uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// The system browser, falling back to a device code when none opens.
    Browser,
    DeviceCode,
}

/// Everything needed to sign a person in for one profile.
#[derive(Clone)]
pub struct PersonLogin {
    pub profile: String,
    pub endpoint: LoginEndpoint,
    pub cache: TokenCache,
    pub clock: Clock,
    pub sleeper: Sleeper,
    pub flow: Flow,
    /// How long the browser flow waits for the browser's answer.
    pub browser_timeout: Duration,
    /// Opens the system browser (tests put their own).
    pub opener: Opener,
    /// A Conditional Access claims challenge the next browser sign-in passes on.
    pub claims: ClaimsSlot,
}

impl std::fmt::Debug for PersonLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonLogin")
            .field("profile", &self.profile)
            .field("flow", &self.flow)
            .finish_non_exhaustive()
    }
}

/// A stored sign-in and where it is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub sign_in: CachedSignIn,
    pub stored: StoredIn,
}

/// What a running sign-in has to show the user.
#[derive(Debug, Clone)]
pub enum Progress {
    /// The browser was asked to open this URL (to open by hand if it did not).
    BrowserOpened { url: String, timeout: Duration },
    /// No browser could be opened; a device code follows.
    BrowserUnavailable { why: String },
    /// The device code to enter, and where.
    Code(DeviceCode),
}

impl PersonLogin {
    /// The sign-in of a browser or device-code profile (`None` for the
    /// others), keeping tokens in `keychain` when given, else in the file.
    pub fn for_profile(
        name: &str,
        profile: &Profile,
        data_dir: &Path,
        clock: Clock,
        keychain: Option<Arc<dyn SecretStore>>,
    ) -> Result<Option<PersonLogin>, AuthError> {
        let flow = match profile.auth {
            AuthMethod::Browser => Flow::Browser,
            AuthMethod::DeviceCode => Flow::DeviceCode,
            _ => return Ok(None),
        };
        let mut cache = TokenCache::for_profile(data_dir, name);
        if let Some(keychain) = keychain {
            cache = cache.with_keychain(keychain);
        }
        Ok(Some(PersonLogin {
            profile: name.to_string(),
            endpoint: build_login_endpoint(name, profile)?,
            cache,
            clock,
            sleeper: Sleeper::tokio(),
            flow,
            browser_timeout: profile
                .browser_timeout_secs
                .map(Duration::from_secs)
                .unwrap_or(BROWSER_TIMEOUT),
            opener: system_opener(),
            claims: ClaimsSlot::default(),
        }))
    }

    /// Runs the profile's flow, telling `report` what to show.
    pub async fn sign_in(&self, report: impl Fn(Progress)) -> Result<SignedIn, AuthError> {
        if self.flow == Flow::Browser {
            let request = self.start_browser().await?;
            let url = request.url().to_string();
            let opener = self.opener.clone();
            let opened = tokio::task::spawn_blocking(move || opener(&url))
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
            match opened {
                Ok(()) => {
                    report(Progress::BrowserOpened {
                        url: request.url().to_string(),
                        timeout: self.browser_timeout,
                    });
                    return self.finish_browser(request).await;
                }
                Err(why) => {
                    tracing::info!(profile = %self.profile, "no browser ({why}); using a device code");
                    report(Progress::BrowserUnavailable { why });
                }
            }
        }
        let code = self.start().await?;
        report(Progress::Code(code.clone()));
        self.finish(&code).await
    }

    /// Device code step 1: a code for the user to enter.
    pub async fn start(&self) -> Result<DeviceCode, AuthError> {
        self.endpoint.request_device_code().await
    }

    /// Device code step 2: polls until approved and stores the sign-in.
    pub async fn finish(&self, code: &DeviceCode) -> Result<SignedIn, AuthError> {
        let tokens = poll_for_token(&self.endpoint, code, &self.sleeper).await?;
        self.store(tokens)
    }

    /// Keeps fresh tokens in the cache.
    pub(super) fn store(&self, tokens: TokenSet) -> Result<SignedIn, AuthError> {
        let sign_in = cached_sign_in(tokens, &self.endpoint.tenant, None, (self.clock)());
        let stored = self.cache.save(&sign_in)?;
        tracing::info!(profile = %self.profile, "signed in");
        Ok(SignedIn { sign_in, stored })
    }
}
