//! The command line: global options and subcommands.

use clap::{Args, Parser, Subcommand};

use crate::sandbox::{
    CreateRoute, DEFAULT_CREATE_ROUTE, DEFAULT_PAGE_ACTIONS, ImportRoute, NextLinkCycle,
    WriteLimit, parse_write_limit, write_limit_text,
};

#[derive(Debug, Parser)]
#[command(
    name = "enroll-console",
    version = crate::build_info::long_version(),
    about = "Register Intune corporate device identifiers (IMEI, serial, Windows manufacturer/model/serial)",
    long_about = "Register Intune corporate device identifiers (IMEI, serial number, Windows \
manufacturer,model,serial) and see at once what Intune made of each one.\n\n\
With no tenant profile configured, the console runs against an embedded Graph sandbox on \
127.0.0.1: no account is needed.",
    after_long_help = super::help_text::after_long_help()
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The options of the console itself (given before any subcommand). Each
/// subcommand takes only the ones that apply to it ([`TargetArgs`],
/// [`OfflineArg`], [`SubmitMethodArg`]); [`GlobalArgs::with`] merges them.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Use the embedded sandbox even when a tenant profile is configured.
    #[arg(long, conflicts_with = "graph_url")]
    pub sandbox: bool,
    /// Talk to this Graph root (e.g. https://graph.microsoft.com/beta); the bearer token comes
    /// from ENROLL_CONSOLE_TOKEN.
    #[arg(long, value_name = "URL")]
    pub graph_url: Option<String>,
    /// Start with sending paused.
    #[arg(long)]
    pub offline: bool,
    /// The tenant profile from config.toml to use (default: its default_profile).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// How identities are sent: auto (create, falling back to import when the service lacks the
    /// create route), create, or import. Overrides the profile's submit_method.
    #[arg(long, value_name = "METHOD", value_parser = ["auto", "create", "import"])]
    pub submit_method: Option<String>,
}

impl GlobalArgs {
    /// These options with a subcommand's own (given after its name) on top.
    pub fn with(
        &self,
        target: &TargetArgs,
        offline: Option<&OfflineArg>,
        submit: Option<&SubmitMethodArg>,
    ) -> GlobalArgs {
        GlobalArgs {
            sandbox: self.sandbox || target.sandbox,
            graph_url: target.graph_url.clone().or_else(|| self.graph_url.clone()),
            offline: self.offline || offline.is_some_and(|o| o.offline),
            profile: target.profile.clone().or_else(|| self.profile.clone()),
            submit_method: submit
                .and_then(|s| s.submit_method.clone())
                .or_else(|| self.submit_method.clone()),
        }
    }
}

/// What a subcommand talks to: the sandbox, a Graph root or a profile
/// (`global` here reaches a subcommand's own subcommands: `drafts sync --profile P`).
#[derive(Debug, Clone, Default, Args)]
pub struct TargetArgs {
    /// Use the embedded sandbox even when a tenant profile is configured.
    #[arg(long, global = true, conflicts_with = "graph_url")]
    pub sandbox: bool,
    /// Talk to this Graph root (e.g. https://graph.microsoft.com/beta); the bearer token comes
    /// from ENROLL_CONSOLE_TOKEN.
    #[arg(long, global = true, value_name = "URL")]
    pub graph_url: Option<String>,
    /// The tenant profile from config.toml to use (default: its default_profile).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
}

/// `--offline`, for the subcommands that can send later.
#[derive(Debug, Clone, Default, Args)]
pub struct OfflineArg {
    /// Send nothing: what would be sent waits in the outbox.
    #[arg(long, global = true)]
    pub offline: bool,
}

