/* SPDX-License-Identifier: MIT */
/* httpc: the public API of the reference HTTP/1.x client, a C counterpart of
 * Python's http.client (and httplib for 2.x) across its documented history.
 *
 * Layout of this header:
 *   1. errors      one enum with an is-a relation that follows the exception tree
 *   2. status      the status constants and the code-to-phrase table (`responses`)
 *   3. profiles    run-time choice of the version behaviour (py27, py3, strict ...)
 *   4. parsers     pure functions over caller buffers: no I/O, no allocation
 *   5. connection  HTTPConnection: request, putrequest/putheader/endheaders/send
 *   6. response    HTTPResponse: read, readinto, headers, status, closed ...
 *   7. HTTP        httplib's 2.x compatibility class: getreply, getfile
 *
 * Return rule everywhere: a value >= 0 is a count or a length, a value < 0 is
 * an httpc_err. */
#ifndef HTTPC_H
#define HTTPC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HTTPC_VERSION_STRING "0.1.0"

/* ------------------------------------------------------------------------ */
/* 1. Errors                                                                 */
/* ------------------------------------------------------------------------ */

/* X(NAME, value, python_name, parent, parent2, message)
 * Values are negative and never renumbered: new codes are appended.
 * `parent` is the exception tree (0 = a root). `parent2` is the second base
 * class where Python uses multiple inheritance (RemoteDisconnected is both a
 * BadStatusLine and a ConnectionResetError). HTTPC_E_AGAIN,
 * HTTPC_E_NOT_FOUND and HTTPC_E_NO_ROOM are outside the tree: they are not
 * failures of the exchange but answers to the caller. */
#define HTTPC_ERRNO_MAP(X)                                                          \
    X(AGAIN, -1, "NeedMoreData", 0, 0, "need more input")                           \
    X(NOT_FOUND, -2, "NotFound", 0, 0, "no such item")                              \
    X(NO_ROOM, -3, "NoRoom", 0, 0, "the caller's array is too short")               \
    X(HTTP_EXCEPTION, -10, "HTTPException", 0, 0, "HTTP exception")                 \
    X(NOT_CONNECTED, -11, "NotConnected", HTTP_EXCEPTION, 0, "not connected")       \
    X(INVALID_URL, -12, "InvalidURL", HTTP_EXCEPTION, 0, "invalid URL")             \
    X(UNKNOWN_PROTOCOL, -13, "UnknownProtocol", HTTP_EXCEPTION, 0,                  \
      "unknown protocol version")                                                   \
    X(UNKNOWN_TRANSFER_ENCODING, -14, "UnknownTransferEncoding", HTTP_EXCEPTION, 0, \
      "unknown transfer encoding")                                                  \
    X(UNIMPLEMENTED_FILE_MODE, -15, "UnimplementedFileMode", HTTP_EXCEPTION, 0,     \
      "unimplemented file mode")                                                    \
    X(INCOMPLETE_READ, -16, "IncompleteRead", HTTP_EXCEPTION, 0, "incomplete read") \
    X(IMPROPER_CONNECTION_STATE, -17, "ImproperConnectionState", HTTP_EXCEPTION, 0, \
      "improper connection state")                                                  \
    X(CANNOT_SEND_REQUEST, -18, "CannotSendRequest", IMPROPER_CONNECTION_STATE, 0,  \
      "cannot send request")                                                        \
    X(CANNOT_SEND_HEADER, -19, "CannotSendHeader", IMPROPER_CONNECTION_STATE, 0,    \
      "cannot send header")                                                         \
    X(RESPONSE_NOT_READY, -20, "ResponseNotReady", IMPROPER_CONNECTION_STATE, 0,    \
      "response not ready")                                                         \
    X(BAD_STATUS_LINE, -21, "BadStatusLine", HTTP_EXCEPTION, 0, "bad status line")  \
    X(LINE_TOO_LONG, -22, "LineTooLong", HTTP_EXCEPTION, 0, "line too long")        \
    X(REMOTE_DISCONNECTED, -23, "RemoteDisconnected", BAD_STATUS_LINE,              \
      CONNECTION_RESET, "remote end closed connection without response")           \
    /* Beyond Python: the `strict` profile's rejections (RFC 9112). */              \
    X(INVALID_HEADER, -30, "InvalidHeader", HTTP_EXCEPTION, 0,                      \
      "invalid header field")                                                       \
    X(INVALID_FRAMING, -31, "InvalidFraming", HTTP_EXCEPTION, 0,                    \
      "invalid message framing")                                                    \
    /* Python built-in exceptions that http.client lets through. */                 \
    X(VALUE_ERROR, -50, "ValueError", 0, 0, "invalid value")                        \
    X(RUNTIME_ERROR, -51, "RuntimeError", 0, 0, "runtime error")                    \
    X(NOMEM, -52, "MemoryError", 0, 0, "out of memory")                             \
    X(TYPE_ERROR, -53, "TypeError", 0, 0, "invalid type")                           \
    X(ATTRIBUTE_ERROR, -54, "AttributeError", 0, 0,                                 \
      "no such attribute in this version")                                          \
    X(OS_ERROR, -60, "OSError", 0, 0, "operating system error")                     \
    X(CONNECTION_ERROR, -61, "ConnectionError", OS_ERROR, 0, "connection error")    \
    X(CONNECTION_REFUSED, -62, "ConnectionRefusedError", CONNECTION_ERROR, 0,       \
      "connection refused")                                                         \
    X(CONNECTION_RESET, -63, "ConnectionResetError", CONNECTION_ERROR, 0,           \
      "connection reset by peer")                                                   \
    X(BROKEN_PIPE, -64, "BrokenPipeError", CONNECTION_ERROR, 0, "broken pipe")      \
    X(TIMEOUT, -65, "TimeoutError", OS_ERROR, 0, "timed out")                       \
    X(GAIERROR, -66, "gaierror", OS_ERROR, 0, "name resolution failed")             \
    X(FILE_NOT_FOUND, -67, "FileNotFoundError", OS_ERROR, 0,                        \
      "no such file or directory")                                                  \
    /* TLS (OpenSSL transport). */                                                  \
    X(SSL_ERROR, -70, "SSLError", OS_ERROR, 0, "TLS error")                         \
    X(SSL_CERT_VERIFICATION, -71, "SSLCertVerificationError", SSL_ERROR, VALUE_ERROR, \
      "certificate verification failed")                                            \
    X(SSL_EOF, -72, "SSLEOFError", SSL_ERROR, 0,                                    \
      "EOF occurred in violation of protocol")                                      \
    /* ssl.match_hostname's failure (3.2-3.6), a ValueError outside OSError. */     \
    X(CERTIFICATE_ERROR, -73, "CertificateError", VALUE_ERROR, 0,                   \
      "host name does not match the certificate")

typedef enum httpc_err {
    HTTPC_OK = 0,
#define HTTPC__ERR_ENUM(name, val, py, parent, parent2, msg) HTTPC_E_##name = (val),
    HTTPC_ERRNO_MAP(HTTPC__ERR_ENUM)
#undef HTTPC__ERR_ENUM
} httpc_err;

/* Python's class name of `err` ("BadStatusLine"), "OK" for 0, "UnknownError"
 * for a value that is not a code. Never NULL. */
const char *httpc_err_name(int err);
/* A short English message for `err`. Never NULL. */
const char *httpc_err_message(int err);
/* Nonzero when `err` is `cls` or a descendant of it in the exception tree,
 * e.g. httpc_err_is(HTTPC_E_REMOTE_DISCONNECTED, HTTPC_E_BAD_STATUS_LINE). */
int httpc_err_is(int err, int cls);
/* The parent class of `err` (0 for a root). */
int httpc_err_parent(int err);

/* ------------------------------------------------------------------------ */
/* 2. Status constants and phrases                                           */
/* ------------------------------------------------------------------------ */

#define HTTPC_HTTP_PORT 80
#define HTTPC_HTTPS_PORT 443

