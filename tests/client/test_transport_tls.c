/* SPDX-License-Identifier: MIT */
/* The OpenSSL transport against a TLS server thread (the mock server, with
 * certificates made by this test at run time): every mapping of an OpenSSL
 * failure onto Python's SSLError family, the profile defaults, SNI, and TLS
 * through a CONNECT tunnel. Expected classes and messages are CPython 3.11's
 * (see scenarios/tls/ for the same cases checked against CPython itself). */
#include "httpc_mock.h"
#include "conn_internal.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct server {
    char dir[64];
    char ca[128];
    httpc_scenario *s;
    size_t n;
    httpc_mock *m;
    int stopped;
} server;

static const char reply[] = "  read request\n"
                            "  send \"HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nhello\"\n"
                            "  close\n";

/* Makes a CA and certificates in a fresh folder and serves the scenario
 * whose keys are `keys` and script `script`. */
static void serve(server *sv, const char *keys, const char *script)
{
    char text[4096], err[256];

    snprintf(sv->dir, sizeof sv->dir, "/tmp/httpc-tls-XXXXXX");
    cr_assert_not_null(mkdtemp(sv->dir));
    cr_assert_eq(httpc_mock_make_certs(sv->dir, err, sizeof err), 0, "%s", err);
    snprintf(sv->ca, sizeof sv->ca, "%s/ca.pem", sv->dir);
    int len = snprintf(text, sizeof text,
                       "id: t/t\ntitle: t\ntls: yes\n%s\nconnection\n%s\nexpect: error OSError\n",
                       keys, script);
    cr_assert_eq(httpc_scn_parse("t.scn", text, (size_t)len, &sv->s, &sv->n, err, sizeof err), 0,
                 "%s", err);
    httpc_mock_opts mo = {.cert_dir = sv->dir};
    cr_assert_eq(httpc_mock_start(sv->s, &mo, &sv->m, err, sizeof err), 0, "%s", err);
    sv->stopped = 0;
}

static void stop(server *sv)
{
    char cmd[128];
    if (!sv->stopped)
        httpc_mock_stop(sv->m, 2000);
    httpc_mock_free(sv->m);
    httpc_scn_free_all(sv->s, sv->n);
    snprintf(cmd, sizeof cmd, "rm -rf %s", sv->dir);
    cr_assert_eq(system(cmd), 0);
}

typedef struct result {
    int rc; /* of request + getresponse, or of the body read */
    char detail[256];
    long long body; /* body bytes read, -1 when there was no response */
} result;

static int count(void *ctx, const void *data, size_t len)
{
    (void)data;
    *(long long *)ctx += (long long)len;
    return 0;
}

/* One GET over HTTPS to host:port of the server, read to the end. */
static result fetch(server *sv, const char *host, const char *profile, httpc_tls_opts *tls,
                    const char *tunnel)
{
    httpc_conn_opts co;
    httpc_conn *c;
    httpc_resp *r = NULL;
    result res = {.body = -1};
    char hp[128];

    httpc_conn_opts_init(&co);
    co.profile = httpc_profile_by_name(profile);
    co.timeout_ms = 2000;
    co.tls = tls;
    if (tls->ca_file == NULL)
        tls->ca_file = sv->ca;
    snprintf(hp, sizeof hp, "%s:%d", tunnel ? "127.0.0.1" : host, httpc_mock_port(sv->m));
    cr_assert_eq(httpc_conn_new(&c, hp, -1, &co), 0);
    if (tunnel)
        cr_assert_eq(httpc_conn_set_tunnel(c, tunnel, -1, NULL, NULL, 0), 0);
    res.rc = httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0);
    if (res.rc == 0)
        res.rc = httpc_conn_getresponse(c, &r);
    snprintf(res.detail, sizeof res.detail, "%s", httpc_conn_errmsg(c));
    if (res.rc == 0) {
        res.body = 0;
        int64_t n = httpc_resp_read_all(r, count, &res.body);
        res.rc = n < 0 ? (int)n : 0;
        snprintf(res.detail, sizeof res.detail, "%s", httpc_resp_errmsg(r));
        httpc_resp_close(r);
        httpc_resp_free(r);
    }
    httpc_conn_free(c);
    return res;
}

