//! `enroll-console login`, `logout` and `whoami` for the selected profile.

use std::sync::Arc;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::auth::{
    AppSignIn, Flow, PersonLogin, Progress, SecretStore, StoredIn, TokenCache,
    build_login_endpoint, claims::Claims, sign_in_hint, system_clock,
};
use crate::config::{AuthMethod, Config, Profile};
use crate::sanitize::sanitize;
use crate::session::Paths;

use super::args::{GlobalArgs, LoginArgs};
use super::connect::{
    CLIENT_SECRET_ENV, TOKEN_ENV, auth_failure, client_certificate, keychain_for,
};
use super::exit::{Exit, Failure};

/// A profile's name, settings and the keychain its sign-in may be kept in.
type Selected = (String, Profile, Option<Arc<dyn SecretStore>>);

/// The profile the command is about (`--profile`, else the default one).
fn selected_profile(global: &GlobalArgs, paths: &Paths) -> Result<Selected, Failure> {
    if global.graph_url.is_some() || global.sandbox {
        return Err(Failure::usage(
            "sign-in belongs to a profile in config.toml; drop --graph-url/--sandbox and use --profile NAME",
        ));
    }
    let path = paths.config_file();
    let config = Config::load(&path).map_err(|e| Failure::usage(e.to_string()))?;
    let (name, profile) = config
        .profile(global.profile.as_deref(), &path)
        .map_err(|e| Failure::usage(e.to_string()))?
        .ok_or_else(|| {
            Failure::usage(format!(
                "no tenant profile is configured: add one to {} (or pass --profile NAME)",
                path.display()
            ))
        })?;
    Ok((name, profile, keychain_for(&config)))
}

/// The token cache of a person's profile, as the console uses it.
fn cache_of(name: &str, paths: &Paths, keychain: Option<Arc<dyn SecretStore>>) -> TokenCache {
    let cache = TokenCache::for_profile(&paths.data_dir, name);
    match keychain {
        Some(k) => cache.with_keychain(k),
        None => cache,
    }
}

fn time_text(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| unix.to_string())
}

pub async fn login(global: &GlobalArgs, args: &LoginArgs, paths: &Paths) -> Result<Exit, Failure> {
    let (name, profile, keychain) = selected_profile(global, paths)?;
    if profile.auth.is_application() {
        return check_application(&name, &profile).await;
    }
    let login =
        PersonLogin::for_profile(&name, &profile, &paths.data_dir, system_clock(), keychain)
            .map_err(auth_failure)?;
    let Some(mut login) = login else {
        return Err(Failure::usage(format!(
            "profile {name:?} uses a token from {TOKEN_ENV} (auth = \"token-env\"): nothing to log in to"
        )));
    };
    if args.device_code {
        login.flow = Flow::DeviceCode;
    }
    let signed_in = login.sign_in(print_progress).await.map_err(auth_failure)?;
    println!(
        "Signed in{} to tenant {} (profile {name}).",
        signed_in
            .sign_in
            .account
            .as_deref()
            .map(|a| format!(" as {}", sanitize(a)))
            .unwrap_or_default(),
        sanitize(&signed_in.sign_in.tenant)
    );
    println!("{}", signed_in.stored.notice());
    Ok(Exit::Ok)
}

fn print_progress(progress: Progress) {
    match progress {
        Progress::BrowserOpened { url, timeout } => {
            println!("Sign in with the browser window that opened.");
            println!(
                "If none appeared, open this URL on this computer:\n{}",
                sanitize(&url)
            );
            println!(
                "Waiting for the browser (up to {} min)…",
                timeout.as_secs().div_ceil(60)
            );
        }
        Progress::BrowserUnavailable { why } => {
            println!(
                "No browser could be opened ({}): signing in with a device code instead.",
                sanitize(&why)
            );
        }
        Progress::Code(code) => {
            println!("{}", sanitize(&code.message));
            println!(
                "Code: {}   URL: {}",
                sanitize(&code.user_code),
                sanitize(&code.verification_uri)
            );
            println!(
                "Waiting for approval (the code expires in {} min)…",
                code.expires_in.div_ceil(60)
            );
        }
    }
}