/* X(NAME, code, phrase): the 53 constants of the 3.4+ document, phrases as
 * http.client.responses gives them. */
#define HTTPC_STATUS_MAP(X)                                                   \
    X(CONTINUE, 100, "Continue")                                              \
    X(SWITCHING_PROTOCOLS, 101, "Switching Protocols")                        \
    X(PROCESSING, 102, "Processing")                                          \
    X(OK, 200, "OK")                                                          \
    X(CREATED, 201, "Created")                                                \
    X(ACCEPTED, 202, "Accepted")                                              \
    X(NON_AUTHORITATIVE_INFORMATION, 203, "Non-Authoritative Information")    \
    X(NO_CONTENT, 204, "No Content")                                          \
    X(RESET_CONTENT, 205, "Reset Content")                                    \
    X(PARTIAL_CONTENT, 206, "Partial Content")                                \
    X(MULTI_STATUS, 207, "Multi-Status")                                      \
    X(IM_USED, 226, "IM Used")                                                \
    X(MULTIPLE_CHOICES, 300, "Multiple Choices")                              \
    X(MOVED_PERMANENTLY, 301, "Moved Permanently")                            \
    X(FOUND, 302, "Found")                                                    \
    X(SEE_OTHER, 303, "See Other")                                            \
    X(NOT_MODIFIED, 304, "Not Modified")                                      \
    X(USE_PROXY, 305, "Use Proxy")                                            \
    X(TEMPORARY_REDIRECT, 307, "Temporary Redirect")                          \
    X(BAD_REQUEST, 400, "Bad Request")                                        \
    X(UNAUTHORIZED, 401, "Unauthorized")                                      \
    X(PAYMENT_REQUIRED, 402, "Payment Required")                              \
    X(FORBIDDEN, 403, "Forbidden")                                            \
    X(NOT_FOUND, 404, "Not Found")                                            \
    X(METHOD_NOT_ALLOWED, 405, "Method Not Allowed")                          \
    X(NOT_ACCEPTABLE, 406, "Not Acceptable")                                  \
    X(PROXY_AUTHENTICATION_REQUIRED, 407, "Proxy Authentication Required")    \
    X(REQUEST_TIMEOUT, 408, "Request Timeout")                                \
    X(CONFLICT, 409, "Conflict")                                              \
    X(GONE, 410, "Gone")                                                      \
    X(LENGTH_REQUIRED, 411, "Length Required")                                \
    X(PRECONDITION_FAILED, 412, "Precondition Failed")                        \
    X(REQUEST_ENTITY_TOO_LARGE, 413, "Request Entity Too Large")              \
    X(REQUEST_URI_TOO_LONG, 414, "Request-URI Too Long")                      \
    X(UNSUPPORTED_MEDIA_TYPE, 415, "Unsupported Media Type")                  \
    X(REQUESTED_RANGE_NOT_SATISFIABLE, 416, "Requested Range Not Satisfiable") \
    X(EXPECTATION_FAILED, 417, "Expectation Failed")                          \
    X(UNPROCESSABLE_ENTITY, 422, "Unprocessable Entity")                      \
    X(LOCKED, 423, "Locked")                                                  \
    X(FAILED_DEPENDENCY, 424, "Failed Dependency")                            \
    X(UPGRADE_REQUIRED, 426, "Upgrade Required")                              \
    X(PRECONDITION_REQUIRED, 428, "Precondition Required")                    \
    X(TOO_MANY_REQUESTS, 429, "Too Many Requests")                            \
    X(REQUEST_HEADER_FIELDS_TOO_LARGE, 431, "Request Header Fields Too Large") \
    X(INTERNAL_SERVER_ERROR, 500, "Internal Server Error")                    \
    X(NOT_IMPLEMENTED, 501, "Not Implemented")                                \
    X(BAD_GATEWAY, 502, "Bad Gateway")                                        \
    X(SERVICE_UNAVAILABLE, 503, "Service Unavailable")                        \
    X(GATEWAY_TIMEOUT, 504, "Gateway Timeout")                                \
    X(HTTP_VERSION_NOT_SUPPORTED, 505, "HTTP Version Not Supported")          \
    X(INSUFFICIENT_STORAGE, 507, "Insufficient Storage")                      \
    X(NOT_EXTENDED, 510, "Not Extended")                                      \
    X(NETWORK_AUTHENTICATION_REQUIRED, 511, "Network Authentication Required")

enum httpc_status {
#define HTTPC__STATUS_ENUM(name, code, phrase) HTTPC_STATUS_##name = (code),
    HTTPC_STATUS_MAP(HTTPC__STATUS_ENUM)
#undef HTTPC__STATUS_ENUM
};

/* `responses[code]`: the phrase of a known code, NULL for an unknown one,
 * from the 3.4 document's table (HTTPC_STATUS_MAP). */
const char *httpc_status_phrase(int code);
/* `responses[code]` of table `t` (a profile's status_table): NULL when that
 * version's dictionary has no such key. */
const char *httpc_status_phrase_in(int t, int code);
/* The number of entries of table `t`, and the code of its entry i. */
size_t httpc_status_count_in(int t);
int httpc_status_code_in(int t, size_t i);
/* The constant's name without prefix ("NOT_FOUND"), NULL when unknown. */
const char *httpc_status_name(int code);
/* Number of entries in the table, and the code of entry i (for iteration). */
size_t httpc_status_count(void);
int httpc_status_code_at(size_t i);

/* ------------------------------------------------------------------------ */
/* 3. Profiles                                                               */
/* ------------------------------------------------------------------------ */

#define HTTPC_MAXLINE 65536 /* http.client._MAXLINE (2.7.3+, 3.2+) */
#define HTTPC_MAXHEADERS 100 /* http.client._MAXHEADERS (2.7.4+, 3.2.4+) */
/* httplib 2.6 and http.client 3.0/3.1 bound neither a line nor the number of
 * header lines; httpc bounds memory anyway, at these named caps (a documented
 * deviation: README "Profiles"). */
#define HTTPC_UNBOUNDED_LINE (256 * 1024)
#define HTTPC_UNBOUNDED_HEADERS 256

/* The one list of built-in profiles: X(ID, name, fallback, with_strict).
 * profile.c, the scenario loader and the runner all expand it. Ids are
 * never renumbered: new profiles are appended. `fallback` is the nearest
 * documented neighbour whose expectation a scenario gives a profile that
 * states none of its own (scenarios/FORMAT.md), `with_strict` the profile
 * strict=True makes of it (itself where strict changes nothing; __COUNT for
 * none). */
#define HTTPC_PROFILE_LIST(X)                                                      \
    X(PY27, "py27", _COUNT, PY27_STRICT)        /* httplib 2.7, strict=False */    \
    X(PY27_STRICT, "py27-strict", _COUNT, PY27_STRICT) /* httplib 2.7, strict */   \
    X(PY3, "py3", _COUNT, _COUNT)               /* http.client of CPython 3.11 */   \
    X(STRICT, "strict", _COUNT, _COUNT)         /* RFC 9112, beyond Python */       \
    X(PY26, "py26", PY27, PY26_STRICT)          /* httplib 2.6 */                   \
    X(PY26_STRICT, "py26-strict", PY27_STRICT, PY26_STRICT)                         \
    X(PY30, "py30", PY31, PY30_STRICT)          /* http.client 3.0 */               \
    X(PY30_STRICT, "py30-strict", PY31_STRICT, PY30_STRICT)                         \
    X(PY31, "py31", PY32, PY31_STRICT)          /* http.client 3.1 */               \
    X(PY31_STRICT, "py31-strict", PY31, PY31_STRICT)                                \
    X(PY32, "py32", PY33, PY32)                 /* 3.2: strict deprecated */        \
    X(PY33, "py33", PY34, PY33)                                                     \
    X(PY34, "py34", PY35, _COUNT)               /* 3.4: strict removed */           \
    X(PY35, "py35", PY36, _COUNT)                                                   \
    X(PY36, "py36", PY3, _COUNT)                /* checked against CPython 3.6 */

