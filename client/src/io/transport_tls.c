/* SPDX-License-Identifier: MIT */
/* The OpenSSL transport: what ssl.SSLContext.wrap_socket gives http.client
 * (SNI, chain and host name verification, the socket timeout), behind the
 * same vtable as plain TCP, with OpenSSL's failures mapped onto Python's
 * SSLError family and its messages. */
#include "transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

typedef struct tls_transport {
    httpc__transport base;
    httpc__transport *inner; /* the TCP transport (after CONNECT, when tunnelled) */
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, timeout_ms;
    int ragged_eof_ok; /* suppress_ragged_eofs=True: EOF without close_notify reads as EOF */
    int plain_errors;  /* httplib 2.7 (on OpenSSL 3): an unexpected EOF and a handshake
                          timeout are plain SSLError (profile ssl_plain_errors) */
    int cert_error;    /* SSLCertVerificationError exists (3.7+; profile ssl_cert_error) */
    int reset_is_eof;  /* a reset reads as EOF (3.10+; profile ssl_reset_is_eof) */
    int match_hostname, match_ip; /* ssl.match_hostname after the handshake (profile) */
} tls_transport;

void httpc_tls_opts_init(httpc_tls_opts *o)
{
    memset(o, 0, sizeof *o);
    o->check_hostname = -1;
}

static int is_ip_literal(const char *host)
{
    unsigned char a[16];
    return inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1;
}

/* "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed" as CPython
 * writes it: the mnemonic is OpenSSL's reason in capitals. */
static int ssl_error(char *detail, size_t cap, unsigned long e, const char *fallback)
{
    const char *reason = e ? ERR_reason_error_string(e) : NULL;
    char mnem[128];
    size_t i = 0;

    if (reason == NULL) {
        httpc__detail(detail, cap, "%s", fallback);
        return HTTPC_E_SSL_ERROR;
    }
    for (; reason[i] && i + 1 < sizeof mnem; i++)
        mnem[i] = reason[i] == ' ' ? '_' : (char)(reason[i] >= 'a' && reason[i] <= 'z'
                                                      ? reason[i] - 32 : reason[i]);
    mnem[i] = '\0';
    httpc__detail(detail, cap, "[%s: %s] %s", ERR_GET_LIB(e) == ERR_LIB_SSL ? "SSL" : "X509",
                  mnem, reason);
    return HTTPC_E_SSL_ERROR;
}

/* The verification failure, worded as CPython 3.7+ words it
 * (_ssl.c fill_and_set_sslerror). */
static int verify_error(tls_transport *t, const char *host, char *detail, size_t cap)
{
    long v = SSL_get_verify_result(t->ssl);
    const char *what = X509_verify_cert_error_string(v);

    if (v == X509_V_ERR_HOSTNAME_MISMATCH)
        httpc__detail(detail, cap,
                      "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname "
                      "mismatch, certificate is not valid for '%s'.", host);
    else if (v == X509_V_ERR_IP_ADDRESS_MISMATCH)
        httpc__detail(detail, cap,
                      "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: IP address "
                      "mismatch, certificate is not valid for '%s'.", host);
    else if (!t->cert_error) /* before 3.7 no SSLCertVerificationError: SSLError */
        return httpc__detail(detail, cap, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify "
                                          "failed: %s", what), HTTPC_E_SSL_ERROR;
    else
        httpc__detail(detail, cap, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: %s",
                      what);
    return HTTPC_E_SSL_CERT_VERIFICATION;
}

static int eof_error(char *detail, size_t cap)
{
    httpc__detail(detail, cap,
                  "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol");
    return HTTPC_E_SSL_EOF;
}

/* One failed SSL_* call: 0 when it only has to wait (after waiting), else
 * the error. `op` names the call in a timeout ("handshake", "read", "write"). */