static result fetch_default(server *sv, const char *host, const char *profile)
{
    httpc_tls_opts tls;
    httpc_tls_opts_init(&tls);
    return fetch(sv, host, profile, &tls, NULL);
}

static void expect(result res, int rc, const char *detail)
{
    cr_expect_eq(res.rc, rc, "got %s (%s), expected %s", httpc_err_name(res.rc), res.detail,
                 httpc_err_name(rc));
    if (detail)
        cr_expect(strstr(res.detail, detail) != NULL, "detail '%s' lacks '%s'", res.detail, detail);
}

Test(transport_tls, wrap_valid_chain_by_name)
{
    server sv;
    serve(&sv, "tls-sni: localhost", reply);
    result res = fetch_default(&sv, "localhost", "py3");
    expect(res, 0, NULL);
    cr_expect_eq(res.body, 5);
    stop(&sv);
}

Test(transport_tls, wrap_valid_chain_by_ip_sends_no_sni)
{
    server sv;
    serve(&sv, "tls-sni: none", reply);
    expect(fetch_default(&sv, "127.0.0.1", "strict"), 0, NULL);
    stop(&sv);
}

Test(transport_tls, wrap_hostname_mismatch_is_cert_verification)
{
    server sv;
    serve(&sv, "tls-cert: wrong-host", reply);
    expect(fetch_default(&sv, "localhost", "py3"), HTTPC_E_SSL_CERT_VERIFICATION,
           "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, "
           "certificate is not valid for 'localhost'.");
    stop(&sv);
}

Test(transport_tls, wrap_ip_mismatch_is_cert_verification)
{
    server sv;
    serve(&sv, "tls-cert: wrong-host", reply);
    expect(fetch_default(&sv, "127.0.0.1", "py3"), HTTPC_E_SSL_CERT_VERIFICATION,
           "IP address mismatch, certificate is not valid for '127.0.0.1'.");
    stop(&sv);
}

Test(transport_tls, wrap_expired_is_cert_verification)
{
    server sv;
    serve(&sv, "tls-cert: expired", reply);
    expect(fetch_default(&sv, "localhost", "strict"), HTTPC_E_SSL_CERT_VERIFICATION,
           "certificate verify failed: certificate has expired");
    stop(&sv);
}

Test(transport_tls, wrap_self_signed_is_cert_verification)
{
    server sv;
    serve(&sv, "tls-cert: self-signed", reply);
    expect(fetch_default(&sv, "localhost", "py3"), HTTPC_E_SSL_CERT_VERIFICATION,
           "self-signed certificate");
    stop(&sv);
}

Test(transport_tls, wrap_untrusted_ca_is_cert_verification)
{
    server sv;
    serve(&sv, "tls-cert: untrusted", reply);
    expect(fetch_default(&sv, "localhost", "py3"), HTTPC_E_SSL_CERT_VERIFICATION,
           "unable to get local issuer certificate");
    stop(&sv);
}

/* 3.4-3.6 check the host name after the handshake with ssl.match_hostname:
 * CertificateError, a ValueError and no SSLError (run: 3.6.15). */
Test(transport_tls, wrap_py36_hostname_mismatch_is_certificate_error)
{
    server sv;
    serve(&sv, "tls-cert: wrong-host", reply);
    result res = fetch_default(&sv, "localhost", "py36");
    expect(res, HTTPC_E_CERTIFICATE_ERROR, NULL);
    cr_expect_str_eq(res.detail, "hostname 'localhost' doesn't match 'wrong.example'");
    cr_expect(httpc_err_is(HTTPC_E_CERTIFICATE_ERROR, HTTPC_E_VALUE_ERROR));
    cr_expect(!httpc_err_is(HTTPC_E_CERTIFICATE_ERROR, HTTPC_E_SSL_ERROR));
    cr_expect_str_eq(httpc_err_name(HTTPC_E_CERTIFICATE_ERROR), "CertificateError");
    stop(&sv);
}

