// SPDX-License-Identifier: MIT
//! The hyper adapter: makes the scenario's requests on one HTTP/1.1
//! connection with hyper 0.14's client::conn (hyper's own keep-alive
//! connection, no pool in between), each read under the socket timeout, and
//! prints the outcome object of adapters/PROTOCOL.md, hyper's errors mapped
//! onto adapters/TAXONOMY.md with the native error verbatim.
#[path = "../../common/outcome.rs"]
mod outcome;

use hyper::body::HttpBody;
use hyper::{Body, Request};
use outcome::{Opts, Out};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::timeout;

/// SendRequest::poll_ready as a future (hyper 0.14.19 has no ready()).
struct Ready<'a>(&'a mut hyper::client::conn::SendRequest<Body>);

impl Future for Ready<'_> {
    type Output = hyper::Result<()>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0.poll_ready(cx)
    }
}

/// hyper's error kinds and texts, first match wins.
fn classify(e: &hyper::Error, body: bool) -> &'static str {
    let t = e.to_string();
    let has = |s: &str| t.contains(s);
    if e.is_timeout() {
        "TimeoutError"
    } else if e.is_parse_too_large() || has("too large") {
        "LineTooLong"
    } else if has("HTTP version") {
        "HTTPException" // httparse's Version error: "HTTP/2.0" and "garbage" alike
    } else if e.is_parse_status() || has("status") {
        "BadStatusLine"
    } else if has("invalid HTTP header") || has("header") {
        "HTTPException"
    } else if has("chunk") || has("end of file before message length") || (body && e.is_incomplete_message()) {
        "IncompleteRead"
    } else if has("content-length") || has("Content-Length") {
        "InvalidHeader"
    } else if has("transfer-encoding") || has("Transfer-Encoding") {
        "InvalidFraming"
    } else if e.is_incomplete_message() || e.is_closed() || e.is_canceled() {
        if body { "IncompleteRead" } else { "RemoteDisconnected" }
    } else if has("reset by peer") {
        "ConnectionResetError"
    } else if has("roken pipe") {
        "BrokenPipeError"
    } else if e.is_parse() {
        "HTTPException"
    } else {
        "Unmapped"
    }
}

fn native(e: &hyper::Error) -> String {
    let mut s = format!("hyper::Error({})", e);
    let mut src = std::error::Error::source(e);
    while let Some(c) = src {
        s += &format!(": {}", c);
        src = c.source();
    }
    s
}

type Failure = (&'static str, String, String);

/// A new connection: TCP, then hyper's HTTP/1 handshake, its dispatcher spawned.
async fn connect(o: &Opts, d: Duration) -> Result<hyper::client::conn::SendRequest<Body>, Failure> {
    let tcp = match timeout(d, tokio::net::TcpStream::connect((o.host.as_str(), o.port))).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            let cls = match e.kind() {
                std::io::ErrorKind::ConnectionRefused => "ConnectionRefusedError",
                _ => "OSError",
            };
            return Err((cls, format!("io::Error: {}", e), e.to_string()));
        }
        Err(_) => return Err(("TimeoutError", "connect timed out".into(), "timed out".into())),
    };
    match hyper::client::conn::Builder::new().handshake::<_, Body>(tcp).await {
        Ok((sender, conn)) => {
            tokio::spawn(conn);
            Ok(sender)
        }
        Err(e) => Err((classify(&e, false), native(&e), e.to_string())),
    }
}

async fn run(o: &Opts, out: &mut Out) {
    let n = o.reqs.len();
    let unsupported = |out: &mut Out, why: &str| {
        out.fail("AdapterUnsupported", why.to_string(), n - 1, n, &format!("hyper adapter: {}", why));
    };
    if o.scheme == "https" {
        return unsupported(out, "no TLS connector: Debian 12 packages neither hyper-tls nor tokio-rustls");
    }
    if o.proxy.is_some() {
        return unsupported(out, "hyper has no proxy or set_tunnel of its own");
    }
    let d = Duration::from_secs_f64(o.timeout);
    let mut sender = match connect(o, d).await {
        Ok(s) => s,
        Err((cls, nat, msg)) => return out.fail(cls, nat, 0, n, &msg),
    };
    for (i, q) in o.reqs.iter().enumerate() {
        let last = i + 1 == n;
        let mut rb = Request::builder().method(q.method.as_bytes()).uri(q.target.as_str());
        // hyper's Client adds Host: its client::conn leaves it to the caller.
        // As the Client does, an absolute-form target names the host itself.
        if !q.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            let authority = q.target.split_once("://")
                .map(|(_, rest)| rest.split('/').next().unwrap_or("").to_string())
                .filter(|a| !a.is_empty());
            rb = rb.header("Host", authority.unwrap_or_else(|| format!("{}:{}", o.host, o.port)));
        }
        for (k, v) in &q.headers {
            rb = rb.header(k.as_bytes(), v.as_bytes());
        }
        let req = match rb.body(q.data.clone().map(Body::from).unwrap_or_else(Body::empty)) {
            Ok(r) => r,
            Err(e) => return unsupported(out, &format!("the http crate refuses the request: {}", e)),
        };
        // a connection the server closed is replaced, as hyper's Client pool does
        if timeout(d, Ready(&mut sender)).await.map(|r| r.is_err()).unwrap_or(true) {
            sender = match connect(o, d).await {
                Ok(s) => s,
                Err((cls, nat, msg)) => return out.fail(cls, nat, i, n, &msg),
            };
        }
        let mut resp = match timeout(d, sender.send_request(req)).await {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => return out.fail(classify(&e, false), native(&e), i, n, &e.to_string()),
            Err(_) => return out.fail("TimeoutError", "no response head within the timeout".into(), i, n, "timed out"),
        };
        let mut body = Vec::new();
        let mut err = None;
        loop {
            match timeout(d, resp.body_mut().data()).await {
                Ok(Some(Ok(chunk))) => body.extend_from_slice(&chunk),
                Ok(Some(Err(e))) => {
                    err = Some((classify(&e, true), native(&e), e.to_string()));
                    break;
                }
                Ok(None) => break,
                Err(_) => {
                    err = Some(("TimeoutError", "no body data within the timeout".into(), "timed out".into()));
                    break;
                }
            }
        }
        if last {
            out.status = Some(resp.status().as_u16());
            out.version = Some(if resp.version() == hyper::Version::HTTP_10 { 10 } else { 11 });
            out.headers = Some(resp.headers().iter().map(|(k, v)| (k.as_str().as_bytes().to_vec(), v.as_bytes().to_vec())).collect());
            if err.is_some() {
                out.partial_len = Some(body.len());
                if let Some(cl) = resp.headers().get("content-length").and_then(|v| v.to_str().ok()?.parse::<i64>().ok()) {
                    out.expected_more = Some(cl - body.len() as i64);
                }
            }
            out.body = Some(body);
        }
        if let Some((cls, nat, msg)) = err {
            return out.fail(cls, nat, i, n, &msg);
        }
    }
}

fn main() {
    let o = outcome::parse();
    let mut out = Out::default();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(run(&o, &mut out));
    out.print();
    std::process::exit(0);
}
