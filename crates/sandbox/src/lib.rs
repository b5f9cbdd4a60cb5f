//! The embedded Graph sandbox: an in-process emulator of the beta
//! `deviceManagement/importedDeviceIdentities` endpoints, with Graph and
//! Intune error bodies, paging, persistence and fault injection.
//!
//! Depends only on the domain crate (`enroll-domain`), named `crate::domain` inside.

// The domain under the name the modules here have always used for it.
pub(crate) use enroll_domain as domain;

// The README's library example is compiled and run as a doctest, so it cannot drift from the API.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

mod actions;
mod assertion;
mod authorize;
mod clock;
mod errors;
mod faults;
mod filter;
mod identity;
mod limits;
mod modes;
mod pages;
mod query;
mod routes;
mod rules;
mod server;
mod stats;
mod store;
mod synthetic;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use clock::{Clock, ManualClock, TimeSource};
pub use filter::{Clause, Filter, FilterError};
pub use identity::AuthOptions;
pub use modes::{
    CreateRoute, DEFAULT_CREATE_ROUTE, DEFAULT_PAGE_ACTIONS, ImportRoute, ModeError, NextLinkCycle,
    WriteLimit, deserialize_write_limit, parse_write_limit, write_limit_text,
};
pub use stats::Stats;
pub use store::StoreError;

use faults::Dice;
use identity::Issuer;
use limits::Windows;
use pages::Answers;
use store::{Change, Store};

/// The bearer token the console sends to its own embedded sandbox.
pub const SANDBOX_TOKEN: &str = "sandbox-local-token";

/// Where the sandbox tenant's identities live.
#[derive(Debug, Clone, Default)]
pub enum Storage {
    #[default]
    InMemory,
    /// A SQLite file holding the sandbox tenant's identities.
    File(PathBuf),
}

