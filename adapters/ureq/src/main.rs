// SPDX-License-Identifier: MIT
//! The ureq adapter: makes the scenario's requests with one ureq Agent (its
//! pool keeps the connection between them; no redirects, no gzip) and prints
//! the outcome object of adapters/PROTOCOL.md, ureq's error kinds and texts
//! mapped onto adapters/TAXONOMY.md with the native error verbatim.
#[path = "../../common/outcome.rs"]
mod outcome;

use outcome::{Opts, Out};
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;
use ureq::ErrorKind;

/// A transport error (no response) -> taxonomy class.
fn classify(t: &ureq::Transport) -> &'static str {
    let s = t.to_string();
    let has = |x: &str| s.contains(x);
    if has("tls connection init failed") {
        return if has("end of file") { "SSLEOFError" } else { io_class(&s, false) };
    }
    match t.kind() {
        ErrorKind::ConnectionFailed if has("refused") => "ConnectionRefusedError",
        ErrorKind::ConnectionFailed => "ConnectionError",
        ErrorKind::Dns => "OSError",
        ErrorKind::BadStatus if has("version") => "UnknownProtocol",
        ErrorKind::BadStatus => "BadStatusLine",
        ErrorKind::BadHeader => "HTTPException",
        ErrorKind::ProxyConnect | ErrorKind::ProxyUnauthorized => "OSError",
        ErrorKind::InvalidUrl | ErrorKind::UnknownScheme => "AdapterUnsupported",
        _ => io_class(&s, false),
    }
}

/// An I/O error's text -> class; body: the head was read.
fn io_class(s: &str, body: bool) -> &'static str {
    let has = |x: &str| s.contains(x);
    if has("timed out") || has("WouldBlock") || has("temporarily unavailable") {
        "TimeoutError"
    } else if has("certificate") || has("Certificate") || has("UnknownIssuer") || has("NotValidForName") {
        "SSLCertVerificationError"
    } else if has("tls") || has("TLS") || has("rustls") || has("alert") || has("handshake") {
        "SSLError"
    } else if has("reset by peer") {
        if body { "IncompleteRead" } else { "ConnectionResetError" }
    } else if has("roken pipe") {
        "BrokenPipeError"
    } else if body || has("chunk") {
        "IncompleteRead"
    } else if has("closed") || has("EOF") || has("eof") {
        "RemoteDisconnected"
    } else {
        "Unmapped"
    }
}

/// Accepts every certificate (--insecure): rustls' dangerous_configuration.
struct NoVerify;

impl rustls::client::ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self, _: &rustls::Certificate, _: &[rustls::Certificate], _: &rustls::ServerName,
        _: &mut dyn Iterator<Item = &[u8]>, _: &[u8], _: std::time::SystemTime,
    ) -> Result<rustls::client::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::ServerCertVerified::assertion())
    }
}

fn tls_config(o: &Opts) -> Option<Arc<rustls::ClientConfig>> {
    let builder = rustls::ClientConfig::builder().with_safe_defaults();
    if o.insecure {
        return Some(Arc::new(builder.with_custom_certificate_verifier(Arc::new(NoVerify)).with_no_client_auth()));
    }
    let path = o.cacert.as_ref()?;
    let mut roots = rustls::RootCertStore::empty();
    let pem = std::fs::read(path).ok()?;
    for der in rustls_pemfile::certs(&mut pem.as_slice()).ok()? {
        let _ = roots.add(&rustls::Certificate(der));
    }
    Some(Arc::new(builder.with_root_certificates(roots).with_no_client_auth()))
}

fn run(o: &Opts, out: &mut Out) {
    let n = o.reqs.len();
    let unsupported = |out: &mut Out, why: &str| {
        out.fail("AdapterUnsupported", why.to_string(), n - 1, n, &format!("ureq adapter: {}", why));
    };
    if o.raw_target.is_some() {
        return unsupported(out, "ureq sends the path of a URL, not a verbatim target");
    }
    if !o.proxy_headers.is_empty() {
        return unsupported(out, "ureq adds no header of ours to its CONNECT");
    }
    if o.proxy.is_some() && o.scheme != "https" {
        return unsupported(out, "ureq tunnels only https:// (http:// goes to the proxy in absolute-form)");
    }
    let d = Duration::from_secs_f64(o.timeout);
    let mut b = ureq::AgentBuilder::new().timeout_connect(d).timeout_read(d).timeout_write(d).redirects(0);
    if let Some(cfg) = tls_config(o) {
        b = b.tls_config(cfg);
    }
    if let Some(p) = &o.proxy {
        match ureq::Proxy::new(format!("http://{}", p)) {
            Ok(p) => b = b.proxy(p),
            Err(e) => return unsupported(out, &format!("ureq refuses the proxy: {}", e)),
        }
    }
    let agent = b.build();
    for (i, q) in o.reqs.iter().enumerate() {
        let last = i + 1 == n;
        let mut req = agent.request(&q.method, &format!("{}{}", o.origin, q.target));
        for (k, v) in &q.headers {
            req = req.set(k, v);
        }
        let res = match &q.data {
            Some(d) => req.send_bytes(d),
            None => req.call(),
        };
        let resp = match res {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => {
                let cls = classify(&t);
                return out.fail(cls, format!("ureq::Transport({:?}): {}", t.kind(), t), i, n, &t.to_string());
            }
        };
        if last {
            out.status = Some(resp.status());
            out.reason = Some(resp.status_text().to_string());
            out.version = Some(if resp.http_version() == "HTTP/1.0" { 10 } else { 11 });
            // ureq's Header::value panics on a head line without a colon: the
            // panic is the outcome (Unmapped), its message the native error
            let collected = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut seen: Vec<String> = Vec::new();
                let mut hs = Vec::new();
                for name in resp.headers_names() {
                    let k = seen.iter().filter(|x| **x == name).count();
                    if let Some(v) = resp.all(&name).get(k) {
                        hs.push((name.as_bytes().to_vec(), v.as_bytes().to_vec()));
                    }
                    seen.push(name);
                }
                hs
            }));
            match collected {
                Ok(hs) => out.headers = Some(hs),
                Err(p) => {
                    let msg = p.downcast_ref::<String>().cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    out.status = None;
                    return out.fail("Unmapped", format!("panic in ureq reading the head: {}", msg), i, n,
                                    "ureq panicked reading the head");
                }
            }
        }
        let cl = resp.header("content-length").and_then(|v| v.trim().parse::<i64>().ok());
        let chunked = resp.header("transfer-encoding").is_some();
        let mut body = Vec::new();
        let mut buf = [0u8; 65536];
        let mut reader = resp.into_reader();
        let err = loop {
            match reader.read(&mut buf) {
                Ok(0) => break None,
                Ok(k) => body.extend_from_slice(&buf[..k]),
                Err(e) => break Some(e),
            }
        };
        if last {
            if err.is_some() {
                out.partial_len = Some(body.len());
                if let (Some(cl), false) = (cl, chunked) {
                    out.expected_more = Some(cl - body.len() as i64);
                }
            }
            out.body = Some(body);
        }
        if let Some(e) = err {
            let s = e.to_string();
            return out.fail(io_class(&s, true), format!("io::Error({:?}): {}", e.kind(), s), i, n, &s);
        }
    }
}

fn main() {
    let o = outcome::parse();
    let mut out = Out::default();
    run(&o, &mut out);
    out.print();
}
