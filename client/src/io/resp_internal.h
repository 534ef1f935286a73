/* SPDX-License-Identifier: MIT */
/* What the three files of HTTPResponse share: the object, and the read
 * buffer that begin() and the body reads both draw from. resp.c holds the
 * object and its accessors, resp_head.c begin() (status line, 1xx, headers,
 * the framing httpc_parse_framing decides) and the reply to CONNECT,
 * resp_body.c the body reads and their IncompleteRead figures. */
#ifndef HTTPC_RESP_INTERNAL_H
#define HTTPC_RESP_INTERNAL_H

#include "conn_internal.h"

#define RESP_BUFSIZE 8192 /* io.DEFAULT_BUFFER_SIZE, what makefile('rb') buffers */

struct httpc_resp {
    int refs;
    httpc__transport *t; /* fp: NULL once the connection side is closed */
    const httpc_profile *p;
    int debuglevel;
    int head_method; /* self._method == "HEAD" */
    int closed;      /* close() was called (IOBase.closed) */
    char *buf;       /* the read buffer: bytes [pos, end) are unread */
    size_t cap, pos, end;
    int eof;
    int status, version, will_close, chunked;
    int64_t length;    /* -1: None */
    uint64_t length_over; /* Python's self.length is length + length_over */
    char *reason;      /* the reason phrase, NUL-terminated for convenience */
    /* a short reason is kept here, a longer one in store */
    char reason_in[48];
    size_t reason_len; /* its length: the phrase may hold NUL bytes */
    char *head;        /* the header block, which the spans of hdrs point into */
    size_t head_len;
    httpc_header *hdrs; /* nhdrs fields in an array of hdrs_cap */
    size_t nhdrs, hdrs_cap;
    /* head (and a long reason) point into store, which also holds httplib 2.7's
     * scratch for joined values; store and hdrs outlive the response that
     * the connection keeps as its spare (resp.c), so a keep-alive loop does
     * not allocate them again. */
    char *store;
    size_t store_cap;
    httpc_chunked dec;
    int64_t partial, expected, partial_offset;
    char crlf_seen[2]; /* the chunk terminator's bytes read so far (2.7's e.partial) */
    char errmsg[256];
    httpc__debug dbg; /* where set_debuglevel's lines go (zero: stdout) */
};

/* The response's own functions shared by its three files: hidden, so the
 * compiler may inline them in the file that defines them (a PIC build must
 * otherwise assume another library could replace them), and calls from the
 * other files go straight to them. A body trickling in one byte at a time
 * calls httpc__resp_fill once a byte. */
#define RESP__SHARED __attribute__((visibility("hidden")))

/* _close_conn(): fp.close(), with the bytes read ahead given back to the
 * transport where the profile's reader would not have taken them. */
RESP__SHARED void httpc__resp_close_conn(httpc_resp *r);
/* Returns err, with "out of memory" as the message for HTTPC_E_NOMEM. */
RESP__SHARED int httpc__resp_fail(httpc_resp *r, int err);
/* One recv() from the transport into dst[0..cap): the count, 0 at EOF (noted
 * in r->eof), or an error with the transport's message kept. */
RESP__SHARED ssize_t httpc__resp_recv(httpc_resp *r, char *dst, size_t cap);
/* Reads more bytes into the buffer, growing it up to `limit` bytes of
 * unconsumed data (a line or a head must fit whole). Returns the count read,
 * 0 at EOF, or an error. */
RESP__SHARED ssize_t httpc__resp_fill(httpc_resp *r, size_t limit);
/* The entries of the first header array begin() gives the parser: the
 * profile's field limit and the empty line, at most 4096. */
RESP__SHARED size_t httpc__resp_hdrs_first(const httpc_profile *p);

#endif /* HTTPC_RESP_INTERNAL_H */
