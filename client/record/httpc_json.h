/* SPDX-License-Identifier: MIT */
/* The JSON writer of the two programs that print a reply as JSON: the `httpc`
 * CLI (--json, adapters/PROTOCOL.md) and httpc-diff-cpython (the shape
 * tests/diffcpython/cpython_driver.py prints). One home for how a byte string
 * becomes a JSON string, so the two cannot drift apart. Public API only. */
#ifndef HTTPC_JSON_H
#define HTTPC_JSON_H

#include "httpc.h"

#include <stddef.h>
#include <stdio.h>

/* How a byte of 0x80 or more is written (every other byte is written the
 * same either way: '"' and '\' escaped with '\', 0x00-0x1f and 0x7f as
 * \u00xx in lower-case hex, the rest of ASCII as it is). */
typedef enum httpc_json_high {
    HTTPC_JSON_UTF8,  /* as its code point in UTF-8 (json.dumps(ensure_ascii=False)) */
    HTTPC_JSON_ASCII, /* as \u00xx, the output pure ASCII (json.dumps' default) */
} httpc_json_high;

/* Writes s[0..len) (any bytes, NUL included) as a JSON string whose code
 * points are the bytes: ISO-8859-1, as Python decodes header bytes. */
void httpc_json_latin1(FILE *f, const char *s, size_t len, httpc_json_high high);
/* Writes base64 of data[0..len) (RFC 4648, padded) as a JSON string. */
void httpc_json_base64(FILE *f, const unsigned char *data, size_t len);
/* Writes getheaders() as a JSON list of [name, value] strings: with `py27`
 * 2.x's (its msg.dict's items: one pair a distinct name, lower-cased, with
 * the joined value, httpc_resp_name_at), else 3.x's (every field in order,
 * 2.x continuation lines skipped). Returns 0, or HTTPC_E_NOMEM when a 2.x
 * pair could not be copied: it stands as ["", "<out of memory>"] and the
 * list still ends. */
int httpc_json_headers(FILE *f, const httpc_resp *r, int py27, httpc_json_high high);

#endif
