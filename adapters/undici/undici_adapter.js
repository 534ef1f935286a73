// SPDX-License-Identifier: MIT
// The undici adapter, two clients in one file (adapters/undici/README.md):
//   --fetch        Node's built-in fetch() (the undici bundled with Node), as a
//                  web page or a script uses it: only what the Fetch API shows;
//   --undici DIR   the npm undici package installed in DIR (scripts/matrix runs
//                  npm ci there from package-lock.json): a Client, or a
//                  ProxyAgent for --proxy, driven through dispatch() so the raw
//                  header lines, the reason phrase and the keep-alive decision
//                  are seen.
// It prints the outcome object of adapters/PROTOCOL.md, undici's error codes
// (UND_ERR_*, llhttp's HPE_*, the socket's) mapped onto adapters/TAXONOMY.md
// and the error chain verbatim in native_error.
'use strict';
const fs = require('fs');
const path = require('path');
const no = require(path.join(__dirname, '..', 'nodeoutcome.js'));

// undici's and llhttp's codes -> class (adapters/nodeoutcome.js has the ones
// Node's http adapter shares); absent ones are "Unmapped".
const CODES = {
  ...no.LLHTTP_CODES,
  ...no.NODE_CODES,
  UND_ERR_HEADERS_OVERFLOW: 'LineTooLong',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'IncompleteRead',
  UND_ERR_HEADERS_TIMEOUT: 'TimeoutError',
  UND_ERR_BODY_TIMEOUT: 'TimeoutError',
  UND_ERR_CONNECT_TIMEOUT: 'TimeoutError',
};

// e and its causes (fetch's TypeError('fetch failed') wraps undici's error).
function chain(e) {
  const out = [];
  for (let x = e; x && out.length < 6; x = x.cause) out.push(x);
  return out;
}

// llhttp's reasons, for an HTTPParserError without its HPE_* code (undici 7).
const REASONS = [
  [/chunk/i, 'IncompleteRead'],
  [/content-length/i, 'InvalidHeader'],
  [/transfer-encoding/i, 'InvalidFraming'],
  [/overflow|too large/i, 'LineTooLong'],
  [/version|expected dot/i, 'UnknownProtocol'],
  [/expected HTTP\/|status|after response line|space after version/i, 'BadStatusLine'],
];

function classify(e, gotHead) {
  for (const x of chain(e)) {
    const code = x.code || '';
    if (/^Proxy response \(\d+\)/.test(x.message || '')) return 'OSError'; // CONNECT refused
    // "bad response": undici destroys the socket on a 100 Continue it did not
    // ask for (client-h1 onHeadersComplete), a refusal of the reply, not a close
    if (code === 'UND_ERR_SOCKET' && /^bad response/.test(x.message || '')) return 'HTTPException';
    if (code === 'UND_ERR_SOCKET') // "other side closed": before the head or inside the body
      return gotHead ? 'IncompleteRead' : 'RemoteDisconnected';
    if (code === 'UND_ERR_PROXY' || /proxy/i.test(code)) return 'OSError';
    if (code === 'HPE_USER' && /content-length/i.test(x.message || '')) return 'IncompleteRead';
    if (code === 'ECONNRESET' && no.TLS_EOF.test(x.message || '')) return 'SSLEOFError';
    if (/^ERR_SSL_/.test(code)) return 'SSLError';
    if (CODES[code]) return CODES[code];
    if (x.name === 'TimeoutError' || x.name === 'AbortError') return 'TimeoutError';
    if (x.name === 'HTTPParserError') {
      const hit = REASONS.find(([re]) => re.test(x.message || ''));
      return hit ? hit[1] : 'HTTPException';
    }
  }
  return 'Unmapped';
}

function nativeText(e) {
  return chain(e).map((x) => (x.code || x.name) + ': ' + x.message).join(' <- ');
}

function parseArgs(argv) {
  const {reqs, opts} = no.parseArgs(argv, 'undici_adapter', {
    '--fetch': (o) => { o.mode = 'fetch'; },
    '--undici': (o, v) => { o.mode = 'undici'; o.dir = v; },
  });
  for (const q of reqs) q.headers = q.headers.map(no.splitHeader);
  return {reqs, opts};
}

