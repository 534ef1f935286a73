// SPDX-License-Identifier: MIT
//! What the Rust adapters share (hyper, ureq): the options of
//! adapters/PROTOCOL.md parsed into requests, and the outcome object printed
//! as JSON (SHA-256 with sha2, base64 with base64 0.13: Debian's crates).
#![allow(dead_code)]
use sha2::{Digest, Sha256};
use std::fmt::Write;

pub struct Req {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub data: Option<Vec<u8>>,
}

pub struct Opts {
    pub reqs: Vec<Req>,
    pub scheme: String,
    pub host: String,
    pub port: u16,
    pub origin: String,
    pub timeout: f64,
    pub cacert: Option<String>,
    pub insecure: bool,
    pub proxy: Option<String>,
    pub proxy_headers: Vec<(String, String)>,
    pub raw_target: Option<String>,
}

fn split(h: &str) -> (String, String) {
    match h.find(':') {
        Some(c) => (h[..c].to_string(), h[c + 1..].trim_start_matches([' ', '\t']).to_string()),
        None => (h.to_string(), String::new()),
    }
}

pub fn parse() -> Opts {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let mut reqs: Vec<Req> = Vec::new();
    let mut cur = Req { method: "GET".into(), target: "/".into(), headers: vec![], data: None };
    let (mut url, mut timeout, mut cacert, mut insecure) = (String::new(), 10.0, None, false);
    let (mut proxy, mut proxy_headers, mut raw_target) = (None, vec![], None);
    let mut i = 0;
    while i < a.len() {
        let o = a[i].as_str();
        if o == "--insecure" || o == "--verify" {
            insecure |= o == "--insecure";
            i += 1;
            continue;
        }
        let v = a.get(i + 1).cloned().unwrap_or_default();
        i += 2;
        let read = |p: &str| std::fs::read(p).unwrap_or_default();
        match o {
            "--before" => {
                let (m, t) = v.split_once(' ').unwrap_or((v.as_str(), "/"));
                reqs.push(Req { method: m.into(), target: t.into(), headers: vec![], data: None });
            }
            "--before-header" => reqs.last_mut().unwrap().headers.push(split(&v)),
            "--before-data-file" => reqs.last_mut().unwrap().data = Some(read(&v)),
            "-X" => cur.method = v,
            "-H" => cur.headers.push(split(&v)),
            "--data-file" => cur.data = Some(read(&v)),
            "--timeout" => timeout = v.parse().unwrap_or(10.0),
            "--cacert" => cacert = Some(v),
            "--proxy" => proxy = Some(v),
            "--proxy-header" => proxy_headers.push(split(&v)),
            "--json" => url = v,
            "--target" => raw_target = Some(v),
            _ => {
                eprintln!("adapter: unknown option {}", o);
                std::process::exit(2);
            }
        }
    }
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url.as_str()));
    let (hostport, path) = match rest.find('/') {
        Some(s) => (&rest[..s], &rest[s..]),
        None => (rest, "/"),
    };
    let (host, port) = match hostport.rfind(':') {
        Some(c) => (&hostport[..c], hostport[c + 1..].parse().unwrap_or(80)),
        None => (hostport, if scheme == "https" { 443 } else { 80 }),
    };
    cur.target = raw_target.clone().unwrap_or_else(|| path.to_string());
    reqs.push(cur);
    Opts {
        reqs,
        scheme: scheme.into(),
        host: host.into(),
        port,
        origin: format!("{}://{}:{}", scheme, host, port),
        timeout,
        cacert,
        insecure,
        proxy,
        proxy_headers,
        raw_target,
    }
}

#[derive(Default)]
pub struct Out {
    pub error: Option<String>,
    pub detail: String,
    pub native: Option<String>,
    pub status: Option<u16>,
    pub reason: Option<String>,
    pub version: Option<u32>,
    pub headers: Option<Vec<(Vec<u8>, Vec<u8>)>>,
    pub body: Option<Vec<u8>>,
    pub partial_len: Option<usize>,
    pub expected_more: Option<i64>,
    pub will_close: Option<bool>,
    pub connection: Option<&'static str>,
}

/// A JSON string whose code points are the bytes (ISO-8859-1), as the protocol asks.
fn js(s: &[u8]) -> String {
    let mut o = String::from("\"");
    for &c in s {
        match c {
            b'"' | b'\\' => {
                o.push('\\');
                o.push(c as char)
            }
            0x20..=0x7e => o.push(c as char),
            _ => write!(o, "\\u{:04x}", c).unwrap(),
        }
    }
    o.push('"');
    o
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_else(|| "null".into())
}

impl Out {
    /// An error of request i (0-based) of n: the detail names it when it is not the last.
    pub fn fail(&mut self, class: &str, native: String, i: usize, n: usize, msg: &str) {
        self.error = Some(class.into());
        self.native = Some(native);
        self.detail = if i + 1 < n { format!("request {} of {}: {}", i + 1, n, msg) } else { msg.into() };
        if class != "AdapterUnsupported" {
            self.connection = Some("closed");
        }
    }

    pub fn print(&self) {
        let mut b = format!("{{\"error\": {}", self.error.as_ref().map(|e| js(e.as_bytes())).unwrap_or("null".into()));
        write!(b, ", \"detail\": {}", js(self.detail.as_bytes())).unwrap();
        if let Some(n) = &self.native {
            write!(b, ", \"native_error\": {}", js(n.as_bytes())).unwrap();
        }
        write!(b, ", \"status\": {}, \"version\": {}", opt(&self.status), opt(&self.version)).unwrap();
        write!(b, ", \"reason\": {}", self.reason.as_ref().map(|r| js(r.as_bytes())).unwrap_or("null".into())).unwrap();
        if let Some(hs) = &self.headers {
            let list: Vec<String> = hs.iter().map(|(n, v)| format!("[{}, {}]", js(n), js(v))).collect();
            write!(b, ", \"headers\": [{}]", list.join(", ")).unwrap();
        }
        if let Some(body) = &self.body {
            let sum: String = Sha256::digest(body).iter().map(|x| format!("{:02x}", x)).collect();
            write!(b, ", \"body_len\": {}, \"body_sha256\": \"{}\"", body.len(), sum).unwrap();
            if body.len() <= 1 << 20 {
                write!(b, ", \"body_b64\": \"{}\"", base64::encode(body)).unwrap();
            }
        }
        write!(b, ", \"partial_len\": {}, \"expected_more\": {}", opt(&self.partial_len), opt(&self.expected_more)).unwrap();
        write!(b, ", \"will_close\": {}", opt(&self.will_close)).unwrap();
        write!(b, ", \"connection\": {}}}", self.connection.map(|c| js(c.as_bytes())).unwrap_or("null".into())).unwrap();
        println!("{}", b);
    }
}