typedef enum httpc_profile_id {
#define HTTPC__PROFILE_ENUM(id, name, fallback, strict) HTTPC_PROFILE_##id,
    HTTPC_PROFILE_LIST(HTTPC__PROFILE_ENUM)
#undef HTTPC__PROFILE_ENUM
    HTTPC_PROFILE__COUNT
} httpc_profile_id;

/* How the header block is read and split into fields. */
typedef enum httpc_header_mode {
    HTTPC_HEADERS_PY27,   /* mimetools.Message.readheaders (2.6, 2.7) */
    HTTPC_HEADERS_PY3,    /* email.feedparser with the compat32 policy (3.x) */
    HTTPC_HEADERS_STRICT, /* RFC 9112 section 5 field lines, nothing lenient */
} httpc_header_mode;

/* What an empty reply (EOF before a status line) raises. */
typedef enum httpc_empty_reply {
    HTTPC_EMPTY_REMOTE_DISCONNECTED, /* 3.5+: RemoteDisconnected */
    HTTPC_EMPTY_BAD_STATUS_REPR,     /* 2.6, 3.0-3.4: BadStatusLine(''), whose
                                        __init__ makes the detail repr('') = "''" */
    HTTPC_EMPTY_BAD_STATUS_MESSAGE,  /* 2.7: BadStatusLine("No status line received ...") */
} httpc_empty_reply;

/* What a request body that is a file or an iterable becomes. */
typedef enum httpc_body_framing {
    HTTPC_FRAMING_LENGTH,  /* file: Content-Length = fstat size; iterable: refused
                              (TypeError) or sent raw, per iter_body */
    HTTPC_FRAMING_CHUNKED, /* 3.6+: both chunked unless the caller gave a length */
} httpc_body_framing;

/* Which `responses` table httpc_status_phrase_for reads (status.c; read off
 * each interpreter by tests/oracle/gen_status.py where there is one). */
typedef enum httpc_status_table {
    HTTPC_STATUS_TABLE_27,  /* httplib 2.7 (and 2.6, 3.0-3.2 by their documents): 41
                               entries, 306 "(Unused)", no 102 207 226 422-426 507 510 */
    HTTPC_STATUS_TABLE_34,  /* 3.3 and 3.4: 2.7's 41 and RFC 6585's 428, 429, 431,
                               511 (45; the WebDAV constants have no phrase) */
    HTTPC_STATUS_TABLE_36,  /* http.HTTPStatus of 3.5/3.6: 57 entries */
    HTTPC_STATUS_TABLE_311, /* CPython 3.11 (the same in 3.9-3.12): 62 entries */
} httpc_status_table;

/* A profile is a small value struct: copy one of the built-ins and change
 * a field to make your own. Each behaviour that changed between versions is
 * one field, so no code asks "which version?" (README, "Profiles", has the
 * table of fields by version with their sources). */
typedef struct httpc_profile {
    const char *name;         /* "py27", "py27-strict", "py3", "strict", "py31" ... */
    httpc_profile_id id;
    httpc_header_mode header_mode;
    int accept_http09;        /* a reply without "HTTP/" is a simple response */
    int strict_rfc;           /* the RFC 9112 rejections of the strict profile */
    int py27;                 /* the parsers' httplib 2.x rules: str is bytes (int()
                                 without '_' or Unicode spaces, repr without b'',
                                 "HTTP/0.9" is version 9, 2.x's messages) */
    size_t max_line;          /* longest line accepted, terminator included */
    size_t max_headers;       /* header lines limit ("got more than %d headers") */
    size_t max_trailers;      /* trailer lines limit, 0 = unbounded (as CPython) */
    int general_path_only;    /* for tests and fuzzing: every py3 header block takes
                                 the general path, not the quick one (the results are
                                 the same; this is how that is checked) */
    /* Behaviour that changed between versions, one field each. */
    int python;               /* the CPython it follows: 26, 27, 30 ... 36, 311; 0 strict */
    int has_strict_arg;       /* HTTPConnection takes `strict` (2.x, 3.0-3.3) */
    int has_set_tunnel;       /* HTTPConnection.set_tunnel exists (new in 2.7 and 3.2:
                                 2.6, 3.0 and 3.1 raise AttributeError) */
    int has_http_class;       /* httplib's compatibility class HTTP (2.x; gone in 3.0):
                                 httpc_http_new */
    int has_source_address;   /* HTTPConnection(source_address=) (new in 2.7 and 3.2);
                                 the library binds it under any profile, the CLI
                                 refuses --source-address without it */
    int has_readinto;         /* HTTPResponse.readinto of its own (new in 3.3); the
                                 CLI refuses --readinto without it */
    httpc_empty_reply empty_reply;
    int version9;             /* a "HTTP/0.9" status line is version 9 and no headers
                                 follow (2.x, 3.0, 3.1); 3.2+ read it as 1.0 */
    int closed_at_eof;        /* `closed` turns true once the body is read (3.0-3.3:
                                 read() ends with close(); 3.4+ with _close_conn(),
                                 which leaves IOBase's flag to close(); 2.x has no
                                 `closed`) */
    httpc_body_framing body_framing;
    int iter_body;            /* an iterable body: 0 TypeError (2.x, 3.0, 3.1),
                                 1 each piece sent as is (3.2+) */
    int body_with_head;       /* a bytes body goes in the same send() as the head
                                 (2.7 and 3.1-3.5, bpo-4336) */
    int int_underscores;      /* int() takes '_' between digits (PEP 515, 3.6+) */
    int int_max_digits;       /* int() refuses more digits (sys.int_max_str_digits,
                                 4300 in 3.11 and the 3.7-3.10 security releases), 0 none */
    int close_on_conn_error;  /* getresponse() closes the connection after a
                                 ConnectionError (3.5+, bpo-3566) */
    int bytes_str;            /* 2.x: str is bytes: the request line, host and header
                                 names are not encoded to ASCII, messages print
                                 without b'' */
    int chunked_requests;     /* encode_chunked and Transfer-Encoding respected (3.6+) */
    int blocksize_opt;        /* HTTPConnection(blocksize) (3.7+): else 8192 */
    int tls_verify_default;   /* HTTPS verifies chain and host by default (3.4.3+) */
    int tls_min_tls12;        /* default minimum TLS 1.2 (3.10+) */
    int ssl_cert_error;       /* SSLCertVerificationError (3.7+), else plain SSLError */
    int ssl_plain_errors;     /* 2.7 on OpenSSL 3: an unexpected EOF and a handshake
                                 timeout are plain SSLError (3.x: SSLEOFError,
                                 TimeoutError) */
    int ragged_eof_ok;        /* suppress_ragged_eofs: EOF without close_notify is EOF */
    int ssl_reset_is_eof;     /* a reset after the handshake reads as EOF (3.10+: _ssl.c
                                 loses the errno); before, ConnectionResetError (run:
                                 3.6.15 to 3.9.18) */
    int ssl_match_hostname;   /* the host name is checked after the handshake by
                                 ssl.match_hostname, a mismatch being CertificateError,
                                 a ValueError (3.2-3.6; 3.7 has OpenSSL check it in the
                                 handshake: SSLCertVerificationError) */
    int ssl_match_ip;         /* match_hostname compares IP addresses in subjectAltName
                                 (3.5+, bpo-23239); 3.2-3.4 skip those entries */
    int neg_chunk_reads_rest; /* a negative chunk size is _safe_read(-1) = fp.read(-1),
                                 to EOF (3.11; run: 3.8.18, 3.10); else the old
                                 `while amt > 0` loop reads nothing (2.x, 3.0-3.7,
                                 run: 2.7.18, 3.6.15, 3.7.16, and 3.9.18) */
    httpc_status_table status_table;
} httpc_profile;

/* The built-in profiles, in id order: httpc_profile_get(i) for i <
 * httpc_profile_count(). The one list of names (the scenario loader and the
 * runner read it too). */
