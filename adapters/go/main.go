// SPDX-License-Identifier: MIT
// The Go adapter: makes the scenario's requests with net/http's Transport
// (one keep-alive connection, no transparent gzip) and prints the outcome
// object of adapters/PROTOCOL.md, Go's error texts mapped onto the taxonomy of
// adapters/TAXONOMY.md and the native error verbatim.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	neturl "net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

type request struct {
	method, target string
	headers        []string
	data           []byte
	hasData        bool
}

// Go reports most HTTP/1 errors as text: (substring, class), first match wins.
var texts = []struct{ sub, class string }{
	{"malformed HTTP version", "UnknownProtocol"},
	{"malformed HTTP status code", "BadStatusLine"},
	{"malformed HTTP response", "BadStatusLine"},
	{"unsupported transfer encoding", "InvalidFraming"},
	{"too many transfer encodings", "InvalidFraming"},
	{"bad Content-Length", "InvalidHeader"},
	{"message cannot contain multiple Content-Length", "InvalidHeader"},
	{"malformed chunked encoding", "IncompleteRead"},
	{"invalid byte in chunk length", "IncompleteRead"},
	{"chunk", "IncompleteRead"},
	{"unexpected EOF", "IncompleteRead"},
	{"server response headers exceeded", "LineTooLong"},
	{"header line too long", "LineTooLong"},
	{"malformed MIME header", "HTTPException"},
	{"invalid header field", "HTTPException"},
	{"connection reset by peer", "ConnectionResetError"},
	{"broken pipe", "BrokenPipeError"},
	{"connection refused", "ConnectionRefusedError"},
	{"server closed idle connection", "RemoteDisconnected"},
	// a read deadline passing inside the Transport comes back as text
	// ("transport connection broken: read tcp ...: i/o timeout")
	{"i/o timeout", "TimeoutError"},
	{"EOF", "RemoteDisconnected"}, // closed before a status line
	{"certificate", "SSLCertVerificationError"},
	{"tls:", "SSLError"},
}

func classify(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "TimeoutError"
	}
	var ce x509.CertificateInvalidError
	var ue x509.UnknownAuthorityError
	var he x509.HostnameError
	if errors.As(err, &ce) || errors.As(err, &ue) || errors.As(err, &he) {
		return "SSLCertVerificationError"
	}
	msg := err.Error()
	for _, t := range texts {
		if strings.Contains(msg, t.sub) {
			return t.class
		}
	}
	return "Unmapped"
}

// idleConn gives every read and write its own deadline: CPython's timeout
// is per socket operation, not per request.
type idleConn struct {
	net.Conn
	d time.Duration
}

func (c idleConn) Read(p []byte) (int, error) {
	c.SetReadDeadline(time.Now().Add(c.d))
	return c.Conn.Read(p)
}

func (c idleConn) Write(p []byte) (int, error) {
	c.SetWriteDeadline(time.Now().Add(c.d))
	return c.Conn.Write(p)
}

type outcome struct {
	Error        *string     `json:"error"`
	Detail       string      `json:"detail"`
	Status       *int        `json:"status"`
	Reason       *string     `json:"reason"`
	Version      *int        `json:"version"`
	Headers      [][2]string `json:"headers"`
	BodyLen      *int        `json:"body_len"`
	BodySha256   *string     `json:"body_sha256"`
	BodyB64      *string     `json:"body_b64"`
	PartialLen   *int        `json:"partial_len"`
	ExpectedMore *int64      `json:"expected_more"`
	WillClose    *bool       `json:"will_close"`
	Connection   *string     `json:"connection"`
	NativeError  *string     `json:"native_error"`
}

func str(s string) *string { return &s }

