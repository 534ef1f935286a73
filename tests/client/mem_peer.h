/* SPDX-License-Identifier: MIT */
/* Test helper: a connector that hands a connection in-memory transports
 * replaying canned replies, keeping a reference to each so a test can read
 * what the client sent after the connection let go of it. */
#ifndef HTTPC_TEST_MEM_PEER_H
#define HTTPC_TEST_MEM_PEER_H

#include "conn_internal.h"

#include <string.h>

typedef struct mem_peer {
    const char *replies[8]; /* one per connection; NULL: refuse */
    const char *more[8][3]; /* further parts of connection i's reply, one per request */
    size_t segment;
    int opened;
    httpc__transport *t[8];
} mem_peer;

static inline int mem_peer_connect(void *ctx, const char *host, int port, int timeout_ms,
                            const char *source_host, int source_port, httpc__transport **out,
                            char *detail, size_t cap)
{
    mem_peer *m = ctx;
    const char *reply = m->opened < 8 ? m->replies[m->opened] : NULL;
    (void)host, (void)port, (void)timeout_ms, (void)source_host, (void)source_port;
    if (reply == NULL) {
        httpc__detail(detail, cap, "[Errno 111] Connection refused");
        return HTTPC_E_CONNECTION_REFUSED;
    }
    const char *parts[4] = {reply};
    size_t lens[4] = {strlen(reply)}, n = 1;
    while (n < 4 && m->more[m->opened][n - 1] != NULL) {
        parts[n] = m->more[m->opened][n - 1];
        lens[n] = strlen(parts[n]);
        n++;
    }
    int rc = httpc__mem_transport_parts(parts, lens, n, m->segment, out);
    if (rc == 0)
        m->t[m->opened++] = httpc__transport_ref(*out);
    return rc;
}

/* What connection i sent, NUL-terminated in a static buffer. */
static inline const char *mem_peer_sent(mem_peer *m, int i)
{
    static char buf[65536];
    size_t len = 0;
    const char *s = m->t[i] ? httpc__mem_sent(m->t[i], &len) : "";
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, s ? s : "", len);
    buf[len] = '\0';
    return buf;
}

static inline void mem_peer_release(mem_peer *m)
{
    for (int i = 0; i < m->opened; i++)
        httpc__transport_unref(m->t[i]);
    m->opened = 0;
}

#endif
