/* SPDX-License-Identifier: MIT */
/* The built-in profiles: the history of http.client as run-time values, one
 * field per behaviour that changed (README "Profiles" has the table with
 * each field's source). Where an interpreter is on the machine (2.7, 3.6,
 * 3.11) the values are checked against it by the oracle; for 2.6 and 3.0-3.5
 * they come from the reference documents and that version's Lib/httplib.py
 * or Lib/http/client.py. */
#include "httpc.h"

#include <string.h>

/* Each profile is written as its family's base and then what differs, so
 * a later designated initialiser overrides an earlier one on purpose. */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Woverride-init"
#endif

/* Python 2: mimetools headers, bytes str, fstat lengths, no closed, the
 * compatibility class HTTP; asked to verify, 2.7.9+ checks the host name with
 * ssl.match_hostname, which has no IP addresses (run: 2.7.18). */
#define PY2(n, ...)                                                                      \
    {.name = n, .header_mode = HTTPC_HEADERS_PY27, .py27 = 1, .bytes_str = 1,             \
     .max_line = HTTPC_MAXLINE, .max_headers = HTTPC_MAXHEADERS, .has_strict_arg = 1,      \
     .version9 = 1, .body_framing = HTTPC_FRAMING_LENGTH, .ssl_plain_errors = 1,           \
     .status_table = HTTPC_STATUS_TABLE_27, .has_set_tunnel = 1, .has_http_class = 1,       \
     .has_source_address = 1, .ssl_match_hostname = 1, __VA_ARGS__}

/* Python 3: email-parser headers; the 3.x changes are given per version.
 * Up to 3.6 the host name is checked by ssl.match_hostname after the
 * handshake (SSLSocket.do_handshake, or HTTPSConnection.connect), so a
 * mismatch is CertificateError; up to 3.9 a reset is ConnectionResetError. */
#define PY3(n, v, ...)                                                                   \
    {.name = n, .python = v, .header_mode = HTTPC_HEADERS_PY3, .max_line = HTTPC_MAXLINE,  \
     .max_headers = HTTPC_MAXHEADERS, .ragged_eof_ok = 1, .has_set_tunnel = 1,              \
     .has_source_address = 1, .has_readinto = 1, .ssl_match_hostname = 1, __VA_ARGS__}

/* 3.0 and 3.1: no _MAXLINE or _MAXHEADERS yet (bpo-6791 came in 3.2,
 * bpo-16037 in 3.2.4), strict=False reads simple responses (3.1 document,
 * HTTPConnection: "strict ... BadStatusLine ... if the status line can't be
 * parsed as a valid HTTP/1.0 or 1.1 status line"), closed at the body's end
 * (HTTPResponse.read: "self.close()  # we read everything"); no set_tunnel
 * (the 3.2/3.3 document: "versionadded:: 3.2") and no source_address (3.2);
 * readinto() is io.RawIOBase's until 3.3 gives HTTPResponse its own. */
#define PY30(n, v, http09, ...)                                                          \
    PY3(n, v, .max_line = HTTPC_UNBOUNDED_LINE, .max_headers = HTTPC_UNBOUNDED_HEADERS,    \
        .accept_http09 = http09, .has_strict_arg = 1, .version9 = 1,                                      \
        .empty_reply = HTTPC_EMPTY_BAD_STATUS_REPR, .closed_at_eof = 1,                    \
        .body_framing = HTTPC_FRAMING_LENGTH, .status_table = HTTPC_STATUS_TABLE_27,       \
        .has_set_tunnel = 0, .has_source_address = 0, .has_readinto = 0, __VA_ARGS__)