func main() {
	reqs, url, timeout, cacert, insecure, proxy, proxyHeaders := parseArgs(os.Args[1:])
	out := outcome{}
	defer func() { json.NewEncoder(os.Stdout).Encode(out) }()
	if proxy != "" && !strings.HasPrefix(url, "https://") {
		// The Transport opens a CONNECT tunnel only for an https:// target;
		// an http:// one goes to the proxy as an absolute-form request
		// ("GET http://host:port/ HTTP/1.1"), and net/http has no other way
		// to tunnel plain HTTP.
		out.Error = str("AdapterUnsupported")
		out.Detail = "go adapter: net/http tunnels (CONNECT) only to an https:// target; " +
			"an http:// URL through a proxy is sent to it in absolute-form, so set_tunnel " +
			"to a plain-HTTP target has no net/http equivalent"
		out.NativeError = str(out.Detail)
		return
	}
	tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 1,
		DialContext: func(ctx context.Context, nw, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{Timeout: timeout}).DialContext(ctx, nw, addr)
			if err != nil {
				return nil, err
			}
			return idleConn{c, timeout}, nil
		}}
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: insecure}
	if proxy != "" { // net/http's own CONNECT: the proxy URL and its headers
		tr.Proxy = http.ProxyURL(&neturl.URL{Scheme: "http", Host: proxy})
		tr.ProxyConnectHeader = http.Header{}
		for _, h := range proxyHeaders {
			k, v, _ := strings.Cut(h, ":")
			tr.ProxyConnectHeader.Add(k, strings.TrimLeft(v, " \t"))
		}
	}
	if cacert != "" {
		pool := x509.NewCertPool()
		pem, _ := os.ReadFile(cacert)
		pool.AppendCertsFromPEM(pem)
		tr.TLSClientConfig.RootCAs = pool
	}
	client := &http.Client{Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for i, q := range reqs {
		last := i == len(reqs)-1
		// net/http ignores a Transfer-Encoding in req.Header and would send a
		// caller's chunked body with Content-Length as it is: a Go program asks
		// for chunked with req.TransferEncoding and hands over the data, which
		// the Transport chunks itself.
		chunked := false
		for _, h := range q.headers {
			k, v, _ := strings.Cut(h, ":")
			if strings.EqualFold(strings.TrimSpace(k), "Transfer-Encoding") &&
				strings.Contains(strings.ToLower(v), "chunked") {
				chunked = true
			}
		}
		var body io.Reader
		if q.hasData {
			data := q.data
			if chunked {
				data = unchunk(data)
			}
			body = bytes.NewReader(data)
		}
		req, err := http.NewRequest(q.method, url+"/", body)
		if err == nil {
			for _, h := range q.headers {
				k, v, _ := strings.Cut(h, ":")
				v = strings.TrimLeft(v, " \t")
				if strings.EqualFold(k, "Host") {
					req.Host = v
				} else if !strings.EqualFold(strings.TrimSpace(k), "Transfer-Encoding") || !chunked {
					req.Header.Add(k, v)
				}
			}
			if chunked {
				req.TransferEncoding = []string{"chunked"}
				req.ContentLength = -1
			}
			req.URL.Opaque = q.target // the target as given, not re-escaped
		}
		var resp *http.Response
		ct := &connTrace{tunnel: proxy != ""} // this request's own: none of an earlier one's
		if err == nil {
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), ct.hooks()))
			resp, err = client.Do(req)
		}
		if err != nil {
			fail(&out, ct, err, i, len(reqs))
			return
		}
		data, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !last {
			if rerr != nil {
				fail(&out, ct, rerr, i, len(reqs))
				return
			}
			continue
		}
		report(&out, resp, data)
		if rerr != nil {
			fail(&out, ct, rerr, i, len(reqs))
			n := len(data)
			out.PartialLen = &n
			if resp.ContentLength >= 0 {
				more := resp.ContentLength - int64(n)
				out.ExpectedMore = &more
			}
			return
		}
		wc := resp.Close // the Transport closes the connection after this response
		out.WillClose = &wc
		out.Connection = str(map[bool]string{true: "closed", false: "kept"}[wc])
	}
}

// connTrace is what httptrace saw of the connection one request got: through
// a proxy, an error after the TCP connect and before the TLS handshake is the
// CONNECT exchange's. Each request has its own, so a request that reconnects
// is judged by its own dial, not by the handshake of an earlier connection.
// The Transport calls the hooks from its dialing goroutine, hence the atomics.
type connTrace struct {
	tunnel                      bool
	dialed, tlsStarted, gotConn atomic.Bool
	handshakeErr                atomic.Value // the error its TLS handshake ended with
}

func (c *connTrace) hooks() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		// The handshake's own error: an EOF there is a close in the TLS
		// handshake (CPython's SSLEOFError), which the Transport hands
		// back as a bare "EOF", the same as a close before a status line.
		TLSHandshakeDone: func(_ tls.ConnectionState, e error) {
			if e != nil {
				c.handshakeErr.Store(&e)
			}
		},
		ConnectDone:       func(_, _ string, e error) { c.dialed.Store(e == nil) },
		TLSHandshakeStart: func() { c.tlsStarted.Store(true) },
		GotConn:           func(httptrace.GotConnInfo) { c.gotConn.Store(true) },
	}
}

