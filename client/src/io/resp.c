/* SPDX-License-Identifier: MIT */
/* HTTPResponse, the object: creation, references, close(), and the
 * accessors of what begin() read (resp_head.c) with CPython 3.11's
 * semantics (httplib 2.7's under py27); the body reads are in resp_body.c. */
#include "resp_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int httpc__resp_new(httpc__transport *t, const httpc_profile *p, int debuglevel, const char *method,
                    httpc_resp **out)
{
    return httpc__resp_new_from(NULL, t, p, debuglevel, method, out);
}

/* A response object and its read buffer, taken back from *spare when it
 * holds one (a keep-alive loop makes and drops a response a request: the
 * object's calloc and the 8 KiB buffer's malloc and free cost about a
 * thousand instructions a request), else allocated. The spare's header
 * array and store come along, for begin() to fill again. */
int httpc__resp_new_from(httpc_resp **spare, httpc__transport *t, const httpc_profile *p,
                         int debuglevel, const char *method, httpc_resp **out)
{
    httpc_resp *r = spare != NULL ? *spare : NULL;

    *out = NULL;
    if (r != NULL) {
        char *buf = r->buf, *store = r->store;
        httpc_header *hdrs = r->hdrs;
        size_t store_cap = r->store_cap, hdrs_cap = r->hdrs_cap;
        *spare = NULL;
        memset(r, 0, sizeof *r);
        r->buf = buf;
        r->store = store, r->store_cap = store_cap;
        r->hdrs = hdrs, r->hdrs_cap = hdrs_cap;
    } else {
        /* the header array before the read buffer, which may grow in place */
        size_t nh = httpc__resp_hdrs_first(p);
        if ((r = calloc(1, sizeof *r)) == NULL ||
            (r->hdrs = malloc(nh * sizeof *r->hdrs)) == NULL ||
            (r->buf = malloc(RESP_BUFSIZE)) == NULL) {
            if (r != NULL)
                free(r->hdrs);
            free(r);
            return HTTPC_E_NOMEM;
        }
        r->hdrs_cap = nh;
    }
    r->refs = 1;
    r->t = httpc__transport_ref(t);
    r->p = p;
    r->cap = RESP_BUFSIZE;
    r->debuglevel = debuglevel;
    r->head_method = method != NULL && strcmp(method, "HEAD") == 0;
    r->length = -1;
    r->expected = -1;
    *out = r;
    return 0;
}

httpc_resp *httpc__resp_retain(httpc_resp *r)
{
    r->refs++;
    return r;
}

/* _close_conn(): fp.close(). Python 3's buffered makefile drops what it read
 * ahead; httplib 2.7 read nothing ahead (makefile('rb', 0)), so those bytes
 * go back to the socket for whoever reads it next. strict gives them back
 * too, so the connection sees that data came with no request outstanding
 * however the reads were cut (RFC 9112 section 9.2; conn.c). */
void httpc__resp_close_conn(httpc_resp *r)
{
    if (r->t != NULL && (r->p->py27 || r->p->strict_rfc) && r->end > r->pos)
        httpc__transport_unread(r->t, r->buf + r->pos, r->end - r->pos);
    r->pos = r->end = 0;
    httpc__transport_unref(r->t);
    r->t = NULL;
}

/* The object and what it holds, its connection side closed first. */
static void free_all(httpc_resp *r)
{
    free(r->store);
    free(r->hdrs);
    free(r->buf);
    free(r);
}

void httpc_resp_free(httpc_resp *r)
{
    if (r == NULL || --r->refs > 0)
        return;
    httpc__resp_close_conn(r);
    free_all(r);
}

/* The spare keeps what the next response would allocate anyway: a store
 * as large as the read buffer at most, the first header array; a larger
 * one that an unusual head needed is freed. */
void httpc__resp_release(httpc_resp *r, httpc_resp **spare)
{
    if (r == NULL || r->refs > 1 || *spare != NULL || r->cap != RESP_BUFSIZE) {
        httpc_resp_free(r);
        return;
    }
    httpc__resp_close_conn(r);
    if (r->store_cap > RESP_BUFSIZE) {
        free(r->store);
        r->store = NULL, r->store_cap = 0;
    }
    if (r->hdrs_cap > httpc__resp_hdrs_first(r->p)) {
        free(r->hdrs);
        r->hdrs = NULL, r->hdrs_cap = 0;
    }
    *spare = r;
}