/// `--submit-method`, for the subcommands that create single identities.
#[derive(Debug, Clone, Default, Args)]
pub struct SubmitMethodArg {
    /// How identities are sent: auto (create, falling back to import when the service lacks the
    /// create route), create, or import. Overrides the profile's submit_method.
    #[arg(long, global = true, value_name = "METHOD", value_parser = ["auto", "create", "import"])]
    pub submit_method: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the Graph sandbox standalone on 127.0.0.1 (for tests, demos, other clients).
    Sandbox(SandboxArgs),
    /// Print the tenant's imported device identities.
    List(ListArgs),
    /// Import a CSV file: validate every row, send the valid ones in chunks, report each row.
    Import(super::import::ImportArgs),
    /// Sign in to the profile's tenant: in the system browser (auth = "browser", the default),
    /// with a device code (auth = "device-code", --device-code, or when no browser opens), or
    /// check an application's certificate or secret.
    Login(LoginArgs),
    /// Forget the profile's sign-in (removes it from the OS keychain and the token file).
    Logout(JsonArgs),
    /// Show who is signed in to the profile, the tenant, when the sign-in expires and where it
    /// is kept (or that the console talks to the sandbox).
    Whoami(JsonArgs),
    /// Drafts and the outbox: list, sync, discard.
    Drafts(super::drafts::DraftsArgs),
    /// Every identity this machine sent (form, Scan, imports, the outbox), newest first.
    History(super::history::HistoryArgs),
    /// Write the tenant's identities (or a filtered or stale view) as CSV or JSON.
    Export(super::export::ExportArgs),
    /// Print the shell completion script for bash, elvish, fish, powershell or zsh.
    Completions(super::completions::CompletionsArgs),
    /// Print the manual page (roff), or write one page per command with --dir.
    Man(super::man::ManArgs),
}

#[derive(Debug, Clone, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 picks a free one; the address is printed).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Keep the sandbox tenant in memory only (otherwise it persists in the data folder).
    #[arg(long)]
    pub in_memory: bool,
    /// Delay every identity request by this many milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency_ms: u64,
    /// Share of identity requests answered 500 or 503 (0.0–1.0).
    #[arg(long, default_value_t = 0.0, value_name = "F", value_parser = parse_rate)]
    pub fail_rate: f64,
    /// Share of identity requests answered 429 with Retry-After (0.0–1.0).
    #[arg(long, default_value_t = 0.0, value_name = "F", value_parser = parse_rate)]
    pub throttle_rate: f64,
    /// Share of identity requests whose connection is closed with no response (0.0–1.0).
    #[arg(long, default_value_t = 0.0, value_name = "F", value_parser = parse_rate)]
    pub drop_rate: f64,
    /// What the documented create POST answers: documented (201, as the docs say), no-route
    /// (400, the service 2020–2024) or server-error (500, the service since late 2025).
    #[arg(long, value_name = "MODE", default_value_t = DEFAULT_CREATE_ROUTE)]
    pub create_route: CreateRoute,
    /// The same as --create-route no-route (the older name).
    #[arg(long, hide = true, conflicts_with = "create_route")]
    pub create_route_missing: bool,
    /// What importDeviceIdentityList answers: none (it imports) or server-error (500, nothing
    /// imported); searchExistingIdentities keeps working.
    #[arg(long, value_name = "MODE", default_value_t = ImportRoute::Working)]
    pub import_error: ImportRoute,
    /// Make @odata.nextLink loop: off, self (a page links to itself) or pair (A → B → A), on
    /// the identities list and on paged action answers.
    #[arg(long, value_name = "MODE", default_value_t = NextLinkCycle::Off)]
    pub next_link_cycle: NextLinkCycle,
    /// Intune's write throttle per bearer token: N/SECONDS (e.g. 100/20, Intune's limit per
    /// app) or off. Writes over it are answered 429 with Retry-After.
    #[arg(long, value_name = "N/SECONDS", default_value = "off")]
    pub write_limit: WriteLimitArg,
    /// A not-contacted identity reads as enrolled, last contacted this many seconds after it
    /// was created.
    #[arg(long, value_name = "SECONDS")]
    pub enroll_after: Option<u64>,
    /// Answer importDeviceIdentityList and searchExistingIdentities in pages of --page-size
    /// linked by @odata.nextLink (on/off).
    #[arg(long, value_name = "ON|OFF", default_value_t = DEFAULT_PAGE_ACTIONS,
          value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::Set)]
    pub page_actions: bool,
    /// Largest page a list returns.
    #[arg(long, default_value_t = 100, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub page_size: u32,
    /// Seconds sent in Retry-After with 429 and 503.
    #[arg(long, default_value_t = 1, value_name = "SECS")]
    pub retry_after: u64,
    /// Seed for the fault dice (reproducible runs).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Start with this many synthetic identities (for demos and benchmarks).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub seed_identities: usize,
    /// Approve a device code sign-in after this many polls.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub approve_after: u32,
    /// Lifetime of the access tokens the sign-in endpoints issue.
    #[arg(long, default_value_t = 3600, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub token_ttl: u64,
    /// Accept on the Graph routes only unexpired tokens issued by these sign-in endpoints.
    #[arg(long)]
    pub require_auth: bool,
    /// Refuse device code sign-ins as Conditional Access does (AADSTS53003).
    #[arg(long)]
    pub refuse_device_code: bool,
    /// Wait this long before the authorization endpoint approves a browser sign-in.
    #[arg(long, default_value_t = 0, value_name = "SECONDS")]
    pub authorize_delay: u64,
    /// Accept client assertions signed with this certificate's key (PEM; repeatable).
    #[arg(long, value_name = "PEM")]
    pub trust_certificate: Vec<std::path::PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct LoginArgs {
    /// Sign in with a device code instead of the browser (for a computer without one).
    #[arg(long)]
    pub device_code: bool,
    /// Print JSON instead of text: one object per line (what to open or enter, then the result).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub target: TargetArgs,
}

