/* SPDX-License-Identifier: MIT */
/* Tests of client/record/record.c, the outcome recorder of the CLI and
 * httpc-conform, over loopback TCP: a server thread answers each request head
 * with its scripted reply, then closes. The expected bodies are what the
 * Python caller holds (tests/oracle/cpython_adapter.py run on the same bytes
 * with CPython 3.11.7 and 2.7.18): read() gives e.partial alone, read(amt)
 * the pieces and e.partial, any other exception from read() no body. */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "httpc_record.h"

typedef struct server {
    int lfd, port;
    const char *replies[3]; /* the answer to each request head, NULL ends */
    size_t lens[3];         /* their lengths (0: strlen) */
    pthread_t th;
} server;

/* Reads up to the end of one request head (the test's requests have no body). */
static int read_head(int fd)
{
    char c, last[4] = {0};
    while (memcmp(last, "\r\n\r\n", 4)) {
        if (recv(fd, &c, 1, 0) != 1)
            return -1;
        memmove(last, last + 1, 3);
        last[3] = c;
    }
    return 0;
}

static void *serve(void *arg)
{
    server *s = arg;
    char drain[4096];
    int fd = accept(s->lfd, NULL, NULL);
    for (int i = 0; fd >= 0 && i < 3 && s->replies[i] && read_head(fd) == 0; i++) {
        size_t len = s->lens[i] ? s->lens[i] : strlen(s->replies[i]);
        for (size_t off = 0; off < len;) {
            ssize_t k = send(fd, s->replies[i] + off, len - off, MSG_NOSIGNAL);
            if (k <= 0)
                break;
            off += (size_t)k;
        }
    }
    if (fd >= 0) {
        shutdown(fd, SHUT_WR);
        while (recv(fd, drain, sizeof drain, 0) > 0)
            ;
        close(fd);
    }
    return NULL;
}

static void start(server *s)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(s->lfd >= 0);
    cr_assert_eq(bind(s->lfd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(s->lfd, 1), 0);
    getsockname(s->lfd, (struct sockaddr *)&a, &len);
    s->port = ntohs(a.sin_port);
    pthread_create(&s->th, NULL, serve, s);
}

/* One GET under `profile`, its body read `how`, recorded into rec (freed by
 * the caller); `before` > 0 makes that many earlier requests first. */
static void exchange(server *s, const char *profile, httpc_record_how how, size_t amt,
                     size_t before, httpc_record *rec)
{
    httpc_conn_opts co;
    httpc_conn *c = NULL;
    char host[64];
    httpc_record_req q = {"GET", "/", NULL, NULL, 0, 0};

    start(s);
    httpc_conn_opts_init(&co);
    co.profile = httpc_profile_by_name(profile);
    co.timeout_ms = 5000;
    snprintf(host, sizeof host, "127.0.0.1:%d", s->port);
    cr_assert_eq(httpc_record_init(rec, NULL), 0);
    cr_assert_eq(httpc_conn_new(&c, host, -1, &co), 0);
    for (size_t i = 0; i < before; i++)
        if (httpc_record_before(rec, c, &q, i + 1, before + 1) < 0)
            break;
    if (rec->err == 0)
        httpc_record_exchange(rec, c, &q, how, amt);
    httpc_record_finish(rec, c);
    httpc_conn_free(c);
    if (rec->resp)
        httpc_resp_close(rec->resp);
    pthread_join(s->th, NULL);
    close(s->lfd);
}

static void assert_body(const httpc_record *rec, const char *want)
{
    size_t n = strlen(want);
    cr_assert_eq(rec->body_len, n, "body_len %llu, want %zu", (unsigned long long)rec->body_len, n);
    cr_assert(n == 0 || (rec->body && memcmp(rec->body, want, n) == 0), "body '%.*s', want '%s'",
              (int)n, rec->body ? (const char *)rec->body : "", want);
}

#define TORN "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nab"

/* exchange() of one GET answered by TORN. */
static void exchange_torn(const char *profile, httpc_record_how how, size_t amt, httpc_record *rec)
{
    server s = {.replies = {TORN}};
    exchange(&s, profile, how, amt, 0, rec);
}