size_t httpc_profile_count(void);
/* The profile whose expectation a scenario gives this one when it states
 * none of its own: its nearest documented neighbour (HTTPC_PROFILE_LIST:
 * py26 -> py27, py30 -> py31 -> ... -> py36 -> py3, py3x-strict -> py3x), NULL for py27,
 * py27-strict, py3 and strict (scenarios/FORMAT.md). */
const httpc_profile *httpc_profile_fallback(const httpc_profile *p);
/* The strict=True variant of `p` (py27 -> py27-strict), `p` itself where
 * strict changes nothing (py32, py33: deprecated), NULL where the version
 * has no strict argument (py34 on). */
const httpc_profile *httpc_profile_with_strict(const httpc_profile *p);

/* The built-in profile `id`, NULL when out of range. */
const httpc_profile *httpc_profile_get(httpc_profile_id id);
/* The built-in profile called `name` ("py3"), NULL when there is none. */
const httpc_profile *httpc_profile_by_name(const char *name);

/* ------------------------------------------------------------------------ */
/* 4. Pure parsers                                                           */
/* ------------------------------------------------------------------------ */
/* The parsers never allocate and never do I/O: every output is a span into
 * the caller's buffer. They are incremental in the picohttpparser sense: the
 * caller keeps the bytes received so far in one buffer and calls again with
 * the longer buffer after HTTPC_E_AGAIN; the result depends only on the bytes,
 * never on how they were split. `eof` says no more bytes will ever come
 * (a last line without a terminator is then complete, as readline() gives it).
 * On failure, `detail` (may be NULL) receives a NUL-terminated description
 * (the offending line, "got more than 100 headers") truncated to `detail_cap`. */

typedef struct httpc_span {
    const char *ptr;
    size_t len;
} httpc_span;

typedef struct httpc_status_line {
    httpc_span version; /* the version token as sent ("HTTP/1.1"); empty for 0.9 */
    int version_num;    /* 9, 10 or 11, as HTTPResponse.version (0 for a 100
                           reply with another version: begin() never checks
                           the version of a response it skips) */
    int status;         /* 100..999 (200 for an HTTP/0.9 simple response) */
    httpc_span reason;  /* the reason phrase, stripped as Python strips it */
    int http09;         /* 1 when the reply is an HTTP/0.9 simple response:
                           nothing is consumed, the whole stream is the body */
} httpc_status_line;

/* Parses the status line at the start of buf[0..len).
 * Returns the bytes consumed (the line and its terminator; 0 for a simple
 * response), HTTPC_E_AGAIN when the line is not complete yet,
 * HTTPC_E_REMOTE_DISCONNECTED for len == 0 at eof (py27: HTTPC_E_BAD_STATUS_LINE,
 * as httplib), HTTPC_E_LINE_TOO_LONG,
 * HTTPC_E_BAD_STATUS_LINE or HTTPC_E_UNKNOWN_PROTOCOL. */
ssize_t httpc_parse_status_line(const char *buf, size_t len, int eof,
                                const httpc_profile *p, httpc_status_line *out,
                                char *detail, size_t detail_cap);

/* httpc_parse_status_line for a caller that calls again as bytes arrive:
 * `last_len` is the length passed in the previous call, which returned
 * HTTPC_E_AGAIN (0 on the first call). Only buf[last_len..len) is searched
 * for the line's end, and the line is parsed once it is complete, so a line
 * trickling in a byte at a time costs time linear in its length. Same
 * results as httpc_parse_status_line on buf[0..len). */
ssize_t httpc_parse_status_line_resume(const char *buf, size_t len, size_t last_len, int eof,
                                       const httpc_profile *p, httpc_status_line *out,
                                       char *detail, size_t detail_cap);

typedef struct httpc_header {
    httpc_span name;  /* as sent; ptr NULL for a py27 continuation line */
    httpc_span value; /* py3: as email.message gives it (leading blanks and the
                         trailing line terminator removed, continuation lines
                         kept verbatim); py27: the line's value .strip()ped, a
                         continuation entry holding its stripped line, which
                         httplib appends to the previous value as "\n " + it;
                         strict: the field value without OWS; a folded value
                         (obs-fold, RFC 9112 section 5.2) spans its lines,
                         and each run of whitespace holding a CRLF in it
                         stands for one SP (httpc_resp_* give it unfolded) */
} httpc_header;

/* Parses a header block (the lines after the status line, up to and including
 * the empty line) at the start of buf[0..len). `headers` has `*num_headers`
 * entries (it may be NULL to only count); on success `*num_headers` is the
 * number of entries filled (fields, and py27's continuation entries).
 * `last_len` is the length passed in the previous call that returned AGAIN
 * (0 on the first call); it saves the work of calls that bring no line end
 * (httpc_parse_headers_resume saves all of it).
 * Returns the bytes consumed, HTTPC_E_AGAIN, HTTPC_E_LINE_TOO_LONG,
 * HTTPC_E_HTTP_EXCEPTION ("got more than N headers"), HTTPC_E_NO_ROOM when the
 * fields do not fit `*num_headers` entries (nothing is allocated: parse again
 * with a longer array) (py3 fields are not bounded by the
 * line count: a bare CR separates fields too), and for the strict profile
 * HTTPC_E_INVALID_HEADER (strict unfolds obs-fold but refuses whitespace
 * before the first field, RFC 9112 section 2.2). EOF before the empty line ends the block (as
 * CPython's readline loop does), except in the strict profile
 * (HTTPC_E_INVALID_FRAMING). */
ssize_t httpc_parse_headers(const char *buf, size_t len, size_t last_len, int eof,
                            const httpc_profile *p, httpc_header *headers,
                            size_t *num_headers, char *detail, size_t detail_cap);

/* Where a header or trailer section being parsed across calls stands: the
 * lines already parsed and how far the line-end search has got in the next
 * one. A small value struct in the caller's storage; zero it before the
 * first call of each section (httpc_parse_state st = {0}). The fields are
 * private. */
typedef struct httpc_parse_state {
    size_t _off;          /* bytes of whole lines parsed */
    size_t _scanned;      /* bytes from _off on known to hold no LF */
    size_t _lines;        /* lines counted against the profile's limit */
    size_t _fields;       /* header entries found (past the array's size too) */
    httpc_header _field;  /* the field still growing (py3, strict) */
    uintptr_t _base;      /* buf of the last call: spans follow it if it moves */
    unsigned _flags;
} httpc_parse_state;

/* httpc_parse_headers for a caller that calls again as bytes arrive: each
 * call parses only what is new, a complete line once, so a head trickling in
 * a byte at a time costs time linear in its length. Pass the same `headers`
 * array and capacity in `*num_headers` and the same `st` on every call of a
 * block; the buffer holds the bytes of the last call and more, and may have
 * moved (the entries found so far are moved with it: they are complete only
 * on success). Returns and fills what httpc_parse_headers does for
 * buf[0..len); after a result other than HTTPC_E_AGAIN, zero `st` before the
 * next block. */
ssize_t httpc_parse_headers_resume(const char *buf, size_t len, int eof, const httpc_profile *p,
                                   httpc_header *headers, size_t *num_headers,
                                   httpc_parse_state *st, char *detail, size_t detail_cap);

/* Case-insensitive lookups over a parsed header array, as email.message does:
 * the first value of `name` (HTTPResponse.headers.get), NULL when absent.
 * A span into the caller's buffer cannot hold an unfolded value: a folded
 * strict value comes as httpc_header describes it, a folded py27 one as its
 * first line (its continuation entries follow it in `h`);
 * httpc_resp_getheader and httpc_resp_header_at give the joined value. */
const httpc_span *httpc_headers_get(const httpc_header *h, size_t n, const char *name);

/* How a response's body ends (RFC 9112 section 6.3), as httpc_parse_framing
 * decides it. */
