//! Decides what this run talks to — the embedded sandbox, a `--graph-url`,
//! or a configured profile — and builds the client for it.

use std::time::Duration;

use crate::config::{AuthMethod, Config};
use crate::graph::{BearerToken, ClientConfig, GraphClient, GraphError, SubmitMethod};
use crate::sandbox::{self, RunningSandbox, SandboxOptions, Storage};
use crate::session::{Paths, Target};

use super::args::GlobalArgs;
use super::exit::Failure;

/// The environment variable holding a bearer token (`--graph-url`, `auth = "token-env"`).
pub const TOKEN_ENV: &str = "ENROLL_CONSOLE_TOKEN";

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A resolved connection; keeps the embedded sandbox alive while it lives.
pub struct Connection {
    pub target: Target,
    /// Keys remembered settings and Recent entries.
    pub profile: String,
    pub client: GraphClient,
    pub submit_method: SubmitMethod,
    pub sandbox: Option<RunningSandbox>,
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

fn client(base_url: String, token: Option<BearerToken>) -> Result<GraphClient, Failure> {
    GraphClient::new(ClientConfig {
        base_url,
        token,
        timeout: REQUEST_TIMEOUT,
    })
    .map_err(|e: GraphError| Failure::usage(e.user_message()))
}

/// Resolves the target from the options and the config file.
pub async fn connect(global: &GlobalArgs, paths: &Paths) -> Result<Connection, Failure> {
    if let Some(url) = &global.graph_url {
        return Ok(Connection {
            target: Target::Tenant(url.clone()),
            profile: format!("url:{url}"),
            client: client(url.clone(), token_from_env())?,
            submit_method: SubmitMethod::Auto,
            sandbox: None,
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
        return start_embedded_sandbox(paths).await;
    };
    let token = match profile.auth {
        AuthMethod::TokenEnv => token_from_env().ok_or_else(|| {
            Failure::auth(format!(
                "profile {name:?} uses auth = \"token-env\" but {TOKEN_ENV} is not set"
            ))
        })?,
        AuthMethod::DeviceCode | AuthMethod::ClientSecret => {
            return Err(Failure::auth(format!(
                "profile {name:?} needs interactive or client-secret sign-in, which this version \
                 cannot do yet: set auth = \"token-env\" and put a token in {TOKEN_ENV}, or run \
                 with --sandbox"
            )));
        }
    };
    let label = profile.tenant.clone().unwrap_or_else(|| name.clone());
    Ok(Connection {
        target: Target::Tenant(label),
        client: client(profile.graph_base_url(), Some(token))?,
        submit_method: profile.submit_method,
        profile: name,
        sandbox: None,
    })
}

async fn start_embedded_sandbox(paths: &Paths) -> Result<Connection, Failure> {
    let options = SandboxOptions {
        storage: Storage::File(paths.sandbox_file()),
        ..SandboxOptions::default()
    };
    let running = sandbox::start(([127, 0, 0, 1], 0).into(), options)
        .await
        .map_err(|e| Failure::service(e.to_string()))?;
    Ok(Connection {
        target: Target::Sandbox,
        profile: "sandbox".into(),
        client: client(
            running.graph_url(),
            Some(BearerToken::new(sandbox::SANDBOX_TOKEN)),
        )?,
        submit_method: SubmitMethod::Auto,
        sandbox: Some(running),
    })
}
