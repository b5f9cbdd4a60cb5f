//! Facts the console learns about a profile and keeps in the settings
//! table, under typed keys (no caller spells a key by hand).

use super::{Store, StoreError};

/// Something learnt about a profile's service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileFact {
    /// Auto submission found the documented create unusable (no route, or
    /// a 5xx after which nothing was created): send by import.
    CreateUnusable,
}

impl ProfileFact {
    /// The settings key for `profile`. `create_route_missing:` is the key
    /// earlier versions wrote; it is kept so their databases still count.
    pub fn key(self, profile: &str) -> String {
        match self {
            ProfileFact::CreateUnusable => format!("create_route_missing:{profile}"),
        }
    }
}

impl Store {
    /// Whether `fact` was learnt for `profile`.
    pub fn knows(&self, fact: ProfileFact, profile: &str) -> Result<bool, StoreError> {
        Ok(self.setting(&fact.key(profile))?.as_deref() == Some("1"))
    }

    /// Remembers `fact` for `profile`.
    pub fn learn(&self, fact: ProfileFact, profile: &str) -> Result<(), StoreError> {
        self.set_setting(&fact.key(profile), "1")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_are_per_profile_and_read_the_old_key() {
        let store = Store::open_in_memory().unwrap();
        assert!(!store.knows(ProfileFact::CreateUnusable, "a").unwrap());
        store.learn(ProfileFact::CreateUnusable, "a").unwrap();
        assert!(store.knows(ProfileFact::CreateUnusable, "a").unwrap());
        assert!(!store.knows(ProfileFact::CreateUnusable, "b").unwrap());
        store.set_setting("create_route_missing:b", "1").unwrap();
        assert!(store.knows(ProfileFact::CreateUnusable, "b").unwrap());
    }
}