function fail(out, e, step, n, gotHead) {
  out.error = classify(e, gotHead);
  out.native_error = nativeText(e);
  out.detail = (step < n - 1 ? `request ${step + 1} of ${n}: ` : '') + e.message +
    (e.cause ? ': ' + e.cause.message : '');
}

function unsupported(out, why) {
  out.error = 'AdapterUnsupported';
  out.detail = out.native_error = why;
}

// Node's fetch(): the Fetch API shows lower-cased, sorted, combined header
// names, no reason phrase for HTTP/1.1... (statusText is the phrase), no
// version and no connection; an idle timer stands in for a socket timeout.
async function viaFetch(reqs, opts, out) {
  if (opts.proxy) return unsupported(out, 'fetch adapter: Node\'s fetch() has no proxy option');
  if (opts.insecure) process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  // Node loads its bundled undici on the first fetch(): a data: URL pays for
  // that before the idle timer runs, which a loaded machine would otherwise
  // see as a scenario's 300 ms timeout.
  await fetch('data:,').then((r) => r.arrayBuffer()).catch(() => {});
  const n = reqs.length;
  for (let i = 0; i < n; i++) {
    const q = reqs[i], last = i === n - 1;
    if (!q.target.startsWith('/'))
      return unsupported(out, 'fetch adapter: fetch() takes a URL, it cannot send the target ' +
                         q.target);
    const ac = new AbortController();
    let timer = null;
    const idle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => ac.abort(Object.assign(new Error('idle for ' + opts.timeout +
        ' s'), {name: 'TimeoutError'})), opts.timeout * 1000);
    };
    const chunks = [];
    let res = null;
    try {
      idle();
      res = await fetch(opts.url.origin + q.target, {method: q.method, headers: q.headers,
        body: q.data || undefined, redirect: 'manual', signal: ac.signal, duplex: 'half'});
      const reader = res.body ? res.body.getReader() : null;
      for (;;) {
        if (!reader) break;
        idle();
        const {done, value} = await reader.read();
        if (done) break;
        if (last) chunks.push(Buffer.from(value));
      }
    } catch (e) {
      fail(out, e, i, n, res !== null);
    }
    clearTimeout(timer);
    if (last && res) {
      out.status = res.status;
      out.reason = res.statusText;
      out.headers = [...res.headers].map(([k, v]) => [k, v]);
      no.setBody(out, chunks);
      if (out.error === 'IncompleteRead') out.partial_len = out.body_len;
    }
    if (out.error) return;
  }
}

