//! The three Graph enums of an imported device identity.
//!
//! Members are parsed case-insensitively (the docs write `tvos`, the metadata
//! `tvOS`), and a member this build does not know is kept verbatim in
//! `Other` instead of failing the whole response: Graph enums are evolvable.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! graph_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, $label:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A member newer than this build, kept as the service spelled it.
            Other(String),
        }

        impl $name {
            /// Every known member, in the service's value order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant ),+ ];

            /// The member name as Graph spells it on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Other(s) => s.as_str(),
                }
            }

            /// A short human label for pickers and tables.
            pub fn label(&self) -> &str {
                match self {
                    $( $name::$variant => $label, )+
                    $name::Other(s) => s.as_str(),
                }
            }

            /// Parses a member name, ignoring case; unknown names become `Other`.
            pub fn parse(s: &str) -> Self {
                $( if s.eq_ignore_ascii_case($wire) { return $name::$variant; } )+
                $name::Other(s.to_string())
            }

            /// Whether this is a member this build knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::parse(s))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok($name::parse(&s))
            }
        }
    };
}

graph_enum! {
    /// `microsoft.graph.importedDeviceIdentityType`.
    ImportedDeviceIdentityType {
        #[default]
        Unknown = "unknown", "unknown",
        Imei = "imei", "IMEI",
        SerialNumber = "serialNumber", "serial number",
        /// Windows `Manufacturer,Model,Serial` (value 3, newer than the old docs).
        ManufacturerModelSerial = "manufacturerModelSerial", "manufacturer,model,serial",
    }
}

graph_enum! {
    /// `microsoft.graph.platform`.
    Platform {
        #[default]
        Unknown = "unknown", "unknown",
        Ios = "ios", "iOS/iPadOS",
        Android = "android", "Android",
        Windows = "windows", "Windows",
        WindowsMobile = "windowsMobile", "Windows Mobile",
        MacOs = "macOS", "macOS",
        VisionOs = "visionOS", "visionOS",
        TvOs = "tvOS", "tvOS",
        /// Evolvable-enum sentinel: parsed, never offered.
        UnknownFutureValue = "unknownFutureValue", "unknown future value",
    }
}

graph_enum! {
    /// `microsoft.graph.enrollmentState`.
    EnrollmentState {
        Unknown = "unknown", "unknown",
        Enrolled = "enrolled", "enrolled",
        PendingReset = "pendingReset", "pending reset",
        Failed = "failed", "failed",
        /// The default for a new identity.
        #[default]
        NotContacted = "notContacted", "not contacted",
        Blocked = "blocked", "blocked",
    }
}

impl ImportedDeviceIdentityType {
    /// The members a user may pick, in the form's order (PRODUCT §3).
    pub const PICKABLE: &'static [ImportedDeviceIdentityType] = &[
        ImportedDeviceIdentityType::Imei,
        ImportedDeviceIdentityType::SerialNumber,
        ImportedDeviceIdentityType::ManufacturerModelSerial,
        ImportedDeviceIdentityType::Unknown,
    ];
}

impl Platform {
    /// The members a user may pick: never `unknownFutureValue`.
    pub const PICKABLE: &'static [Platform] = &[
        Platform::Ios,
        Platform::Android,
        Platform::Windows,
        Platform::MacOs,
        Platform::WindowsMobile,
        Platform::VisionOs,
        Platform::TvOs,
        Platform::Unknown,
    ];
}

impl EnrollmentState {
    /// The members a user may pick; `notContacted` first, the default for new identities.
    pub const PICKABLE: &'static [EnrollmentState] = &[
        EnrollmentState::NotContacted,
        EnrollmentState::Enrolled,
        EnrollmentState::PendingReset,
        EnrollmentState::Failed,
        EnrollmentState::Blocked,
        EnrollmentState::Unknown,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_case_insensitively_and_writes_canonical_names() {
        assert_eq!(Platform::parse("tvos"), Platform::TvOs);
        assert_eq!(Platform::parse("TVOS").as_str(), "tvOS");
        assert_eq!(Platform::parse("macos"), Platform::MacOs);
        assert_eq!(
            ImportedDeviceIdentityType::parse("MANUFACTURERMODELSERIAL"),
            ImportedDeviceIdentityType::ManufacturerModelSerial
        );
        assert_eq!(
            EnrollmentState::parse("notcontacted"),
            EnrollmentState::NotContacted
        );
    }

    #[test]
    fn keeps_unknown_members_verbatim() {
        let p: Platform = serde_json::from_str("\"holoLens\"").unwrap();
        assert_eq!(p, Platform::Other("holoLens".into()));
        assert!(!p.is_known());
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"holoLens\"");
    }

    #[test]
    fn values_are_in_service_order() {
        let names: Vec<&str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(
            names,
            [
                "unknown",
                "ios",
                "android",
                "windows",
                "windowsMobile",
                "macOS",
                "visionOS",
                "tvOS",
                "unknownFutureValue"
            ]
        );
        assert!(!Platform::PICKABLE.contains(&Platform::UnknownFutureValue));
        assert_eq!(EnrollmentState::PICKABLE[0], EnrollmentState::default());
    }
}
