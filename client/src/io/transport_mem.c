/* SPDX-License-Identifier: MIT */
/* An in-memory transport: replays a reply in segments and records what the
 * client sent, so tests and fuzz targets drive the whole client without I/O. */
#include "transport.h"

#include <stdlib.h>
#include <string.h>

typedef struct mem_transport {
    httpc__transport base;
    char *reply;
    size_t len, pos, segment;
    size_t ends[HTTPC__MEM_MAX_PARTS]; /* where each part ends in `reply` */
    size_t nparts, heads;              /* parts, request heads sent */
    char *sent;
    size_t sent_len, sent_cap;
} mem_transport;

static int mem_send(httpc__transport *base, const void *buf, size_t len)
{
    mem_transport *t = (mem_transport *)base;

    if (t->sent_len + len > t->sent_cap) {
        size_t cap = (t->sent_cap ? t->sent_cap * 2 : 256);
        while (cap < t->sent_len + len)
            cap *= 2;
        char *p = realloc(t->sent, cap);
        if (p == NULL)
            return HTTPC_E_NOMEM;
        t->sent = p;
        t->sent_cap = cap;
    }
    memcpy(t->sent + t->sent_len, buf, len);
    t->sent_len += len;
    /* A request head (it ends with an empty line) releases the next part. */
    if (len >= 4 && memcmp((const char *)buf + len - 4, "\r\n\r\n", 4) == 0)
        t->heads++;
    return 0;
}

static ssize_t mem_recv(httpc__transport *base, void *buf, size_t cap)
{
    mem_transport *t = (mem_transport *)base;
    size_t part = t->heads > 0 ? t->heads - 1 : 0;
    size_t avail = t->ends[part < t->nparts ? part : t->nparts - 1];
    size_t n = avail > t->pos ? avail - t->pos : 0;

    if (n > cap)
        n = cap;
    if (t->segment && n > t->segment)
        n = t->segment;
    memcpy(buf, t->reply + t->pos, n);
    t->pos += n;
    return (ssize_t)n;
}

static void mem_destroy(httpc__transport *base)
{
    mem_transport *t = (mem_transport *)base;

    free(t->reply);
    free(t->sent);
    free(t);
}

static int mem_fileno(const httpc__transport *base)
{
    (void)base;
    return -1;
}

static const httpc__transport_vt mem_vt = {mem_send, mem_recv, mem_destroy, mem_fileno};

int httpc__mem_transport(const void *reply, size_t len, size_t segment, httpc__transport **out)
{
    const char *parts[1] = {reply};
    return httpc__mem_transport_parts(parts, &len, 1, segment, out);
}

int httpc__mem_transport_parts(const char *const *parts, const size_t *lens, size_t nparts,
                               size_t segment, httpc__transport **out)
{
    mem_transport *t = calloc(1, sizeof *t);
    size_t len = 0;

    *out = NULL;
    if (nparts == 0 || nparts > HTTPC__MEM_MAX_PARTS) {
        free(t);
        return HTTPC_E_VALUE_ERROR;
    }
    for (size_t i = 0; i < nparts; i++)
        len += lens[i];
    if (t == NULL || (t->reply = malloc(len ? len : 1)) == NULL) {
        free(t);
        return HTTPC_E_NOMEM;
    }
    len = 0;
    for (size_t i = 0; i < nparts; i++) {
        if (lens[i])
            memcpy(t->reply + len, parts[i], lens[i]);
        len += lens[i];
        t->ends[i] = len;
    }
    t->nparts = nparts;
    t->len = len;
    t->segment = segment;
    httpc__transport_init(&t->base, &mem_vt);
    *out = &t->base;
    return 0;
}

const char *httpc__mem_sent(const httpc__transport *base, size_t *len)
{
    const mem_transport *t = (const mem_transport *)base;

    *len = t->sent_len;
    return t->sent;
}
