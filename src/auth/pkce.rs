//! Proof Key for Code Exchange (RFC 7636, S256) and the `state` value of
//! an authorization request: fresh random values for every sign-in.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::secret::Secret;

/// The verifier kept by the console and the challenge sent to the browser.
#[derive(Debug, Clone)]
pub struct Pkce {
    /// 43 characters of the unreserved set (RFC 7636 §4.1); never logged.
    pub verifier: Secret,
    /// `BASE64URL(SHA256(verifier))`.
    pub challenge: String,
}

fn random_text(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

impl Pkce {
    pub fn new() -> Pkce {
        let verifier = random_text(32);
        Pkce {
            challenge: challenge_of(&verifier),
            verifier: Secret::new(verifier),
        }
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Pkce::new()
    }
}

/// The S256 challenge of `verifier`.
pub fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A `state` value binding the browser's answer to this sign-in.
pub fn new_state() -> String {
    random_text(16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_7636_example_challenge() {
        // RFC 7636 Appendix B.
        assert_eq!(
            challenge_of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_are_fresh_and_of_the_allowed_alphabet() {
        let (a, b) = (Pkce::new(), Pkce::new());
        assert_ne!(a.verifier.expose(), b.verifier.expose());
        assert_ne!(new_state(), new_state());
        let v = a.verifier.expose();
        assert_eq!(v.len(), 43);
        assert!(
            v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
        );
        assert_eq!(a.challenge, challenge_of(v));
        assert!(!format!("{a:?}").contains(v));
    }
}
