/* SPDX-License-Identifier: MIT */
/* Where set_debuglevel's output goes: a stream (stdout unless the options
 * name another, as CPython's print() writes to sys.stdout) or, line by line,
 * the caller's callback (httpc_conn_opts.debug). The library never prints
 * anywhere else. */
#ifndef HTTPC_DEBUG_H
#define HTTPC_DEBUG_H

#include "internal.h"

#include <stdio.h>

typedef struct httpc__debug {
    FILE *stream;      /* NULL: stdout */
    httpc_debug_fn fn; /* non-NULL: each line goes here instead of a stream */
    void *ctx;
} httpc__debug;

/* One line (one print()) being written: httpc__debug_begin gives the stream
 * to write it to, httpc__debug_end hands it over. For a callback the line
 * is gathered in memory first. */
typedef struct httpc__dline {
    const httpc__debug *d;
    FILE *f;
    char *mem;
    size_t len;
} httpc__dline;

/* The sink of the options; zeroed options give stdout. */
httpc__debug httpc__debug_of(const httpc_conn_opts *o);
/* Starts a line. Returns the stream to write it to, or NULL when memory ran
 * out (the line is then dropped, as a failed print() would lose it). */
FILE *httpc__debug_begin(httpc__dline *l, const httpc__debug *d);
/* Ends the line begun by httpc__debug_begin (whose result was not NULL). */
void httpc__debug_end(httpc__dline *l);
/* A whole line from a format (the "\n" is the caller's). */
void httpc__debug_printf(const httpc__debug *d, const char *fmt, ...) HTTPC__PRINTF(2, 3);
/* Flushes the stream (nothing for a callback): CPython's prints reach the
 * terminal before the call that made them returns. */
void httpc__debug_flush(const httpc__debug *d);

#endif /* HTTPC_DEBUG_H */