static int failed(tls_transport *t, int rc, int64_t deadline, const char *op, char *detail,
                  size_t cap)
{
    int e = SSL_get_error(t->ssl, rc), err = errno;
    unsigned long q = ERR_peek_last_error();

    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        short ev = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
        if (deadline < 0) { /* no timeout: the fd is non-blocking, so poll() here */
            struct pollfd pf = {.fd = t->fd, .events = ev};
            while (poll(&pf, 1, -1) < 0)
                if (errno != EINTR)
                    return httpc__os_error(detail, cap, errno);
            return 0;
        }
        rc = httpc__wait_until(t->fd, ev, deadline, detail, cap);
        if (rc == HTTPC_E_TIMEOUT)
            httpc__detail(detail, cap, "The %s operation timed out", op);
        return rc;
    }
    ERR_clear_error();
    if (e == SSL_ERROR_SSL && ERR_GET_REASON(q) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
        return eof_error(detail, cap);
    if (e == SSL_ERROR_SYSCALL)
        return err != 0 ? httpc__os_error(detail, cap, err) : eof_error(detail, cap);
    return ssl_error(detail, cap, q, "TLS error");
}

static int tls_send(httpc__transport *base, const void *buf, size_t len)
{
    tls_transport *t = (tls_transport *)base;
    const char *p = buf;
    int64_t deadline = httpc__deadline(t->timeout_ms);

    while (len > 0) {
        errno = 0;
        int n = SSL_write(t->ssl, p, len > INT32_MAX ? INT32_MAX : (int)len);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        int rc = failed(t, n, deadline, "write", base->errmsg, sizeof base->errmsg);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static ssize_t tls_recv(httpc__transport *base, void *buf, size_t cap)
{
    tls_transport *t = (tls_transport *)base;
    int64_t deadline = httpc__deadline(t->timeout_ms);

    /* read_cap limits what SSL_read gives the parser (the plaintext, the cut
     * the parser sees), not the socket reads under it: OpenSSL reassembles a
     * record whatever the cut, as it does in CPython's _ssl. */
    if (base->read_cap && cap > base->read_cap)
        cap = base->read_cap;
    for (;;) {
        errno = 0;
        int n = SSL_read(t->ssl, buf, cap > INT32_MAX ? INT32_MAX : (int)cap);
        if (n > 0)
            return n;
        if (SSL_get_error(t->ssl, n) == SSL_ERROR_ZERO_RETURN)
            return 0; /* close_notify */
        int rc = failed(t, n, deadline, "read", base->errmsg, sizeof base->errmsg);
        /* CPython 3.10+ reads a reset TLS connection as EOF too: _ssl.c loses
         * the errno and reports SSLEOFError, which suppress_ragged_eofs drops;
         * 3.6-3.9 hand the errno to the socket's handler: ConnectionResetError. */
        if ((rc == HTTPC_E_SSL_EOF || (rc == HTTPC_E_CONNECTION_RESET && t->reset_is_eof)) &&
            t->ragged_eof_ok)
            return 0;
        if (rc == HTTPC_E_SSL_EOF && t->plain_errors)
            rc = HTTPC_E_SSL_ERROR;
        if (rc < 0)
            return rc;
    }
}

/* close(): no close_notify, as CPython's socket close without unwrap(). */
static void tls_destroy(httpc__transport *base)
{
    tls_transport *t = (tls_transport *)base;

    SSL_free(t->ssl);
    SSL_CTX_free(t->ctx);
    httpc__transport_unref(t->inner);
    free(t);
}

static int tls_fileno(const httpc__transport *base)
{
    return ((const tls_transport *)base)->fd;
}

static const httpc__transport_vt tls_vt = {tls_send, tls_recv, tls_destroy, tls_fileno};

static int version_of(int v)
{
    switch (v) {
    case 10: return TLS1_VERSION;
    case 11: return TLS1_1_VERSION;
    case 12: return TLS1_2_VERSION;
    case 13: return TLS1_3_VERSION;
    default: return -1;
    }
}

/* create_default_context() (py3, strict) or httplib 2.x's unverified
 * wrap_socket (py27), then the caller's options. */
/* ---- a socket BIO that never raises SIGPIPE ------------------------------ */
/* OpenSSL's socket BIO writes with write(): a peer that has gone would kill
 * the process with SIGPIPE (CPython ignores the signal process-wide; a library
 * may not). This one is the same socket BIO with send(MSG_NOSIGNAL). */

static int sock_write(BIO *b, const char *buf, int len)
{
    ssize_t n = send((int)(intptr_t)BIO_get_data(b), buf, (size_t)len, MSG_NOSIGNAL);
    BIO_clear_retry_flags(b);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        BIO_set_retry_write(b);
    return (int)n;
}

static int sock_read(BIO *b, char *buf, int len)
{
    ssize_t n = recv((int)(intptr_t)BIO_get_data(b), buf, (size_t)len, 0);
    BIO_clear_retry_flags(b);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        BIO_set_retry_read(b);
    return (int)n;
}

static long sock_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)num;
    if (cmd == BIO_C_GET_FD) {
        int fd = (int)(intptr_t)BIO_get_data(b);
        if (ptr != NULL)
            *(int *)ptr = fd;
        return fd;
    }
    return cmd == BIO_CTRL_FLUSH; /* writes are not buffered */
}