typedef enum httpc_resp_body_kind {
    HTTPC_RESP_BODY_NONE,        /* none: the answer to HEAD, or a 1xx, 204 or 304 that
                                    is not chunked (length 0) */
    HTTPC_RESP_BODY_LENGTH,      /* `length` bytes (Content-Length) */
    HTTPC_RESP_BODY_CHUNKED,     /* the chunked coding (httpc_chunked) */
    HTTPC_RESP_BODY_UNTIL_CLOSE, /* everything up to EOF (will_close is set) */
} httpc_resp_body_kind;

/* What httpc_parse_framing reads: a response head, parsed. */
typedef struct httpc_framing_in {
    const httpc_profile *profile; /* NULL: py3 */
    int status;                   /* httpc_status_line.status */
    int version;                  /* httpc_status_line.version_num: 9, 10 or 11 */
    int head_request;             /* the request was HEAD (self._method == "HEAD") */
    const httpc_header *headers;  /* the header block as httpc_parse_headers gave it */
    size_t num_headers;
    char *scratch;                /* py27 only: room for a field's joined value
                                     (msg.getheader joins repeated fields with ", "
                                     and continuation lines with "\n "); the header
                                     block's length always suffices; NULL otherwise */
    size_t scratch_cap;
} httpc_framing_in;

/* begin()'s attributes, and the kind of body they make. */
typedef struct httpc_framing {
    httpc_resp_body_kind kind;
    int chunked;    /* self.chunked: Transfer-Encoding is "chunked" (CPython keeps it
                       for 204, 304, 1xx and HEAD, which read no chunks only for HEAD;
                       the strict profile clears it) */
    int64_t length; /* self.length: -1 for None, 0 when bodiless, else Content-Length
                       (saturating at INT64_MAX) */
    int will_close; /* self.will_close: the connection closes after this response */
    uint64_t length_over; /* how far Content-Length goes past INT64_MAX (saturating
                             at UINT64_MAX - INT64_MAX), 0 otherwise: Python's
                             self.length is length + length_over, which
                             IncompleteRead.expected is reckoned from */
} httpc_framing;

/* The framing decision of HTTPResponse.begin() (the strict profile: RFC 9112
 * sections 6.3 and 9.3) for a response head already parsed: a pure function
 * of `in`, reading nothing else, allocating nothing. An HTTP/0.9 reply
 * (version 9) has no headers and reads until close. Returns 0 and fills
 * `*out`; or, with `*out` untouched and the reason in detail: in the strict
 * profile HTTPC_E_UNKNOWN_TRANSFER_ENCODING (a coding other than chunked)
 * and HTTPC_E_INVALID_FRAMING (chunked twice, an invalid or conflicting
 * Content-Length, Content-Length with Transfer-Encoding, Transfer-Encoding
 * in HTTP/1.0); in py27, HTTPC_E_VALUE_ERROR when the scratch buffer is
 * shorter than a joined value. */
int httpc_parse_framing(const httpc_framing_in *in, httpc_framing *out, char *detail,
                        size_t detail_cap);

/* The result of a chunk-size line. */
typedef struct httpc_chunk_size {
    uint64_t size;      /* the size; saturates at UINT64_MAX */
    int negative;       /* Python's int() accepted a minus sign (py3 quirk) */
    httpc_span ext;     /* the chunk extension, after ';' (empty when none) */
} httpc_chunk_size;

/* Parses one chunk-size line at the start of buf[0..len).
 * Returns the bytes consumed, HTTPC_E_AGAIN, HTTPC_E_LINE_TOO_LONG,
 * or HTTPC_E_INCOMPLETE_READ for a size Python's int(x, 16) refuses; strict:
 * HTTPC_E_INVALID_FRAMING for a line outside RFC 9112's grammar (more than
 * 16 digits included) and HTTPC_E_INCOMPLETE_READ for one cut by EOF. */
ssize_t httpc_parse_chunk_size(const char *buf, size_t len, int eof,
                               const httpc_profile *p, httpc_chunk_size *out,
                               char *detail, size_t detail_cap);

/* Parses the trailer section after the last chunk, up to and including the
 * empty line (or EOF, which CPython accepts). Trailers are discarded, as
 * CPython does; `*num_lines` (may be NULL) receives the number of lines.
 * Returns the bytes consumed, HTTPC_E_AGAIN, HTTPC_E_LINE_TOO_LONG,
 * HTTPC_E_HTTP_EXCEPTION when there are more than p->max_trailers lines (when
 * nonzero), and in the strict profile HTTPC_E_INVALID_HEADER (fields are
 * judged as header fields), HTTPC_E_INVALID_FRAMING (a Content-Length or
 * Transfer-Encoding trailer) and HTTPC_E_INCOMPLETE_READ (EOF first). */
ssize_t httpc_parse_trailers(const char *buf, size_t len, size_t last_len, int eof,
                             const httpc_profile *p, size_t *num_lines,
                             char *detail, size_t detail_cap);

/* httpc_parse_trailers resumed as httpc_parse_headers_resume is: the same
 * `st` (zeroed before the first call) on every call of a section, each call
 * parsing only what is new. */
ssize_t httpc_parse_trailers_resume(const char *buf, size_t len, int eof, const httpc_profile *p,
                                    size_t *num_lines, httpc_parse_state *st, char *detail,
                                    size_t detail_cap);

/* An incremental chunked-body decoder built on the two parsers above; it
 * reproduces the profile's reading of chunked bodies exactly (CPython reads
 * and discards the two bytes after each chunk's data, whatever they are).
 * State lives in the caller's struct. The fields with a leading underscore
 * are private: read where the decoder stands through httpc_chunked_phase and
 * httpc_chunked_terminator_left. */
typedef struct httpc_chunked {
    const httpc_profile *_profile;
    int _state;         /* an httpc_chunk_phase */
    uint64_t left;      /* data bytes left in the current chunk (read only) */
    int _negative;      /* py3 negative-size quirk */
    size_t _crlf_left;  /* bytes of the chunk terminator left */
    size_t _lines;      /* trailer lines seen */
    uint64_t total;     /* data bytes produced so far (read only) */
    uint64_t _chunk_got; /* data bytes produced from the current chunk */
    int err;            /* sticky error, 0 when none (read only) */
    size_t err_used;    /* after an error: bytes of that call's input taken */
    uint64_t max_data;  /* the most data bytes one call returns (UINT64_MAX); the caller sets it */
    size_t _scanned;    /* bytes of the pending line known to hold no LF */
} httpc_chunked;

/* Where a decoder stands: what the next bytes fed will be read as. */
typedef enum httpc_chunk_phase {
    HTTPC_CHUNK_SIZE,       /* a chunk-size line (the first, or one after a terminator) */
    HTTPC_CHUNK_DATA,       /* a chunk's data: `left` more bytes */
    HTTPC_CHUNK_TERMINATOR, /* the two bytes after a chunk's data (or, in 2.7, after a
                               negative size, which reads no data) */
    HTTPC_CHUNK_TRAILERS,   /* the trailer section, after the last chunk */
    HTTPC_CHUNK_DONE,       /* nothing: the body is complete (httpc_chunked_done) */
    HTTPC_CHUNK_TO_EOF      /* py3 after a negative size: the rest of the stream is data,
                               then IncompleteRead (_safe_read(-1) reads to EOF) */
} httpc_chunk_phase;

void httpc_chunked_init(httpc_chunked *c, const httpc_profile *p);

/* Feeds in[0..len). Returns the number of bytes consumed from `in` (>= 0) and
 * sets `*data` and `*data_len` to at most one run of body bytes inside the consumed
 * range (data_len 0 when none); a call that completes a size line goes on
 * into that chunk's data, up to c->max_data bytes (a caller reading a given
 * amount sets it before each call; 0 stops at the data's start). Bytes not consumed must be kept by the caller
 * and passed again, with more appended, in the next call: that happens when a
 * size or trailer line is incomplete (trailer lines are consumed one by one,
 * so that is never more than one line), and then HTTPC_E_AGAIN is returned
 * only if nothing at all could be consumed. Errors (sticky, in c->err):
 * HTTPC_E_INCOMPLETE_READ, HTTPC_E_LINE_TOO_LONG, HTTPC_E_HTTP_EXCEPTION past
 * max_trailers, and in the strict profile HTTPC_E_INVALID_FRAMING (a size
 * line outside the grammar, data not followed by CRLF, a framing field among
 * the trailers) and HTTPC_E_INVALID_HEADER (a bad trailer field). At eof with the body
 * unfinished the result is HTTPC_E_INCOMPLETE_READ. Once done, a call
 * consumes nothing and returns 0. A call that fails has still taken
 * c->err_used bytes of `in` (the lines before the bad one, the bad line
 * whole, max_line + 1 bytes of a line too long), so the position after an
 * error does not depend on how the input was cut; later calls take none. */