Test(transport_tls, wrap_py36_ip_mismatch_is_certificate_error)
{
    server sv;
    serve(&sv, "tls-cert: wrong-host", reply);
    result res = fetch_default(&sv, "127.0.0.1", "py36");
    expect(res, HTTPC_E_CERTIFICATE_ERROR, NULL);
    cr_expect_str_eq(res.detail, "hostname '127.0.0.1' doesn't match 'wrong.example'");
    stop(&sv);
}

/* bpo-23239 (3.5): match_hostname compares IP addresses; 3.4's skips the
 * certificate's IP:127.0.0.1 and IP:::1, leaving DNS:localhost. */
Test(transport_tls, wrap_ip_literal_matches_from_py35_not_py34)
{
    server sv;
    serve(&sv, "",
          "  read request\n"
          "  send \"HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nhello\"\n"
          "  close\n"
          "connection\n"
          "  read request\n"
          "  send \"HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nhello\"\n"
          "  close\n");
    result res = fetch_default(&sv, "127.0.0.1", "py35");
    expect(res, 0, NULL);
    cr_expect_eq(res.body, 5);
    res = fetch_default(&sv, "127.0.0.1", "py34");
    expect(res, HTTPC_E_CERTIFICATE_ERROR, NULL);
    cr_expect_str_eq(res.detail, "hostname '127.0.0.1' doesn't match 'localhost'");
    stop(&sv);
}

/* 2.7.9+ asked to verify: the same CertificateError (run: 2.7.18). */
Test(transport_tls, wrap_py27_verifying_checks_host_with_match_hostname)
{
    server sv;
    httpc_tls_opts tls;
    httpc_tls_opts_init(&tls);
    tls.verify = HTTPC_TLS_VERIFY_REQUIRED;
    serve(&sv, "tls-cert: wrong-host", reply);
    result res = fetch(&sv, "localhost", "py27", &tls, NULL);
    expect(res, HTTPC_E_CERTIFICATE_ERROR, NULL);
    cr_expect_str_eq(res.detail, "hostname 'localhost' doesn't match 'wrong.example'");
    stop(&sv);
}

/* Lib/ssl.py _dnsname_match, each answer as CPython 3.6.15 gives it. */
Test(transport_tls, dnsname_match_as_cpython_36)
{
    static const struct {
        const char *dn, *host;
        int match;
    } cases[] = {
        {"example.com", "example.com", 1},
        {"example.com", "EXAMPLE.com", 1},
        {"*.example.com", "a.example.com", 1},
        {"*.example.com", "example.com", 0},
        {"*.example.com", "a.b.example.com", 0},
        {"*.example.com", ".example.com", 0},
        {"w*.example.com", "www.example.com", 1},
        {"w*.example.com", "w.example.com", 1},
        {"w*.example.com", "xw.example.com", 0},
        {"*w.example.com", "aw.example.com", 1},
        {"a*c.example.com", "abc.example.com", 1},
        {"a*c.example.com", "ac.example.com", 1},
        {"a*c.example.com", "ab.example.com", 0},
        {"xn--*.example.com", "xn--a.example.com", 0},
        {"xn--*.example.com", "xn--*.example.com", 1},
        {"*.example.com", "xn--a.example.com", 1},
        {"f*.*.example.com", "fa.b.example.com", 0},
        {"a.*.example.com", "a.b.example.com", 0},
        {"a.*.example.com", "a.*.example.com", 1},
        {"*", "localhost", 1},
        {"*", "a.b", 0},
        {"", "x", 0},
        {"*.Example.COM", "A.example.com", 1},
        {"localhost", "localhost.", 0},
        {"*.com", "a.com", 1},
        {"x*", "xy", 1},
    };
    char detail[128];

    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        cr_expect_eq(httpc__dnsname_match(cases[i].dn, cases[i].host, detail, sizeof detail),
                     cases[i].match, "%s vs %s", cases[i].dn, cases[i].host);
    cr_expect_eq(httpc__dnsname_match("**.example.com", "a.example.com", detail, sizeof detail),
                 HTTPC_E_CERTIFICATE_ERROR);
    cr_expect_str_eq(detail, "too many wildcards in certificate DNS name: '**.example.com'");
}

