//! Decides what this run talks to — the embedded sandbox, a `--graph-url`,
//! or a configured profile — and builds the client for it.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::{
    AppSignIn, AuthError, CachedTokenSource, ClientCertificate, PersonLogin, SecretStore,
    SystemKeychain, build_login_endpoint, system_clock,
};
use crate::config::{AuthMethod, Config, Profile, SandboxSettings, TokenStoreChoice};
use crate::graph::{
    BearerToken, ClientConfig, GraphClient, GraphError, StaticToken, SubmitMethod, TokenSource,
    WriteLimit,
};
use crate::sandbox::{self, RunningSandbox, Storage};
use crate::session::{Paths, Target};

use super::args::GlobalArgs;
use super::exit::Failure;

/// The environment variable holding a bearer token (`--graph-url`, `auth = "token-env"`).
pub const TOKEN_ENV: &str = "ENROLL_CONSOLE_TOKEN";

/// The client secret variable when a client-secret profile names none.
pub const CLIENT_SECRET_ENV: &str = "ENROLL_CONSOLE_CLIENT_SECRET";

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A resolved connection; keeps the embedded sandbox alive while it lives.
pub struct Connection {
    pub target: Target,
    /// Keys remembered settings and Recent entries.
    pub profile: String,
    pub client: GraphClient,
    pub submit_method: SubmitMethod,
    pub sandbox: Option<RunningSandbox>,
    /// How to sign a person in again (browser and device-code profiles).
    pub person_login: Option<PersonLogin>,
}

impl Connection {
    pub async fn shutdown(self) {
        if let Some(sandbox) = self.sandbox {
            sandbox.shutdown().await;
        }
    }
}

fn token_from_env() -> Option<BearerToken> {
    std::env::var(TOKEN_ENV)
        .ok()
        .filter(|t| !t.trim().is_empty())
        .map(|t| BearerToken::new(t.trim()))
}

/// The one client of this run: every writer shares its write limiter.
fn client(
    base_url: String,
    token: Option<Arc<dyn TokenSource>>,
    write_limit: Option<WriteLimit>,
) -> Result<GraphClient, Failure> {
    let mut config = ClientConfig::new(base_url).with_timeout(REQUEST_TIMEOUT);
    config.token_source = token;
    if let Some(limit) = write_limit {
        config = config.with_write_limit(limit);
    }
    GraphClient::new(config).map_err(|e: GraphError| Failure::usage(e.user_message()))
}

fn fixed(token: BearerToken) -> Arc<dyn TokenSource> {
    Arc::new(StaticToken(token))
}

/// A sign-in problem as a command failure: bad settings and refused URLs
/// are usage errors (2), the rest sign-in errors (3).
pub fn auth_failure(e: AuthError) -> Failure {
    match e {
        AuthError::Config(_)
        | AuthError::Http(GraphError::InsecureUrl { .. })
        | AuthError::Http(GraphError::InvalidUrl { .. }) => Failure::usage(e.to_string()),
        AuthError::Http(_) => Failure::service(e.to_string()),
        _ => Failure::auth(e.to_string()),
    }
}

/// Where the config says sign-ins are kept: the OS keychain (falling back
/// to the file) or the file alone.
pub fn keychain_for(config: &Config) -> Option<Arc<dyn SecretStore>> {
    match config.token_store {
        TokenStoreChoice::Auto => Some(SystemKeychain::new()),
        TokenStoreChoice::File => None,
    }
}

/// The certificate credential of a client-certificate profile.
pub fn client_certificate(name: &str, profile: &Profile) -> Result<ClientCertificate, Failure> {
    let path = profile.certificate.as_deref().ok_or_else(|| {
        Failure::usage(format!(
            "profile {name:?} uses auth = \"client-certificate\" and needs certificate = \"PATH\" \
             (PEM; the key beside it or in private_key)"
        ))
    })?;
    ClientCertificate::open(
        path,
        profile.private_key.as_deref(),
        profile.certificate_password_env.as_deref(),
    )
    .map_err(auth_failure)
}

