//! State tests of the Tenant feature: keys and messages in, outcomes out.

use super::thousands;

#[test]
fn thousands_separators() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(100000), "100,000");
    assert_eq!(thousands(1234567), "1,234,567");
}
