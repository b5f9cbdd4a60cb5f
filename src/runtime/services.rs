//! What the runtime's effects talk to, behind two small traits so the whole
//! loop can run against fakes in tests: the submitter (Graph or the sandbox)
//! and the local store. The `Store` holds a SQLite connection (`Send`, not
//! `Sync`), so it lives behind a mutex here and is used on blocking threads.

use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;

use crate::app::recent::RecentPage;
use crate::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityResult};
use crate::graph::{GraphError, SubmitOutcome, Submitter};
use crate::store::{LiveCopy, ProfileFact, RecentEntry, Store, StoreError};

use super::tenant::{Clipboard, Osc52Clipboard, TenantService};

/// Sends identities and checks what the service holds.
pub trait SubmitService: Send + Sync + 'static {
    fn submit<'a>(
        &'a self,
        identity: &'a ImportedDeviceIdentity,
    ) -> BoxFuture<'a, Result<SubmitOutcome, GraphError>>;

    /// The identity the service holds for this identifier, if any: used to
    /// learn the outcome of a cancelled submission.
    fn find_existing<'a>(
        &'a self,
        identity: &'a ImportedDeviceIdentity,
    ) -> BoxFuture<'a, Result<Option<ImportedDeviceIdentity>, GraphError>>;

    /// `importDeviceIdentityList` (scan mode, imports). Fakes may leave it out.
    fn import_rows<'a>(
        &'a self,
        rows: &'a [ImportedDeviceIdentity],
        overwrite: bool,
    ) -> BoxFuture<'a, Result<Vec<ImportedDeviceIdentityResult>, GraphError>> {
        let _ = (rows, overwrite);
        Box::pin(async { Err(not_available("importing (importDeviceIdentityList)")) })
    }

    /// `searchExistingIdentities`. Fakes may leave it out.
    fn search_rows<'a>(
        &'a self,
        rows: &'a [ImportedDeviceIdentity],
    ) -> BoxFuture<'a, Result<Vec<ImportedDeviceIdentity>, GraphError>> {
        let _ = rows;
        Box::pin(async { Err(not_available("searching (searchExistingIdentities)")) })
    }

    /// Reads one identity by id (Recent's live state). Fakes may leave it out.
    fn get_identity<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<ImportedDeviceIdentity, GraphError>> {
        let _ = id;
        Box::pin(async { Err(not_available("reading an identity")) })
    }

    /// Whether the service paces its own writes (the Graph client's one
    /// write limiter); fakes do not.
    fn paces_writes(&self) -> bool {
        false
    }

    /// Deletes an identity by id. Fakes may leave it out.
    fn delete_identity<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), GraphError>> {
        let _ = id;
        Box::pin(async { Err(not_available("deleting an identity")) })
    }
}

fn not_available(what: &'static str) -> GraphError {
    GraphError::NotAvailable { what }
}

impl SubmitService for Submitter {
    fn submit<'a>(
        &'a self,
        identity: &'a ImportedDeviceIdentity,
    ) -> BoxFuture<'a, Result<SubmitOutcome, GraphError>> {
        Box::pin(Submitter::submit(self, identity))
    }

    fn find_existing<'a>(
        &'a self,
        identity: &'a ImportedDeviceIdentity,
    ) -> BoxFuture<'a, Result<Option<ImportedDeviceIdentity>, GraphError>> {
        Box::pin(Submitter::find_existing(self, identity))
    }

    fn import_rows<'a>(
        &'a self,
        rows: &'a [ImportedDeviceIdentity],
        overwrite: bool,
    ) -> BoxFuture<'a, Result<Vec<ImportedDeviceIdentityResult>, GraphError>> {
        Box::pin(self.client().import_list_results(rows, overwrite))
    }

    fn search_rows<'a>(
        &'a self,
        rows: &'a [ImportedDeviceIdentity],
    ) -> BoxFuture<'a, Result<Vec<ImportedDeviceIdentity>, GraphError>> {
        Box::pin(self.client().search_existing(rows))
    }

    fn delete_identity<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), GraphError>> {
        Box::pin(self.client().delete(id))
    }

    fn get_identity<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<ImportedDeviceIdentity, GraphError>> {
        Box::pin(self.client().get(id))
    }

    fn paces_writes(&self) -> bool {
        true
    }
}