/// Faults injected on the identity routes. Rates are probabilities (0–1),
/// rolled per request in this order: throttle, fail, drop.
#[derive(Debug, Clone)]
pub struct Faults {
    /// Delay before answering.
    pub latency_ms: u64,
    /// 500 or 503; the write is applied first or not, at random.
    pub fail_rate: f64,
    /// 429 with `Retry-After`; nothing applied.
    pub throttle_rate: f64,
    /// Connection closed with no answer; the write is applied first or not.
    pub drop_rate: f64,
    /// What the documented create answers (201, 400 no route, or 500).
    pub create_route: CreateRoute,
    /// What `importDeviceIdentityList` answers (rows imported, or 500).
    pub import_route: ImportRoute,
    /// `@odata.nextLink`s that loop, on the list and on paged action answers.
    pub next_link_cycle: NextLinkCycle,
    /// Seed for the fault dice, for reproducible runs.
    pub seed: Option<u64>,
    /// The `Retry-After` of 429 and 503 answers, in seconds.
    pub retry_after_secs: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            latency_ms: 0,
            fail_rate: 0.0,
            throttle_rate: 0.0,
            drop_rate: 0.0,
            create_route: CreateRoute::default(),
            import_route: ImportRoute::default(),
            next_link_cycle: NextLinkCycle::default(),
            seed: None,
            retry_after_secs: 1,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SandboxOptions {
    pub storage: Storage,
    pub faults: Faults,
    /// The largest list page (at least 1).
    pub page_size: usize,
    /// Deterministic synthetic identities added at start when missing.
    pub seed_identities: usize,
    /// Intune's write throttle per bearer token; `None` is unlimited.
    pub write_limit: Option<WriteLimit>,
    /// A `notContacted` identity reads as `enrolled`, last contacted this
    /// long after its creation; `None` leaves it not contacted.
    pub enroll_after: Option<Duration>,
    /// Action answers longer than `page_size` come in pages linked by
    /// `@odata.nextLink`, like lists.
    pub page_actions: bool,
    /// The time: dates new identities, slides the write window, enrolls.
    pub clock: Clock,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            storage: Storage::InMemory,
            faults: Faults::default(),
            page_size: 100,
            seed_identities: 0,
            write_limit: None,
            enroll_after: None,
            page_actions: DEFAULT_PAGE_ACTIONS,
            clock: Clock::system(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("could not start the sandbox: {0}")]
    Start(String),
    #[error(transparent)]
    Storage(#[from] StoreError),
}

/// A sandbox serving in the background until [`RunningSandbox::shutdown`]
/// (or until dropped).
pub struct RunningSandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    cancel: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl RunningSandbox {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: the root of the identity endpoints (a
    /// profile's `login_url`).
    pub fn login_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// `http://127.0.0.1:PORT/beta`
    pub fn graph_url(&self) -> String {
        format!("{}/beta", self.shared.base_url)
    }

    /// The faults in force.
    pub fn faults(&self) -> Faults {
        self.shared.faults()
    }

    /// Replaces the faults (and re-seeds their dice) for later requests.
    pub fn set_faults(&self, faults: Faults) {
        self.shared.set_faults(faults);
    }

    /// How many identities the tenant holds.
    pub fn identity_count(&self) -> usize {
        self.shared.lock_store().len()
    }

    /// The requests served so far, by kind (as `GET /_sandbox/stats`).
    pub fn stats(&self) -> Stats {
        *self.shared.lock_stats()
    }

    /// Starts counting again from zero; returns the counts until now.
    pub fn reset_stats(&self) -> Stats {
        std::mem::take(&mut *self.shared.lock_stats())
    }

    /// `http://127.0.0.1:PORT/_sandbox/stats`
    pub fn stats_url(&self) -> String {
        format!("{}{}", self.shared.base_url, stats::STATS_PATH)
    }

    /// Stops accepting, lets open connections finish, and waits.
    pub async fn shutdown(mut self) {
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

fn open_store(storage: &Storage, seed_identities: usize) -> Result<Store, StoreError> {
    let mut store = match storage {
        Storage::InMemory => Store::in_memory(),
        Storage::File(path) => Store::open(path)?,
    };
    if seed_identities > 0 {
        let missing: Vec<Change> = synthetic::identities(seed_identities)
            .into_iter()
            .filter(|i| store.by_key(&rules::key_of(i)).is_none())
            .map(Change::Put)
            .collect();
        store.commit(missing)?;
    }
    Ok(store)
}

/// Binds `bind` (port 0 picks a free port), opens the storage and serves,
/// with the identity endpoints' defaults (any bearer token accepted).
pub async fn start(
    bind: SocketAddr,
    options: SandboxOptions,
) -> Result<RunningSandbox, SandboxError> {
    start_with_auth(bind, options, AuthOptions::default()).await
}

/// [`start`] with the identity endpoints and the bearer check set by `auth`.
pub async fn start_with_auth(
    bind: SocketAddr,
    options: SandboxOptions,
    auth: AuthOptions,
) -> Result<RunningSandbox, SandboxError> {
    let listener = TcpListener::bind(bind)
        .await
        .map_err(|e| SandboxError::Start(format!("cannot listen on {bind}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| SandboxError::Start(e.to_string()))?;
    let storage = options.storage.clone();
    let seed = options.seed_identities;
    let store = tokio::task::spawn_blocking(move || open_store(&storage, seed))
        .await
        .map_err(|e| SandboxError::Start(e.to_string()))??;
    let link_addr = if addr.ip().is_unspecified() {
        SocketAddr::new(Ipv4Addr::LOCALHOST.into(), addr.port())
    } else {
        addr
    };
    let shared = Arc::new(Shared::new(
        store,
        options,
        format!("http://{link_addr}"),
        auth,
    ));
    let cancel = CancellationToken::new();
    let router = routes::router(shared.clone());
    let task = tokio::spawn(server::serve(listener, router, cancel.clone()));
    tracing::info!(%addr, "sandbox listening");
    Ok(RunningSandbox {
        addr,
        shared,
        cancel,
        task: Some(task),
    })
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The collection's path under the server root.
pub(crate) const COLLECTION: &str = "/beta/deviceManagement/importedDeviceIdentities";

/// State shared by the handlers (the sandbox is a server: one lock per part).
pub(crate) struct Shared {
    store: Mutex<Store>,
    dice: Mutex<Dice>,
    stats: Mutex<Stats>,
    windows: Mutex<Windows>,
    answers: Mutex<Answers>,
    /// The largest page the list (and a paged action answer) has.
    pub page_size: usize,
    pub write_limit: Option<WriteLimit>,
    pub enroll_after: Option<Duration>,
    pub page_actions: bool,
    pub clock: Clock,
    /// `http://127.0.0.1:PORT`, for absolute links.
    pub base_url: String,
    /// The identity endpoints' state.
    pub issuer: Issuer,
}

impl Shared {
    pub fn new(
        store: Store,
        options: SandboxOptions,
        base_url: String,
        auth: AuthOptions,
    ) -> Shared {
        Shared {
            issuer: Issuer::new(auth),
            store: Mutex::new(store),
            dice: Mutex::new(Dice::new(options.faults)),
            stats: Mutex::new(Stats::default()),
            windows: Mutex::new(Windows::default()),
            answers: Mutex::new(Answers::default()),
            page_size: options.page_size.max(1),
            write_limit: options.write_limit,
            enroll_after: options.enroll_after,
            page_actions: options.page_actions,
            clock: options.clock,
            base_url,
        }
    }

    /// The store; a panic in another handler does not lock it for good.
    pub fn lock_store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    pub fn lock_dice(&self) -> MutexGuard<'_, Dice> {
        lock(&self.dice)
    }

    pub fn lock_stats(&self) -> MutexGuard<'_, Stats> {
        lock(&self.stats)
    }

    pub fn lock_windows(&self) -> MutexGuard<'_, Windows> {
        lock(&self.windows)
    }

    pub fn lock_answers(&self) -> MutexGuard<'_, Answers> {
        lock(&self.answers)
    }

    /// Now by the sandbox's clock, as the service writes it.
    pub fn now(&self) -> crate::domain::DateTimeOffset {
        rules::stamp(self.clock.now())
    }

    /// An identity as a read shows it now (enrolled once `enroll_after` passed).
    pub fn seen<'a>(
        &self,
        identity: &'a crate::domain::ImportedDeviceIdentity,
    ) -> std::borrow::Cow<'a, crate::domain::ImportedDeviceIdentity> {
        rules::as_seen(identity, self.clock.now(), self.enroll_after)
    }

    pub fn faults(&self) -> Faults {
        self.lock_dice().faults.clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        *self.lock_dice() = Dice::new(faults);
    }

    /// The absolute URL of the collection.
    pub fn collection_url(&self) -> String {
        format!("{}{COLLECTION}", self.base_url)
    }

    /// `@odata.context` for a path after `$metadata#`.
    pub fn context(&self, fragment: &str) -> String {
        format!("{}/beta/$metadata#{fragment}", self.base_url)
    }
}
