//! Client assertions (RFC 7523) as the sandbox's token endpoint checks them:
//! an RS256 JWT naming its certificate by `x5t#S256`, which must be one the
//! sandbox was told to trust, signed by that certificate's key, for this
//! token endpoint, from and about the client, and not expired. Refusals
//! carry the identity platform's AADSTS codes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs8::DecodePublicKey;
use rsa::sha2::{Digest, Sha256};
use serde::Deserialize;
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};

#[derive(Deserialize)]
struct Header {
    alg: Option<String>,
    #[serde(rename = "x5t#S256")]
    x5t_s256: Option<String>,
}

#[derive(Deserialize)]
struct Claims {
    aud: Option<String>,
    iss: Option<String>,
    sub: Option<String>,
    exp: Option<i64>,
}

fn part<T: for<'de> Deserialize<'de>>(text: &str) -> Option<T> {
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    serde_json::from_slice(&bytes).ok()
}

const INVALID: &str = "AADSTS50027: JWT token is invalid or malformed.";

/// Checks `assertion` for `client_id` at `audience`; the AADSTS
/// description of the refusal otherwise.
pub(crate) fn verify(
    assertion: &str,
    client_id: &str,
    audience: &str,
    trusted: &[Vec<u8>],
    now: i64,
) -> Result<(), String> {
    let mut parts = assertion.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(INVALID.into());
    };
    let header: Header = part(h).ok_or(INVALID)?;
    let claims: Claims = part(p).ok_or(INVALID)?;
    if header.alg.as_deref() != Some("RS256") {
        return Err("AADSTS5002738: The client assertion must be signed RS256 (or PS256).".into());
    }
    let thumbprint = header.x5t_s256.unwrap_or_default();
    let Some(der) = trusted
        .iter()
        .find(|der| URL_SAFE_NO_PAD.encode(Sha256::digest(der)) == thumbprint)
    else {
        return Err(format!(
            "AADSTS700027: Client assertion contains an invalid signature. [Reason - The key was \
             not found., Thumbprint of key used by client: '{}']",
            thumbprint.chars().take(64).collect::<String>()
        ));
    };
    let key = Certificate::from_der(der)
        .ok()
        .and_then(|c| c.tbs_certificate().subject_public_key_info().to_der().ok())
        .and_then(|spki| rsa::PublicKey::from_public_key_der(&spki).ok())
        .ok_or("AADSTS700027: The registered certificate holds no RSA key.")?;
    let signature = URL_SAFE_NO_PAD.decode(s).map_err(|_| INVALID)?;
    let signed = &assertion[..h.len() + 1 + p.len()];
    if key
        .pkcs1v15_verify::<Sha256>(signed.as_bytes(), &signature)
        .is_err()
    {
        return Err(
            "AADSTS700027: Client assertion contains an invalid signature. [Reason - The \
             provided signature value did not match the expected signature value.]"
                .into(),
        );
    }
    if claims.aud.as_deref() != Some(audience) {
        return Err(format!(
            "AADSTS700212: The audience of the client assertion must be {audience}."
        ));
    }
    if claims.iss.as_deref() != Some(client_id) || claims.sub.as_deref() != Some(client_id) {
        return Err(
            "AADSTS700021: The client assertion's iss and sub must be the client_id.".into(),
        );
    }
    if claims.exp.is_none_or(|exp| exp <= now) {
        return Err("AADSTS700024: Client assertion is not within its valid time range.".into());
    }
    Ok(())
}
