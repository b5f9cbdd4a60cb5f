//! Certificate credentials for unattended runs: the client assertion of
//! RFC 7523 (a JWT signed RS256 with the application's private key, naming
//! its certificate by the `x5t#S256` thumbprint) that the token endpoint
//! takes instead of a client secret. The certificate and key are read from
//! PEM files (the key as PKCS#8 or PKCS#1, in its own file or beside the
//! certificate), or from a PKCS#12 file (`.pfx`, `.p12`) opened with a
//! password from the environment. The key never leaves this module.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::der::Encode;

use super::error::AuthError;
use super::secret::Secret;

/// How long an assertion is valid (the service wants minutes, not hours).
const ASSERTION_LIFETIME_SECS: i64 = 600;

/// An application's certificate and private key.
pub struct ClientCertificate {
    key: rsa::PrivateKey,
    /// `BASE64URL(SHA-256(certificate DER))`.
    thumbprint: String,
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("thumbprint", &self.thumbprint)
            .finish_non_exhaustive()
    }
}

fn read(path: &Path) -> Result<String, AuthError> {
    std::fs::read_to_string(path)
        .map_err(|e| AuthError::Certificate(format!("cannot read {}: {e}", path.display())))
}

/// The first PEM block labelled `label` in `text`, armour included.
fn pem_block<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)?;
    let stop = text[start..].find(&end)? + start + end.len();
    Some(&text[start..stop])
}

/// The `x5t#S256` thumbprint of a certificate in DER.
pub fn thumbprint_of(der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(der))
}

/// The DER of the first certificate in a PEM text.
pub fn certificate_der(pem: &str) -> Result<Vec<u8>, String> {
    let chain = Certificate::load_pem_chain(pem.as_bytes()).map_err(|e| e.to_string())?;
    let first = chain.first().ok_or("no CERTIFICATE block")?;
    first.to_der().map_err(|e| e.to_string())
}

/// Where a PKCS#12 file's password comes from when the profile names no variable.
pub const PASSWORD_ENV: &str = "ENROLL_CONSOLE_CERTIFICATE_PASSWORD";

impl ClientCertificate {
    /// Reads a PEM certificate (and the key from `key`, or the certificate
    /// file), or a PKCS#12 file with the password in `password_env`.
    pub fn open(
        certificate: &Path,
        key: Option<&Path>,
        password_env: Option<&str>,
    ) -> Result<ClientCertificate, AuthError> {
        let bytes = std::fs::read(certificate).map_err(|e| {
            AuthError::Certificate(format!("cannot read {}: {e}", certificate.display()))
        })?;
        if String::from_utf8_lossy(&bytes).contains("-----BEGIN") {
            return ClientCertificate::load(certificate, key);
        }
        let var = password_env.unwrap_or(PASSWORD_ENV);
        let password = std::env::var(var).unwrap_or_default();
        ClientCertificate::from_pkcs12(&bytes, &password).map_err(|e| {
            AuthError::Certificate(format!(
                "{} is neither PEM nor a PKCS#12 file the password in {var} opens ({e})",
                certificate.display()
            ))
        })
    }

    /// The first key and its certificate in a PKCS#12 archive.
    pub fn from_pkcs12(bytes: &[u8], password: &str) -> Result<ClientCertificate, String> {
        let store = p12_keystore::KeyStore::from_pkcs12(
            bytes,
            password,
            p12_keystore::Pkcs12ImportPolicy::Strict,
        )
        .map_err(|e| e.to_string())?;
        let (_, chain) = store
            .private_key_chain()
            .ok_or("no private key with its certificate")?;
        let cert = chain.certs().first().ok_or("no certificate for the key")?;
        let key = rsa::PrivateKey::from_pkcs8_der(chain.key().as_der())
            .map_err(|e| format!("not an RSA key ({e})"))?;
        Ok(ClientCertificate::from_parts(key, cert.as_der()))
    }