/// `login` for an application: gets a token once, to show the
/// certificate or secret works (nothing is stored).
async fn check_application(name: &str, profile: &Profile) -> Result<Exit, Failure> {
    let endpoint = build_login_endpoint(name, profile).map_err(auth_failure)?;
    let (app, how) = if profile.auth == AuthMethod::ClientCertificate {
        let certificate = client_certificate(name, profile)?;
        let how = format!("certificate {}", certificate.thumbprint());
        (
            AppSignIn::with_certificate(endpoint, certificate, system_clock()),
            how,
        )
    } else {
        let var = profile
            .client_secret_env
            .as_deref()
            .unwrap_or(CLIENT_SECRET_ENV);
        let app = AppSignIn::from_env(endpoint, var, system_clock()).map_err(auth_failure)?;
        (app, format!("the client secret in {var}"))
    };
    app.check().await.map_err(auth_failure)?;
    println!(
        "Signed in as application {} to tenant {} with {how} (profile {name}); \
         nothing is stored: each run signs in again.",
        sanitize(profile.client_id.as_deref().unwrap_or("?")),
        sanitize(profile.tenant.as_deref().unwrap_or("?"))
    );
    Ok(Exit::Ok)
}

pub fn logout(global: &GlobalArgs, paths: &Paths) -> Result<Exit, Failure> {
    let (name, _, keychain) = selected_profile(global, paths)?;
    let cache = cache_of(&name, paths, keychain);
    if cache.delete().map_err(auth_failure)? {
        println!(
            "Signed out of profile {name} (removed its sign-in from the OS keychain and {}).",
            cache.path().display()
        );
    } else {
        println!("Profile {name} was not signed in.");
    }
    Ok(Exit::Ok)
}

pub fn whoami(global: &GlobalArgs, paths: &Paths) -> Result<Exit, Failure> {
    let (name, profile, keychain) = selected_profile(global, paths)?;
    println!("Profile: {name}");
    match profile.auth {
        AuthMethod::Browser | AuthMethod::DeviceCode => {
            let cache = cache_of(&name, paths, keychain);
            let signed_in = cache
                .load()
                .map_err(auth_failure)?
                .ok_or_else(|| Failure::auth(sign_in_hint(&name)))?;
            let now = OffsetDateTime::now_utc().unix_timestamp();
            println!(
                "Account: {}",
                sanitize(
                    signed_in
                        .account
                        .as_deref()
                        .unwrap_or("(not stated by the service)")
                )
            );
            println!("Tenant:  {}", sanitize(&signed_in.tenant));
            let state = if signed_in.expires_at > now {
                "valid".to_string()
            } else if signed_in.refresh_token.is_some() {
                "expired; renewed on next use".to_string()
            } else {
                "expired".to_string()
            };
            println!("Expires: {} ({state})", time_text(signed_in.expires_at));
            let kept = match cache.location().map_err(auth_failure)? {
                Some(StoredIn::Keychain(name)) => name,
                _ => format!("{} (readable only by you)", cache.path().display()),
            };
            println!("Kept in: {kept}");
        }
        AuthMethod::ClientCertificate | AuthMethod::ClientSecret => {
            println!(
                "Account: application {} (client credentials, nothing cached)",
                sanitize(profile.client_id.as_deref().unwrap_or("?"))
            );
            println!(
                "Tenant:  {}",
                sanitize(profile.tenant.as_deref().unwrap_or("?"))
            );
        }
        AuthMethod::TokenEnv => {
            let token = std::env::var(TOKEN_ENV).unwrap_or_default();
            if token.trim().is_empty() {
                return Err(Failure::auth(format!("{TOKEN_ENV} is not set")));
            }
            let claims = Claims::of(token.trim()).unwrap_or_default();
            println!(
                "Account: {} (token from {TOKEN_ENV})",
                sanitize(
                    &claims
                        .account()
                        .unwrap_or_else(|| "(not stated in the token)".into())
                )
            );
            println!(
                "Tenant:  {}",
                sanitize(
                    claims
                        .tid
                        .as_deref()
                        .or(profile.tenant.as_deref())
                        .unwrap_or("?")
                )
            );
            if let Some(exp) = claims.exp {
                println!("Expires: {}", time_text(exp));
            }
        }
    }
    Ok(Exit::Ok)
}
