//! `enroll-console sandbox`: the Graph emulator, standalone, until interrupted.

use std::io::Write;
use std::time::Duration;

use crate::sandbox::{self, AuthOptions, Faults, SandboxOptions, Storage};
use crate::session::Paths;

use super::args::SandboxArgs;
use super::exit::{Exit, Failure};

pub async fn run(args: SandboxArgs, paths: &Paths) -> Result<Exit, Failure> {
    let storage = if args.in_memory {
        Storage::InMemory
    } else {
        Storage::File(paths.sandbox_file())
    };
    let options = SandboxOptions {
        storage,
        faults: Faults {
            latency_ms: args.latency_ms,
            fail_rate: args.fail_rate,
            throttle_rate: args.throttle_rate,
            drop_rate: args.drop_rate,
            create_route_missing: args.create_route_missing,
            retry_after_secs: args.retry_after,
            seed: args.seed,
        },
        page_size: args.page_size as usize,
        seed_identities: args.seed_identities,
    };
    let mut trusted_certificates = Vec::new();
    for path in &args.trust_certificate {
        let der = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|pem| crate::auth::certificate::certificate_der(&pem))
            .map_err(|e| Failure::usage(format!("--trust-certificate {}: {e}", path.display())))?;
        trusted_certificates.push(der);
    }
    let auth = AuthOptions {
        approve_after: args.approve_after,
        token_ttl: Duration::from_secs(args.token_ttl),
        require_auth: args.require_auth,
        refuse_device_code: args.refuse_device_code,
        authorize_delay: Duration::from_secs(args.authorize_delay),
        trusted_certificates,
        ..AuthOptions::default()
    };
    let running = sandbox::start_with_auth(([127, 0, 0, 1], args.port).into(), options, auth)
        .await
        .map_err(|e| Failure::service(e.to_string()))?;
    let trust = if args.require_auth {
        format!(
            "Only unexpired tokens issued here are accepted (they live {} s).",
            args.token_ttl
        )
    } else {
        "Any non-empty bearer token is accepted.".to_string()
    };
    // A closed stdout (a parent that stopped reading) must not stop the server.
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "Graph sandbox serving {}\nSign-in endpoints (authorize, device code, token) at {} (a \
         profile's login_url)\n{trust} Ctrl-C stops it.",
        running.graph_url(),
        running.login_url()
    );
    let _ = out.flush();
    wait_for_stop().await;
    running.shutdown().await;
    Ok(Exit::Ok)
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
