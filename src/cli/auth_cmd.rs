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

/// `--json`: one JSON object per line (the code to enter, then the result).
fn json_line(value: serde_json::Value) {
    let text = value.to_string();
    println!("{}", crate::sanitize::escape_json_controls(&text));
}

pub async fn login(global: &GlobalArgs, args: &LoginArgs, paths: &Paths) -> Result<Exit, Failure> {
    let (name, profile, keychain) = selected_profile(global, paths)?;
    if profile.auth.is_application() {
        return check_application(&name, &profile, args.json).await;
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
    let json = args.json;
    let signed_in = login
        .sign_in(|p| print_progress(p, json))
        .await
        .map_err(auth_failure)?;
    let notice = signed_in.stored.notice();
    if json {
        json_line(serde_json::json!({
            "signedIn": true,
            "profile": name,
            "account": signed_in.sign_in.account,
            "tenant": signed_in.sign_in.tenant,
            "tokenStore": notice,
        }));
        return Ok(Exit::Ok);
    }
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
    println!("{notice}");
    Ok(Exit::Ok)
}

/// What the running sign-in has to show: a line of JSON, or text.
fn print_progress(progress: Progress, json: bool) {
    match progress {
        Progress::BrowserOpened { url, timeout } if json => json_line(serde_json::json!({
            "browserOpened": true, "url": url, "timeoutSecs": timeout.as_secs(),
        })),
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
        Progress::BrowserUnavailable { why } if json => {
            json_line(serde_json::json!({ "browserOpened": false, "reason": why }));
        }
        Progress::BrowserUnavailable { why } => println!(
            "No browser could be opened ({}): signing in with a device code instead.",
            sanitize(&why)
        ),
        Progress::Code(code) if json => json_line(serde_json::json!({
            "userCode": code.user_code,
            "verificationUri": code.verification_uri,
            "message": code.message,
            "expiresIn": code.expires_in,
        })),
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
async fn check_application(name: &str, profile: &Profile, json: bool) -> Result<Exit, Failure> {
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
    let client_id = profile.client_id.as_deref().unwrap_or("?");
    let tenant = profile.tenant.as_deref().unwrap_or("?");
    if json {
        json_line(serde_json::json!({
            "signedIn": true, "profile": name, "application": client_id,
            "tenant": tenant, "credential": how,
        }));
        return Ok(Exit::Ok);
    }
    println!(
        "Signed in as application {} to tenant {} with {how} (profile {name}); \
         nothing is stored: each run signs in again.",
        sanitize(client_id),
        sanitize(tenant)
    );
    Ok(Exit::Ok)
}

pub fn logout(global: &GlobalArgs, json: bool, paths: &Paths) -> Result<Exit, Failure> {
    let (name, _, keychain) = selected_profile(global, paths)?;
    let cache = cache_of(&name, paths, keychain);
    let removed = cache.delete().map_err(auth_failure)?;
    if json {
        json_line(serde_json::json!({ "profile": name, "signedOut": removed }));
    } else if removed {
        println!(
            "Signed out of profile {name} (its sign-in is removed from the OS keychain and {}).",
            cache.path().display()
        );
    } else {
        println!("Profile {name} was not signed in.");
    }
    Ok(Exit::Ok)
}

/// What `whoami` reports: (JSON key, text label, value), in order.
type Facts = Vec<(&'static str, &'static str, String)>;

/// Prints the facts as `Label: value` lines, or as one JSON object.
fn print_facts(facts: &Facts, json: bool) -> Result<Exit, Failure> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        let object: serde_json::Map<String, serde_json::Value> = facts
            .iter()
            .map(|(key, _, value)| (key.to_string(), serde_json::Value::from(value.as_str())))
            .collect();
        let text =
            serde_json::to_string_pretty(&object).map_err(|e| Failure::usage(e.to_string()))?;
        writeln!(out, "{}", crate::sanitize::escape_json_controls(&text))
            .map_err(Failure::write)?;
    } else {
        for (_, label, value) in facts {
            writeln!(out, "{:<8} {}", format!("{label}:"), sanitize(value))
                .map_err(Failure::write)?;
        }
    }
    Ok(Exit::Ok)
}

/// `whoami` without a profile: the sandbox, or a Graph URL with a token
/// from the environment; `None` when a profile is what to report on.
fn whoami_without_profile(global: &GlobalArgs, paths: &Paths) -> Result<Option<Facts>, Failure> {
    if let Some(url) = &global.graph_url {
        let token = std::env::var(TOKEN_ENV).unwrap_or_default();
        let mut facts: Facts = vec![
            ("target", "Target", "graph-url".into()),
            ("graphUrl", "Graph", url.clone()),
        ];
        if token.trim().is_empty() {
            facts.push(("token", "Token", format!("{TOKEN_ENV} is not set")));
        } else {
            let claims = Claims::of(token.trim()).unwrap_or_default();
            facts.push(("token", "Token", format!("from {TOKEN_ENV}")));
            if let Some(account) = claims.account() {
                facts.push(("account", "Account", account));
            }
            if let Some(tid) = claims.tid {
                facts.push(("tenant", "Tenant", tid));
            }
            if let Some(exp) = claims.exp {
                facts.push(("expires", "Expires", time_text(exp)));
            }
        }
        return Ok(Some(facts));
    }
    let path = paths.config_file();
    let config = Config::load(&path).map_err(|e| Failure::usage(e.to_string()))?;
    let configured = config
        .profile(global.profile.as_deref(), &path)
        .map_err(|e| Failure::usage(e.to_string()))?
        .is_some();
    if global.sandbox || !configured {
        let why = if global.sandbox {
            "--sandbox".to_string()
        } else {
            format!("no tenant profile in {}", path.display())
        };
        return Ok(Some(vec![
            ("target", "Target", "sandbox".into()),
            (
                "account",
                "Account",
                "none needed: the embedded Graph sandbox on this computer, no real tenant".into(),
            ),
            ("reason", "Why", why),
        ]));
    }
    Ok(None)
}

pub fn whoami(global: &GlobalArgs, json: bool, paths: &Paths) -> Result<Exit, Failure> {
    if let Some(facts) = whoami_without_profile(global, paths)? {
        return print_facts(&facts, json);
    }
    let (name, profile, keychain) = selected_profile(global, paths)?;
    let mut facts: Facts = vec![
        ("target", "Target", "profile".into()),
        ("profile", "Profile", name.clone()),
    ];
    match profile.auth {
        AuthMethod::Browser | AuthMethod::DeviceCode => {
            let cache = cache_of(&name, paths, keychain);
            let signed_in = cache
                .load()
                .map_err(auth_failure)?
                .ok_or_else(|| Failure::auth(sign_in_hint(&name)))?;
            let now = OffsetDateTime::now_utc().unix_timestamp();
            let account = signed_in
                .account
                .as_deref()
                .unwrap_or("(not stated by the service)");
            facts.push(("account", "Account", account.to_string()));
            facts.push(("tenant", "Tenant", signed_in.tenant.clone()));
            let state = if signed_in.expires_at > now {
                "valid"
            } else if signed_in.refresh_token.is_some() {
                "expired; renewed on next use"
            } else {
                "expired"
            };
            facts.push((
                "expires",
                "Expires",
                format!("{} ({state})", time_text(signed_in.expires_at)),
            ));
            let kept = match cache.location().map_err(auth_failure)? {
                Some(StoredIn::Keychain(store)) => store,
                _ => format!("{} (readable only by you)", cache.path().display()),
            };
            facts.push(("store", "Kept in", kept));
        }
        AuthMethod::ClientCertificate | AuthMethod::ClientSecret => {
            facts.push((
                "account",
                "Account",
                format!(
                    "application {} (client credentials, nothing cached)",
                    profile.client_id.as_deref().unwrap_or("?")
                ),
            ));
            let tenant = profile.tenant.as_deref().unwrap_or("?");
            facts.push(("tenant", "Tenant", tenant.to_string()));
        }
        AuthMethod::TokenEnv => {
            let token = std::env::var(TOKEN_ENV).unwrap_or_default();
            if token.trim().is_empty() {
                return Err(Failure::auth(format!("{TOKEN_ENV} is not set")));
            }
            let claims = Claims::of(token.trim()).unwrap_or_default();
            let account = claims
                .account()
                .unwrap_or_else(|| "(not stated in the token)".into());
            facts.push((
                "account",
                "Account",
                format!("{account} (token from {TOKEN_ENV})"),
            ));
            let tenant = claims
                .tid
                .as_deref()
                .or(profile.tenant.as_deref())
                .unwrap_or("?");
            facts.push(("tenant", "Tenant", tenant.to_string()));
            if let Some(exp) = claims.exp {
                facts.push(("expires", "Expires", time_text(exp)));
            }
        }
    }
    print_facts(&facts, json)
}