static BIO_METHOD *sock_method;
static pthread_once_t sock_once = PTHREAD_ONCE_INIT;

static void make_sock_method(void)
{
    BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "httpc socket");
    if (m != NULL && BIO_meth_set_write(m, sock_write) == 1 &&
        BIO_meth_set_read(m, sock_read) == 1 && BIO_meth_set_ctrl(m, sock_ctrl) == 1)
        sock_method = m;
    else
        BIO_meth_free(m);
}

/* SSL_set_fd with the BIO above. 0 or -1. */
static int attach_socket(SSL *ssl, int fd)
{
    BIO *b;
    pthread_once(&sock_once, make_sock_method);
    if (sock_method == NULL || (b = BIO_new(sock_method)) == NULL)
        return -1;
    BIO_set_data(b, (void *)(intptr_t)fd);
    BIO_set_init(b, 1);
    SSL_set_bio(ssl, b, b);
    return 0;
}

/* A file the context loads: CPython's load_verify_locations and
 * load_cert_chain raise the OSError of open() (FileNotFoundError) before
 * OpenSSL sees the file. */
static int readable(const char *path, char *detail, size_t cap)
{
    if (path == NULL || access(path, R_OK) == 0)
        return 0;
    int e = errno;
    httpc__detail(detail, cap, "[Errno %d] %s: '%s'", e, strerror(e), path);
    return e == ENOENT ? HTTPC_E_FILE_NOT_FOUND : HTTPC_E_OS_ERROR;
}

