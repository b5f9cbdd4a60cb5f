//! State shared by the sandbox's handlers.

use std::sync::{Mutex, MutexGuard, PoisonError};

use super::Faults;
use super::faults::Dice;
use super::store::Store;

/// The collection's path under the server root.
pub(crate) const COLLECTION: &str = "/beta/deviceManagement/importedDeviceIdentities";

pub(crate) struct Shared {
    store: Mutex<Store>,
    dice: Mutex<Dice>,
    /// The largest page the list answers.
    pub page_size: usize,
    /// `http://127.0.0.1:PORT`, for absolute links.
    pub base_url: String,
}

impl Shared {
    pub fn new(store: Store, faults: Faults, page_size: usize, base_url: String) -> Shared {
        Shared {
            store: Mutex::new(store),
            dice: Mutex::new(Dice::new(faults)),
            page_size: page_size.max(1),
            base_url,
        }
    }

    /// The store; a panic in another handler does not lock it for good.
    pub fn lock_store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn lock_dice(&self) -> MutexGuard<'_, Dice> {
        self.dice.lock().unwrap_or_else(PoisonError::into_inner)
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
