//! Reading a JWT's claims for display only (`whoami`): the signature is not
//! checked, and nothing is trusted for access decisions.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use crate::graph::transport::clean_text;

/// The claims worth showing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Claims {
    pub preferred_username: Option<String>,
    pub upn: Option<String>,
    pub unique_name: Option<String>,
    pub email: Option<String>,
    /// The application id of an app-only token.
    pub appid: Option<String>,
    /// The tenant id.
    pub tid: Option<String>,
    /// Expiry, Unix seconds.
    pub exp: Option<i64>,
}

impl Claims {
    /// The payload of a compact JWT; `None` when the token is not one.
    pub fn of(token: &str) -> Option<Claims> {
        let payload = token.split('.').nth(1)?;
        let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Who the token is for, cleaned for a terminal line.
    pub fn account(&self) -> Option<String> {
        let app = self.appid.as_ref().map(|a| format!("application {a}"));
        [
            &self.preferred_username,
            &self.upn,
            &self.unique_name,
            &self.email,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .chain(app)
        .map(|s| clean_text(&s, 120))
        .find(|s| !s.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &serde_json::Value) -> String {
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(payload).unwrap());
        format!("eyJhbGciOiJub25lIn0.{body}.")
    }

    #[test]
    fn the_account_comes_from_the_best_claim() {
        let t = jwt(&serde_json::json!({"upn": "ana@contoso.test", "tid": "t1", "exp": 5}));
        let c = Claims::of(&t).unwrap();
        assert_eq!(c.account().as_deref(), Some("ana@contoso.test"));
        assert_eq!((c.tid.as_deref(), c.exp), (Some("t1"), Some(5)));
        let app = jwt(&serde_json::json!({"appid": "0000-1"}));
        assert_eq!(
            Claims::of(&app).unwrap().account().as_deref(),
            Some("application 0000-1")
        );
        let hostile = jwt(&serde_json::json!({"preferred_username": "a\u{1b}]52;c;x\u{7}b"}));
        let account = Claims::of(&hostile).unwrap().account().unwrap();
        assert!(!account.contains('\u{1b}'), "{account:?}");
    }

    #[test]
    fn opaque_tokens_have_no_claims() {
        assert_eq!(Claims::of("opaque-token"), None);
        assert_eq!(Claims::of("a.!!!.c"), None);
    }
}
