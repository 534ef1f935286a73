/* SPDX-License-Identifier: MIT */
/* A minimal JSON writer for the CLI's outcome object. */
#ifndef HTTPC_CLI_JSON_H
#define HTTPC_CLI_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Writes s[0..len) as a JSON string whose code points are the bytes
 * (ISO-8859-1, as Python decodes header bytes), encoded as UTF-8. */
void json_latin1(FILE *f, const char *s, size_t len);
/* Writes base64 of data[0..len) (RFC 4648, padded) as a JSON string. */
void json_base64(FILE *f, const unsigned char *data, size_t len);

#endif
