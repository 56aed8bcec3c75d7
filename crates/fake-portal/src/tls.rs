//! A generated self-signed certificate (SAN 127.0.0.1 and localhost) and its TLS acceptor.

use std::io;
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// The acceptor shared by all listeners, and the certificate in PEM.
pub struct TlsSetup {
    pub acceptor: TlsAcceptor,
    pub cert_pem: String,
}

fn io_err(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// A subject name no other fake portal's certificate has: OpenSSL-based clients (Esri's
/// Python client) trusting two fakes at once look issuers up by subject, and two self-signed
/// certificates under one name make one of them fail to verify.
fn unique_common_name() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("agol-tui fake portal {}-{n}-{nanos}", std::process::id())
}

/// Generate a fresh certificate and the server config.
pub fn make() -> io::Result<TlsSetup> {
    let mut params =
        rcgen::CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .map_err(io_err)?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, unique_common_name());
    let signing_key = rcgen::KeyPair::generate().map_err(io_err)?;
    let cert = params.self_signed(&signing_key).map_err(io_err)?;
    let ck = rcgen::CertifiedKey { cert, signing_key };
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let mut cfg = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io_err)?
        .with_no_client_auth()
        .with_single_cert(vec![ck.cert.der().clone()], key)
        .map_err(io_err)?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsSetup {
        acceptor: TlsAcceptor::from(Arc::new(cfg)),
        cert_pem: ck.cert.pem(),
    })
}
