// SPDX-License-Identifier: MIT
// The HttpURLConnection adapter (adapters/java-urlconnection/README.md): makes
// the scenario's requests with the JDK's java.net.HttpURLConnection (its
// keep-alive cache reuses the connection between them) and prints the outcome
// object of adapters/PROTOCOL.md through adapters/java/Adapter.java.
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

final class UrlConnectionAdapter extends Adapter {
    public static void main(String[] args) {
        // Host, Connection, Content-Length, ... are sent as the scenario gives them.
        System.setProperty("sun.net.http.allowRestrictedHeaders", "true");
        main(new UrlConnectionAdapter(), args);
    }

    @Override
    String refine(Throwable e, String text) {
        String m = String.valueOf(e.getMessage());
        if (m.startsWith("Unexpected end of file from server"))
            return "RemoteDisconnected";
        if (m.startsWith("Invalid Http response") || m.contains("Invalid status line"))
            return "BadStatusLine";
        if (m.contains("Premature EOF") || m.contains("chunk") || m.contains("Chunk")
            || m.contains("end of stream") || m.contains("tailer") // ChunkedInputStream's errors
            || m.contains("missing CR") || m.contains("proceeded by CR"))
            return "IncompleteRead";
        if (m.contains("Illegal character") || m.contains("header"))
            return "HTTPException";
        return null;
    }

    @Override
    void run() throws Exception {
        if (rawTarget != null) {
            unsupported("java-urlconnection adapter: HttpURLConnection sends the path of a URL, "
                        + "not a verbatim target");
            return;
        }
        if (proxyHost != null && !scheme.equals("https")) {
            unsupported("java-urlconnection adapter: HttpURLConnection tunnels only https:// "
                        + "through a proxy (http:// goes to the proxy in absolute-form)");
            return;
        }
        if (!proxyHeaders.isEmpty()) {
            unsupported("java-urlconnection adapter: HttpURLConnection adds no header of ours to "
                        + "its CONNECT");
            return;
        }
        SSLContext ctx = sslContext();
        Proxy proxy = proxyHost == null ? Proxy.NO_PROXY
                                        : new Proxy(Proxy.Type.HTTP, new InetSocketAddress(proxyHost, proxyPort));
        for (step = 0; step < reqs.size(); step++) {
            Req q = reqs.get(step);
            boolean last = step == reqs.size() - 1;
            HttpURLConnection c = (HttpURLConnection) new URL(origin() + q.target).openConnection(proxy);
            if (c instanceof HttpsURLConnection && ctx != null)
                ((HttpsURLConnection) c).setSSLSocketFactory(ctx.getSocketFactory());
            if (c instanceof HttpsURLConnection && insecure)
                ((HttpsURLConnection) c).setHostnameVerifier((h, s) -> true);
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setConnectTimeout(timeoutMs());
            c.setReadTimeout(timeoutMs()); // per read, as CPython's socket timeout
            try {
                c.setRequestMethod(q.method);
            } catch (ProtocolException e) {
                unsupported("java-urlconnection adapter: " + e.getMessage());
                return;
            }
            byte[] plain = unchunk(q); // a caller's chunked body: HttpURLConnection chunks it itself
            for (String[] h : q.headers)
                if (plain == null || !h[0].equalsIgnoreCase("transfer-encoding"))
                    c.addRequestProperty(h[0], h[1]);
            if (q.data != null) {
                c.setDoOutput(true);
                if (plain != null)
                    c.setChunkedStreamingMode(4096);
                else if (!has(q, "content-length"))
                    c.setFixedLengthStreamingMode(q.data.length);
                try (OutputStream os = c.getOutputStream()) {
                    os.write(plain != null ? plain : q.data);
                }
            }
            int code = c.getResponseCode();
            InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                if (in != null) {
                    readBody(in, out);
                    in.close();
                }
            } catch (IOException e) {
                if (last) {
                    respond(c, code, out.toByteArray());
                    partialLen = (long) out.size();
                    long cl = c.getContentLengthLong();
                    if (cl >= 0)
                        expectedMore = cl - out.size();
                }
                throw e;
            }
            if (last)
                respond(c, code, out.toByteArray());
        }
    }

    /** The head as HttpURLConnection keeps it: field 0 is the status line, the
     * others in the order received. */
    void respond(HttpURLConnection c, int code, byte[] data) throws IOException {
        List<String[]> hs = new ArrayList<>();
        for (int i = 1; c.getHeaderField(i) != null || c.getHeaderFieldKey(i) != null; i++)
            hs.add(new String[] {String.valueOf(c.getHeaderFieldKey(i)), c.getHeaderField(i)});
        String line = c.getHeaderField(0);
        Integer ver = null;
        if (line != null && line.startsWith("HTTP/") && line.length() >= 8)
            ver = (line.charAt(5) - '0') * 10 + (line.charAt(7) - '0');
        report(code, c.getResponseMessage(), ver, hs, data);
    }
}