ssize_t httpc_chunked_feed(httpc_chunked *c, const char *in, size_t len, int eof,
                           const char **data, size_t *data_len,
                           char *detail, size_t detail_cap);
/* httpc_chunked_feed through as many chunks as one call can take: each data
 * run goes into runs[], whose room the caller gives in *nruns and whose count
 * comes back there (picohttpparser's array convention). The call stops when
 * the input is used up or a size or trailer line is incomplete, when the body
 * is done, right after the data of the run that fills the room, once
 * c->max_data data bytes were returned, and after data at any line but a
 * plain size line (1 to 15 hex digits and CRLF) or one whose chunk's data is
 * not here yet. A failing step after bytes were taken ends the call before
 * it: the next call, given the bytes that follow, returns the error, with
 * c->err_used counted from its own input; no call returns both data and an
 * error. Every run but the last ends its chunk; the last ends its chunk
 * unless the phase after the call is HTTPC_CHUNK_DATA. Returns what
 * httpc_chunked_feed returns, whose results it gives when *nruns is 1; the
 * data, the result and where it leaves the input do not depend on how the
 * input was cut nor on the room. */
ssize_t httpc_chunked_decode(httpc_chunked *c, const char *in, size_t len, int eof,
                             httpc_span *runs, size_t *nruns,
                             char *detail, size_t detail_cap);
/* Nonzero once the last chunk and the trailers have been consumed. */
int httpc_chunked_done(const httpc_chunked *c);
/* The decoder's phase (an httpc_chunk_phase); after an error, the phase the
 * failing call stopped in (where the bad or missing bytes were). */
httpc_chunk_phase httpc_chunked_phase(const httpc_chunked *c);
/* In HTTPC_CHUNK_TERMINATOR, the bytes of the terminator still to read (2 or
 * 1); 0 in every other phase. */
size_t httpc_chunked_terminator_left(const httpc_chunked *c);

/* Python-compatible number parsing, shared by the parsers and the client.
 * int(s) for base 10 and int(s, 16) for base 16, with the profile's rules
 * (surrounding whitespace, sign, '_' between digits in py3, "0x" prefix in
 * base 16; py3 base 10 also refuses more than 4300 digits, as
 * sys.int_max_str_digits does). Base 10 follows int(str) on the text decoded
 * as ISO-8859-1 (status code, Content-Length), base 16 int(bytes, 16) (chunk
 * sizes); other bases are refused. Returns 0 and sets *out (saturating) and
 * *negative (may be NULL), or HTTPC_E_VALUE_ERROR. */
int httpc_py_int(const char *s, size_t len, int base, const httpc_profile *p,
                 uint64_t *out, int *negative);

/* ------------------------------------------------------------------------ */
/* 5. Connection (HTTPConnection)                                            */
/* ------------------------------------------------------------------------ */

typedef struct httpc_conn httpc_conn;
typedef struct httpc_resp httpc_resp;

/* Receives set_debuglevel's output, one call per line CPython would print():
 * its bytes, the final "\n" included (2.7's header lines end as they came,
 * with "\r\n"); `line` is not NUL-terminated and may hold NUL bytes. */
typedef void (*httpc_debug_fn)(void *ctx, const char *line, size_t len);

/* Options of HTTPConnection(host, port, timeout, source_address, blocksize). */
typedef struct httpc_conn_opts {
    const httpc_profile *profile; /* NULL: py3 */
    int timeout_ms;               /* < 0: no timeout (the global default) */
    const char *source_host;      /* source_address[0], NULL for none */
    int source_port;              /* source_address[1] */
    size_t blocksize;             /* 0: 8192 */
    int debuglevel;               /* set_debuglevel() */
    int http_vsn;                 /* 11 (default when 0) or 10 */
    int no_auto_open;             /* auto_open = 0: send() before connect() is
                                     NotConnected instead of connecting */
    const struct httpc_tls_opts *tls; /* non-NULL: HTTPSConnection (default port
                                     443); the struct must outlive the connection */
    size_t read_cap;              /* 0: none. Each read from the connection's
                                     socket asks for at most this many bytes, as
                                     if TCP delivered the reply in pieces of at
                                     most read_cap: recv() on a plain socket,
                                     SSL_read() (the plaintext the parser sees,
                                     not the records) over TLS, the proxy's reply
                                     to CONNECT included. Bytes already read and
                                     kept (py27's read-ahead) are not re-cut. Only
                                     outcomes that depend on the cut change
                                     (scenarios/FORMAT.md, "Outcomes that depend
                                     on how the reads are cut"); adapters get the
                                     same through adapters/readcap. */
    FILE *debug_stream;           /* where the debug output goes (print() writes to
                                     sys.stdout); NULL: stdout */
    httpc_debug_fn debug;         /* non-NULL: the debug output goes to this
                                     callback, line by line, instead of a stream */
    void *debug_ctx;              /* passed to `debug` */
} httpc_conn_opts;

/* How an HTTPS connection verifies the server (SSLContext.verify_mode). */
typedef enum httpc_tls_verify {
    HTTPC_TLS_VERIFY_DEFAULT = 0, /* the profile's: py27 and py27-strict verify
                                     nothing (the 2.x document), py3 and strict
                                     verify the chain and the host name (3.4.3+) */
    HTTPC_TLS_VERIFY_REQUIRED,    /* CERT_REQUIRED (and check_hostname unless 0) */
    HTTPC_TLS_VERIFY_NONE_INSECURE, /* CERT_NONE: anyone in the path can read and
                                     change the traffic; the CLI's --insecure warns */
} httpc_tls_verify;

/* HTTPSConnection(key_file, cert_file, context, check_hostname): the parts of
 * an ssl.SSLContext a client sets. Zero (httpc_tls_opts_init) is the default. */
typedef struct httpc_tls_opts {
    const char *ca_file;   /* load_verify_locations(cafile); with ca_dir NULL too:
                              the system's default paths (load_default_certs) */
    const char *ca_dir;    /* load_verify_locations(capath) */
    const char *cert_file; /* client certificate (PEM, may hold the key too) */
    const char *key_file;  /* its private key; NULL: in cert_file */
    int min_version;       /* minimum_version: 0 the default (TLS 1.2 for py3 and
                              strict, OpenSSL's for py27), or 10, 11, 12, 13 */
    const char *ciphers;   /* set_ciphers() (TLS 1.2 and below); NULL: default */
    httpc_tls_verify verify;
    int check_hostname;    /* -1 (default): as verify; 0 off; 1 on (needs verification:
                              HTTPC_E_VALUE_ERROR otherwise, as CPython) */
} httpc_tls_opts;

void httpc_tls_opts_init(httpc_tls_opts *o);

/* Sets `o` to the defaults. */
void httpc_conn_opts_init(httpc_conn_opts *o);

/* HTTPConnection(host, port): `port` < 0 takes the port from "host:port" or
 * "[v6]:port" (empty port = 80), as _get_hostport does. Errors:
 * HTTPC_E_INVALID_URL (non-numeric port, control characters), HTTPC_E_NOMEM. */
int httpc_conn_new(httpc_conn **out, const char *host, int port,
                   const httpc_conn_opts *opts);
/* httpc_conn_new, and on failure the detail (CPython's exception message,
 * "port out of range: '99999'") in `detail` (cap bytes, NUL-terminated; ""
 * on success). `detail` may be NULL. Same returns and errors. */