static int make_ctx(tls_transport *t, const httpc_tls_opts *o, const httpc_profile *p, int *verify,
                    int *check, char *detail, size_t cap)
{
    int min = o->min_version ? version_of(o->min_version) : p->tls_min_tls12 ? TLS1_2_VERSION : 0;

    *verify = o->verify == HTTPC_TLS_VERIFY_REQUIRED ||
              (o->verify == HTTPC_TLS_VERIFY_DEFAULT && p->tls_verify_default);
    *check = o->check_hostname < 0 ? *verify : o->check_hostname;
    if (*check && !*verify) {
        httpc__detail(detail, cap, "check_hostname needs a SSL context with either "
                                   "CERT_OPTIONAL or CERT_REQUIRED");
        return HTTPC_E_VALUE_ERROR;
    }
    if (min < 0) {
        httpc__detail(detail, cap, "unknown TLS version %d", o->min_version);
        return HTTPC_E_VALUE_ERROR;
    }
    if ((t->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
        return ssl_error(detail, cap, ERR_get_error(), "cannot make an SSL context");
    SSL_CTX_set_options(t->ctx, SSL_OP_NO_COMPRESSION);
    if (min > 0)
        SSL_CTX_set_min_proto_version(t->ctx, min);
    SSL_CTX_set_verify(t->ctx, *verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
    int rc = readable(o->ca_file, detail, cap);
    if (rc == 0)
        rc = readable(o->cert_file, detail, cap);
    if (rc == 0)
        rc = readable(o->key_file, detail, cap);
    if (rc < 0)
        return rc;
    int ok = o->ca_file || o->ca_dir
                 ? SSL_CTX_load_verify_locations(t->ctx, o->ca_file, o->ca_dir)
                 : *verify ? SSL_CTX_set_default_verify_paths(t->ctx) : 1;
    if (ok == 1 && o->ciphers)
        ok = SSL_CTX_set_cipher_list(t->ctx, o->ciphers);
    if (ok == 1 && o->cert_file)
        ok = SSL_CTX_use_certificate_chain_file(t->ctx, o->cert_file) == 1 &&
             SSL_CTX_use_PrivateKey_file(t->ctx, o->key_file ? o->key_file : o->cert_file,
                                         SSL_FILETYPE_PEM) == 1;
    return ok == 1 ? 0 : ssl_error(detail, cap, ERR_get_error(), "cannot load the TLS files");
}

/* SNI for a name, never for an IP literal (as CPython); the check
 * (X509_VERIFY_PARAM, as _ssl.c's _ssl_configure_hostname). */
static int set_host(tls_transport *t, const char *host, int check, char *detail, size_t cap)
{
    int ip = is_ip_literal(host), ok = 1;
    X509_VERIFY_PARAM *param = SSL_get0_param(t->ssl);

    if (!ip && SSL_set_tlsext_host_name(t->ssl, host) != 1)
        return ssl_error(detail, cap, ERR_get_error(), "cannot set the server name");
    if (!check || t->match_hostname) /* match_hostname: checked after the handshake */
        return 0;
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host) : X509_VERIFY_PARAM_set1_host(param, host, 0);
    return ok == 1 ? 0 : ssl_error(detail, cap, ERR_get_error(), "cannot set the host name check");
}

/* ---- ssl.match_hostname (2.7.9+, 3.2-3.6) -------------------------------- */
/* Lib/ssl.py _dnsname_match: RFC 6125 section 6.4.3 as CPython 3.3.3-3.6 and
 * 2.7.9+ read it. At most one '*', in the leftmost label; '*' alone matches a
 * non-empty label, inside a label any run of non-dots, except in an A-label
 * (xn--), where it is a literal; the other labels compare without case.
 * 1 match, 0 none, HTTPC_E_CERTIFICATE_ERROR for too many wildcards. */
int httpc__dnsname_match(const char *dn, const char *host, char *detail, size_t cap)
{
    const char *dot = strchr(dn, '.'), *hdot = strchr(host, '.');
    size_t left = dot ? (size_t)(dot - dn) : strlen(dn);
    size_t hleft = hdot ? (size_t)(hdot - host) : strlen(host);
    const char *star = memchr(dn, '*', left);
    char r[300];

    if (*dn == '\0')
        return 0;
    if (star != NULL && memchr(star + 1, '*', left - (size_t)(star - dn) - 1) != NULL) {
        httpc__py_repr(r, sizeof r, dn, strlen(dn), 0);
        httpc__detail(detail, cap, "too many wildcards in certificate DNS name: %s", r);
        return HTTPC_E_CERTIFICATE_ERROR;
    }
    if (star == NULL)
        return strcasecmp(dn, host) == 0;
    /* the rest, after the leftmost label, compares as text: '*' cannot span a dot */
    if ((dot == NULL) != (hdot == NULL) || (dot != NULL && strcasecmp(dot, hdot) != 0))
        return 0;
    if (left == 1) /* '*' alone: [^.]+, before the A-label rule */
        return hleft > 0;
    if (strncasecmp(dn, "xn--", 4) == 0 || strncasecmp(host, "xn--", 4) == 0)
        return hleft == left && strncasecmp(dn, host, left) == 0;
    size_t pre = (size_t)(star - dn), post = left - pre - 1;
    return hleft >= pre + post && strncasecmp(dn, host, pre) == 0 &&
           strncasecmp(star + 1, host + hleft - post, post) == 0;
}

/* An ASN.1 string as _ssl.c's GENERAL_NAME_print leaves it: bytes outside
 * printable ASCII (but CR and LF) become '.'. */
static void printable(char *out, size_t cap, const unsigned char *p, int len)
{
    size_t n = 0;
    for (int i = 0; i < len && n + 1 < cap; i++)
        out[n++] = p[i] > '~' || (p[i] < ' ' && p[i] != '\n' && p[i] != '\r') ? '.' : (char)p[i];
    out[n] = '\0';
}

/* An iPAddress entry as 3.5+'s getpeercert() writes it: dotted IPv4, and
 * IPv6 as eight upper-case hex groups without '::' (run: 3.6.15). */
static void ip_text(char *out, size_t cap, const unsigned char *a, int len)
{
    if (len == 4)
        snprintf(out, cap, "%d.%d.%d.%d", a[0], a[1], a[2], a[3]);
    else if (len == 16)
        snprintf(out, cap, "%X:%X:%X:%X:%X:%X:%X:%X", a[0] << 8 | a[1], a[2] << 8 | a[3],
                 a[4] << 8 | a[5], a[6] << 8 | a[7], a[8] << 8 | a[9], a[10] << 8 | a[11],
                 a[12] << 8 | a[13], a[14] << 8 | a[15]);
    else
        snprintf(out, cap, "<invalid>");
}

/* Appends repr(name) to the list of names the message gives. */
static void add_name(char *names, size_t cap, size_t *count, const char *name)
{
    size_t n = strlen(names);
    if (n + 3 >= cap)
        return;
    if ((*count)++ > 0)
        n += (size_t)snprintf(names + n, cap - n, ", ");
    if (n < cap)
        httpc__py_repr(names + n, cap - n, name, strlen(name), 0);
}

/* ssl.match_hostname(getpeercert(), host): subjectAltName's DNS entries (and
 * IP Address entries from 3.5) in order, the subject's commonNames only when
 * those gave no name; CertificateError names what was there. */
static int match_hostname(tls_transport *t, const char *host, char *detail, size_t cap)
{
    unsigned char host_ip[16];
    int host_len = inet_pton(AF_INET, host, host_ip) == 1    ? 4
                   : inet_pton(AF_INET6, host, host_ip) == 1 ? 16
                                                             : 0;
    X509 *cert = SSL_get1_peer_certificate(t->ssl);
    GENERAL_NAMES *san;
    char names[1024] = "", name[256], r[300];
    size_t count = 0;
    int rc = 0;

    if (cert == NULL) {
        httpc__detail(detail, cap, "empty or no certificate, match_hostname needs a SSL socket "
                                   "or SSL context with either CERT_OPTIONAL or CERT_REQUIRED");
        return HTTPC_E_VALUE_ERROR;
    }
    san = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; rc == 0 && i < sk_GENERAL_NAME_num(san); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(san, i);
        if (g->type == GEN_DNS) {
            printable(name, sizeof name, ASN1_STRING_get0_data(g->d.dNSName),
                      ASN1_STRING_length(g->d.dNSName));
            if (host_len == 0 || !t->match_ip) /* before 3.5 an IP is a name too */
                rc = httpc__dnsname_match(name, host, detail, cap);
            add_name(names, sizeof names, &count, name);
        } else if (g->type == GEN_IPADD && t->match_ip) {
            const unsigned char *a = ASN1_STRING_get0_data(g->d.iPAddress);
            int len = ASN1_STRING_length(g->d.iPAddress);
            rc = host_len != 0 && len == host_len && memcmp(a, host_ip, (size_t)len) == 0;
            ip_text(name, sizeof name, a, len);
            add_name(names, sizeof names, &count, name);
        }
    }
    GENERAL_NAMES_free(san);
    if (rc == 0 && count == 0) {
        const X509_NAME *subject = X509_get_subject_name(cert);
        for (int i = 0; rc == 0 && i < X509_NAME_entry_count(subject); i++) {
            const X509_NAME_ENTRY *e = X509_NAME_get_entry(subject, i);
            unsigned char *utf8 = NULL;
            int len;
            if (OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)) != NID_commonName ||
                (len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e))) < 0)
                continue;
            snprintf(name, sizeof name, "%.*s", len, (const char *)utf8);
            OPENSSL_free(utf8);
            rc = httpc__dnsname_match(name, host, detail, cap);
            add_name(names, sizeof names, &count, name);
        }
    }
    X509_free(cert);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    httpc__py_repr(r, sizeof r, host, strlen(host), 0);
    if (count > 1)
        httpc__detail(detail, cap, "hostname %s doesn't match either of %s", r, names);
    else if (count == 1)
        httpc__detail(detail, cap, "hostname %s doesn't match %s", r, names);
    else
        httpc__detail(detail, cap, "no appropriate commonName or subjectAltName fields were found");
    return HTTPC_E_CERTIFICATE_ERROR;
}

