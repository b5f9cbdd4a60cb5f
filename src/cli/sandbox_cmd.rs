//! `enroll-console sandbox`: the Graph emulator, standalone, until interrupted.

use std::io::Write;
use std::time::Duration;

use crate::sandbox::{
    self, AuthOptions, CreateRoute, Faults, SandboxOptions, Storage, write_limit_text,
};
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
            create_route: if args.create_route_missing {
                CreateRoute::NoRoute
            } else {
                args.create_route
            },
            import_route: args.import_error,
            next_link_cycle: args.next_link_cycle,
            retry_after_secs: args.retry_after,
            seed: args.seed,
        },
        page_size: args.page_size as usize,
        seed_identities: args.seed_identities,
        write_limit: args.write_limit.0,
        enroll_after: args.enroll_after.map(Duration::from_secs),
        page_actions: args.page_actions,
        clock: sandbox::Clock::system(),
    };
    let mut trusted_certificates = Vec::new();
    for path in &args.trust_certificate {
        let der = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|pem| crate::auth::certificate::certificate_der(&pem))
            .map_err(|e| Failure::usage(format!("--trust-certificate {}: {e}", path.display())))?;
        trusted_certificates.push(der);
    }
    let modes = format!(
        "Create route: {}. Write limit: {}. Enroll after: {}.",
        options.faults.create_route,
        write_limit_text(options.write_limit),
        args.enroll_after
            .map_or("off".to_string(), |s| format!("{s} s")),
    );
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
         profile's login_url)\nRequest counts at {}\n{modes}\n{trust} Ctrl-C stops it.",
        running.graph_url(),
        running.login_url(),
        running.stats_url()
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
