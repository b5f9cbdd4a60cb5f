//! The token cache of one profile: in the OS keychain when there is one
//! (see [`super::keychain`]), else in a file in the data folder created
//! readable by its owner only (0600 on unix). A cache file that other users
//! can read is refused with a message saying how to fix it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::error::AuthError;
use super::keychain::{KeychainError, SecretStore};
use super::secret::Secret;

/// One profile's sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedSignIn {
    pub access_token: Secret,
    /// Replaced by the rotated one on every refresh.
    pub refresh_token: Option<Secret>,
    /// When the access token expires, in Unix seconds.
    pub expires_at: i64,
    /// How long the access token was issued for (seconds); sets how early
    /// it is refreshed.
    #[serde(default)]
    pub lifetime_secs: u64,
    /// Who signed in (from the token's claims), for `whoami`.
    pub account: Option<String>,
    pub tenant: String,
}

/// The token cache of one profile: a keychain entry, or a file.
#[derive(Clone)]
pub struct TokenCache {
    path: PathBuf,
    /// The keychain entry's name: the profile and the data folder, so two
    /// console homes on one computer keep apart.
    key: String,
    keychain: Option<Arc<dyn SecretStore>>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("path", &self.path)
            .field("keychain", &self.keychain.as_ref().map(|k| k.describe()))
            .finish()
    }
}

/// Where a sign-in was stored, for the one-line notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredIn {
    /// The OS keychain, as the user knows it.
    Keychain(String),
    /// The owner-only file; why not the keychain, when one was wanted.
    File {
        path: PathBuf,
        no_keychain: Option<KeychainError>,
    },
}

impl StoredIn {
    /// One line saying where the tokens are kept.
    pub fn notice(&self) -> String {
        match self {
            StoredIn::Keychain(name) => format!("Tokens are kept in {name}."),
            StoredIn::File {
                path,
                no_keychain: Some(why),
            } => format!(
                "Tokens are kept in {} (readable only by you): {why}.",
                path.display()
            ),
            StoredIn::File {
                path,
                no_keychain: None,
            } => format!(
                "Tokens are kept in {} (readable only by you).",
                path.display()
            ),
        }
    }
}

