//! What to do about the identity service's refusals that a helpdesk user
//! meets in locked-down tenants: Conditional Access (AADSTS53003), an
//! account not assigned to the app (AADSTS50105), missing consent
//! (AADSTS65001), a certificate the app does not know, and Graph's claims
//! challenge (`insufficient_claims`). The codes are read from the
//! service's `error_description`, which starts with `AADSTSnnnn:`.

/// The AADSTS number at the start of a description (`AADSTS53003: ...`).
pub fn aadsts_code(description: &str) -> Option<u32> {
    let rest = description.trim_start().strip_prefix("AADSTS")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// What the user can do about an OAuth refusal, when it is a known one.
pub fn hint(code: &str, description: Option<&str>) -> Option<&'static str> {
    match description.and_then(aadsts_code) {
        Some(53003) => Some(CONDITIONAL_ACCESS),
        Some(50105) => Some(
            "your account is not assigned to this application: an Entra ID admin must assign you \
             (or a group you are in) under Enterprise applications → the app → Users and groups",
        ),
        Some(65001) => Some(
            "the app has no consent for DeviceManagementServiceConfig.ReadWrite.All: an Entra ID \
             admin must grant admin consent under App registrations → the app → API permissions",
        ),
        Some(501481) => Some(
            "the sign-in's proof key (PKCE) did not match the request; start the sign-in again",
        ),
        Some(700027) | Some(700024) => Some(
            "the certificate is not accepted for this app: upload its public part under App \
             registrations → the app → Certificates & secrets, and check the clock of this computer",
        ),
        Some(700016) => Some(
            "no app with this client_id in the tenant: check client_id and tenant in the profile",
        ),
        _ if code == "insufficient_claims" || code == "interaction_required" => {
            Some(CLAIMS_CHALLENGE)
        }
        _ => None,
    }
}

/// AADSTS53003, for the sign-in and for the device code screen.
pub const CONDITIONAL_ACCESS: &str = "blocked by your organisation's Conditional Access policies. \
     Tenants that block the device code flow allow the browser sign-in: use auth = \"browser\" \
     (the default) or `enroll-console login` without --device-code. Otherwise ask your Entra ID \
     admin which policy applies (the sign-in logs name it)";

/// `insufficient_claims` / `interaction_required`: the tenant wants more
/// (MFA, a compliant device) than the cached sign-in proves.
pub const CLAIMS_CHALLENGE: &str = "the tenant's Conditional Access asks for more than this \
     sign-in proves (multi-factor, a compliant device): sign in again in the browser, which passes \
     the service's claims challenge on";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_from_the_description() {
        assert_eq!(
            aadsts_code("AADSTS53003: Access has been blocked"),
            Some(53003)
        );
        assert_eq!(aadsts_code(" AADSTS50105: x"), Some(50105));
        assert_eq!(aadsts_code("no code"), None);
        assert_eq!(aadsts_code("AADSTS: none"), None);
    }

    #[test]
    fn each_conditional_access_answer_says_what_to_do() {
        let h = |d: &str| hint("invalid_grant", Some(d)).unwrap_or("");
        assert!(
            h("AADSTS53003: Access has been blocked by Conditional Access policies.")
                .contains("auth = \"browser\"")
        );
        assert!(h("AADSTS50105: not assigned").contains("Users and groups"));
        assert!(h("AADSTS65001: no consent").contains("admin consent"));
        assert!(
            hint("insufficient_claims", None)
                .unwrap()
                .contains("claims challenge")
        );
        assert_eq!(hint("invalid_grant", Some("AADSTS70000: spent")), None);
    }
}
