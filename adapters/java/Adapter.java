// SPDX-License-Identifier: MIT
// What the JVM adapters share (adapters/java/README.md): the adapter protocol's
// options, the outcome object of adapters/PROTOCOL.md printed as JSON, the
// mapping of Java's common I/O exceptions onto adapters/TAXONOMY.md, the test
// CA as an SSLContext, and a watchdog for clients whose reads have no timeout.
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

abstract class Adapter {
    static final class Req {
        String method = "GET", target;
        final List<String[]> headers = new ArrayList<>();
        byte[] data; // null: no body
    }

    // The options (adapters/PROTOCOL.md).
    final List<Req> reqs = new ArrayList<>();
    String scheme, host, url, rawTarget, cacert, proxyHost;
    int port, proxyPort;
    double timeout = 10;
    boolean insecure;
    final List<String[]> proxyHeaders = new ArrayList<>();

    // The outcome.
    String error, detail = "", nativeError, reason, connection;
    Integer status, version;
    Boolean willClose;
    List<String[]> headers;
    byte[] body;
    Long partialLen, expectedMore;
    private boolean printed;
    private volatile long lastProgress = System.nanoTime();
    /** Whether the watchdog is on: set around the reads it covers. */
    volatile boolean watching;

    /** Makes the requests and fills the outcome; throws what the client threw. */
    abstract void run() throws Exception;

    /** The client's own refinements of an exception's class, null for the common ones. */
    String refine(Throwable e, String text) {
        return null;
    }

    /** A header of the protocol ("Name: value") split as CPython's putheader gets it. */
    static String[] split(String h) {
        int c = h.indexOf(':');
        String v = c < 0 ? "" : h.substring(c + 1).replaceFirst("^[ \t]+", "");
        return new String[] {c < 0 ? h : h.substring(0, c), v};
    }

    void parse(String[] a) throws Exception {
        Req cur = new Req();
        for (int i = 0; i < a.length; i++) {
            String o = a[i];
            if (o.equals("--insecure") || o.equals("--verify")) {
                insecure |= o.equals("--insecure");
                continue;
            }
            String v = i + 1 < a.length ? a[++i] : "";
            Req last = reqs.isEmpty() ? cur : reqs.get(reqs.size() - 1);
            switch (o) {
                case "--before": {
                    Req q = new Req();
                    int sp = v.indexOf(' ');
                    q.method = sp < 0 ? v : v.substring(0, sp);
                    q.target = sp < 0 ? "/" : v.substring(sp + 1);
                    reqs.add(q);
                    break;
                }
                case "--before-header": last.headers.add(split(v)); break;
                case "--before-data-file": last.data = Files.readAllBytes(Paths.get(v)); break;
                case "-X": cur.method = v; break;
                case "-H": cur.headers.add(split(v)); break;
                case "--data-file": cur.data = Files.readAllBytes(Paths.get(v)); break;
                case "--timeout": timeout = Double.parseDouble(v); break;
                case "--cacert": cacert = v; break;
                case "--proxy": {
                    int c = v.lastIndexOf(':');
                    proxyHost = v.substring(0, c);
                    proxyPort = Integer.parseInt(v.substring(c + 1));
                    break;
                }
                case "--proxy-header": proxyHeaders.add(split(v)); break;
                case "--json": url = v; break;
                case "--target": rawTarget = v; break;
                default: throw new IllegalArgumentException("unknown option " + o);
            }
        }
        int s = url.indexOf("://");
        scheme = url.substring(0, s);
        int slash = url.indexOf('/', s + 3);
        String hostport = slash < 0 ? url.substring(s + 3) : url.substring(s + 3, slash);
        int c = hostport.lastIndexOf(':');
        host = c < 0 ? hostport : hostport.substring(0, c);
        port = c < 0 ? (scheme.equals("https") ? 443 : 80) : Integer.parseInt(hostport.substring(c + 1));
        cur.target = rawTarget != null ? rawTarget : slash < 0 ? "/" : url.substring(slash);
        reqs.add(cur);
    }

    String origin() {
        return scheme + "://" + host + ":" + port;
    }

    int timeoutMs() {
        return (int) Math.max(1, Math.round(timeout * 1000));
    }

