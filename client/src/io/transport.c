/* SPDX-License-Identifier: MIT */
/* What every transport shares whatever carries the bytes: the reference count
 * (Python's socket outliving conn.close() inside a response's makefile) and
 * the bytes a response gives back because httplib 2.7 would not have read them. */
#include "transport.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

void httpc__transport_init(httpc__transport *t, const httpc__transport_vt *vt)
{
    memset(t, 0, sizeof *t);
    t->vt = vt;
    t->refs = 1;
}

httpc__transport *httpc__transport_ref(httpc__transport *t)
{
    if (t != NULL)
        t->refs++;
    return t;
}

void httpc__transport_unref(httpc__transport *t)
{
    if (t == NULL || --t->refs > 0)
        return;
    free(t->unread);
    t->vt->destroy(t);
}

/* shutdown() rather than close(): the descriptor stays valid (and unused by
 * anyone else) until the last reference goes, but the peer sees the end of
 * the connection now. A TLS transport's fileno is its socket's. */
void httpc__transport_abandon(httpc__transport *t)
{
    int fd;

    if (t == NULL || t->abandoned)
        return;
    t->abandoned = 1;
    if ((fd = t->vt->fileno(t)) >= 0)
        shutdown(fd, SHUT_RDWR);
}

ssize_t httpc__transport_recv(httpc__transport *t, void *buf, size_t cap)
{
    size_t avail = t->unread_len - t->unread_pos;

    if (avail == 0)
        return t->vt->recv(t, buf, cap);
    if (avail > cap)
        avail = cap;
    memcpy(buf, t->unread + t->unread_pos, avail);
    t->unread_pos += avail;
    if (t->unread_pos == t->unread_len)
        t->unread_pos = t->unread_len = 0;
    return (ssize_t)avail;
}

/* The bytes go in front of any still waiting: they were read before them. */
int httpc__transport_unsolicited(const httpc__transport *t)
{
    int fd = t->vt->fileno(t);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (t->unread_len > t->unread_pos)
        return 1;
    return fd >= 0 && poll(&p, 1, 0) > 0;
}

int httpc__transport_unread(httpc__transport *t, const void *buf, size_t len)
{
    size_t left = t->unread_len - t->unread_pos;
    char *p;

    if (len == 0)
        return 0;
    if ((p = malloc(len + left)) == NULL)
        return HTTPC_E_NOMEM;
    memcpy(p, buf, len);
    if (left > 0)
        memcpy(p + len, t->unread + t->unread_pos, left);
    free(t->unread);
    t->unread = p;
    t->unread_pos = 0;
    t->unread_len = len + left;
    return 0;
}