#[derive(Debug, Clone, Args)]
pub struct JsonArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub target: TargetArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// One JSON array of identities, as the service returned them.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub view: super::export::ViewArgs,
}

/// `--write-limit`: a limit, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteLimitArg(pub Option<WriteLimit>);

impl std::str::FromStr for WriteLimitArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        parse_write_limit(s).map(WriteLimitArg)
    }
}

impl std::fmt::Display for WriteLimitArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&write_limit_text(self.0))
    }
}

fn parse_rate(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is not between 0.0 and 1.0"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sandbox_args(flags: &[&str]) -> Result<SandboxArgs, clap::Error> {
        let argv = ["enroll-console", "sandbox"].iter().chain(flags);
        match Cli::try_parse_from(argv)?.command {
            Some(Command::Sandbox(a)) => Ok(a),
            other => panic!("not the sandbox command: {other:?}"),
        }
    }

    #[test]
    fn sandbox_modes_parse_and_default() {
        let a = sandbox_args(&[]).unwrap();
        assert_eq!(a.create_route, DEFAULT_CREATE_ROUTE);
        assert_eq!(a.write_limit, WriteLimitArg(None), "off when standalone");
        assert_eq!(
            (a.enroll_after, a.page_actions),
            (None, DEFAULT_PAGE_ACTIONS)
        );
        let a = sandbox_args(&[
            "--create-route",
            "server-error",
            "--import-error",
            "server-error",
            "--next-link-cycle",
            "pair",
            "--write-limit",
            "100/20",
            "--enroll-after",
            "3",
            "--page-actions",
            "on",
        ])
        .unwrap();
        assert_eq!(a.create_route, CreateRoute::ServerError);
        assert_eq!(a.import_error, ImportRoute::ServerError);
        assert_eq!(a.next_link_cycle, NextLinkCycle::Pair);
        assert_eq!(a.write_limit, WriteLimitArg(Some(WriteLimit::INTUNE)));
        assert_eq!((a.enroll_after, a.page_actions), (Some(3), true));
        assert!(
            sandbox_args(&["--create-route-missing"])
                .unwrap()
                .create_route_missing
        );
        for bad in [
            &["--create-route", "sometimes"][..],
            &["--write-limit", "100"],
            &["--next-link-cycle", "triangle"],
            &["--create-route-missing", "--create-route", "documented"],
        ] {
            assert!(sandbox_args(bad).is_err(), "{bad:?}");
        }
    }
}