func fail(out *outcome, ct *connTrace, err error, i, n int) {
	out.Error = str(classify(err))
	if ct.tunnel && ct.dialed.Load() && !ct.tlsStarted.Load() && !ct.gotConn.Load() &&
		*out.Error == "Unmapped" {
		// A CONNECT reply other than 200: the Transport returns its reason
		// phrase as the error's text ("Proxy Authentication Required"), or
		// "unknown status code" when there is none; the tunnel failed (OSError).
		out.Error = str("OSError")
	}
	if he, _ := ct.handshakeErr.Load().(*error); he != nil && errors.Is(*he, io.EOF) &&
		errors.Is(err, io.EOF) {
		out.Error = str("SSLEOFError")
	}
	out.Connection = str("closed") // the Transport drops a connection whose exchange failed
	inner := err
	if u := errors.Unwrap(err); u != nil { // *url.Error wraps what the Transport saw
		inner = u
	}
	out.NativeError = str(fmt.Sprintf("%T: %v", inner, inner))
	out.Detail = err.Error()
	if i < n-1 {
		out.Detail = fmt.Sprintf("request %d of %d: %s", i+1, n, out.Detail)
	}
}

func report(out *outcome, resp *http.Response, data []byte) {
	st := resp.StatusCode
	out.Status = &st
	reason := strings.TrimPrefix(resp.Status, strconv.Itoa(st))
	out.Reason = str(latin1(strings.TrimPrefix(reason, " "))) // bytes as code points, as the headers
	v := resp.ProtoMajor*10 + resp.ProtoMinor
	out.Version = &v
	out.Headers = [][2]string{}
	for k, vs := range resp.Header { // Go keeps no order: names canonicalised
		for _, x := range vs {
			out.Headers = append(out.Headers, [2]string{k, latin1(x)})
		}
	}
	n := len(data)
	out.BodyLen = &n
	sum := sha256.Sum256(data)
	out.BodySha256 = str(hex.EncodeToString(sum[:]))
	if n <= 1<<20 {
		out.BodyB64 = str(base64.StdEncoding.EncodeToString(data))
	}
}

// unchunk decodes a chunked body the caller encoded itself (its data
// returned as it is when it does not parse as chunks).
func unchunk(b []byte) []byte {
	var out []byte
	for i := 0; ; {
		eol := bytes.Index(b[i:], []byte("\r\n"))
		if eol < 0 {
			return b
		}
		line, _, _ := strings.Cut(string(b[i:i+eol]), ";")
		n, err := strconv.ParseInt(strings.TrimSpace(line), 16, 64)
		if err != nil || n < 0 {
			return b
		}
		if n == 0 {
			return out
		}
		start := i + eol + 2
		if int64(len(b)-start) < n {
			return b
		}
		out = append(out, b[start:start+int(n)]...)
		i = start + int(n) + 2
		if i > len(b) {
			return b
		}
	}
}

// latin1 turns received bytes into code points, as the protocol asks.
func latin1(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

func parseArgs(a []string) (reqs []request, url string, timeout time.Duration,
	cacert string, insecure bool, proxy string, proxyHeaders []string) {
	cur := request{method: "GET"}
	target := ""
	timeout = 10 * time.Second
	for i := 0; i < len(a); i++ {
		o := a[i]
		if o == "--insecure" {
			insecure = true
			continue
		}
		if o == "--verify" {
			continue
		}
		if i+1 >= len(a) {
			fmt.Fprintf(os.Stderr, "go adapter: %s needs a value\n", o)
			os.Exit(2)
		}
		i++
		v := a[i]
		switch o {
		case "--before":
			m, t, _ := strings.Cut(v, " ")
			reqs = append(reqs, request{method: m, target: t})
		case "--before-header":
			reqs[len(reqs)-1].headers = append(reqs[len(reqs)-1].headers, v)
		case "--before-data-file":
			reqs[len(reqs)-1].data, _ = os.ReadFile(v)
			reqs[len(reqs)-1].hasData = true
		case "-X":
			cur.method = v
		case "-H":
			cur.headers = append(cur.headers, v)
		case "--data-file":
			cur.data, _ = os.ReadFile(v)
			cur.hasData = true
		case "--timeout":
			f, _ := strconv.ParseFloat(v, 64)
			timeout = time.Duration(f * float64(time.Second))
		case "--cacert":
			cacert = v
		case "--proxy":
			proxy = v
		case "--proxy-header":
			proxyHeaders = append(proxyHeaders, v)
		case "--json":
			url = v
		case "--target": // sent verbatim (absolute-form, "*")
			target = v
		}
	}
	// split the URL into origin and target
	rest := url[strings.Index(url, "//")+2:]
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		cur.target = "/"
	} else {
		cur.target = rest[slash:]
		url = url[:len(url)-len(rest)+slash]
	}
	if target != "" {
		cur.target = target
	}
	return append(reqs, cur), url, timeout, cacert, insecure, proxy, proxyHeaders
}
