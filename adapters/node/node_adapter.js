// SPDX-License-Identifier: MIT
// The Node.js adapter: makes the scenario's requests with Node's `http`/`https`
// modules (llhttp underneath) on one keep-alive agent, and prints the outcome
// object of adapters/PROTOCOL.md, llhttp's HPE_* codes and Node's error codes
// mapped onto the taxonomy of adapters/TAXONOMY.md, the native error verbatim.
'use strict';
const http = require('http');
const https = require('https');
const fs = require('fs');
const path = require('path');
const no = require(path.join(__dirname, '..', 'nodeoutcome.js'));

// Node / llhttp code -> taxonomy class (adapters/nodeoutcome.js has the ones
// the undici adapter shares). Codes absent here are "Unmapped".
const CODES = {
  ...no.LLHTTP_CODES,
  ...no.NODE_CODES, // ECONNRESET's "socket hang up" is refined below
  HPE_INVALID_METHOD: 'BadStatusLine',
  HPE_INVALID_URL: 'BadStatusLine',
  HPE_INTERNAL: 'Unmapped',
  HPE_USER: 'Unmapped',
  ERR_INVALID_CHAR: 'Unmapped', // a header value Node refuses to send
};

function classify(e) {
  const code = e.code || '';
  if (code === 'ECONNRESET' && /socket hang up/.test(e.message)) return 'RemoteDisconnected';
  if (code === 'ECONNRESET' && e.message === 'aborted') return 'IncompleteRead';
  if (code === 'ECONNRESET' && no.TLS_EOF.test(e.message)) return 'SSLEOFError';
  if (/^ERR_SSL_/.test(code) && !(code in CODES)) return 'SSLError';
  return CODES[code] || 'Unmapped';
}

// Header lines as a flat [name, value, ...] list, so the order and the
// duplicates the scenario gives are kept.
function rawHeaders(lines) {
  return lines.flatMap(no.splitHeader);
}

// The methods Node sends without a body framing field by default
// (useChunkedEncodingByDefault false in _http_client.js).
const BODILESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

function hasHeader(raw, name) {
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i].toLowerCase() === name) return true;
  return false;
}

