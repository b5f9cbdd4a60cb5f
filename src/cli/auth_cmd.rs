//! `enroll-console login`, `logout` and `whoami` for the selected profile.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::auth::{DeviceLogin, TokenCache, claims::Claims, sign_in_hint, system_clock};
use crate::config::{AuthMethod, Config, Profile};
use crate::sanitize::sanitize;
use crate::session::Paths;

use super::args::GlobalArgs;
use super::connect::{TOKEN_ENV, auth_failure};
use super::exit::{Exit, Failure};

/// The profile the command is about (`--profile`, else the default one).
fn selected_profile(global: &GlobalArgs, paths: &Paths) -> Result<(String, Profile), Failure> {
    if global.graph_url.is_some() || global.sandbox {
        return Err(Failure::usage(
            "sign-in belongs to a profile in config.toml; drop --graph-url/--sandbox and use --profile NAME",
        ));
    }
    let path = paths.config_file();
    let config = Config::load(&path).map_err(|e| Failure::usage(e.to_string()))?;
    config
        .profile(global.profile.as_deref(), &path)
        .map_err(|e| Failure::usage(e.to_string()))?
        .ok_or_else(|| {
            Failure::usage(format!(
                "no tenant profile is configured: add one to {} (or pass --profile NAME)",
                path.display()
            ))
        })
}

fn time_text(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| unix.to_string())
}

pub async fn login(global: &GlobalArgs, paths: &Paths) -> Result<Exit, Failure> {
    let (name, profile) = selected_profile(global, paths)?;
    let login = match profile.auth {
        AuthMethod::DeviceCode => {
            DeviceLogin::for_profile(&name, &profile, &paths.data_dir, system_clock())
                .map_err(auth_failure)?
        }
        AuthMethod::ClientSecret => None,
        AuthMethod::TokenEnv => None,
    };
    let Some(login) = login else {
        return Err(Failure::usage(format!(
            "profile {name:?} signs in without a person (auth = client-secret or token-env): \
             nothing to log in to"
        )));
    };
    let code = login.start().await.map_err(auth_failure)?;
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
    let signed_in = login.finish(&code).await.map_err(auth_failure)?;
    println!(
        "Signed in{} to tenant {} (profile {name}).",
        signed_in
            .account
            .as_deref()
            .map(|a| format!(" as {}", sanitize(a)))
            .unwrap_or_default(),
        sanitize(&signed_in.tenant)
    );
    Ok(Exit::Ok)
}

pub fn logout(global: &GlobalArgs, paths: &Paths) -> Result<Exit, Failure> {
    let (name, _) = selected_profile(global, paths)?;
    let cache = TokenCache::for_profile(&paths.data_dir, &name);
    if cache.delete().map_err(auth_failure)? {
        println!(
            "Signed out of profile {name} (removed {}).",
            cache.path().display()
        );
    } else {
        println!("Profile {name} was not signed in.");
    }
    Ok(Exit::Ok)
}

pub fn whoami(global: &GlobalArgs, paths: &Paths) -> Result<Exit, Failure> {
    let (name, profile) = selected_profile(global, paths)?;
    println!("Profile: {name}");
    match profile.auth {
        AuthMethod::DeviceCode => {
            let cache = TokenCache::for_profile(&paths.data_dir, &name);
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
            println!("Cache:   {}", cache.path().display());
        }
        AuthMethod::ClientSecret => {
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