/* The 2.x documents: HTTPSConnection "does not do any certificate verification". */
Test(transport_tls, wrap_py27_verifies_nothing)
{
    server sv;
    serve(&sv, "tls-cert: self-signed", reply);
    expect(fetch_default(&sv, "localhost", "py27"), 0, NULL);
    stop(&sv);
}

Test(transport_tls, wrap_py27_verifies_when_asked)
{
    server sv;
    httpc_tls_opts tls;
    httpc_tls_opts_init(&tls);
    tls.verify = HTTPC_TLS_VERIFY_REQUIRED;
    serve(&sv, "tls-cert: expired", reply);
    /* 2.7.9+ has no SSLCertVerificationError: the failure is a plain SSLError */
    expect(fetch(&sv, "localhost", "py27-strict", &tls, NULL), HTTPC_E_SSL_ERROR,
           "CERTIFICATE_VERIFY_FAILED");
    stop(&sv);
}

Test(transport_tls, wrap_insecure_opt_out_accepts_anything)
{
    server sv;
    httpc_tls_opts tls;
    httpc_tls_opts_init(&tls);
    tls.verify = HTTPC_TLS_VERIFY_NONE_INSECURE;
    serve(&sv, "tls-cert: wrong-host", reply);
    expect(fetch(&sv, "localhost", "strict", &tls, NULL), 0, NULL);
    stop(&sv);
}

/* A host name check without verification is CPython's ValueError. */
Test(transport_tls, wrap_check_hostname_without_verify_is_value_error)
{
    server sv;
    httpc_tls_opts tls;
    httpc_tls_opts_init(&tls);
    tls.verify = HTTPC_TLS_VERIFY_NONE_INSECURE;
    tls.check_hostname = 1;
    serve(&sv, "", reply);
    expect(fetch(&sv, "localhost", "py3", &tls, NULL), HTTPC_E_VALUE_ERROR, "check_hostname");
    stop(&sv);
}

Test(transport_tls, wrap_check_hostname_off_keeps_chain_check)
{
    server sv;
    httpc_tls_opts tls;
    httpc_tls_opts_init(&tls);
    tls.check_hostname = 0;
    serve(&sv, "tls-cert: wrong-host", reply);
    expect(fetch(&sv, "localhost", "py3", &tls, NULL), 0, NULL);
    stop(&sv);
}

Test(transport_tls, wrap_alert_is_ssl_error)
{
    server sv;
    serve(&sv, "", "  tls-alert 40\n");
    expect(fetch_default(&sv, "localhost", "py3"), HTTPC_E_SSL_ERROR,
           "[SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure");
    stop(&sv);
}

Test(transport_tls, wrap_sni_refused_is_ssl_error)
{
    server sv;
    serve(&sv, "tls-sni: localhost", reply);
    expect(fetch_default(&sv, "127.0.0.1", "py3"), HTTPC_E_SSL_ERROR, "TLSV1_UNRECOGNIZED_NAME");
    stop(&sv);
}

Test(transport_tls, wrap_eof_in_handshake_is_ssl_eof)
{
    server sv;
    serve(&sv, "", "  tls-stall 10\n");
    expect(fetch_default(&sv, "localhost", "py3"), HTTPC_E_SSL_EOF,
           "EOF occurred in violation of protocol");
    stop(&sv);
}

/* httplib 2.7 on OpenSSL 3 sees SSL_ERROR_SSL there: a plain SSLError. */
Test(transport_tls, wrap_eof_in_handshake_py27_is_ssl_error)
{
    server sv;
    serve(&sv, "", "  tls-stall 10\n");
    expect(fetch_default(&sv, "localhost", "py27"), HTTPC_E_SSL_ERROR, "EOF occurred");
    stop(&sv);
}

Test(transport_tls, wrap_stalled_handshake_times_out)
{
    server sv;
    serve(&sv, "", "  tls-stall 4000\n");
    expect(fetch_default(&sv, "localhost", "py3"), HTTPC_E_TIMEOUT,
           "The handshake operation timed out");
    stop(&sv);
}