const httpc_profile httpc__profiles[HTTPC_PROFILE__COUNT] = {
    [HTTPC_PROFILE_PY27] = PY2("py27", .id = HTTPC_PROFILE_PY27, .python = 27, .accept_http09 = 1,
                               .empty_reply = HTTPC_EMPTY_BAD_STATUS_MESSAGE,
                               .body_with_head = 1),
    [HTTPC_PROFILE_PY27_STRICT] = PY2("py27-strict", .id = HTTPC_PROFILE_PY27_STRICT,
                                      .python = 27, .empty_reply = HTTPC_EMPTY_BAD_STATUS_MESSAGE,
                                      .body_with_head = 1),
    /* 2.6: httplib without _MAXLINE (2.7.3) and _MAXHEADERS (2.7.4), whose
     * BadStatusLine('') has no message, and whose _send_output sends the body
     * apart from the head (bpo-4336 joined them in 2.7), and which has no
     * set_tunnel (new in 2.7; the private _set_tunnel(host, port) of later 2.6
     * releases, which urllib3 PR #411 met in 2.6.4, is not in the 2.6 document). */
    [HTTPC_PROFILE_PY26] = PY2("py26", .id = HTTPC_PROFILE_PY26, .python = 26, .accept_http09 = 1,
                               .max_line = HTTPC_UNBOUNDED_LINE,
                               .max_headers = HTTPC_UNBOUNDED_HEADERS,
                               .empty_reply = HTTPC_EMPTY_BAD_STATUS_REPR, .has_set_tunnel = 0,
                               .has_source_address = 0),
    [HTTPC_PROFILE_PY26_STRICT] = PY2("py26-strict", .id = HTTPC_PROFILE_PY26_STRICT,
                                      .python = 26, .max_line = HTTPC_UNBOUNDED_LINE,
                                      .max_headers = HTTPC_UNBOUNDED_HEADERS,
                                      .empty_reply = HTTPC_EMPTY_BAD_STATUS_REPR,
                                      .has_set_tunnel = 0, .has_source_address = 0),
    [HTTPC_PROFILE_PY30] = PY30("py30", 30, 1, .id = HTTPC_PROFILE_PY30),
    [HTTPC_PROFILE_PY30_STRICT] = PY30("py30-strict", 30, 0, .id = HTTPC_PROFILE_PY30_STRICT),
    /* 3.1: the body goes with the head in one send() (bpo-4336). */
    [HTTPC_PROFILE_PY31] = PY30("py31", 31, 1, .id = HTTPC_PROFILE_PY31, .body_with_head = 1),
    [HTTPC_PROFILE_PY31_STRICT] = PY30("py31-strict", 31, 0, .id = HTTPC_PROFILE_PY31_STRICT,
                                       .body_with_head = 1),
    /* 3.2/3.3 document: "The strict parameter is deprecated. HTTP 0.9-style
     * Simple Responses are not supported anymore"; iterable bodies (send()
     * iterates what has no read() and is not bytes); the limits of 3.2.4. */
    [HTTPC_PROFILE_PY32] = PY3("py32", 32, .id = HTTPC_PROFILE_PY32, .has_strict_arg = 1,
                               .has_readinto = 0, .empty_reply = HTTPC_EMPTY_BAD_STATUS_REPR, .closed_at_eof = 1,
                               .iter_body = 1, .body_with_head = 1,
                               .status_table = HTTPC_STATUS_TABLE_27),
    /* 3.3: `responses` gains RFC 6585's four codes. */
    [HTTPC_PROFILE_PY33] = PY3("py33", 33, .id = HTTPC_PROFILE_PY33, .has_strict_arg = 1,
                               .empty_reply = HTTPC_EMPTY_BAD_STATUS_REPR, .closed_at_eof = 1,
                               .iter_body = 1, .body_with_head = 1,
                               .status_table = HTTPC_STATUS_TABLE_34),
    /* 3.4/3.5 document: strict removed; certificates checked by default
     * (3.4.3, PEP 476); 3.3's `responses` of 45. `closed` only after close(),
     * whatever the document's `while not r1.closed` example says: 3.4's
     * HTTPResponse.read ends with self._close_conn(), which leaves IOBase's
     * closed flag alone (only close() calls super().close()). */
    [HTTPC_PROFILE_PY34] = PY3("py34", 34, .id = HTTPC_PROFILE_PY34,
                               .empty_reply = HTTPC_EMPTY_BAD_STATUS_REPR,
                               .iter_body = 1, .body_with_head = 1, .tls_verify_default = 1,
                               .status_table = HTTPC_STATUS_TABLE_34),
    /* 3.5: RemoteDisconnected, and the connection closed after a
     * ConnectionError in getresponse() (bpo-3566); responses from
     * http.HTTPStatus; match_hostname compares IP addresses (bpo-23239). */
    [HTTPC_PROFILE_PY35] = PY3("py35", 35, .id = HTTPC_PROFILE_PY35,
                               .iter_body = 1, .body_with_head = 1, .tls_verify_default = 1,
                               .close_on_conn_error = 1, .ssl_match_ip = 1,
                               .status_table = HTTPC_STATUS_TABLE_36),
    /* 3.6 (checked against CPython 3.6.15): chunked file and iterable
     * bodies, encode_chunked (bpo-12319), PEP 515 underscores in int(),
     * `closed` only after close(). */
    [HTTPC_PROFILE_PY36] = PY3("py36", 36, .id = HTTPC_PROFILE_PY36,
                               .body_framing = HTTPC_FRAMING_CHUNKED, .iter_body = 1,
                               .chunked_requests = 1, .int_underscores = 1,
                               .tls_verify_default = 1, .close_on_conn_error = 1,
                               .ssl_match_ip = 1, .status_table = HTTPC_STATUS_TABLE_36),
    /* 3.11 (checked against CPython 3.11): blocksize (3.7), SSLCertVerification-
     * Error and OpenSSL's host name check (3.7), int_max_str_digits, TLS 1.2
     * minimum and a reset read as EOF (3.10). */
    [HTTPC_PROFILE_PY3] = PY3("py3", 311, .id = HTTPC_PROFILE_PY3,
                              .body_framing = HTTPC_FRAMING_CHUNKED, .iter_body = 1,
                              .chunked_requests = 1, .int_underscores = 1,
                              .int_max_digits = 4300, .tls_verify_default = 1,
                              .tls_min_tls12 = 1, .ssl_cert_error = 1, .blocksize_opt = 1,
                              .close_on_conn_error = 1, .neg_chunk_reads_rest = 1,
                              .ssl_match_hostname = 0, .ssl_reset_is_eof = 1,
                              .status_table = HTTPC_STATUS_TABLE_311),
    /* RFC 9112 beyond Python, on 3.11's request side. No count limit on
     * trailers: they are read line by line (each bounded by max_line) and
     * discarded, so their number costs no memory, and RFC 9112 section 7.1
     * wants a chunked body decoded whatever its trailer section holds. */
    [HTTPC_PROFILE_STRICT] = {.name = "strict",
                              .id = HTTPC_PROFILE_STRICT,
                              .header_mode = HTTPC_HEADERS_STRICT,
                              .strict_rfc = 1,
                              .max_line = HTTPC_MAXLINE,
                              .max_headers = HTTPC_MAXHEADERS,
                              .body_framing = HTTPC_FRAMING_CHUNKED,
                              .iter_body = 1,
                              .chunked_requests = 1,
                              .int_underscores = 1,
                              .int_max_digits = 4300,
                              .tls_verify_default = 1,
                              .tls_min_tls12 = 1,
                              .ssl_cert_error = 1,
                              .blocksize_opt = 1,
                              .close_on_conn_error = 1,
                              .neg_chunk_reads_rest = 1,
                              .status_table = HTTPC_STATUS_TABLE_311,
                              .has_set_tunnel = 1,
                              .has_source_address = 1,
                              .has_readinto = 1},
};

