/* SPDX-License-Identifier: MIT */
/* Host, URL and header validation rules of HTTPConnection (internal). */
#ifndef HTTPC_URL_H
#define HTTPC_URL_H

#include "internal.h"

/* _get_hostport: splits "host:port" / "[v6]:port" when port < 0. *out_host is
 * malloc'd. HTTPC_E_INVALID_URL for a non-numeric port. */
int httpc__get_hostport(const char *host, int port, int default_port, const httpc_profile *p,
                        char **out_host, int *out_port, char *detail, size_t cap);
/* _validate_host / _validate_path: control characters (and, in 2.7, bytes
 * >= 0x7f) give HTTPC_E_INVALID_URL with CPython's message. */
int httpc__validate_url_part(const char *s, const httpc_profile *p, char *detail, size_t cap);
/* _validate_method (3.x; 2.7 has none): control characters give
 * HTTPC_E_VALUE_ERROR. */
int httpc__validate_method(const char *m, const httpc_profile *p, char *detail, size_t cap);
/* str.encode('ascii') of s[0..len) read as ISO-8859-1: 0, or
 * HTTPC_E_VALUE_ERROR with UnicodeEncodeError's message. */
int httpc__validate_ascii(const char *s, size_t len, char *detail, size_t cap);
/* _is_legal_header_name (nonzero when legal; bytes >= 0x80 only in 2.7) and
 * not _is_illegal_header_value (nonzero when legal). */
int httpc__valid_header_name(const char *name, const httpc_profile *p);
int httpc__valid_header_value(const char *value);
/* What urlsplit() checks in a netloc: unbalanced brackets ("Invalid IPv6
 * URL") and, in 3.x, the bracketed host (_check_bracketed_host). 0 or
 * HTTPC_E_VALUE_ERROR. */
int httpc__check_netloc(httpc_span netloc, const httpc_profile *p, char *detail, size_t cap);
/* The netloc of an absolute URL as urlsplit finds it ("" when none). */
httpc_span httpc__url_netloc(const char *url);

#endif /* HTTPC_URL_H */