static const char truncated[] =
    "  read request\n"
    "  send \"HTTP/1.1 200 OK\\r\\nContent-Length: 10\\r\\n\\r\\nhello\"\n"
    "  close-no-notify\n";

/* suppress_ragged_eofs: CPython reads the missing close_notify as EOF. */
Test(transport_tls, recv_ragged_eof_py3_is_eof)
{
    server sv;
    serve(&sv, "", truncated);
    result res = fetch_default(&sv, "localhost", "py3");
    expect(res, HTTPC_E_INCOMPLETE_READ, NULL);
    cr_expect_eq(res.body, 5);
    stop(&sv);
}

Test(transport_tls, recv_ragged_eof_strict_is_ssl_eof)
{
    server sv;
    serve(&sv, "", truncated);
    expect(fetch_default(&sv, "localhost", "strict"), HTTPC_E_SSL_EOF,
           "[SSL: UNEXPECTED_EOF_WHILE_READING]");
    stop(&sv);
}

Test(transport_tls, recv_close_notify_is_eof_in_strict)
{
    server sv;
    serve(&sv, "", "  read request\n  send \"HTTP/1.1 200 OK\\r\\n\\r\\nhello\"\n  close\n");
    result res = fetch_default(&sv, "localhost", "strict");
    expect(res, 0, NULL);
    cr_expect_eq(res.body, 5);
    stop(&sv);
}

Test(transport_tls, recv_reset_strict_is_connection_reset)
{
    server sv;
    serve(&sv, "", "  read request\n  reset\n");
    expect(fetch_default(&sv, "localhost", "strict"), HTTPC_E_CONNECTION_RESET, NULL);
    stop(&sv);
}

/* A reset after the handshake: 3.6-3.9 let ECONNRESET through as
 * ConnectionResetError; 3.10+ read it as EOF (run: 3.6.15, 3.9.18, 3.10.13). */
Test(transport_tls, recv_reset_py36_is_connection_reset_py3_is_eof)
{
    server sv;
    serve(&sv, "", "  read request\n  reset\nconnection\n  read request\n  reset\n");
    expect(fetch_default(&sv, "localhost", "py36"), HTTPC_E_CONNECTION_RESET, "[Errno 104]");
    expect(fetch_default(&sv, "localhost", "py3"), HTTPC_E_REMOTE_DISCONNECTED, NULL);
    stop(&sv);
}

/* set_tunnel: CONNECT over plain TCP, then TLS checked against the tunnel's
 * host (SNI "localhost"), not the proxy's 127.0.0.1. */
Test(transport_tls, wrap_through_tunnel_checks_tunnel_host)
{
    server sv;
    httpc_tls_opts tls;
    size_t len;

    httpc_tls_opts_init(&tls);
    serve(&sv, "tls-sni: localhost",
          "  read head\n  send \"HTTP/1.1 200 Connection established\\r\\n\\r\\n\"\n  starttls\n"
          "  read request\n  send \"HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nhello\"\n"
          "  close\n");
    result res = fetch(&sv, NULL, "py3", &tls, "localhost:443");
    expect(res, 0, NULL);
    cr_expect_eq(res.body, 5);
    httpc_mock_stop(sv.m, 2000);
    sv.stopped = 1;
    const unsigned char *rx = httpc_mock_received(sv.m, 0, &len);
    cr_expect(len > 32 && !memcmp(rx, "CONNECT localhost:443 HTTP/1.0\r\n", 32));
    stop(&sv);
}

Test(transport_tls, wrap_min_version_and_ciphers)
{
    server sv;
    httpc_tls_opts tls;
    httpc_tls_opts_init(&tls);
    tls.min_version = 13;
    tls.ciphers = "ECDHE+AESGCM";
    serve(&sv, "", reply);
    expect(fetch(&sv, "localhost", "py3", &tls, NULL), 0, NULL);
    stop(&sv);
}