/* 2.7's _ssl.c raises SSLError for an EOF and for a timeout in the
 * handshake ("_ssl.c:711: The handshake operation timed out", run with
 * 2.7.18); 3.x SSLEOFError and socket.timeout (TimeoutError). */
static int plain_error(const tls_transport *t, int rc, char *detail, size_t cap)
{
    if (!t->plain_errors)
        return rc;
    if (rc == HTTPC_E_TIMEOUT)
        httpc__detail(detail, cap, "_ssl.c:711: The handshake operation timed out");
    return rc == HTTPC_E_SSL_EOF || rc == HTTPC_E_TIMEOUT ? HTTPC_E_SSL_ERROR : rc;
}

static int handshake(tls_transport *t, const char *host, char *detail, size_t cap)
{
    int64_t deadline = httpc__deadline(t->timeout_ms);

    for (;;) {
        errno = 0;
        int rc = SSL_connect(t->ssl);
        if (rc == 1)
            return 0;
        if (SSL_get_error(t->ssl, rc) == SSL_ERROR_SSL &&
            SSL_get_verify_result(t->ssl) != X509_V_OK) {
            ERR_clear_error();
            return verify_error(t, host, detail, cap);
        }
        if ((rc = failed(t, rc, deadline, "handshake", detail, cap)) < 0)
            return plain_error(t, rc, detail, cap);
    }
}