// A body the caller already chunk-encoded (with its Transfer-Encoding:
// chunked): Node encodes what it writes under that header itself, so the
// adapter hands it the decoded data (the bytes on the wire are chunked once).
function unchunk(buf) {
  const parts = [];
  let i = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', i);
    if (eol < 0) return buf;
    const size = parseInt(buf.slice(i, eol).toString('latin1').split(';')[0], 16);
    if (!(size >= 0)) return buf;
    if (size === 0) return Buffer.concat(parts);
    parts.push(buf.slice(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
}

// One adaptation: the protocol's argv in, the outcome object to done().
function adapt(argv, done) {
  let agent = null;
  const proxySockets = []; // every connection to the proxy (one a tunnel)
  const out = no.newOutcome();
  let printed = false;
  function finish() {
    if (printed) return;
    printed = true;
    if (agent) agent.destroy(); // no socket outlives its run (the batch mode goes on)
    for (const s of proxySockets) s.destroy();
    done(out);
  }

  function fail(e, step, n) {
    if (out.error) return finish();
    out.error = classify(e);
    out.connection = 'closed'; // Node destroys a socket whose exchange failed
    out.native_error = (e.code || e.name) + ': ' + e.message;
    out.detail = (step < n - 1 ? `request ${step + 1} of ${n}: ` : '') + e.message;
    finish();
  }

  function report(res, chunks) {
    out.status = res.statusCode;
    out.reason = res.statusMessage;
    out.version = res.httpVersionMajor * 10 + res.httpVersionMinor;
    const hs = [];
    for (let i = 0; i < res.rawHeaders.length; i += 2)
      hs.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
    out.headers = hs;
    const body = no.setBody(out, chunks);
    if (!res.complete) {
      out.partial_len = body.length;
      const cl = res.headers['content-length'];
      if (cl !== undefined && /^\d+$/.test(cl)) out.expected_more = parseInt(cl, 10) - body.length;
    }
  }

  function run() {
    const {reqs, opts} = no.parseArgs(argv, 'node_adapter');
    const tls = opts.url.protocol === 'https:';
    const mod = tls ? https : http;
    const ms = opts.timeout * 1000;
    let current = 0; // the request being made (a refused CONNECT's detail names it)
    const newAgent = () => {
      agent = new mod.Agent({keepAlive: true, maxSockets: 1,
        ...(tls ? {ca: opts.cacert && fs.readFileSync(opts.cacert),
          rejectUnauthorized: !opts.insecure} : {})});
      if (!opts.proxy) return;
      // set_tunnel: every connection the agent opens is a new one to the proxy
      // with its own CONNECT (CPython's connect() calls _tunnel() each time:
      // the requests of a kept-alive connection share one tunnel, a reconnect
      // sends CONNECT again). The agent waits for the callback: plain HTTP
      // goes over the tunnel's socket as it is; https.Agent's own
      // createConnection makes TLS on it (tls.connect's `socket` option, the
      // SNI and the certificate check naming the target).
      const own = agent.createConnection;
      agent.createConnection = (options, oncreate) => {
        openTunnel(current, (e, socket) => {
          if (e) return oncreate(e);
          oncreate(null, tls ? own.call(agent, {...options, socket}) : socket);
        });
      };
    };
    const step = (n) => {
      const q = reqs[n], last = n === reqs.length - 1;
      const o = {method: q.method, path: q.target, agent, headers: rawHeaders(q.headers),
        host: opts.url.hostname, port: opts.url.port, setHost: true};
      // Node adds no default field to headers given as a raw array (setHost
      // included): the adapter adds the Host Node would send itself.
      if (!hasHeader(o.headers, 'host'))
        o.headers.unshift('Host', opts.url.host);
      const chunked = hasHeader(o.headers, 'transfer-encoding');
      if (q.data && chunked) q.data = unchunk(q.data);
      else if (q.data) o.headers.push('Content-Length', String(q.data.length));
      else if (!chunked && !hasHeader(o.headers, 'content-length') &&
               !BODILESS.has(q.method.toUpperCase()))
        // Given headers as an object, Node sends 'Content-Length: 0' for a PUT,
        // POST or PATCH ended without a body; given a raw array it writes the
        // head before end() and falls back to chunked ("0\r\n\r\n"): the
        // adapter adds the field Node would send.
        o.headers.push('Content-Length', '0');
      current = n;
      const req = mod.request(o);
      let res = null, sock = null;
      const chunks = [];
      req.on('socket', (s) => { sock = s; });
      // CPython's timeout is per socket operation: Node's socket idle timeout
      req.setTimeout(ms, () => req.destroy(Object.assign(new Error('timed out'),
        {code: 'ETIMEDOUT'})));
      req.on('error', (e) => {
        if (res && last) report(res, chunks);
        if (last && res && e.message === 'aborted') e.code = 'ECONNRESET';
        fail(e, n, reqs.length);
      });
      req.on('response', (r) => {
        res = r;
        r.on('data', (c) => { if (last) chunks.push(c); });
        r.on('error', (e) => { if (last) report(r, chunks); fail(e, n, reqs.length); });
        r.on('aborted', () => {
          if (last) report(r, chunks);
          fail(Object.assign(new Error('aborted'), {code: 'ECONNRESET'}), n, reqs.length);
        });
        r.on('end', () => {
          if (!last) return setImmediate(() => step(n + 1));
          report(r, chunks);
          // the agent keeps a reusable socket; it destroys one it will not reuse
          setImmediate(() => {
            out.connection = sock && !sock.destroyed ? 'kept' : 'closed';
            out.will_close = out.connection === 'closed';
            finish();
          });
        });
      });
      req.end(q.data || undefined);
    };
    // Node's own CONNECT (http.request with method CONNECT and the authority
    // as the path; the reply comes as the 'connect' event with the socket,
    // whatever its status); cb(error) or cb(null, the tunnel's socket).
    function openTunnel(n, cb) {
      const [, phost, pport] = /^\[?(.*?)\]?:(\d+)$/.exec(opts.proxy);
      const authority = opts.url.hostname + ':' + (opts.url.port || (tls ? 443 : 80));
      const creq = http.request({method: 'CONNECT', host: phost, port: pport, path: authority,
        headers: Object.fromEntries(opts.proxyHeaders.map(no.splitHeader))});
      creq.on('socket', (sk) => { proxySockets.push(sk); });
      creq.setTimeout(ms, () => creq.destroy(Object.assign(new Error('timed out'),
        {code: 'ETIMEDOUT'})));
      creq.on('error', (e) => cb(e)); // the request it was for fails with it
      creq.on('response', (res) => { // not reached: Node answers a CONNECT with 'connect'
        res.resume();
        cb(Object.assign(new Error('CONNECT answered as a response: ' + res.statusCode),
          {code: 'ERR_ADAPTER'}));
      });
      creq.on('connect', (res, socket, head) => {
        if (res.statusCode < 200 || res.statusCode > 299) {
          // Node leaves the verdict to the caller: like RFC 9110 9.3.6, only a
          // 2xx opens a tunnel; any other status fails it (OSError).
          socket.destroy();
          const why = `CONNECT refused: ${res.statusCode} ${res.statusMessage}`;
          if (!out.error) {
            out.error = 'OSError';
            out.connection = 'closed';
            out.native_error = `'connect' event: ${res.statusCode} ${res.statusMessage}`;
            out.detail = (n < reqs.length - 1 ? `request ${n + 1} of ${reqs.length}: ` : '') +
              why;
          }
          cb(Object.assign(new Error(why), {code: 'ERR_ADAPTER'})); // fail() keeps the above
          return finish();
        }
        socket.setTimeout(0);
        socket.removeAllListeners('timeout');
        if (head && head.length) socket.unshift(head); // bytes already of the tunnel
        cb(null, socket);
      });
      creq.end();
    }
    newAgent();
    step(0);
  }

  try {
    run();
  } catch (e) { // a request Node refuses to make (an absolute-form or "*" target)
    out.error = 'AdapterUnsupported';
    out.native_error = (e.code || e.name) + ': ' + e.message;
    out.detail = 'node adapter: ' + e.message;
    finish();
  }
}

// --batch (scripts/matrix-diff-fuzz): one JSON array of arguments per input line,
// one outcome per output line, in order; saves Node's start-up per request.
if (process.argv[2] === '--batch') {
  const rl = require('readline').createInterface({input: process.stdin});
  const queue = [];
  let busy = false;
  const next = () => {
    if (busy || !queue.length) return;
    busy = true;
    adapt(queue.shift(), (o) => {
      process.stdout.write(JSON.stringify(o) + '\n');
      busy = false;
      setImmediate(next);
    });
  };
  rl.on('line', (l) => { queue.push(JSON.parse(l)); next(); });
} else {
  adapt(process.argv.slice(2),
    (o) => process.stdout.write(JSON.stringify(o) + '\n', () => process.exit(0)));
}