/* Each profile's nearest documented neighbour and its strict=True form. */
#define FALLBACK(id, name, fb, st) [HTTPC_PROFILE_##id] = HTTPC_PROFILE_##fb,
static const httpc_profile_id fallback[HTTPC_PROFILE__COUNT] = {HTTPC_PROFILE_LIST(FALLBACK)};
#undef FALLBACK
#define WITH_STRICT(id, name, fb, st) [HTTPC_PROFILE_##id] = HTTPC_PROFILE_##st,
static const httpc_profile_id with_strict[HTTPC_PROFILE__COUNT] = {
    HTTPC_PROFILE_LIST(WITH_STRICT)};
#undef WITH_STRICT

const httpc_profile *httpc_profile_get(httpc_profile_id id)
{
    if ((int)id < 0 || id >= HTTPC_PROFILE__COUNT)
        return NULL;
    return &httpc__profiles[id];
}

size_t httpc_profile_count(void)
{
    return HTTPC_PROFILE__COUNT;
}

const httpc_profile *httpc_profile_by_name(const char *name)
{
    for (int i = 0; name != NULL && i < HTTPC_PROFILE__COUNT; i++)
        if (strcmp(httpc__profiles[i].name, name) == 0)
            return &httpc__profiles[i];
    return NULL;
}

/* A copied profile keeps its id, which names the built-in it came from. */
const httpc_profile *httpc_profile_fallback(const httpc_profile *p)
{
    if (p == NULL || (int)p->id < 0 || p->id >= HTTPC_PROFILE__COUNT)
        return NULL;
    return httpc_profile_get(fallback[p->id]);
}

const httpc_profile *httpc_profile_with_strict(const httpc_profile *p)
{
    if (p == NULL || (int)p->id < 0 || p->id >= HTTPC_PROFILE__COUNT)
        return NULL;
    return httpc_profile_get(with_strict[p->id]);
}
