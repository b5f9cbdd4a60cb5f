//! How an identity came to be recorded on this machine: sent with a create
//! (POST), sent with an import (importDeviceIdentityList), or found already
//! there when a cancelled submission was checked. Stored as its name.

use std::fmt;

/// How a recorded identity was learnt. Stored and shown as `as_str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordedMethod {
    /// Sent with POST importedDeviceIdentities.
    Create,
    /// Sent with importDeviceIdentityList.
    Import,
    /// Found in the tenant after a cancelled submission had already created it.
    Checked,
}

impl RecordedMethod {
    /// Every method, in the order they are named.
    pub const ALL: [RecordedMethod; 3] = [
        RecordedMethod::Create,
        RecordedMethod::Import,
        RecordedMethod::Checked,
    ];

    /// The name it is stored under: "create", "import" or "checked".
    pub fn as_str(self) -> &'static str {
        match self {
            RecordedMethod::Create => "create",
            RecordedMethod::Import => "import",
            RecordedMethod::Checked => "checked",
        }
    }

    /// The method stored under `name` (`None`: not one of ours).
    pub fn parse(name: &str) -> Option<RecordedMethod> {
        Self::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

impl fmt::Display for RecordedMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_method_reads_back_from_the_name_it_is_stored_under() {
        let names: Vec<&str> = RecordedMethod::ALL.iter().map(|m| m.as_str()).collect();
        assert_eq!(names, ["create", "import", "checked"]);
        for method in RecordedMethod::ALL {
            assert_eq!(RecordedMethod::parse(method.as_str()), Some(method));
            assert_eq!(method.to_string(), method.as_str());
        }
    }

    #[test]
    fn a_name_that_is_not_a_method_is_not_read_as_one() {
        assert_eq!(RecordedMethod::parse(""), None);
        assert_eq!(RecordedMethod::parse("Create"), None);
        assert_eq!(RecordedMethod::parse("check"), None);
    }
}
