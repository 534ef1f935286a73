// SPDX-License-Identifier: MIT
// The OkHttp adapter (adapters/okhttp/README.md): makes the scenario's requests
// with one OkHttpClient (Debian's OkHttp 3.13, HTTP/1.1, a pool of one
// connection, no retry, no transparent gzip) and prints the outcome object of
// adapters/PROTOCOL.md through adapters/java/Adapter.java.
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

final class OkHttpAdapter extends Adapter {
    public static void main(String[] args) {
        main(new OkHttpAdapter(), args);
    }

    /** The head of the last response as it came off the wire (the network
     * interceptor's view: before OkHttp's bridge rewrites it). */
    Headers wireHeaders;

    @Override
    String refine(Throwable e, String text) {
        String m = String.valueOf(e.getMessage());
        if (m.startsWith("Unexpected status line")) {
            String line = m.substring(m.indexOf(':') + 1).trim();
            return line.startsWith("HTTP/") && !line.startsWith("HTTP/1.") ? "UnknownProtocol" : "BadStatusLine";
        }
        if (m.startsWith("unexpected end of stream on"))
            return "RemoteDisconnected"; // the head: no status line, or not all of it
        if (m.contains("\\n not found: limit="))
            return lineNotFound(m);
        if (m.contains("unexpected end of stream") || m.contains("chunk size")
            || m.contains("chunk"))
            return "IncompleteRead";
        if (m.contains("Unexpected char") || m.contains("header"))
            return "HTTPException";
        if (m.startsWith("timeout"))
            return "TimeoutError";
        return null;
    }

    /** OkHttp's header limit (Http1Codec.HEADER_LIMIT, 256 KiB): a head line
     * is read with readUtf8LineStrict(HEADER_LIMIT), a chunk-size or trailer
     * line with no limit at all. */
    static final long HEADER_LIMIT = 256 * 1024;

    /** Okio's readUtf8LineStrict throws EOFException("\n not found: limit=N
     * content=...") where N is min(bytes buffered, limit): N below the limit
     * means the stream ended inside the line (a truncated body here: the head's
     * EOF comes wrapped as "unexpected end of stream on", above), N at the limit
     * that the line is longer than OkHttp reads. */
    static String lineNotFound(String m) {
        java.util.regex.Matcher n = java.util.regex.Pattern.compile("limit=(\\d+)").matcher(m);
        return n.find() && Long.parseLong(n.group(1)) >= HEADER_LIMIT ? "LineTooLong" : "IncompleteRead";
    }

    @Override
    void run() throws Exception {
        if (rawTarget != null) {
            unsupported("okhttp adapter: OkHttp sends the path of an HttpUrl, not a verbatim target");
            return;
        }
        if (proxyHost != null && !scheme.equals("https")) {
            unsupported("okhttp adapter: OkHttp tunnels only https:// through a proxy "
                        + "(http:// goes to the proxy in absolute-form)");
            return;
        }
        if (!proxyHeaders.isEmpty()) {
            unsupported("okhttp adapter: OkHttp 3.13 adds no header of ours to its CONNECT");
            return;
        }
        ConnectionPool pool = new ConnectionPool(1, 5, TimeUnit.MINUTES);
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                                     .protocols(Collections.singletonList(Protocol.HTTP_1_1))
                                     .followRedirects(false).followSslRedirects(false)
                                     .retryOnConnectionFailure(false).connectionPool(pool)
                                     .connectTimeout(timeoutMs(), TimeUnit.MILLISECONDS)
                                     .readTimeout(timeoutMs(), TimeUnit.MILLISECONDS) // per read
                                     .writeTimeout(timeoutMs(), TimeUnit.MILLISECONDS);
        if (insecure || cacert != null) {
            X509TrustManager tm = trustManager();
            b.sslSocketFactory(contextFor(tm).getSocketFactory(), tm);
        }
        if (insecure)
            b.hostnameVerifier((h, s) -> true);
        if (proxyHost != null)
            b.proxy(new Proxy(Proxy.Type.HTTP, new InetSocketAddress(proxyHost, proxyPort)));
        for (step = 0; step < reqs.size(); step++) {
            Req q = reqs.get(step);
            boolean last = step == reqs.size() - 1;
            boolean ourEncoding = !has(q, "accept-encoding");
            // OkHttp's bridge asks for gzip and inflates it when the caller did not
            // ask: the interceptor takes the request header out, keeps the head as
            // received, and hides Content-Encoding from the bridge.
            OkHttpClient client = b.build().newBuilder().addNetworkInterceptor(chain -> {
                Request r = chain.request();
                if (ourEncoding)
                    r = r.newBuilder().removeHeader("Accept-Encoding").build();
                Response resp = chain.proceed(r);
                wireHeaders = resp.headers();
                return ourEncoding ? resp.newBuilder().removeHeader("Content-Encoding").build() : resp;
            }).build();
            HttpUrl url = HttpUrl.parse(origin() + q.target);
            if (url == null) {
                unsupported("okhttp adapter: OkHttp cannot parse the URL " + origin() + q.target);
                return;
            }
            Request.Builder rb = new Request.Builder().url(url);
            try {
                byte[] plain = unchunk(q); // a caller's chunked body: OkHttp chunks it itself
                for (String[] h : q.headers)
                    if (plain == null || !h[0].equalsIgnoreCase("transfer-encoding"))
                        rb.addHeader(h[0], h[1]);
                byte[] data = q.data;
                if (data == null && okhttp3.internal.http.HttpMethod.requiresRequestBody(q.method))
                    data = new byte[0];
                rb.method(q.method, plain != null ? chunkedBody(plain)
                                    : data == null ? null : RequestBody.create(null, data));
            } catch (IllegalArgumentException e) {
                unsupported("okhttp adapter: OkHttp refuses the request: " + e.getMessage());
                return;
            }
            wireHeaders = null;
            Response r = client.newCall(rb.build()).execute();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = r.body().byteStream()) {
                readBody(in, out);
            } catch (IOException e) {
                if (last) {
                    respond(r, out.toByteArray());
                    partialLen = (long) out.size();
                    String cl = wireHeaders == null ? null : wireHeaders.get("Content-Length");
                    if (cl != null && cl.matches("[0-9]+"))
                        expectedMore = Long.parseLong(cl) - out.size();
                }
                throw e;
            } finally {
                r.close();
            }
            if (last) {
                respond(r, out.toByteArray());
                // the pool holds the connection when OkHttp will reuse it
                connection = pool.idleConnectionCount() > 0 ? "kept" : "closed";
                willClose = connection.equals("closed");
            }
        }
    }

    /** A body of unknown length: OkHttp sends it chunked. */
    static RequestBody chunkedBody(byte[] plain) {
        return new RequestBody() {
            public okhttp3.MediaType contentType() { return null; }
            public long contentLength() { return -1; }
            public void writeTo(okio.BufferedSink sink) throws IOException { sink.write(plain); }
        };
    }

    void respond(Response r, byte[] data) {
        Headers h = wireHeaders != null ? wireHeaders : r.headers();
        List<String[]> hs = new ArrayList<>();
        for (int i = 0; i < h.size(); i++)
            hs.add(new String[] {h.name(i), h.value(i)});
        report(r.code(), r.message(), r.protocol() == Protocol.HTTP_1_0 ? 10 : 11, hs, data);
    }
}
