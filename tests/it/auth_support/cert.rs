//! A fresh RSA key and a self-signed certificate for it, written as PEM
//! files: what an administrator uploads to the app registration (the
//! certificate) and keeps for the console (the key).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::sha2::Sha256;
use x509_cert::builder::{Builder, CertificateBuilder, profile::cabf::Root};
use x509_cert::der::{EncodePem, pem};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::Validity;

/// The files of one generated certificate.
pub struct TestCertificate {
    pub certificate: PathBuf,
    pub key: PathBuf,
    pub certificate_pem: String,
    pub key_pem: String,
}

/// Generates a key (3072 bits) and a certificate named `name` under `dir`.
pub fn generate(dir: &Path, name: &str) -> TestCertificate {
    let key = <rsa::PrivateKey as rsa::Generate>::generate();
    let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone());
    let spki = SubjectPublicKeyInfoOwned::from_key(&key.to_public_key()).expect("SPKI");
    let profile = Root::new(
        false,
        Name::from_str(&format!("CN={name},O=Contoso Test,C=US")).expect("name"),
    )
    .expect("profile");
    let builder = CertificateBuilder::new(
        profile,
        SerialNumber::from(7u32),
        Validity::from_now(Duration::from_secs(3600)).expect("validity"),
        spki,
    )
    .expect("builder");
    let cert = builder
        .build::<_, rsa::pkcs1v15::Signature>(&signer)
        .expect("self-signed certificate");
    let certificate_pem = cert.to_pem(pem::LineEnding::LF).expect("certificate PEM");
    let key_pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .expect("key PEM")
        .to_string();
    let certificate = dir.join(format!("{name}.crt.pem"));
    let key_file = dir.join(format!("{name}.key.pem"));
    std::fs::write(&certificate, &certificate_pem).expect("write certificate");
    std::fs::write(&key_file, &key_pem).expect("write key");
    TestCertificate {
        certificate,
        key: key_file,
        certificate_pem,
        key_pem,
    }
}

/// The same key and certificate as a PKCS#12 file (`NAME.pfx`) sealed
/// with `password`, as Windows and most tools export them.
pub fn pkcs12(dir: &Path, name: &str, cert: &TestCertificate, password: &str) -> PathBuf {
    use rsa::pkcs8::DecodePrivateKey;
    use x509_cert::der::Decode;
    let key = rsa::PrivateKey::from_pkcs8_pem(&cert.key_pem).expect("the key");
    let key_der = key.to_pkcs8_der().expect("key DER");
    let cert_der = x509_cert::Certificate::load_pem_chain(cert.certificate_pem.as_bytes())
        .expect("the certificate")
        .remove(0);
    let cert_der = x509_cert::der::Encode::to_der(&cert_der).expect("certificate DER");
    let _ = x509_cert::Certificate::from_der(&cert_der).expect("round trip");
    let chain = p12_keystore::PrivateKeyChain::new(
        vec![1u8, 2, 3, 4],
        p12_keystore::PrivateKey::from_der(key_der.as_bytes()).expect("p12 key"),
        [p12_keystore::Certificate::from_der(&cert_der).expect("p12 certificate")],
    );
    let mut store = p12_keystore::KeyStore::new();
    store.add_entry(name, p12_keystore::KeyStoreEntry::PrivateKeyChain(chain));
    let bytes = store.writer(password).write().expect("PKCS#12");
    let path = dir.join(format!("{name}.pfx"));
    std::fs::write(&path, bytes).expect("write PKCS#12");
    path
}