void httpc__resp_spare_free(httpc_resp **spare)
{
    if (*spare != NULL) {
        free_all(*spare);
        *spare = NULL;
    }
}

int httpc__resp_fail(httpc_resp *r, int err)
{
    if (err == HTTPC_E_NOMEM)
        snprintf(r->errmsg, sizeof r->errmsg, "out of memory");
    return err;
}

/* ---- accessors ---------------------------------------------------------- */

size_t httpc__resp_bufcap(const httpc_resp *r)
{
    return r->cap;
}

int httpc_resp_status(const httpc_resp *r)
{
    return r->status;
}

const char *httpc_resp_reason(const httpc_resp *r)
{
    return r->reason ? r->reason : "";
}

httpc_span httpc_resp_reason_span(const httpc_resp *r)
{
    return (httpc_span){httpc_resp_reason(r), r->reason ? r->reason_len : 0};
}

int httpc_resp_version(const httpc_resp *r)
{
    return r->version;
}

int httpc_resp_will_close(const httpc_resp *r)
{
    return r->will_close;
}

int httpc_resp_chunked(const httpc_resp *r)
{
    return r->chunked;
}

int64_t httpc_resp_length(const httpc_resp *r)
{
    return r->length;
}

size_t httpc_resp_header_count(const httpc_resp *r)
{
    return r->nhdrs;
}

const char *httpc_resp_errmsg(const httpc_resp *r)
{
    return r->errmsg;
}

int httpc_resp_isclosed(const httpc_resp *r)
{
    return r->t == NULL;
}

/* 3.0-3.5 close the response itself once the body is read (read(): "self.
 * close()  # we read everything"; the documents' `while not r1.closed`
 * loop); 3.6+ only in close() (run: 3.6.15, 3.11). */
int httpc_resp_closed(const httpc_resp *r)
{
    return r->closed || (r->p->closed_at_eof && r->t == NULL);
}

int httpc_resp_fileno(const httpc_resp *r)
{
    return r->t ? r->t->vt->fileno(r->t) : -1;
}

void httpc_resp_close(httpc_resp *r)
{
    r->closed = 1;
    httpc__resp_close_conn(r);
}

int httpc_resp_header_at(const httpc_resp *r, size_t i, httpc_span *name, httpc_span *value)
{
    if (i >= r->nhdrs)
        return HTTPC_E_NOT_FOUND;
    *name = r->hdrs[i].name;
    *value = r->hdrs[i].value;
    return 0;
}

/* getheader(): values joined with ", " (3.x get_all; 2.7 addheader), 2.7's
 * continuation lines appended as "\n " + line (addcontinue). */
ssize_t httpc_resp_getheader(const httpc_resp *r, const char *name, char *buf, size_t cap)
{
    return httpc_resp_getheader_n(r, name, strlen(name), buf, cap);
}

static int name_is(httpc_span name, const char *s, size_t len)
{
    return name.ptr != NULL && name.len == len && httpc__ieq(name.ptr, s, len);
}

ssize_t httpc_resp_getheader_n(const httpc_resp *r, const char *name, size_t name_len, char *buf,
                               size_t cap)
{
    int found;
    size_t n = httpc__headers_join(r->hdrs, r->nhdrs, name, name_len, buf, cap, &found);

    if (cap > 0)
        buf[n < cap ? n : cap - 1] = '\0';
    return found ? (ssize_t)n : HTTPC_E_NOT_FOUND;
}

/* email.message.Message.get_all(name)[k]: the k-th field called `name`. */
int httpc_resp_get_all(const httpc_resp *r, const char *name, size_t name_len, size_t k,
                       httpc_span *value)
{
    for (size_t i = 0; i < r->nhdrs; i++)
        if (name_is(r->hdrs[i].name, name, name_len) && k-- == 0) {
            *value = r->hdrs[i].value;
            return 0;
        }
    return HTTPC_E_NOT_FOUND;
}

/* Whether field i's name came earlier (case-insensitively). */
static int seen_before(const httpc_resp *r, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (name_is(r->hdrs[j].name, r->hdrs[i].name.ptr, r->hdrs[i].name.len))
            return 1;
    return 0;
}

int httpc_resp_name_at(const httpc_resp *r, size_t k, httpc_span *name)
{
    for (size_t i = 0; i < r->nhdrs; i++)
        if (r->hdrs[i].name.ptr != NULL && !seen_before(r, i) && k-- == 0) {
            *name = r->hdrs[i].name;
            return 0;
        }
    return HTTPC_E_NOT_FOUND;
}
