//! Signing in to the Microsoft identity platform: the browser (authorization
//! code + PKCE on a loopback redirect) and the device code flow (RFC 8628)
//! for people, the client credentials grant with a certificate or a secret
//! for unattended runs, a bearer token from the environment, and the
//! per-profile token cache (the OS keychain, else a 0600 file).
//! Tokens and secrets never reach logs, error messages or the screen.

pub mod browser;
pub mod cache;
pub mod certificate;
pub mod claims;
pub mod device;
mod error;
pub mod explain;
pub mod keychain;
pub mod launch;
mod login;
pub mod loopback;
pub mod oauth;
pub mod pkce;
pub mod provider;
mod secret;

pub use browser::BrowserRequest;
pub use cache::{CachedSignIn, StoredIn, TokenCache};
pub use certificate::ClientCertificate;
pub use device::{DeviceCode, PollError, poll_for_token};
pub use error::AuthError;
pub use keychain::{KeychainError, MemoryKeychain, SecretStore, SystemKeychain};
pub use login::{BROWSER_TIMEOUT, Flow, PersonLogin, Progress, SignedIn};
pub use oauth::{LoginEndpoint, TokenSet};
pub use provider::{
    AppSignIn, CachedTokenSource, ClaimsSlot, Clock, build_login_endpoint, cached_sign_in,
    system_clock,
};
pub use secret::Secret;

/// The delegated permission the console asks for, on the Graph host of a cloud.
pub const PERMISSION: &str = "DeviceManagementServiceConfig.ReadWrite.All";

/// The device code scope: the permission on `graph_host`, plus `offline_access`
/// (which yields a refresh token).
pub fn delegated_scope(graph_host: &str) -> String {
    format!(
        "{}/{PERMISSION} offline_access",
        graph_host.trim_end_matches('/')
    )
}

/// The client credentials scope: every application permission granted on `graph_host`.
pub fn app_scope(graph_host: &str) -> String {
    format!("{}/.default", graph_host.trim_end_matches('/'))
}

/// What to tell someone with no valid sign-in for `profile`.
pub fn sign_in_hint(profile: &str) -> String {
    format!("not signed in to profile {profile:?}: run `enroll-console --profile {profile} login`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_names_the_permission_on_the_cloud_graph_host() {
        assert_eq!(
            delegated_scope("https://graph.microsoft.com"),
            "https://graph.microsoft.com/DeviceManagementServiceConfig.ReadWrite.All offline_access"
        );
        assert_eq!(
            delegated_scope("https://microsoftgraph.chinacloudapi.cn/"),
            "https://microsoftgraph.chinacloudapi.cn/DeviceManagementServiceConfig.ReadWrite.All offline_access"
        );
        assert_eq!(
            app_scope("https://graph.microsoft.us"),
            "https://graph.microsoft.us/.default"
        );
    }
}
