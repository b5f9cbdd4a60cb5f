//! The OS keychain (macOS Keychain, Windows Credential Manager, the Secret
//! Service on Linux) through the `keyring` crate, behind [`SecretStore`] so
//! tests use a store in memory. A keychain that is missing, or does not
//! answer within a few seconds, counts as absent: the token cache then
//! falls back to its owner-only file.

use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// How long one keychain call may take before the keychain counts as absent
/// (a Secret Service that never answers must not hang the console).
const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(3);

/// The keychain's service name for the console's entries.
const SERVICE: &str = "enroll-console";

/// Why the keychain could not be used, in words for a notice line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeychainError {
    #[error("no OS keychain is available ({0})")]
    Unavailable(String),
    #[error("the OS keychain did not answer within {0} s")]
    Timeout(u64),
    #[error("the OS keychain refused: {0}")]
    Failed(String),
}

/// A place that keeps one secret text per key.
pub trait SecretStore: Send + Sync {
    /// The store as the user knows it ("the macOS Keychain").
    fn describe(&self) -> String;
    /// The secret under `key`; `None` when there is none.
    fn get(&self, key: &str) -> Result<Option<String>, KeychainError>;
    fn set(&self, key: &str, value: &str) -> Result<(), KeychainError>;
    /// Removes the secret; whether there was one.
    fn delete(&self, key: &str) -> Result<bool, KeychainError>;
}

/// The platform's keychain.
#[derive(Debug, Default)]
pub struct SystemKeychain {
    /// Set once a call failed for want of a keychain: later calls do not wait again.
    absent: Mutex<Option<KeychainError>>,
}

impl SystemKeychain {
    pub fn new() -> Arc<SystemKeychain> {
        Arc::new(SystemKeychain::default())
    }

    /// Runs `op` on a thread of its own, giving up after [`KEYCHAIN_TIMEOUT`].
    fn call<T: Send + 'static>(
        &self,
        key: &str,
        op: impl FnOnce(&keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T, KeychainError> {
        let mut absent = self.absent.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(why) = absent.as_ref() {
            return Err(why.clone());
        }
        if let Some(why) = platform_absent() {
            *absent = Some(why.clone());
            return Err(why);
        }
        let (tx, rx) = mpsc::channel();
        let key = key.to_string();
        let spawned = std::thread::Builder::new()
            .name("keychain".into())
            .spawn(move || {
                let result = keyring::Entry::new(SERVICE, &key).and_then(|entry| op(&entry));
                let _ = tx.send(result);
            });
        if let Err(e) = spawned {
            return Err(KeychainError::Failed(e.to_string()));
        }
        let result = match rx.recv_timeout(KEYCHAIN_TIMEOUT) {
            Ok(result) => result.map_err(from_keyring),
            Err(_) => Err(KeychainError::Timeout(KEYCHAIN_TIMEOUT.as_secs())),
        };
        if let Err(e @ (KeychainError::Unavailable(_) | KeychainError::Timeout(_))) = &result {
            tracing::debug!("keychain: {e}");
            *absent = Some(e.clone());
        }
        result
    }
}

/// A keychain that cannot be there, known without asking it.
fn platform_absent() -> Option<KeychainError> {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        // The Secret Service is reached over the D-Bus session bus: without
        // one (CI, SSH, containers) there is nothing to ask.
        let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").filter(|v| !v.is_empty());
        let runtime_bus = std::env::var_os("XDG_RUNTIME_DIR")
            .map(|d| std::path::PathBuf::from(d).join("bus"))
            .filter(|p| p.exists());
        if bus.is_none() && runtime_bus.is_none() {
            return Some(KeychainError::Unavailable("no D-Bus session".into()));
        }
    }
    None
}

fn from_keyring(e: keyring::Error) -> KeychainError {
    match e {
        keyring::Error::NoStorageAccess(p) | keyring::Error::PlatformFailure(p) => {
            KeychainError::Unavailable(p.to_string())
        }
        keyring::Error::NoDefaultStore => KeychainError::Unavailable("none on this system".into()),
        other => KeychainError::Failed(other.to_string()),
    }
}

impl SecretStore for SystemKeychain {
    fn describe(&self) -> String {
        if cfg!(target_os = "macos") {
            "the macOS Keychain".into()
        } else if cfg!(windows) {
            "Windows Credential Manager".into()
        } else {
            "the Secret Service keyring".into()
        }
    }

    fn get(&self, key: &str) -> Result<Option<String>, KeychainError> {
        self.call(key, |entry| match entry.get_password() {
            Ok(text) => Ok(Some(text)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
    }

    fn set(&self, key: &str, value: &str) -> Result<(), KeychainError> {
        let value = value.to_string();
        self.call(key, move |entry| entry.set_password(&value))
    }

    fn delete(&self, key: &str) -> Result<bool, KeychainError> {
        self.call(key, |entry| match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(e),
        })
    }
}

/// A keychain in memory, for tests: it works, it is absent, or it refuses
/// to store (as Windows does with a secret over its size limit).
#[derive(Debug, Default)]
pub struct MemoryKeychain {
    entries: Mutex<HashMap<String, String>>,
    absent: Option<String>,
    refuse_writes: std::sync::atomic::AtomicBool,
}

impl MemoryKeychain {
    pub fn new() -> Arc<MemoryKeychain> {
        Arc::new(MemoryKeychain::default())
    }

    /// A keychain that answers every call with "unavailable".
    pub fn absent(why: &str) -> Arc<MemoryKeychain> {
        Arc::new(MemoryKeychain {
            absent: Some(why.to_string()),
            ..MemoryKeychain::default()
        })
    }

    /// From now on, storing fails (reading and deleting still work).
    pub fn refuse_writes(&self, refuse: bool) {
        self.refuse_writes
            .store(refuse, std::sync::atomic::Ordering::SeqCst);
    }

    /// How many secrets it holds.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn check(&self) -> Result<(), KeychainError> {
        match &self.absent {
            Some(why) => Err(KeychainError::Unavailable(why.clone())),
            None => Ok(()),
        }
    }
}

impl SecretStore for MemoryKeychain {
    fn describe(&self) -> String {
        "the test keychain".into()
    }

    fn get(&self, key: &str) -> Result<Option<String>, KeychainError> {
        self.check()?;
        Ok(self.lock().get(key).cloned())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), KeychainError> {
        self.check()?;
        if self.refuse_writes.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(KeychainError::Failed("the secret is too long".into()));
        }
        self.lock().insert(key.to_string(), value.to_string());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<bool, KeychainError> {
        self.check()?;
        Ok(self.lock().remove(key).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_keychain_keeps_and_forgets() {
        let k = MemoryKeychain::new();
        assert_eq!(k.get("a").unwrap(), None);
        k.set("a", "1").unwrap();
        assert_eq!(k.get("a").unwrap().as_deref(), Some("1"));
        assert!(k.delete("a").unwrap());
        assert!(!k.delete("a").unwrap());
        let gone = MemoryKeychain::absent("none here");
        assert!(matches!(
            gone.set("a", "1"),
            Err(KeychainError::Unavailable(_))
        ));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn without_a_session_bus_the_keychain_is_absent_at_once() {
        // Decided from the environment alone, before any D-Bus call.
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
            || std::env::var_os("XDG_RUNTIME_DIR")
                .is_some_and(|d| std::path::Path::new(&d).join("bus").exists())
        {
            return;
        }
        let k = SystemKeychain::default();
        assert!(matches!(k.get("x"), Err(KeychainError::Unavailable(_))));
    }
}
