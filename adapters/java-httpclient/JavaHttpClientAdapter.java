// SPDX-License-Identifier: MIT
// The java.net.http.HttpClient adapter (adapters/java-httpclient/README.md):
// makes the scenario's requests with one HttpClient (HTTP/1.1, its pool keeps
// the connection), reads each body through an InputStream, and prints the
// outcome object of adapters/PROTOCOL.md through adapters/java/Adapter.java.
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

final class JavaHttpClientAdapter extends Adapter {
    public static void main(String[] args) {
        // The headers HttpClient refuses unless allowed (Host, Connection,
        // Content-Length, Expect, Upgrade): the scenarios send them as given.
        System.setProperty("jdk.httpclient.allowRestrictedHeaders",
                           "host,connection,content-length,expect,upgrade");
        main(new JavaHttpClientAdapter(), args);
    }

    @Override
    String refine(Throwable e, String text) {
        // HttpClient's body stream says "closed", the cause says why: the whole chain is read
        if (text.contains("For input string")) // Content-Length is no number
            return "InvalidHeader";
        if (text.contains("content length header with"))
            return "InvalidHeader";
        if (text.contains("Invalid status line") || text.contains("status line"))
            return "BadStatusLine";
        if (text.contains("header parser received no bytes"))
            return "RemoteDisconnected";
        if (text.contains("fixed content-length") || text.contains("EOF reached while reading")
            || text.contains("chunk") || text.contains("Chunk"))
            return "IncompleteRead";
        if (text.contains("parsing HTTP/1.1 header") || text.contains("Bad header")
            || text.contains("Invalid header") || text.contains("Illegal character"))
            return "HTTPException";
        if (text.contains("too long") || text.contains("too large"))
            return "LineTooLong";
        return null;
    }

    @Override
    void run() throws Exception {
        if (rawTarget != null) {
            unsupported("java-httpclient adapter: HttpClient sends the path of a URI, not a verbatim target");
            return;
        }
        if (proxyHost != null && !scheme.equals("https")) {
            unsupported("java-httpclient adapter: HttpClient tunnels only https:// through a proxy "
                        + "(http:// goes to the proxy in absolute-form)");
            return;
        }
        if (!proxyHeaders.isEmpty()) {
            unsupported("java-httpclient adapter: HttpClient adds no header of ours to its CONNECT");
            return;
        }
        if (insecure) // HttpClient checks the name even with a trust-all SSLContext
            System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                                   .followRedirects(HttpClient.Redirect.NEVER)
                                   // a cold JVM's first TLS handshake takes seconds under load:
                                   // the connect timeout is at least 3 s (the server is local)
                                   .connectTimeout(Duration.ofMillis(Math.max(timeoutMs(), 3000)));
        SSLContext ctx = sslContext();
        if (ctx != null)
            b.sslContext(ctx);
        if (proxyHost != null)
            b.proxy(ProxySelector.of(new InetSocketAddress(proxyHost, proxyPort)));
        HttpClient client = b.build();
        watchdog("HttpClient body read");
        for (step = 0; step < reqs.size(); step++) {
            Req q = reqs.get(step);
            boolean last = step == reqs.size() - 1;
            URI uri;
            try {
                uri = new URI(origin() + q.target);
            } catch (URISyntaxException e) {
                unsupported("java-httpclient adapter: the target is no URI: " + e.getMessage());
                return;
            }
            HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(timeoutMs()));
            byte[] plain = unchunk(q); // a caller's chunked body: HttpClient chunks it itself
            if (plain != null) // a publisher of unknown length is sent chunked
                rb.method(q.method, HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(plain)));
            else if (q.data != null)
                rb.method(q.method, HttpRequest.BodyPublishers.ofByteArray(q.data));
            else if (q.method.equals("GET")) // no publisher: no Content-Length: 0
                rb.GET();
            else if (q.method.equals("DELETE"))
                rb.DELETE();
            else // JDK 17 has no HEAD(): noBody() sends Content-Length: 0
                rb.method(q.method, HttpRequest.BodyPublishers.noBody());
            try {
                for (String[] h : q.headers)
                    if (plain == null || !h[0].equalsIgnoreCase("transfer-encoding"))
                        rb.header(h[0], h[1]);
            } catch (IllegalArgumentException e) {
                unsupported("java-httpclient adapter: HttpClient refuses the header: " + e.getMessage());
                return;
            }
            HttpResponse<InputStream> r;
            try {
                r = client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                // HttpClient decodes the body as soon as the head is in: a body that
                // fails in the same read fails send() itself, before the caller has
                // any of it (else the body stream fails: which one is a race)
                sendFailed = last;
                throw e;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = r.body()) {
                if (in != null) // a CONNECT refused with 407 comes without a body stream
                    readBody(in, out);
            } catch (IOException e) {
                if (last) {
                    respond(r, out.toByteArray());
                    partialLen = (long) out.size();
                    r.headers().firstValueAsLong("content-length")
                        .ifPresent(n -> expectedMore = n - out.size());
                }
                throw e;
            }
            if (last)
                respond(r, out.toByteArray());
        }
    }

    /** Whether the judged request's send() threw (the caller got no body). */
    private boolean sendFailed;

    @Override
    synchronized void fail(Throwable e, int i) {
        super.fail(e, i);
        if (sendFailed && "IncompleteRead".equals(error) && partialLen == null)
            partialLen = 0L; // the body failed before send() returned: none of it was delivered
    }

    /** HttpClient gives no reason phrase (null), and version() says HTTP_1_1 for
     * every HTTP/1.x exchange, an HTTP/1.0 reply's included: reported as 11. */
    void respond(HttpResponse<?> r, byte[] data) {
        List<String[]> hs = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : r.headers().map().entrySet())
            for (String v : e.getValue())
                hs.add(new String[] {e.getKey(), v});
        report(r.statusCode(), null, r.version() == HttpClient.Version.HTTP_1_1 ? 11 : 20, hs, data);
    }
}