Test(transport_tls, wrap_bad_min_version_is_value_error)
{
    server sv;
    httpc_tls_opts tls;
    httpc_tls_opts_init(&tls);
    tls.min_version = 14;
    serve(&sv, "", reply);
    expect(fetch(&sv, "localhost", "py3", &tls, NULL), HTTPC_E_VALUE_ERROR, "TLS version");
    stop(&sv);
}

/* CPython: load_verify_locations("/nonexistent/ca.pem") raises
 * FileNotFoundError: [Errno 2] No such file or directory. */
Test(transport_tls, wrap_missing_ca_file_is_file_not_found)
{
    server sv;
    httpc_tls_opts tls;
    httpc_tls_opts_init(&tls);
    tls.ca_file = "/nonexistent/ca.pem";
    serve(&sv, "", reply);
    expect(fetch(&sv, "localhost", "py3", &tls, NULL), HTTPC_E_FILE_NOT_FOUND, "[Errno 2]");
    stop(&sv);
    cr_assert(httpc_err_is(HTTPC_E_FILE_NOT_FOUND, HTTPC_E_OS_ERROR));
    cr_assert_str_eq(httpc_err_name(HTTPC_E_FILE_NOT_FOUND), "FileNotFoundError");
}

Test(transport_tls, wrap_client_certificate_loads)
{
    server sv;
    char cert[160], key[160];
    httpc_tls_opts tls;
    httpc_tls_opts_init(&tls);
    serve(&sv, "", reply);
    snprintf(cert, sizeof cert, "%s/client.pem", sv.dir);
    snprintf(key, sizeof key, "%s/client.key", sv.dir);
    tls.cert_file = cert;
    tls.key_file = key;
    expect(fetch(&sv, "localhost", "py3", &tls, NULL), 0, NULL);
    stop(&sv);
}

/* The exception tree: SSLCertVerificationError(SSLError, ValueError),
 * SSLEOFError(SSLError), SSLError(OSError). */
Test(transport_tls, errors_follow_the_ssl_tree)
{
    cr_expect(httpc_err_is(HTTPC_E_SSL_CERT_VERIFICATION, HTTPC_E_SSL_ERROR));
    cr_expect(httpc_err_is(HTTPC_E_SSL_CERT_VERIFICATION, HTTPC_E_VALUE_ERROR));
    cr_expect(httpc_err_is(HTTPC_E_SSL_EOF, HTTPC_E_SSL_ERROR));
    cr_expect(httpc_err_is(HTTPC_E_SSL_ERROR, HTTPC_E_OS_ERROR));
    cr_expect_str_eq(httpc_err_name(HTTPC_E_SSL_EOF), "SSLEOFError");
}

/* HTTPSConnection's default port is 443 (HTTPS_PORT). */
Test(transport_tls, conn_new_default_port_443)
{
    httpc_conn_opts co;
    httpc_tls_opts tls;
    httpc_conn *c;
    httpc_conn_opts_init(&co);
    httpc_tls_opts_init(&tls);
    co.tls = &tls;
    cr_assert_eq(httpc_conn_new(&c, "example.org", -1, &co), 0);
    cr_expect_eq(httpc_conn_port(c), HTTPC_HTTPS_PORT);
    httpc_conn_free(c);
}

/* Writing to a TLS peer that has gone fails with an OSError (the socket BIO
 * sends with MSG_NOSIGNAL, so no SIGPIPE either): the request body goes on
 * after the server reset. */
Test(transport_tls, send_to_a_closed_peer_is_an_error_not_sigpipe)
{
    server sv;
    httpc_tls_opts tls;
    httpc_conn_opts co;
    httpc_conn *c;
    httpc_body body = {.kind = HTTPC_BODY_BUFFER, .len = 8u << 20};
    char hp[64];
    serve(&sv, "", "  read head\n  reset\n");
    httpc_tls_opts_init(&tls);
    tls.ca_file = sv.ca;
    httpc_conn_opts_init(&co);
    co.tls = &tls;
    co.timeout_ms = 5000;
    char *data = calloc(1, body.len);
    cr_assert_not_null(data);
    body.data = data;
    snprintf(hp, sizeof hp, "localhost:%d", httpc_mock_port(sv.m));
    cr_assert_eq(httpc_conn_new(&c, hp, -1, &co), 0);
    int rc = httpc_conn_request(c, "POST", "/", &body, NULL, 0, 0);
    cr_assert(httpc_err_is(rc, HTTPC_E_OS_ERROR), "got %s (%s)", httpc_err_name(rc),
              httpc_conn_errmsg(c));
    httpc_conn_free(c);
    free(data);
    stop(&sv);
}