int httpc_conn_new_detail(httpc_conn **out, const char *host, int port,
                          const httpc_conn_opts *opts, char *detail, size_t cap);
/* Closes (if needed) and frees the connection. A response still held by the
 * caller stays readable: it owns its own reference to the transport. */
void httpc_conn_free(httpc_conn *c);

const char *httpc_conn_host(const httpc_conn *c); /* host without brackets */
int httpc_conn_port(const httpc_conn *c);
/* The detail of the last error on this connection ("" when none). */
const char *httpc_conn_errmsg(const httpc_conn *c);

void httpc_conn_set_debuglevel(httpc_conn *c, int level);
/* set_tunnel(host, port, headers): CONNECT through this connection's host as a
 * proxy. HTTPC_E_ATTRIBUTE_ERROR where the profile's version has no such method
 * (py26, py30, py31: the detail names the version that added it);
 * HTTPC_E_RUNTIME_ERROR once connected; HTTPC_E_INVALID_URL (bad port);
 * under the strict profile HTTPC_E_VALUE_ERROR for a header name or value
 * putheader would refuse (the Python profiles send them as CPython does). */
int httpc_conn_set_tunnel(httpc_conn *c, const char *host, int port,
                          const char *const *header_names,
                          const char *const *header_values, size_t nheaders);

int httpc_conn_connect(httpc_conn *c);
void httpc_conn_close(httpc_conn *c);
/* The socket descriptor, -1 when not connected (HTTPConnection.sock), or
 * once a strict response has closed the connection after an error. */
int httpc_conn_fileno(const httpc_conn *c);

/* A request body: what `body`/`message_body` may be in Python. */
typedef enum httpc_body_kind {
    HTTPC_BODY_NONE = 0, /* body=None */
    HTTPC_BODY_BUFFER,   /* bytes: Content-Length is its size */
    HTTPC_BODY_FD,       /* a file, read in blocksize pieces: chunked in py3 (CPython
                            3.6+; the 3.4 document's fstat() length is gone), with
                            Content-Length = fstat().st_size in py27 */
    HTTPC_BODY_ITER,     /* an iterable: chunked coding without a length */
} httpc_body_kind;

/* Iterator callback: sets *chunk and *len to the next piece (len 0 pieces are
 * skipped, as CPython does); returns 1 for a piece, 0 at the end, < 0 to abort
 * with that error. */
typedef int (*httpc_body_iter_fn)(void *ctx, const void **chunk, size_t *len);

typedef struct httpc_body {
    httpc_body_kind kind;
    const void *data; /* BUFFER */
    size_t len;       /* BUFFER */
    int fd;           /* FD */
    httpc_body_iter_fn iter; /* ITER */
    void *iter_ctx;          /* ITER */
} httpc_body;

/* One request header given to request(). */
typedef struct httpc_kv {
    const char *name;
    const char *value;
} httpc_kv;

/* request(method, url, body, headers, encode_chunked). `body` may be NULL.
 * Errors: the state errors of putrequest, HTTPC_E_VALUE_ERROR (bad method,
 * header name or value), HTTPC_E_INVALID_URL (control characters in the URL),
 * transport errors (OSError family). */
int httpc_conn_request(httpc_conn *c, const char *method, const char *url,
                       const httpc_body *body, const httpc_kv *headers,
                       size_t nheaders, int encode_chunked);

/* The longest request head (request line and header lines, CRLFs included)
 * a connection buffers, as curl caps its request at DYN_HTTP_REQUEST. CPython
 * has no cap (its _buffer is a list that grows with every putheader); no
 * scenario comes near this one, and a longer head is refused with
 * HTTPC_E_VALUE_ERROR rather than grown without bound. A body that 2.7 sends
 * in the head's send() (body_with_head) does not count. */
#define HTTPC_MAX_REQUEST_HEAD (1024 * 1024)

/* putrequest(method, url, skip_host, skip_accept_encoding).
 * HTTPC_E_CANNOT_SEND_REQUEST unless idle; HTTPC_E_VALUE_ERROR past
 * HTTPC_MAX_REQUEST_HEAD. */
int httpc_conn_putrequest(httpc_conn *c, const char *method, const char *url,
                          int skip_host, int skip_accept_encoding);
/* putheader(header, *values): values joined with "\r\n\t".
 * HTTPC_E_CANNOT_SEND_HEADER outside a request, HTTPC_E_VALUE_ERROR (an
 * invalid name or value, or a head past HTTPC_MAX_REQUEST_HEAD; the head
 * is then left as it was). */
int httpc_conn_putheader(httpc_conn *c, const char *name,
                         const char *const *values, size_t nvalues);
/* endheaders(message_body, encode_chunked): sends the head and the body. */
int httpc_conn_endheaders(httpc_conn *c, const httpc_body *body, int encode_chunked);
/* send(data): raw bytes, connecting first if needed (auto_open). */
int httpc_conn_send(httpc_conn *c, const void *data, size_t len);

/* getresponse(): reads the status line and headers. On success *out is a new
 * response the caller frees with httpc_resp_free; on failure *out is NULL and
 * httpc_conn_errmsg() has the detail. HTTPC_E_RESPONSE_NOT_READY out of
 * sequence. On failure py3 closes the connection after a ConnectionError
 * only, py27 never, strict always (RFC 9112 sections 6.1 and 6.3). Strict
 * also hands the socket to the response (closed at the body's end) when the
 * request carried the "close" connection option (RFC 9112 section 9.6). */
int httpc_conn_getresponse(httpc_conn *c, httpc_resp **out);

/* ------------------------------------------------------------------------ */
/* 6. Response (HTTPResponse)                                                */
/* ------------------------------------------------------------------------ */

int httpc_resp_status(const httpc_resp *r);
/* The reason phrase, bytes as received, NUL-terminated for convenience: a
 * NUL inside the phrase ends this C string early, so code that may meet any
 * byte uses httpc_resp_reason_span (CPython reports 'OK\x00' whole). */
const char *httpc_resp_reason(const httpc_resp *r);
/* The whole reason phrase as a span (valid until httpc_resp_free). */
httpc_span httpc_resp_reason_span(const httpc_resp *r);
/* 9, 10 or 11. */
int httpc_resp_version(const httpc_resp *r);
int httpc_resp_will_close(const httpc_resp *r);
int httpc_resp_chunked(const httpc_resp *r);
/* The remaining Content-Length, -1 when unknown (HTTPResponse.length). */
int64_t httpc_resp_length(const httpc_resp *r);

/* getheaders(): header i as (name, value) spans, in order. */
size_t httpc_resp_header_count(const httpc_resp *r);
int httpc_resp_header_at(const httpc_resp *r, size_t i, httpc_span *name,
                         httpc_span *value);
/* getheader(name): every value of `name` joined with ", " into buf (NUL-
 * terminated, truncated to cap). Returns the full joined length (which may
 * exceed cap - 1, as snprintf does) or HTTPC_E_NOT_FOUND (Python: default). */
ssize_t httpc_resp_getheader(const httpc_resp *r, const char *name, char *buf,
                             size_t cap);
/* getheader() for a name of any bytes (a NUL included): name_len octets of
 * `name`. Same returns; the value is byte-exact in buf[0..return) when it
 * fits (it may hold NUL: use the length, not strlen). */
ssize_t httpc_resp_getheader_n(const httpc_resp *r, const char *name, size_t name_len,
                               char *buf, size_t cap);

/* The HTTPMessage side of a response (3.x `msg`, an email.message.Message;
 * 2.7 `msg`, a mimetools.Message). Spans point into the response and stay
 * valid until httpc_resp_free. The fields in order are httpc_resp_header_at
 * (3.x msg.items(); a NULL name is one of 2.7's continuation lines). */
/* msg.get_all(name)[k]: the value of the k-th field called `name` (ASCII case-
 * insensitive, name_len octets). 0, or HTTPC_E_NOT_FOUND past the last. */
