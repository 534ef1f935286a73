// SPDX-License-Identifier: MIT
// The Apache HttpClient 4.5 adapter (adapters/apache-httpclient/README.md):
// makes the scenario's requests with one CloseableHttpClient on a pool of one
// connection (no retry, no redirect, no content decoding, no cookies) and
// prints the outcome object of adapters/PROTOCOL.md through
// adapters/java/Adapter.java.
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpResponse;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.config.SocketConfig;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.conn.routing.RouteInfo;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.socket.PlainConnectionSocketFactory;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.message.BasicHttpEntityEnclosingRequest;
import org.apache.http.message.BasicHttpRequest;

final class ApacheAdapter extends Adapter {
    public static void main(String[] args) {
        main(new ApacheAdapter(), args);
    }

    @Override
    String refine(Throwable e, String text) {
        String n = e.getClass().getSimpleName(), m = String.valueOf(e.getMessage());
        if (n.equals("NoHttpResponseException"))
            return "RemoteDisconnected";
        if (n.equals("MessageConstraintException"))
            return m.contains("line length") ? "LineTooLong" : "HTTPException";
        if (n.equals("ConnectionClosedException") || n.equals("MalformedChunkCodingException")
            || n.equals("TruncatedChunkException"))
            return "IncompleteRead";
        if (text.contains("URISyntaxException") || m.contains("Invalid URI"))
            return "AdapterUnsupported";
        if (m.contains("protocol version") || m.contains("Invalid protocol"))
            return "UnknownProtocol";
        if (m.contains("status line") || m.contains("status code")
            || m.contains("valid HTTP response"))
            return "BadStatusLine";
        if (m.contains("Content-Length") || m.contains("content length"))
            return "InvalidHeader";
        if (m.contains("ransfer encoding") || m.contains("ransfer-encoding"))
            return "InvalidFraming";
        if (n.equals("ProtocolException") || n.equals("ParseException")
            || n.equals("ClientProtocolException"))
            return "HTTPException";
        return null;
    }

    @Override
    void run() throws Exception {
        if (!proxyHeaders.isEmpty()) {
            unsupported("apache-httpclient adapter: HttpClient 4.5 adds no header of ours to its CONNECT");
            return;
        }
        RegistryBuilder<ConnectionSocketFactory> reg = RegistryBuilder.<ConnectionSocketFactory>create()
                                                           .register("http", PlainConnectionSocketFactory.INSTANCE);
        SSLContext ctx = sslContext();
        reg.register("https", ctx == null ? SSLConnectionSocketFactory.getSocketFactory()
                                          : new SSLConnectionSocketFactory(ctx, insecure ? NoopHostnameVerifier.INSTANCE
                                                                                         : SSLConnectionSocketFactory.getDefaultHostnameVerifier()));
        PoolingHttpClientConnectionManager cm = new PoolingHttpClientConnectionManager(reg.build());
        cm.setMaxTotal(1);
        cm.setDefaultMaxPerRoute(1);
        cm.setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(timeoutMs()).build()); // per read
        RequestConfig rc = RequestConfig.custom().setConnectTimeout(timeoutMs()).setSocketTimeout(timeoutMs())
                               .setConnectionRequestTimeout(timeoutMs()).setRedirectsEnabled(false).build();
        HttpHost target = new HttpHost(host, port, scheme);
        org.apache.http.impl.client.HttpClientBuilder cb = HttpClients.custom().setConnectionManager(cm)
                                                               .setDefaultRequestConfig(rc).disableContentCompression()
                                                               .disableAutomaticRetries().disableRedirectHandling()
                                                               .disableCookieManagement().disableAuthCaching();
        if (proxyHost != null) { // set_tunnel: CONNECT first, for http:// too
            HttpHost proxy = new HttpHost(proxyHost, proxyPort);
            boolean tls = scheme.equals("https");
            cb.setRoutePlanner((t, r, c) -> new HttpRoute(t, null, proxy, tls, RouteInfo.TunnelType.TUNNELLED,
                                                          tls ? RouteInfo.LayerType.LAYERED : RouteInfo.LayerType.PLAIN));
        }
        CloseableHttpClient client = cb.build();
        HttpClientContext hc = HttpClientContext.create();
        for (step = 0; step < reqs.size(); step++) {
            Req q = reqs.get(step);
            boolean last = step == reqs.size() - 1;
            HttpRequest req;
            byte[] plain = unchunk(q); // a caller's chunked body: HttpClient chunks it itself
            if (q.data != null) {
                BasicHttpEntityEnclosingRequest er = new BasicHttpEntityEnclosingRequest(q.method, q.target);
                ByteArrayEntity ent = new ByteArrayEntity(plain != null ? plain : q.data);
                ent.setChunked(plain != null);
                er.setEntity(ent);
                req = er;
            } else {
                req = new BasicHttpRequest(q.method, q.target);
            }
            for (String[] h : q.headers) // HttpClient writes the entity's framing fields itself
                if (q.data == null || !(h[0].equalsIgnoreCase("content-length")
                                        || (plain != null && h[0].equalsIgnoreCase("transfer-encoding"))))
                    req.addHeader(h[0], h[1]);
            CloseableHttpResponse r = client.execute(target, req, hc);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            HttpEntity ent = r.getEntity();
            try {
                if (ent != null)
                    try (InputStream in = ent.getContent()) {
                        readBody(in, out);
                    }
            } catch (IOException e) {
                if (last) {
                    respond(r, out.toByteArray());
                    partialLen = (long) out.size();
                    if (ent.getContentLength() >= 0)
                        expectedMore = ent.getContentLength() - out.size();
                }
                r.close();
                throw e;
            }
            r.close();
            if (last) {
                respond(r, out.toByteArray());
                // the pool holds the connection when HttpClient will reuse it
                connection = cm.getTotalStats().getAvailable() > 0 ? "kept" : "closed";
                willClose = connection.equals("closed");
            }
        }
    }

    void respond(HttpResponse r, byte[] data) {
        List<String[]> hs = new ArrayList<>();
        for (Header h : r.getAllHeaders())
            hs.add(new String[] {h.getName(), h.getValue()});
        org.apache.http.ProtocolVersion v = r.getStatusLine().getProtocolVersion();
        report(r.getStatusLine().getStatusCode(), r.getStatusLine().getReasonPhrase(),
               v.getMajor() * 10 + v.getMinor(), hs, data);
    }
}