/// The token source of a profile and, for people, how to sign in again.
pub fn token_source(
    name: &str,
    profile: &Profile,
    paths: &Paths,
    keychain: Option<Arc<dyn SecretStore>>,
) -> Result<(Arc<dyn TokenSource>, Option<PersonLogin>), Failure> {
    match profile.auth {
        AuthMethod::TokenEnv => {
            let token = token_from_env().ok_or_else(|| {
                Failure::auth(format!(
                    "profile {name:?} uses auth = \"token-env\" but {TOKEN_ENV} is not set"
                ))
            })?;
            Ok((fixed(token), None))
        }
        AuthMethod::ClientSecret => {
            let endpoint = build_login_endpoint(name, profile).map_err(auth_failure)?;
            let var = profile
                .client_secret_env
                .as_deref()
                .unwrap_or(CLIENT_SECRET_ENV);
            let app = AppSignIn::from_env(endpoint, var, system_clock()).map_err(auth_failure)?;
            Ok((Arc::new(app), None))
        }
        AuthMethod::ClientCertificate => {
            let endpoint = build_login_endpoint(name, profile).map_err(auth_failure)?;
            let certificate = client_certificate(name, profile)?;
            let app = AppSignIn::with_certificate(endpoint, certificate, system_clock());
            Ok((Arc::new(app), None))
        }
        AuthMethod::Browser | AuthMethod::DeviceCode => {
            let login =
                PersonLogin::for_profile(name, profile, &paths.data_dir, system_clock(), keychain)
                    .map_err(auth_failure)?
                    .ok_or_else(|| Failure::usage("not a sign-in for a person"))?;
            let source = CachedTokenSource::new(
                name,
                login.endpoint.clone(),
                login.cache.clone(),
                system_clock(),
            )
            .with_claims_slot(login.claims.clone());
            Ok((Arc::new(source), Some(login)))
        }
    }
}

/// Resolves the target from the options and the config file.
pub async fn connect(global: &GlobalArgs, paths: &Paths) -> Result<Connection, Failure> {
    if let Some(url) = &global.graph_url {
        let token = token_from_env().ok_or_else(|| {
            Failure::auth(format!(
                "--graph-url needs a bearer token: set {TOKEN_ENV} (e.g. \
                 {TOKEN_ENV}=$(az account get-access-token --resource-type ms-graph \
                 --query accessToken -o tsv))"
            ))
        })?;
        // The profiles do not matter here; only the write limit is read.
        let limit = Config::load(&paths.config_file())
            .ok()
            .and_then(|c| c.write_limit);
        return Ok(Connection {
            target: Target::Tenant(url.clone()),
            profile: format!("url:{url}"),
            client: client(url.clone(), Some(fixed(token)), limit)?,
            submit_method: SubmitMethod::Auto,
            sandbox: None,
            person_login: None,
        });
    }
    let config_path = paths.config_file();
    let config = Config::load(&config_path).map_err(|e| Failure::usage(e.to_string()))?;
    let profile = if global.sandbox {
        None
    } else {
        config
            .profile(global.profile.as_deref(), &config_path)
            .map_err(|e| Failure::usage(e.to_string()))?
    };
    let Some((name, profile)) = profile else {
        return start_embedded_sandbox(paths, &config.sandbox, config.write_limit).await;
    };
    let (token, person_login) = token_source(&name, &profile, paths, keychain_for(&config))?;
    let label = profile.tenant.clone().unwrap_or_else(|| name.clone());
    Ok(Connection {
        target: Target::Tenant(label),
        client: client(profile.graph_base_url(), Some(token), config.write_limit)?,
        submit_method: profile.submit_method,
        profile: name,
        sandbox: None,
        person_login,
    })
}

async fn start_embedded_sandbox(
    paths: &Paths,
    settings: &SandboxSettings,
    write_limit: Option<WriteLimit>,
) -> Result<Connection, Failure> {
    let options = settings.options(Storage::File(paths.sandbox_file()));
    let running = sandbox::start(([127, 0, 0, 1], 0).into(), options)
        .await
        .map_err(|e| Failure::service(e.to_string()))?;
    Ok(Connection {
        target: Target::Sandbox,
        profile: "sandbox".into(),
        client: client(
            running.graph_url(),
            Some(fixed(BearerToken::new(sandbox::SANDBOX_TOKEN))),
            write_limit,
        )?,
        submit_method: SubmitMethod::Auto,
        sandbox: Some(running),
        person_login: None,
    })
}