int httpc_resp_get_all(const httpc_resp *r, const char *name, size_t name_len, size_t k,
                       httpc_span *value);
/* The k-th distinct field name, case-insensitively, first-seen order and
 * spelling: the keys of 2.7's msg.dict, whose getheaders() pairs each name,
 * lower-cased, with httpc_resp_getheader_n's value (repeats joined). 0, or
 * HTTPC_E_NOT_FOUND past the last. */
int httpc_resp_name_at(const httpc_resp *r, size_t k, httpc_span *name);

/* read(amt) / readinto(b): up to `amt` bytes into buf. Returns the count,
 * 0 at the end of the body. As in CPython, a short Content-Length body read
 * this way ends without an error (strict: HTTPC_E_INCOMPLETE_READ when the
 * close comes, with e.partial empty, RFC 9112 section 6.3); a chunked one
 * fails with IncompleteRead, and then buf starts with e.partial
 * (httpc_resp_incomplete gives its size). In the strict profile any error
 * of a body read, but a sink's own, also closes the connection: the
 * connection object lets go of the socket, and its next request connects
 * anew (RFC 9112 sections 6.3 and 8). */
ssize_t httpc_resp_read(httpc_resp *r, void *buf, size_t amt);
ssize_t httpc_resp_readinto(httpc_resp *r, void *buf, size_t len);
/* readline(): one line of the body, up to `cap` bytes (iteration over a
 * response). Returns the count, 0 at the end, or the error of a read inside
 * it (CPython's IOBase.readline raises it and drops the bytes it had; buf
 * holds them here, uncounted). Python 2.7's response has no readline(): the
 * py27 profiles read the line with 2.7's read(1), one byte at a time. */
ssize_t httpc_resp_readline(httpc_resp *r, void *buf, size_t cap);

/* read() with no amount: the whole body, streamed to `sink` in pieces with
 * constant memory. Returns the count of body bytes delivered to the sink
 * (what was left of the body: CPython's len(read())), or a negative
 * HTTPC_E_* error. A sink returns 0 to go on; any other value stops the
 * read, and the call returns that value as it is (a negative value of the
 * caller's own tells a stop from a count and from the library's errors).
 * The bytes of the call that stopped it count as read: a later read gives
 * the rest of the body, and no more. For a chunked body the sink is also
 * called with data NULL and len 0 each time a piece of the body is complete
 * (one _safe_read in CPython): on HTTPC_E_INCOMPLETE_READ, CPython 3's
 * e.partial is what was delivered up to the last such mark, httplib 2.7's is
 * what came after it. httpc_resp_incomplete() gives len(e.partial) and
 * e.expected. */
typedef int (*httpc_sink_fn)(void *ctx, const void *data, size_t len);
int64_t httpc_resp_read_all(httpc_resp *r, httpc_sink_fn sink, void *ctx);

/* After HTTPC_E_INCOMPLETE_READ: len(e.partial), e.expected (-1 = None;
 * saturated at INT64_MAX where Python's integer is larger) and, when not NULL,
 * *offset: how many of the bytes the failed call delivered come before
 * e.partial (httplib 2.7 drops the chunks before the torn one). */
void httpc_resp_incomplete(const httpc_resp *r, int64_t *partial, int64_t *expected,
                           int64_t *offset);
/* The detail of the last error ("" when none). */
const char *httpc_resp_errmsg(const httpc_resp *r);

/* isclosed(): the connection side is closed (fp is None). */
int httpc_resp_isclosed(const httpc_resp *r);
/* closed: the response object itself was closed: by close(), or (profiles
 * with closed_at_eof, 3.0-3.3) once the connection side closed at the body's
 * end or after an error. */
int httpc_resp_closed(const httpc_resp *r);
/* fileno(): the socket descriptor, -1 once closed. */
int httpc_resp_fileno(const httpc_resp *r);
void httpc_resp_close(httpc_resp *r);
void httpc_resp_free(httpc_resp *r);

/* ------------------------------------------------------------------------ */
/* 7. The 2.x compatibility class HTTP                                       */
/* ------------------------------------------------------------------------ */
/* httplib.HTTP of Python 2.6 and 2.7, "retained only for backward
 * compatibility with 1.5.2" (the 2.6 document): an HTTPConnection speaking
 * HTTP/1.0 (so putrequest adds no Host or Accept-Encoding of its own) whose
 * getreply() turns a BadStatusLine into the errcode -1 and whose getfile()
 * hands out the raw rest of the stream. Only profiles with has_http_class
 * (py26, py27 and their -strict forms; the -strict ones are HTTP(host, port,
 * strict=True)) have it: 3.0 removed it. */
typedef struct httpc_http httpc_http;

/* getreply()'s (errcode, errmsg, headers). The spans and the response stay
 * valid until the next getreply() or httpc_http_free. */
typedef struct httpc_http_reply {
    int errcode;               /* the status; -1 when getresponse() raised BadStatusLine */
    httpc_span errmsg;         /* the reason; for -1 the exception's line: the status
                                  line as read, its CRLF included, or "No status line
                                  received ..." for an empty reply; any byte, NUL
                                  included, up to some 250 of them (the connection's
                                  detail buffer holds the line's repr) */
    const httpc_resp *headers; /* response.msg, for the httpc_resp_ header accessors
                                  (getheader, header_at, get_all, name_at); NULL for -1 */
} httpc_http_reply;

/* HTTP(host, port): `port` 0 or < 0 takes the port from "host:port", else
 * the default (HTTP(port=0) is the default port). `opts` as for
 * httpc_conn_new (its http_vsn is ignored: always 10). Errors: those of
 * httpc_conn_new; HTTPC_E_ATTRIBUTE_ERROR under a profile without the class
 * (3.x, strict), detail in `detail` (cap bytes, may be NULL). */
int httpc_http_new(httpc_http **out, const char *host, int port, const httpc_conn_opts *opts,
                   char *detail, size_t cap);
/* Closes (if needed) and frees h with its last reply. */
void httpc_http_free(httpc_http *h);
/* connect(host, port): host NULL keeps the current host and port; otherwise
 * they are replaced (as _get_hostport gives them) before connecting. */
int httpc_http_connect(httpc_http *h, const char *host, int port);
/* putrequest, putheader, endheaders, send and set_debuglevel are the
 * connection's own (HTTP delegates them): the same contracts as
 * httpc_conn_putrequest (skip_host and skip_accept_encoding 0), ... */
int httpc_http_putrequest(httpc_http *h, const char *method, const char *url);
int httpc_http_putheader(httpc_http *h, const char *name, const char *const *values,
                         size_t nvalues);
int httpc_http_endheaders(httpc_http *h);
int httpc_http_send(httpc_http *h, const void *data, size_t len);
void httpc_http_set_debuglevel(httpc_http *h, int level);
/* getreply(): 0 with *out filled, or an error getresponse() lets through
 * (UnknownProtocol, LineTooLong, ResponseNotReady, the OSError family).
 * After -1 the connection is closed and getfile() is None, as in httplib
 * (its close() drops the file it had just made). */
int httpc_http_getreply(httpc_http *h, httpc_http_reply *out);
/* Whether getfile() is a file (1) or None (0: before a reply, after -1, after
 * close()). */
int httpc_http_getfile(const httpc_http *h);
/* getfile().read(n): the raw bytes after the reply's head (a chunked body
 * with its size lines; for a simple response the whole stream), up to n,
 * fewer only at EOF; 0 at EOF. HTTPC_E_ATTRIBUTE_ERROR when getfile() is
 * None ('NoneType' object has no attribute 'read'); transport errors. */
ssize_t httpc_http_file_read(httpc_http *h, void *buf, size_t n);
/* close(): closes the connection and lets go of the file; the last reply's
 * headers stay readable. */
void httpc_http_close(httpc_http *h);
/* The detail of the last error ("" when none). */
const char *httpc_http_errmsg(const httpc_http *h);

#ifdef __cplusplus
}
#endif
#endif /* HTTPC_H */