/// A profile name as a file name: letters, digits, `-` and `_` kept,
/// anything else written as `%XX`.
fn file_stem(profile: &str) -> String {
    let mut out = String::new();
    for b in profile.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl TokenCache {
    /// The cache of `profile` under the data folder.
    /// The file only; [`TokenCache::with_keychain`] puts a keychain first.
    pub fn for_profile(data_dir: &Path, profile: &str) -> TokenCache {
        TokenCache {
            path: data_dir
                .join("tokens")
                .join(format!("{}.json", file_stem(profile))),
            key: format!("{profile} @ {}", data_dir.display()),
            keychain: None,
        }
    }

    /// Keeps the sign-in in `keychain`, the file being the fallback.
    pub fn with_keychain(mut self, keychain: Arc<dyn SecretStore>) -> TokenCache {
        self.keychain = Some(keychain);
        self
    }

    /// The fallback file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Which store holds the sign-in now; `None` when none does.
    pub fn location(&self) -> Result<Option<StoredIn>, AuthError> {
        if let Some(keychain) = &self.keychain
            && let Ok(Some(_)) = keychain.get(&self.key)
        {
            return Ok(Some(StoredIn::Keychain(keychain.describe())));
        }
        Ok(self.load_file()?.map(|_| StoredIn::File {
            path: self.path.clone(),
            no_keychain: None,
        }))
    }

    fn error(&self, message: impl std::fmt::Display) -> AuthError {
        AuthError::Cache {
            path: self.path.clone(),
            message: message.to_string(),
        }
    }

    /// The cached sign-in: the keychain's, else the file's; `None` when
    /// there is none.
    pub fn load(&self) -> Result<Option<CachedSignIn>, AuthError> {
        if let Some(keychain) = &self.keychain {
            match keychain.get(&self.key) {
                Ok(Some(text)) => {
                    let cached = serde_json::from_str(&text).map_err(|e| AuthError::Cache {
                        path: PathBuf::from(keychain.describe()),
                        message: format!("unreadable ({e}); sign in again"),
                    })?;
                    return Ok(Some(cached));
                }
                Ok(None) => {}
                Err(e) => tracing::debug!("token cache: {e}; reading the file"),
            }
        }
        self.load_file()
    }

    fn load_file(&self) -> Result<Option<CachedSignIn>, AuthError> {
        let file = match std::fs::File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.error(e)),
        };
        let meta = file.metadata().map_err(|e| self.error(e))?;
        if let Some(mode) = permissions::open_to_others(&meta) {
            return Err(AuthError::CacheReadableByOthers {
                path: self.path.clone(),
                mode,
            });
        }
        let cached: CachedSignIn = serde_json::from_reader(std::io::BufReader::new(file))
            .map_err(|e| self.error(format!("unreadable ({e}); sign in again")))?;
        Ok(Some(cached))
    }

    /// Stores the sign-in in the keychain (removing any file), or when
    /// there is none in the file; says where.
    pub fn save(&self, signed_in: &CachedSignIn) -> Result<StoredIn, AuthError> {
        let Some(keychain) = &self.keychain else {
            self.save_file(signed_in)?;
            return Ok(StoredIn::File {
                path: self.path.clone(),
                no_keychain: None,
            });
        };
        let text = serde_json::to_string(signed_in).map_err(|e| self.error(e))?;
        match keychain.set(&self.key, &text) {
            Ok(()) => {
                self.delete_file()?;
                Ok(StoredIn::Keychain(keychain.describe()))
            }
            Err(why) => {
                // An older sign-in left in the keychain would be read first.
                let _ = keychain.delete(&self.key);
                self.save_file(signed_in)?;
                Ok(StoredIn::File {
                    path: self.path.clone(),
                    no_keychain: Some(why),
                })
            }
        }
    }

    /// Writes the file: a new owner-only file renamed over the old one.
    fn save_file(&self, signed_in: &CachedSignIn) -> Result<(), AuthError> {
        let dir = self.path.parent().ok_or_else(|| self.error("no folder"))?;
        permissions::create_private_dir(dir).map_err(|e| self.error(e))?;
        let text = serde_json::to_vec_pretty(signed_in).map_err(|e| self.error(e))?;
        let temp = self.path.with_extension("json.new");
        let _ = std::fs::remove_file(&temp);
        let mut file = permissions::create_private_file(&temp).map_err(|e| self.error(e))?;
        file.write_all(&text)
            .and_then(|()| file.sync_all())
            .map_err(|e| self.error(e))?;
        drop(file);
        std::fs::rename(&temp, &self.path).map_err(|e| self.error(e))
    }

    /// Deletes the keychain entry and the file; whether there was either.
    pub fn delete(&self) -> Result<bool, AuthError> {
        let in_keychain = match &self.keychain {
            Some(keychain) => match keychain.delete(&self.key) {
                Ok(found) => found,
                Err(KeychainError::Failed(message)) => {
                    return Err(AuthError::Cache {
                        path: PathBuf::from(keychain.describe()),
                        message,
                    });
                }
                Err(_) => false,
            },
            None => false,
        };
        Ok(self.delete_file()? || in_keychain)
    }

    fn delete_file(&self) -> Result<bool, AuthError> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(self.error(e)),
        }
    }
}

#[cfg(unix)]
mod permissions {
    use std::fs::{DirBuilder, File, Metadata, OpenOptions};
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
    use std::path::Path;

    /// The mode, when group or others have any access.
    pub fn open_to_others(meta: &Metadata) -> Option<u32> {
        let mode = meta.mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }

    pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
        DirBuilder::new().recursive(true).mode(0o700).create(dir)
    }

    pub fn create_private_file(path: &Path) -> std::io::Result<File> {
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
    }
}

#[cfg(not(unix))]
mod permissions {
    use std::fs::{File, Metadata, OpenOptions};
    use std::path::Path;

    /// Other platforms protect the per-user data folder with its ACL.
    pub fn open_to_others(_meta: &Metadata) -> Option<u32> {
        None
    }

    pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)
    }

    pub fn create_private_file(path: &Path) -> std::io::Result<File> {
        OpenOptions::new().write(true).create_new(true).open(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CachedSignIn {
        CachedSignIn {
            access_token: Secret::new("at-1"),
            refresh_token: Some(Secret::new("rt-1")),
            expires_at: 1_700_000_000,
            lifetime_secs: 3600,
            account: Some("ana@contoso.test".into()),
            tenant: "contoso.test".into(),
        }
    }

    #[test]
    fn round_trips_and_logout_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::for_profile(dir.path(), "contoso");
        assert_eq!(cache.load().unwrap(), None);
        cache.save(&sample()).unwrap();
        assert_eq!(cache.load().unwrap(), Some(sample()));
        let mut rotated = sample();
        rotated.refresh_token = Some(Secret::new("rt-2"));
        cache.save(&rotated).unwrap();
        assert_eq!(cache.load().unwrap(), Some(rotated));
        assert!(cache.delete().unwrap());
        assert!(!cache.delete().unwrap());
        assert_eq!(cache.load().unwrap(), None);
    }

    #[test]
    fn with_a_keychain_no_token_file_is_written_and_logout_clears_both() {
        use super::super::keychain::MemoryKeychain;
        let dir = tempfile::tempdir().unwrap();
        let keychain = MemoryKeychain::new();
        // A sign-in from before the keychain: read, then moved on saving.
        let file_only = TokenCache::for_profile(dir.path(), "p");
        file_only.save(&sample()).unwrap();
        let cache = TokenCache::for_profile(dir.path(), "p").with_keychain(keychain.clone());
        assert_eq!(cache.load().unwrap(), Some(sample()));
        let stored = cache.save(&sample()).unwrap();
        assert_eq!(stored, StoredIn::Keychain("the test keychain".into()));
        assert!(stored.notice().contains("the test keychain"));
        assert!(!cache.path().exists(), "no token file beside the keychain");
        assert_eq!(keychain.len(), 1);
        assert_eq!(cache.load().unwrap(), Some(sample()));
        assert_eq!(
            cache.location().unwrap(),
            Some(StoredIn::Keychain("the test keychain".into()))
        );
        assert!(cache.delete().unwrap());
        assert!(keychain.is_empty());
        assert_eq!(cache.load().unwrap(), None);
        assert_eq!(cache.location().unwrap(), None);
    }

    #[test]
    fn without_a_keychain_the_file_is_used_and_the_notice_says_so() {
        use super::super::keychain::MemoryKeychain;
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::for_profile(dir.path(), "p")
            .with_keychain(MemoryKeychain::absent("no D-Bus session"));
        let stored = cache.save(&sample()).unwrap();
        let notice = stored.notice();
        assert!(matches!(
            stored,
            StoredIn::File {
                no_keychain: Some(_),
                ..
            }
        ));
        assert!(
            notice.contains("no D-Bus session") && notice.contains("readable only by you"),
            "{notice}"
        );
        assert!(cache.path().exists());
        assert_eq!(cache.load().unwrap(), Some(sample()));
        assert!(matches!(
            cache.location().unwrap(),
            Some(StoredIn::File { .. })
        ));
        assert!(cache.delete().unwrap());
        assert!(!cache.path().exists());
    }

    #[test]
    fn a_keychain_that_refuses_a_rotated_sign_in_leaves_no_stale_one() {
        use super::super::keychain::MemoryKeychain;
        let dir = tempfile::tempdir().unwrap();
        let keychain = MemoryKeychain::new();
        let cache = TokenCache::for_profile(dir.path(), "p").with_keychain(keychain.clone());
        cache.save(&sample()).unwrap();
        keychain.refuse_writes(true);
        let mut rotated = sample();
        rotated.refresh_token = Some(Secret::new("rt-2"));
        let stored = cache.save(&rotated).unwrap();
        assert!(matches!(
            stored,
            StoredIn::File {
                no_keychain: Some(_),
                ..
            }
        ));
        assert!(
            keychain.is_empty(),
            "the spent sign-in is gone from the keychain"
        );
        assert_eq!(cache.load().unwrap(), Some(rotated));
    }

    #[test]
    fn odd_profile_names_stay_in_the_folder() {
        let cache = TokenCache::for_profile(Path::new("/d"), "../a b");
        assert_eq!(cache.path(), Path::new("/d/tokens/%2E%2E%2Fa%20b.json"));
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_0600_and_a_readable_one_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::for_profile(dir.path(), "p");
        cache.save(&sample()).unwrap();
        let mode = std::fs::metadata(cache.path())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = std::fs::metadata(cache.path().parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);

        std::fs::set_permissions(cache.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = cache.load().unwrap_err();
        assert!(
            matches!(err, AuthError::CacheReadableByOthers { mode: 0o644, .. }),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains("644") && text.contains("logout") && text.contains("chmod 600"),
            "{text}"
        );
        assert!(!text.contains("at-1"));

        // Saving again writes a fresh owner-only file.
        cache.save(&sample()).unwrap();
        assert!(cache.load().is_ok());
    }
}