int httpc__tls_wrap(httpc__transport *inner, const char *host, int timeout_ms,
                    const httpc_tls_opts *o, const httpc_profile *p, httpc__transport **out,
                    char *detail, size_t cap)
{
    httpc_tls_opts dflt;
    tls_transport *t = calloc(1, sizeof *t);
    int verify, check, rc;

    *out = NULL;
    if (t == NULL) {
        httpc__transport_unref(inner);
        return HTTPC_E_NOMEM;
    }
    if (o == NULL)
        httpc_tls_opts_init(&dflt), o = &dflt;
    httpc__transport_init(&t->base, &tls_vt);
    t->inner = inner;
    t->fd = inner->vt->fileno(inner);
    t->timeout_ms = timeout_ms;
    /* CPython reads EOF without close_notify as EOF (suppress_ragged_eofs);
     * the strict profile calls it what RFC 8446 section 6.1 says: truncation. */
    t->ragged_eof_ok = p->ragged_eof_ok;
    t->plain_errors = p->ssl_plain_errors;
    t->cert_error = p->ssl_cert_error;
    t->reset_is_eof = p->ssl_reset_is_eof;
    t->match_hostname = p->ssl_match_hostname;
    t->match_ip = p->ssl_match_ip;
    ERR_clear_error();
    rc = make_ctx(t, o, p, &verify, &check, detail, cap);
    if (rc == 0 && ((t->ssl = SSL_new(t->ctx)) == NULL || attach_socket(t->ssl, t->fd) < 0))
        rc = ssl_error(detail, cap, ERR_get_error(), "cannot make the TLS session");
    if (rc == 0)
        rc = set_host(t, host, check, detail, cap);
    if (rc == 0) {
        /* non-blocking under the hood: the deadline is kept with poll() */
        fcntl(t->fd, F_SETFL, fcntl(t->fd, F_GETFL) | O_NONBLOCK);
        rc = handshake(t, host, detail, cap);
        if (rc == 0 && check && t->match_hostname)
            rc = match_hostname(t, host, detail, cap);
    }
    if (rc < 0) {
        tls_destroy(&t->base);
        return rc;
    }
    *out = &t->base;
    return 0;
}
