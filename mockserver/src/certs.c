/* SPDX-License-Identifier: MIT */
/* Test certificates made with the OpenSSL API at build or test time, so no
 * private key is ever committed: a CA and the leaves the TLS scenarios need
 * (valid, wrong host, expired, self-signed, signed by an untrusted CA, a
 * client certificate). Keys are P-256: fast to make, every client takes them. */
#include "httpc_mock.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define DAY (24L * 3600)

typedef struct cert {
    X509 *x;
    EVP_PKEY *k;
} cert;

/* One extension in openssl.cnf syntax ("critical,CA:TRUE"). */
static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    int ok = e != NULL && X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
    return ok;
}

/* A certificate for `cn` valid from now+from to now+to seconds, signed by
 * `ca` (NULL: self-signed). `san` NULL: a CA certificate. */
static int make(cert *out, const char *cn, const char *san, long from, long to, const cert *ca,
                long serial)
{
    out->k = EVP_EC_gen("P-256");
    out->x = X509_new();
    if (out->k == NULL || out->x == NULL)
        return 0;
    X509 *x = out->x;
    X509 *issuer = ca ? ca->x : x;
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_gmtime_adj(X509_getm_notBefore(x), from);
    X509_gmtime_adj(X509_getm_notAfter(x), to);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"httpc tests", -1,
                               -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(issuer));
    X509_set_pubkey(x, out->k);
    int ok = add_ext(x, issuer, NID_subject_key_identifier, "hash");
    if (ca != NULL || san == NULL)
        ok = ok && add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
    if (san == NULL)
        ok = ok && add_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE") &&
             add_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    else
        ok = ok && add_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE") &&
             add_ext(x, issuer, NID_key_usage, "critical,digitalSignature") &&
             add_ext(x, issuer, NID_ext_key_usage, "serverAuth,clientAuth") &&
             add_ext(x, issuer, NID_subject_alt_name, san);
    return ok && X509_sign(x, ca ? ca->k : out->k, EVP_sha256()) > 0;
}

static void drop(cert *c)
{
    X509_free(c->x);
    EVP_PKEY_free(c->k);
}

/* Writes DIR/NAME.pem and, when `with_key`, DIR/NAME.key (mode 0600). */
static int save(const char *dir, const char *name, const cert *c, int with_key)
{
    char path[4096];
    FILE *f;
    int ok;

    snprintf(path, sizeof path, "%s/%s.pem", dir, name);
    if ((f = fopen(path, "w")) == NULL)
        return 0;
    ok = PEM_write_X509(f, c->x);
    ok = fclose(f) == 0 && ok;
    if (!with_key)
        return ok;
    snprintf(path, sizeof path, "%s/%s.key", dir, name);
    if ((f = fopen(path, "w")) == NULL)
        return 0;
    chmod(path, 0600);
    ok = ok && PEM_write_PrivateKey(f, c->k, NULL, NULL, 0, NULL, NULL);
    return fclose(f) == 0 && ok;
}

#define LOCAL "DNS:localhost,IP:127.0.0.1,IP:::1"

int httpc_mock_make_certs(const char *dir, char *err, size_t errcap)
{
    cert ca = {0}, other = {0}, leaf[6] = {{0}};
    static const char *const names[] = {"valid",       "wrong-host", "expired",
                                        "self-signed", "untrusted",  "client"};
    int ok;

    mkdir(dir, 0755);
    ok = make(&ca, "httpc test CA", NULL, -DAY, 3650 * DAY, NULL, 1) &&
         make(&other, "httpc untrusted CA", NULL, -DAY, 3650 * DAY, NULL, 2) &&
         make(&leaf[0], "localhost", LOCAL, -DAY, 3650 * DAY, &ca, 10) &&
         make(&leaf[1], "wrong.example", "DNS:wrong.example", -DAY, 3650 * DAY, &ca, 11) &&
         make(&leaf[2], "localhost", LOCAL, -30 * DAY, -DAY, &ca, 12) &&
         make(&leaf[3], "localhost", LOCAL, -DAY, 3650 * DAY, NULL, 13) &&
         make(&leaf[4], "localhost", LOCAL, -DAY, 3650 * DAY, &other, 14) &&
         make(&leaf[5], "httpc test client", "DNS:client.invalid", -DAY, 3650 * DAY, &ca, 15);
    /* ca.pem last: its presence says the folder is complete (mock_tls.c) */
    for (size_t i = 0; ok && i < 6; i++)
        ok = save(dir, names[i], &leaf[i], 1);
    ok = ok && save(dir, "other-ca", &other, 0) && save(dir, "ca", &ca, 0);
    for (size_t i = 0; i < 6; i++)
        drop(&leaf[i]);
    drop(&ca);
    drop(&other);
    if (!ok)
        snprintf(err, errcap, "cannot make the test certificates in %s", dir);
    return ok ? 0 : -1;
}