/* httpc_conn_opts.read_cap over TLS caps SSL_read, the plaintext the parser
 * sees: every read of the transport gives at most N bytes, and the outcome of
 * an ordinary reply is the uncapped one. */
Test(transport_tls, read_cap_cuts_every_ssl_read)
{
    static const char want[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    for (size_t cap = 1; cap <= 4; cap += 3) {
        server sv;
        httpc_conn_opts co;
        httpc_tls_opts tls;
        httpc_conn *c;
        char hp[64], got[128], piece[4096];
        size_t len = 0;
        ssize_t n;

        serve(&sv, "", reply);
        httpc_tls_opts_init(&tls);
        tls.ca_file = sv.ca;
        httpc_conn_opts_init(&co);
        co.timeout_ms = 2000;
        co.tls = &tls;
        co.read_cap = cap;
        snprintf(hp, sizeof hp, "localhost:%d", httpc_mock_port(sv.m));
        cr_assert_eq(httpc_conn_new(&c, hp, -1, &co), 0);
        cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0, "%s",
                     httpc_conn_errmsg(c));
        httpc__transport *t = httpc__conn_transport(c);
        while ((n = httpc__transport_recv(t, piece, sizeof piece)) > 0) {
            cr_assert_leq((size_t)n, cap, "a read of %zd bytes with the cap at %zu", n, cap);
            cr_assert_lt(len + (size_t)n, sizeof got);
            memcpy(got + len, piece, (size_t)n);
            len += (size_t)n;
        }
        cr_assert_eq(n, 0, "%s: %s", httpc_err_name((int)n), t->errmsg);
        cr_assert_eq(len, strlen(want));
        cr_assert(memcmp(got, want, len) == 0);
        httpc_conn_free(c);
        stop(&sv);
    }
}

Test(transport_tls, read_cap_same_outcome)
{
    static const char *const profiles[] = {"py3", "py27", "strict"};
    for (size_t p = 0; p < sizeof profiles / sizeof profiles[0]; p++) {
        result want = {0}, got = {0};
        for (size_t cap = 0; cap <= 1; cap++) {
            server sv;
            httpc_conn_opts co;
            httpc_tls_opts tls;
            httpc_conn *c;
            httpc_resp *r = NULL;
            result res = {.body = -1};
            char hp[64];

            serve(&sv, "", reply);
            httpc_tls_opts_init(&tls);
            tls.ca_file = sv.ca;
            tls.verify = HTTPC_TLS_VERIFY_REQUIRED;
            httpc_conn_opts_init(&co);
            co.profile = httpc_profile_by_name(profiles[p]);
            co.timeout_ms = 2000;
            co.tls = &tls;
            co.read_cap = cap;
            snprintf(hp, sizeof hp, "localhost:%d", httpc_mock_port(sv.m));
            cr_assert_eq(httpc_conn_new(&c, hp, -1, &co), 0);
            res.rc = httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0);
            if (res.rc == 0)
                res.rc = httpc_conn_getresponse(c, &r);
            if (res.rc == 0) {
                res.body = 0;
                int64_t n = httpc_resp_read_all(r, count, &res.body);
                res.rc = n < 0 ? (int)n : httpc_resp_status(r);
                httpc_resp_free(r);
            }
            httpc_conn_free(c);
            stop(&sv);
            *(cap ? &got : &want) = res;
        }
        cr_assert_eq(want.rc, 200, "%s: %s", profiles[p], httpc_err_name(want.rc));
        cr_assert_eq(got.rc, want.rc, "%s: %s capped, %s uncapped", profiles[p],
                     httpc_err_name(got.rc), httpc_err_name(want.rc));
        cr_assert_eq(got.body, want.body, "%s", profiles[p]);
    }
}
