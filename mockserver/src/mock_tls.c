/* SPDX-License-Identifier: MIT */
/* The mock server's TLS: one server context per run from the test
 * certificates (httpc_mock_make_certs), non-blocking handshakes and records
 * for the poll loop, and the SNI check of `tls-sni:`. */
#include "mock_tls.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef HTTPC_MOCK_CERT_DIR
#define HTTPC_MOCK_CERT_DIR "certs"
#endif

const char *httpc_mock_cert_dir(void)
{
    const char *env = getenv("HTTPC_CERT_DIR");
    return env && *env ? env : HTTPC_MOCK_CERT_DIR;
}

/* The certificates are made once, by the build; a tree without them (an
 * installed httpc-mock, a fresh build directory) makes them on first use. */
static int ensure_certs(const char *dir, char *err, size_t errcap)
{
    static pthread_mutex_t once = PTHREAD_MUTEX_INITIALIZER; /* runner workers start together */
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/ca.pem", dir);
    pthread_mutex_lock(&once);
    int rc = stat(path, &st) == 0 ? 0 : httpc_mock_make_certs(dir, err, errcap);
    pthread_mutex_unlock(&once);
    return rc;
}

static void ssl_reason(char *err, size_t errcap, const char *what)
{
    unsigned long e = ERR_get_error();
    const char *r = e ? ERR_reason_error_string(e) : NULL;
    snprintf(err, errcap, "%s: %s", what, r ? r : "unknown error");
    ERR_clear_error();
}

/* tls-sni: a client that sends another name (or any name when "none" is
 * wanted, or none when a name is) gets an unrecognized_name alert. OpenSSL
 * calls this whether or not the ClientHello has the extension. */
static int check_sni(SSL *ssl, int *alert, void *arg)
{
    const char *want = arg, *got = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    int ok = !strcmp(want, "none") ? got == NULL : got != NULL && !strcasecmp(got, want);
    if (ok)
        return SSL_TLSEXT_ERR_OK;
    *alert = SSL_AD_UNRECOGNIZED_NAME;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

/* An empty string is no file, as NULL is: "--cert ''" names none. */
static const char *given(const char *file)
{
    return file && *file ? file : NULL;
}

/* The certificate chain and key files are read, or a message is left. */
static int use_files(SSL_CTX *ctx, const char *cert, const char *key, char *err, size_t errcap)
{
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) == 1 &&
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1)
        return 0;
    ssl_reason(err, errcap, cert);
    return -1;
}

void *httpc__mock_tls_ctx(const httpc_scenario *s, const httpc_mock_opts *o, char *err,
                          size_t errcap)
{
    const char *dir = given(o->cert_dir) ? o->cert_dir : httpc_mock_cert_dir();
    const char *name = s->tls_cert ? s->tls_cert : "valid";
    const char *cert_file = given(o->cert_file), *key_file = given(o->key_file);
    char cert[4200], key[4200];
    SSL_CTX *ctx;

    if (!cert_file && ensure_certs(dir, err, errcap) < 0)
        return NULL;
    snprintf(cert, sizeof cert, "%s/%s.pem", dir, name);
    snprintf(key, sizeof key, "%s/%s.key", dir, name);
    if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
        ssl_reason(err, errcap, "SSL_CTX_new");
        return NULL;
    }
    /* No session tickets: nothing arrives after the handshake but the reply. */
    SSL_CTX_set_num_tickets(ctx, 0);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (use_files(ctx, cert_file ? cert_file : cert, key_file ? key_file : key, err, errcap) < 0) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (s->tls_sni) {
        SSL_CTX_set_tlsext_servername_callback(ctx, check_sni);
        SSL_CTX_set_tlsext_servername_arg(ctx, s->tls_sni);
    }
    return ctx;
}

void httpc__mock_tls_ctx_free(void *ctx)
{
    SSL_CTX_free(ctx);
}

int httpc__mock_tls_accept(void *ctx, void **ssl, int fd, char *err, size_t errcap)
{
    if (*ssl == NULL) {
        if ((*ssl = SSL_new(ctx)) == NULL || SSL_set_fd(*ssl, fd) != 1) {
            ssl_reason(err, errcap, "SSL_new");
            return -1;
        }
        SSL_set_accept_state(*ssl);
    }
    int rc = SSL_accept(*ssl);
    if (rc == 1)
        return 1;
    switch (SSL_get_error(*ssl, rc)) {
    case SSL_ERROR_WANT_READ:
        return 0;
    case SSL_ERROR_WANT_WRITE:
        return 2;
    default:
        ssl_reason(err, errcap, "handshake");
        return -1;
    }
}

/* SSL_get_error() as errno, for the loop's send()/recv() checks. */
static ssize_t would_block(SSL *ssl, int rc)
{
    int e = SSL_get_error(ssl, rc);
    ERR_clear_error();
    errno = e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? EAGAIN : ECONNRESET;
    return -1;
}

ssize_t httpc__mock_tls_send(void *ssl, const void *buf, size_t len)
{
    int rc = SSL_write(ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
    return rc > 0 ? rc : would_block(ssl, rc);
}

ssize_t httpc__mock_tls_recv(void *ssl, void *buf, size_t cap)
{
    int rc = SSL_read(ssl, buf, cap > INT32_MAX ? INT32_MAX : (int)cap);
    if (rc > 0)
        return rc;
    if (would_block(ssl, rc) < 0 && errno == EAGAIN)
        return -1;
    return 0; /* close_notify, EOF or a broken record: the client is gone */
}

void httpc__mock_tls_notify(void *ssl)
{
    if (SSL_shutdown(ssl) < 0)
        ERR_clear_error();
}

void httpc__mock_tls_free(void *ssl)
{
    SSL_free(ssl);
}
