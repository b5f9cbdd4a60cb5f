//! Domain types: the importedDeviceIdentity resource, its enums, the Graph
//! wire shapes around it, identifier validation and the identity key. Imports
//! nothing of ours: the sandbox and the console both build on it.

// The README's example is compiled and run as a doctest, so it cannot drift from the API.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub mod datetime;
pub mod datetime_input;
pub mod enums;
pub mod identity;
pub mod odata_error;
pub mod validate;

pub use datetime::{DateTimeOffset, UnreadableDates};
pub use datetime_input::DateInputError;
pub use enums::{EnrollmentState, ImportedDeviceIdentityType, Platform};
pub use identity::{
    EntityResponse, ImportDeviceIdentityListRequest, ImportedDeviceIdentity,
    ImportedDeviceIdentityResult, Page, SearchExistingIdentitiesRequest,
};
pub use odata_error::{InnerError, ODataError, ODataErrorBody};