/* read() of a chunked body cut in its second chunk: CPython 3's e.partial is
 * the pieces before it (b'hello'), httplib 2.7's the torn piece (b'ab'). */
Test(record, read_cuts_to_partial)
{
    httpc_record rec;
    exchange_torn("py3", HTTPC_RECORD_READ, 0, &rec);
    cr_assert_eq(rec.err, HTTPC_E_INCOMPLETE_READ);
    cr_assert_eq(rec.partial, 5);
    cr_assert_eq(rec.expected, -1);
    assert_body(&rec, "hello");
    cr_assert_str_eq(rec.body_sha256,
                     "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    httpc_record_free(&rec);
    exchange_torn("py27", HTTPC_RECORD_READ, 0, &rec);
    cr_assert_eq(rec.partial, 2);
    cr_assert_eq(rec.expected, 1);
    assert_body(&rec, "ab");
    httpc_record_free(&rec);
}

/* read(3) keeps every piece returned, then e.partial: b'hel' b'lo' b'a'... as
 * CPython 3.11 gives them (b'helloa', partial b'' at the torn chunk). */
Test(record, read_amt_keeps_pieces)
{
    httpc_record rec;
    exchange_torn("py3", HTTPC_RECORD_READ_AMT, 3, &rec);
    cr_assert_eq(rec.err, HTTPC_E_INCOMPLETE_READ);
    cr_assert_eq(rec.partial, 0);
    assert_body(&rec, "helloa");
    httpc_record_free(&rec);
    exchange_torn("py3", HTTPC_RECORD_READINTO, 7, &rec);
    assert_body(&rec, "helloab");
    httpc_record_free(&rec);
}

/* LineTooLong from read(): the caller holds no body (3.11 and 2.7 alike). */
Test(record, other_error_drops_body)
{
    static char reply[70100];
    int n = snprintf(reply, sizeof reply,
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    memset(reply + n, '1', 70000);
    memcpy(reply + n + 70000, "\r\n", 3);
    httpc_record rec;
    server s = {.replies = {reply}};
    exchange(&s, "py3", HTTPC_RECORD_READ, 0, 0, &rec);
    cr_assert_eq(rec.err, HTTPC_E_LINE_TOO_LONG);
    cr_assert_eq(rec.partial, -1);
    assert_body(&rec, "");
    cr_assert_str_eq(rec.body_sha256,
                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    httpc_record_free(&rec);
}

/* HTTPC_RECORD_BODY_CAP: a body of exactly the cap is kept, one byte more is
 * not, while its length and digest still cover it all. */
Test(record, body_cap)
{
    size_t head = 60, cap = HTTPC_RECORD_BODY_CAP;
    char *reply = malloc(head + cap + 1);
    for (size_t extra = 0; extra < 2; extra++) {
        int n =
            snprintf(reply, head, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", cap + extra);
        memset(reply + n, 'x', cap + extra);
        httpc_record rec;
        server s = {.replies = {reply}, .lens = {(size_t)n + cap + extra}};
        exchange(&s, "py3", HTTPC_RECORD_READ, 0, 0, &rec);
        cr_assert_eq(rec.err, 0);
        cr_assert_eq(rec.body_len, cap + extra);
        cr_assert_eq(rec.body == NULL, extra == 1);
        unsigned char *kept = httpc_record_take_body(&rec);
        cr_assert_eq(kept == NULL, extra == 1);
        free(kept);
        httpc_record_free(&rec);
    }
    free(reply);
}

/* An earlier request's failure is the outcome ("request 1 of 2: ..."), and
 * the connection is still reported, as CPython's conn.sock after it. */
Test(record, before_failure)
{
    httpc_record rec;
    server s = {.replies = {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel"}};
    exchange(&s, "py3", HTTPC_RECORD_READ, 0, 1, &rec);
    cr_assert_eq(rec.err, HTTPC_E_INCOMPLETE_READ);
    cr_assert(strncmp(rec.detail, "request 1 of 2: ", 16) == 0, "%s", rec.detail);
    cr_assert_eq(rec.resp, NULL);
    cr_assert_neq(rec.conn_kept, -1);
    httpc_record_free(&rec);
}
