// SPDX-License-Identifier: MIT
// What the Node adapters (adapters/node/node_adapter.js, Node's http, and
// adapters/undici/undici_adapter.js, fetch() and undici) share: the options of
// adapters/PROTOCOL.md parsed into a list of requests, the outcome object with
// its body fields, and the classes of llhttp's HPE_* codes and of Node's socket
// and TLS codes (adapters/TAXONOMY.md). Each adapter adds its client's own codes.
'use strict';
const fs = require('fs');
const crypto = require('crypto');

// llhttp's codes (Node's http and undici both parse with it) -> class.
const LLHTTP_CODES = {
  HPE_INVALID_CONSTANT: 'BadStatusLine', // not "HTTP/" where the version goes
  HPE_INVALID_VERSION: 'UnknownProtocol',
  HPE_INVALID_STATUS: 'BadStatusLine',
  HPE_INVALID_HEADER_TOKEN: 'HTTPException', // CPython has no header-syntax class
  HPE_HEADER_OVERFLOW: 'LineTooLong', // the whole head over the size limit
  HPE_INVALID_CHUNK_SIZE: 'IncompleteRead', // CPython: ValueError -> IncompleteRead
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'IncompleteRead',
  HPE_INVALID_CONTENT_LENGTH: 'InvalidHeader',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'InvalidFraming', // Content-Length with chunked
  HPE_INVALID_TRANSFER_ENCODING: 'InvalidFraming',
  HPE_CR_EXPECTED: 'HTTPException',
  HPE_LF_EXPECTED: 'HTTPException',
  HPE_STRICT: 'HTTPException',
  HPE_INVALID_EOF_STATE: 'IncompleteRead', // EOF inside a framed body
  HPE_CLOSED_CONNECTION: 'HTTPException', // data after a "close" response
  HPE_UNEXPECTED_SPACE: 'HTTPException',
};

// Node's socket and TLS codes -> class.
const NODE_CODES = {
  ECONNRESET: 'ConnectionResetError',
  EPIPE: 'BrokenPipeError',
  ECONNREFUSED: 'ConnectionRefusedError',
  ETIMEDOUT: 'TimeoutError',
  EPROTO: 'SSLError',
  ERR_SSL_WRONG_VERSION_NUMBER: 'SSLError',
  ERR_TLS_CERT_ALTNAME_INVALID: 'SSLCertVerificationError',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'SSLCertVerificationError',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'SSLCertVerificationError',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'SSLCertVerificationError',
  SELF_SIGNED_CERT_IN_CHAIN: 'SSLCertVerificationError',
  CERT_HAS_EXPIRED: 'SSLCertVerificationError',
};

// Node's TLS socket reports a close (FIN) that comes before the handshake
// ends as ECONNRESET with this message (_tls_wrap.js onConnectEnd): an EOF in
// the handshake, CPython's SSLEOFError, not a reset (a reset reads
// "read ECONNRESET").
const TLS_EOF = /before secure TLS connection was established/;

// The protocol's argv -> {reqs, opts}. Each request: method, target (the
// path of --json's URL, or --target verbatim for the last one), headers (the
// "Name: value" lines as given) and data (a Buffer or null). flags maps an
// adapter's own valueless options to a function of opts; an unknown option
// exits with status 2 naming the adapter.
function parseArgs(argv, name, flags = {}) {
  const reqs = [], opts = {timeout: 10, proxyHeaders: []};
  const cur = {method: 'GET', headers: [], data: null};
  for (let i = 0; i < argv.length; i++) {
    const o = argv[i], v = argv[i + 1];
    if (o === '--insecure' || o === '--verify') { opts[o.slice(2)] = true; continue; }
    if (flags[o] && flags[o].length === 1) { flags[o](opts); continue; }
    i++;
    if (flags[o]) flags[o](opts, v);
    else if (o === '--before') {
      const sp = v.indexOf(' ');
      reqs.push({method: v.slice(0, sp), target: v.slice(sp + 1), headers: [], data: null});
    } else if (o === '--before-header') reqs[reqs.length - 1].headers.push(v);
    else if (o === '--before-data-file') reqs[reqs.length - 1].data = fs.readFileSync(v);
    else if (o === '-X') cur.method = v;
    else if (o === '-H') cur.headers.push(v);
    else if (o === '--data-file') cur.data = fs.readFileSync(v);
    else if (o === '--timeout') opts.timeout = parseFloat(v);
    else if (o === '--cacert') opts.cacert = v;
    else if (o === '--proxy') opts.proxy = v;
    else if (o === '--proxy-header') opts.proxyHeaders.push(v);
    else if (o === '--json') opts.url = new URL(v);
    else if (o === '--target') opts.target = v; // sent verbatim (absolute-form, "*")
    else { console.error(name + ': unknown option ' + o); process.exit(2); }
  }
  cur.target = opts.target || null;
  reqs.push(cur);
  for (const q of reqs) q.target = q.target || opts.url.pathname + opts.url.search;
  return {reqs, opts};
}

// A "Name: value" line -> [name, value] (the value without leading blanks).
function splitHeader(h) {
  const c = h.indexOf(':');
  return [h.slice(0, c), h.slice(c + 1).replace(/^[ \t]+/, '')];
}

function newOutcome() {
  return {error: null, detail: '', status: null, reason: null, version: null, headers: null,
    body_len: null, body_sha256: null, body_b64: null, partial_len: null, expected_more: null,
    will_close: null, connection: null, native_error: null};
}

// The body fields of out for the chunks received (body_b64 up to 1 MiB).
function setBody(out, chunks) {
  const body = Buffer.concat(chunks);
  out.body_len = body.length;
  out.body_sha256 = crypto.createHash('sha256').update(body).digest('hex');
  if (body.length <= 1 << 20) out.body_b64 = body.toString('base64');
  return body;
}

module.exports = {LLHTTP_CODES, NODE_CODES, TLS_EOF, parseArgs, splitHeader, newOutcome, setBody};
