//! Domain types: the importedDeviceIdentity resource, its enums, the Graph
//! wire shapes around it, and identifier validation. Imports nothing of ours.

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