/// The local database, as the runtime uses it. Errors stay typed until drawn.
pub trait LocalStore: Send + 'static {
    fn recent(&self, limit: usize) -> Result<Vec<RecentEntry>, StoreError>;
    /// One page of Recent, filtered (by default from `recent`, in memory).
    fn recent_page(&self, page: &RecentPage) -> Result<Vec<RecentEntry>, StoreError> {
        let text = page.query.text.to_uppercase();
        Ok(self
            .recent(page.offset.saturating_add(page.limit).max(page.limit))?
            .into_iter()
            .filter(|e| {
                e.result
                    .identity
                    .identifier()
                    .to_uppercase()
                    .contains(&text)
                    && page.query.origin.as_deref().is_none_or(|o| o == e.origin)
            })
            .skip(page.offset)
            .take(page.limit)
            .collect())
    }
    fn record_recent(&self, entry: &RecentEntry) -> Result<(), StoreError>;
    /// Remembers `fact` for `profile` (kept in the settings table under its key).
    fn learn(&self, fact: ProfileFact, profile: &str) -> Result<(), StoreError>;
    /// Keeps the copy of a created item just read from the tenant.
    fn record_live(&self, item_id: i64, live: &LiveCopy) -> Result<(), StoreError> {
        let _ = (item_id, live);
        Ok(())
    }
    /// Keeps a copy just written to the tenant on the items that created it.
    fn record_live_for(&self, live: &LiveCopy) -> Result<(), StoreError> {
        let _ = live;
        Ok(())
    }
    /// Whether this machine created the identity with this id in the tenant.
    fn created_here(&self, service_id: &str) -> Result<bool, StoreError> {
        let _ = service_id;
        Ok(false)
    }
    /// A number that changes when another connection wrote to the ledger
    /// (`None`: not watched).
    fn data_version(&self) -> Result<Option<i64>, StoreError> {
        Ok(None)
    }
}

impl LocalStore for Store {
    fn recent(&self, limit: usize) -> Result<Vec<RecentEntry>, StoreError> {
        Store::recent(self, limit)
    }
    fn recent_page(&self, page: &RecentPage) -> Result<Vec<RecentEntry>, StoreError> {
        let text = (!page.query.text.is_empty()).then_some(page.query.text.as_str());
        Store::recent_page(
            self,
            &crate::store::LedgerQuery {
                origin: page.query.origin.as_deref(),
                text,
                limit: page.limit,
                offset: page.offset,
                ..crate::store::LedgerQuery::default()
            },
        )
    }
    fn record_recent(&self, entry: &RecentEntry) -> Result<(), StoreError> {
        Store::record_recent(self, entry)
    }
    fn learn(&self, fact: ProfileFact, profile: &str) -> Result<(), StoreError> {
        Store::learn(self, fact, profile)
    }
    fn record_live(&self, item_id: i64, live: &LiveCopy) -> Result<(), StoreError> {
        Store::record_live(self, item_id, &live.identity, live.fetched_at)
    }
    fn record_live_for(&self, live: &LiveCopy) -> Result<(), StoreError> {
        Store::record_live_for(self, &live.identity, live.fetched_at).map(|_| ())
    }
    fn created_here(&self, service_id: &str) -> Result<bool, StoreError> {
        Store::created_here(self, service_id)
    }
    fn data_version(&self) -> Result<Option<i64>, StoreError> {
        Store::data_version(self).map(Some)
    }
}

/// The services one console session uses.
#[derive(Clone)]
pub struct Services {
    pub submitter: Arc<dyn SubmitService>,
    pub store: Arc<Mutex<dyn LocalStore>>,
    /// Drafts and the outbox (none: they are not kept, e.g. in tests with fakes).
    pub outbox: Option<crate::outbox::Syncer>,
    /// The Tenant list's calls (none: the tab says it is unavailable).
    pub tenant: Option<Arc<dyn TenantService>>,
    pub clipboard: Arc<dyn Clipboard>,
    /// The device code sign-in, for profiles that have one.
    pub sign_in: Option<Arc<dyn super::sign_in::SignInService>>,
}

impl Services {
    pub fn new(submitter: impl SubmitService, store: impl LocalStore) -> Self {
        Services {
            submitter: Arc::new(submitter),
            store: Arc::new(Mutex::new(store)),
            outbox: None,
            tenant: None,
            clipboard: Arc::new(Osc52Clipboard),
            sign_in: None,
        }
    }

    pub fn with_sign_in(mut self, sign_in: impl super::sign_in::SignInService) -> Self {
        self.sign_in = Some(Arc::new(sign_in));
        self
    }

    /// Keeps drafts and the outbox with this syncer.
    pub fn with_outbox(mut self, syncer: crate::outbox::Syncer) -> Self {
        self.outbox = Some(syncer);
        self
    }

    pub fn with_tenant(mut self, tenant: impl TenantService) -> Self {
        self.tenant = Some(Arc::new(tenant));
        self
    }

    pub fn with_clipboard(mut self, clipboard: impl Clipboard) -> Self {
        self.clipboard = Arc::new(clipboard);
        self
    }

    /// Runs a store call on a blocking thread.
    pub async fn with_store<T: Send + 'static>(
        &self,
        call: impl FnOnce(&dyn LocalStore) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = Arc::clone(&self.store);
        let joined = tokio::task::spawn_blocking(move || {
            let guard = store.lock().map_err(|_| StoreError::Unavailable)?;
            call(&*guard)
        })
        .await;
        joined.unwrap_or_else(|e| Err(StoreError::Task(e.to_string())))
    }
}