    /// Reads the certificate, and the key from `key` (or the certificate file).
    pub fn load(certificate: &Path, key: Option<&Path>) -> Result<ClientCertificate, AuthError> {
        let cert_text = read(certificate)?;
        let der = certificate_der(&cert_text).map_err(|e| {
            AuthError::Certificate(format!(
                "{} holds no certificate ({e})",
                certificate.display()
            ))
        })?;
        let key_path: PathBuf = key.unwrap_or(certificate).to_path_buf();
        let key_text = if key.is_some() {
            read(&key_path)?
        } else {
            cert_text
        };
        Ok(ClientCertificate {
            key: private_key(&key_text, &key_path)?,
            thumbprint: thumbprint_of(&der),
        })
    }

    /// Built from a key and a certificate already in memory (PKCS#12).
    pub fn from_parts(key: rsa::PrivateKey, certificate_der: &[u8]) -> ClientCertificate {
        ClientCertificate {
            key,
            thumbprint: thumbprint_of(certificate_der),
        }
    }

    /// The thumbprint the service knows the certificate by.
    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    /// A client assertion for `client_id` at the token endpoint `audience`,
    /// valid from `now` (Unix seconds) for ten minutes.
    pub fn assertion(
        &self,
        client_id: &str,
        audience: &str,
        now: i64,
    ) -> Result<Secret, AuthError> {
        let header = serde_json::json!({
            "alg": "RS256",
            "typ": "JWT",
            "x5t#S256": self.thumbprint,
        });
        let claims = serde_json::json!({
            "aud": audience,
            "iss": client_id,
            "sub": client_id,
            "jti": uuid::Uuid::new_v4().to_string(),
            "nbf": now,
            "iat": now,
            "exp": now + ASSERTION_LIFETIME_SECS,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self
            .key
            .pkcs1v15_sign::<Sha256>(signing_input.as_bytes())
            .map_err(|e| AuthError::Certificate(format!("could not sign the assertion: {e}")))?;
        Ok(Secret::new(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        )))
    }
}

fn private_key(text: &str, path: &Path) -> Result<rsa::PrivateKey, AuthError> {
    let bad = |e: &dyn std::fmt::Display| {
        AuthError::Certificate(format!(
            "the private key in {} is unreadable ({e})",
            path.display()
        ))
    };
    if let Some(block) = pem_block(text, "PRIVATE KEY") {
        return rsa::PrivateKey::from_pkcs8_pem(block).map_err(|e| bad(&e));
    }
    if let Some(block) = pem_block(text, "RSA PRIVATE KEY") {
        return rsa::PrivateKey::from_pkcs1_pem(block).map_err(|e| bad(&e));
    }
    if pem_block(text, "ENCRYPTED PRIVATE KEY").is_some() {
        return Err(AuthError::Certificate(format!(
            "the private key in {} is encrypted: use a PKCS#12 file (certificate_password_env \
             names the password's variable), or a key without a passphrase readable only by you",
            path.display()
        )));
    }
    Err(AuthError::Certificate(format!(
        "{} holds no RSA private key (PEM, PKCS#8 or PKCS#1); set private_key to the key's file",
        path.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_are_found_among_others() {
        let text = "junk\n-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n\
                    -----BEGIN PRIVATE KEY-----\nBBB\n-----END PRIVATE KEY-----\n";
        assert_eq!(
            pem_block(text, "PRIVATE KEY"),
            Some("-----BEGIN PRIVATE KEY-----\nBBB\n-----END PRIVATE KEY-----")
        );
        assert_eq!(pem_block(text, "RSA PRIVATE KEY"), None);
    }

    #[test]
    fn files_without_a_key_or_certificate_say_which_and_why() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.pem");
        std::fs::write(&p, "not a certificate").unwrap();
        let e = ClientCertificate::load(&p, None).unwrap_err().to_string();
        assert!(e.contains("c.pem") && e.contains("no certificate"), "{e}");
        let missing = ClientCertificate::load(&dir.path().join("none.pem"), None).unwrap_err();
        assert!(missing.to_string().contains("cannot read"), "{missing}");
        let e = private_key(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\n-----END ENCRYPTED PRIVATE KEY-----",
            &p,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("encrypted"), "{e}");
    }
}