// The npm package: one Client (or ProxyAgent) and dispatch() handlers.
function viaUndici(reqs, opts, out) {
  let undici;
  try {
    undici = require(path.resolve(opts.dir, 'node_modules', 'undici'));
  } catch (e) {
    unsupported(out, 'undici adapter: the npm undici package is not installed in ' + opts.dir);
    return Promise.resolve();
  }
  const ms = opts.timeout * 1000;
  const tls = opts.url.protocol === 'https:' ? {
    ca: opts.cacert ? fs.readFileSync(opts.cacert) : undefined,
    rejectUnauthorized: !opts.insecure} : undefined; // undici picks the SNI name (none for an IP)
  const common = {headersTimeout: ms, bodyTimeout: ms, connectTimeout: ms, pipelining: 1,
    keepAliveTimeout: 60000};
  let d;
  if (opts.proxy) {
    d = new undici.ProxyAgent({uri: 'http://' + opts.proxy, proxyTunnel: true,
      headers: Object.fromEntries(opts.proxyHeaders.map((h) => {
        const c = h.indexOf(':');
        return [h.slice(0, c), h.slice(c + 1).trim()];
      })), requestTls: tls, ...common});
  } else {
    d = new undici.Client(opts.url.origin, {...common, connect: tls});
  }
  const sym = (o, name) => Object.getOwnPropertySymbols(o).find((s) => s.description === name);
  // llhttp's keep-alive decision for the response just completed (Client only)
  const keepAlive = () => {
    const ks = sym(d, 'socket'), sock = ks && d[ks];
    const kp = sock && sym(sock, 'parser'), parser = kp && sock[kp];
    return parser && typeof parser.shouldKeepAlive === 'boolean' ? parser.shouldKeepAlive : null;
  };
  const n = reqs.length;
  const step = (i) => new Promise((resolve) => {
    const q = reqs[i], last = i === n - 1;
    const chunks = [];
    let head = null, abort = null, timer = null;
    // undici's headersTimeout and bodyTimeout run on its 1 s timer wheel (a 300 ms
    // timeout fires after 0.5 to 1 s, later on a loaded machine, past the close of
    // a scenario's 1 s silence): a native timer of --timeout seconds, reset at
    // every event of the request, aborts it as CPython's socket timeout would
    const idle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => abort && abort(Object.assign(new Error('no data for ' +
        opts.timeout + ' s (the adapter\'s idle timer)'), {name: 'TimeoutError'})), ms);
    };
    const done = (r) => { clearTimeout(timer); resolve(r); };
    const handler = {
      onConnect(a) { abort = a; idle(); },
      onHeaders(status, raw, resume, statusText) {
        idle();
        if (status < 200) return true; // an interim response: the final one follows
        head = {status, raw, statusText};
        return true;
      },
      onData(c) { idle(); if (last) chunks.push(Buffer.from(c)); return true; },
      onComplete() {
        const keep = keepAlive();
        done({head, chunks, keep});
      },
      onError(e) { done({head, chunks, error: e}); },
      onUpgrade() { done({head, chunks, error: new Error('unexpected upgrade')}); },
    };
    try {
      d.dispatch({origin: opts.url.origin, path: q.target, method: q.method,
        headers: q.headers.flat(), body: q.data || undefined}, handler);
    } catch (e) {
      done({head: null, chunks, error: e, refused: true});
    }
  });
  return (async () => {
    for (let i = 0; i < n; i++) {
      const r = await step(i), last = i === n - 1;
      if (r.refused) {
        unsupported(out, 'undici adapter: undici refuses the request: ' + nativeText(r.error));
        break;
      }
      if (r.error) {
        fail(out, r.error, i, n, r.head !== null);
        out.connection = 'closed'; // undici destroys the socket of a failed request
      }
      if (last && r.head) {
        out.status = r.head.status;
        out.reason = r.head.statusText;
        const hs = [];
        for (let k = 0; k < r.head.raw.length; k += 2)
          hs.push([r.head.raw[k].toString('latin1'), r.head.raw[k + 1].toString('latin1')]);
        out.headers = hs;
        no.setBody(out, r.chunks);
        if (out.error === 'IncompleteRead') out.partial_len = out.body_len;
        if (!r.error && r.keep !== null && r.keep !== undefined) {
          out.connection = r.keep ? 'kept' : 'closed';
          out.will_close = !r.keep;
        }
      }
      if (r.error) break;
    }
    await d.destroy().catch(() => {});
  })();
}

function main() {
  const {reqs, opts} = parseArgs(process.argv.slice(2));
  const out = no.newOutcome();
  const run = opts.mode === 'undici' ? viaUndici : opts.mode === 'fetch' ? viaFetch : null;
  if (!run) {
    console.error('undici_adapter: give --fetch or --undici DIR');
    process.exit(2);
  }
  Promise.resolve(run(reqs, opts, out)).catch((e) => fail(out, e, reqs.length - 1,
    reqs.length, false)).then(() => {
    process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0));
  });
}

// --cacert for fetch(): Node reads extra CAs only at start-up, so the adapter
// runs itself again with NODE_EXTRA_CA_CERTS set.
const argv = process.argv.slice(2);
const ca = argv.indexOf('--cacert');
if (argv.includes('--fetch') && ca >= 0 && process.env.NODE_EXTRA_CA_CERTS !== argv[ca + 1]) {
  const r = require('child_process').spawnSync(process.execPath, process.argv.slice(1), {
    env: {...process.env, NODE_EXTRA_CA_CERTS: argv[ca + 1]}, stdio: 'inherit'});
  process.exit(r.status === null ? 1 : r.status);
} else {
  main();
}