    /** The protocol's "Name: value" headers of q, without the ones the client sets itself. */
    static boolean has(Req q, String name) {
        for (String[] h : q.headers)
            if (h[0].equalsIgnoreCase(name))
                return true;
        return false;
    }

    /** The caller's own chunk-encoded body (its "Transfer-Encoding: chunked"),
     * decoded so the client can chunk it itself; null otherwise. */
    static byte[] unchunk(Req q) {
        boolean chunked = false;
        for (String[] h : q.headers)
            chunked |= h[0].equalsIgnoreCase("transfer-encoding") && h[1].trim().equalsIgnoreCase("chunked");
        if (!chunked || q.data == null)
            return null;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < q.data.length) {
            int eol = i;
            while (eol < q.data.length && q.data[eol] != '\n')
                eol++;
            String line = new String(q.data, i, eol - i, java.nio.charset.StandardCharsets.ISO_8859_1).trim();
            int size;
            try {
                size = Integer.parseInt(line.split(";")[0].trim(), 16);
            } catch (NumberFormatException e) {
                return null;
            }
            if (size == 0)
                return out.toByteArray();
            if (eol + 1 + size > q.data.length)
                return null;
            out.write(q.data, eol + 1, size);
            i = eol + 1 + size + 2;
        }
        return null;
    }

    /** An SSLContext trusting --cacert (or everything with --insecure); null: the default. */
    SSLContext sslContext() throws Exception {
        return insecure || cacert != null ? contextFor(trustManager()) : null;
    }

    static SSLContext contextFor(X509TrustManager tm) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tm}, null);
        return ctx;
    }

    X509TrustManager trustManager() throws Exception {
        if (insecure)
            return trustAll();
        if (cacert == null) {
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init((KeyStore) null);
            return (X509TrustManager) f.getTrustManagers()[0];
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = new FileInputStream(cacert)) {
            int n = 0;
            for (java.security.cert.Certificate c :
                 java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in))
                ks.setCertificateEntry("ca" + n++, c);
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(ks);
        return (X509TrustManager) f.getTrustManagers()[0];
    }

    static X509TrustManager trustAll() {
        return new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {}
            public void checkServerTrusted(X509Certificate[] c, String a) {}
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        };
    }

    /** Reads a body to its end, noting progress for the watchdog; what was read
     * stays in out even when the read fails. */
    void readBody(InputStream in, ByteArrayOutputStream out) throws Exception {
        byte[] b = new byte[65536];
        progress();
        watching = true;
        try {
            for (int n; (n = in.read(b)) >= 0;) {
                out.write(b, 0, n);
                progress();
            }
        } finally {
            watching = false;
        }
    }

    void progress() {
        lastProgress = System.nanoTime();
    }

    /** For clients without a per-read timeout: after timeout seconds without
     * progress, the outcome is TimeoutError (CPython's socket timeout). */
    void watchdog(String what) {
        Thread t = new Thread(() -> {
            for (;;) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
                if (watching && System.nanoTime() - lastProgress > (long) (timeout * 1e9)) {
                    synchronized (this) {
                        if (printed)
                            return;
                        error = "TimeoutError";
                        detail = "timed out";
                        nativeError = what + ": no data for " + timeout + " s (the adapter's watchdog)";
                        connection = "closed";
                        willClose = null;
                    }
                    finish();
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** An exception of request i: the class, the native text, the detail. */
    synchronized void fail(Throwable e, int i) {
        if (printed || error != null)
            return;
        Throwable root = e;
        while ((root instanceof java.util.concurrent.ExecutionException
                || root instanceof java.util.concurrent.CompletionException
                || (root.getCause() != null && (root.getMessage() == null
                    || root.getMessage().equals(root.getCause().toString()))))
               && root.getCause() != null)
            root = root.getCause();
        String text = root.getClass().getName() + ": " + root.getMessage();
        Throwable c = root.getCause();
        for (int d = 0; c != null && c != root && d < 3; c = c.getCause(), d++)
            text += " (caused by " + c.getClass().getName() + ": " + c.getMessage() + ")";
        nativeError = text;
        String cls = refine(root, text);
        error = cls != null ? cls : classify(root, text);
        detail = (i < reqs.size() - 1 ? "request " + (i + 1) + " of " + reqs.size() + ": " : "")
                 + root.getMessage();
        if (connection == null && !"AdapterUnsupported".equals(error))
            connection = "closed";
    }

    /** The exceptions every JVM client throws through the JDK's sockets and TLS. */
    static String classify(Throwable e, String text) {
        String low = text.toLowerCase();
        if (e instanceof SocketTimeoutException || e instanceof java.net.http.HttpTimeoutException
            || low.contains("timed out") || low.contains("timeout"))
            return "TimeoutError";
        if (e instanceof ConnectException)
            return "ConnectionRefusedError";
        if (e instanceof SSLHandshakeException || e instanceof SSLException) {
            if (low.contains("certificate") || low.contains("certpath") || low.contains("subject alternative")
                || low.contains("no name matching") || low.contains("hostname"))
                return "SSLCertVerificationError";
            if (low.contains("eof") || low.contains("closed by remote") || low.contains("terminated the handshake"))
                return "SSLEOFError";
            return "SSLError";
        }
        if (e instanceof CertificateException)
            return "SSLCertVerificationError";
        if (low.contains("connection reset"))
            return "ConnectionResetError";
        if (low.contains("broken pipe"))
            return "BrokenPipeError";
        if (e instanceof InterruptedIOException)
            return "TimeoutError";
        if (e instanceof SocketException)
            return "ConnectionError";
        return "Unmapped";
    }

    void unsupported(String why) {
        error = "AdapterUnsupported";
        detail = why;
        nativeError = why;
    }

    void report(int st, String rsn, Integer ver, List<String[]> hs, byte[] data) {
        status = st;
        reason = rsn;
        version = ver;
        headers = hs;
        body = data;
    }

    static void str(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\')
                b.append('\\').append(c);
            else if (c < 0x20 || c >= 0x7f)
                b.append(String.format("\\u%04x", (int) c));
            else
                b.append(c);
        }
        b.append('"');
    }

    synchronized void finish() {
        if (printed)
            return;
        printed = true;
        StringBuilder b = new StringBuilder("{\"error\": ");
        str(b, error);
        b.append(", \"detail\": ");
        str(b, detail);
        b.append(", \"native_error\": ");
        str(b, nativeError);
        b.append(", \"status\": ").append(status);
        b.append(", \"reason\": ");
        str(b, reason);
        b.append(", \"version\": ").append(version);
        if (headers != null) {
            b.append(", \"headers\": [");
            for (int i = 0; i < headers.size(); i++) {
                b.append(i > 0 ? ", [" : "[");
                str(b, headers.get(i)[0]);
                b.append(", ");
                str(b, headers.get(i)[1]);
                b.append(']');
            }
            b.append(']');
        }
        if (body != null) {
            b.append(", \"body_len\": ").append(body.length);
            try {
                StringBuilder hex = new StringBuilder();
                for (byte x : MessageDigest.getInstance("SHA-256").digest(body))
                    hex.append(String.format("%02x", x & 0xff));
                b.append(", \"body_sha256\": \"").append(hex).append('"');
            } catch (Exception e) {
                // SHA-256 is in every JDK
            }
            if (body.length <= 1 << 20)
                b.append(", \"body_b64\": \"").append(Base64.getEncoder().encodeToString(body)).append('"');
        }
        b.append(", \"partial_len\": ").append(partialLen);
        b.append(", \"expected_more\": ").append(expectedMore);
        b.append(", \"will_close\": ").append(willClose);
        b.append(", \"connection\": ");
        str(b, connection);
        b.append("}\n");
        System.out.print(b);
        System.out.flush();
        if (System.getProperty("httpc.cds") != null)
            System.exit(0); // a normal exit writes the class-data archive (-XX:ArchiveClassesAtExit)
        Runtime.getRuntime().halt(0); // no pool or selector thread outlives the outcome
    }

    static void main(Adapter a, String[] args) {
        try {
            a.parse(args);
            a.run();
        } catch (Throwable e) {
            a.fail(e, a.step);
        }
        a.finish();
    }

    /** The request being made (the detail of a failure names it). */
    int step;
}
