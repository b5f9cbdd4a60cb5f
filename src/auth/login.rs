//! The device code sign-in of one profile, end to end: ask for a code,
//! poll until approved, store the tokens in the profile's cache. Used by
//! `enroll-console login` and the TUI's Sign-in screen.

use std::path::Path;

use super::cache::{CachedSignIn, TokenCache};
use super::device::{DeviceCode, poll_for_token};
use super::error::AuthError;
use super::oauth::LoginEndpoint;
use super::provider::{Clock, build_login_endpoint, cached_sign_in};
use crate::config::{AuthMethod, Profile};
use crate::graph::Sleeper;

/// Everything needed to sign a person in for one profile.
#[derive(Clone)]
pub struct DeviceLogin {
    pub profile: String,
    pub endpoint: LoginEndpoint,
    pub cache: TokenCache,
    pub clock: Clock,
    pub sleeper: Sleeper,
}

impl std::fmt::Debug for DeviceLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceLogin")
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

impl DeviceLogin {
    /// The sign-in of a device-code profile (`None` for other auth methods).
    pub fn for_profile(
        name: &str,
        profile: &Profile,
        data_dir: &Path,
        clock: Clock,
    ) -> Result<Option<DeviceLogin>, AuthError> {
        if profile.auth != AuthMethod::DeviceCode {
            return Ok(None);
        }
        Ok(Some(DeviceLogin {
            profile: name.to_string(),
            endpoint: build_login_endpoint(name, profile)?,
            cache: TokenCache::for_profile(data_dir, name),
            clock,
            sleeper: Sleeper::tokio(),
        }))
    }

    /// Step 1: a code for the user to enter.
    pub async fn start(&self) -> Result<DeviceCode, AuthError> {
        self.endpoint.request_device_code().await
    }

    /// Step 2: polls until approved and stores the sign-in.
    pub async fn finish(&self, code: &DeviceCode) -> Result<CachedSignIn, AuthError> {
        let tokens = poll_for_token(&self.endpoint, code, &self.sleeper).await?;
        let signed_in = cached_sign_in(tokens, &self.endpoint.tenant, None, (self.clock)());
        self.cache.save(&signed_in)?;
        tracing::info!(profile = %self.profile, "signed in");
        Ok(signed_in)
    }
}
