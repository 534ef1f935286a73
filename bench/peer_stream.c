/* SPDX-License-Identifier: MIT */
/* The two callback parsers of the benchmarks, llhttp and http-parser 2.9.4,
 * from one source: their callbacks and fields have the same shape, but their
 * headers declare the same names, so CMake compiles this file once per peer
 * with BENCH_PEER_LLHTTP or BENCH_PEER_HTTP_PARSER defined. Each piece of
 * the message is executed once, as it arrives; the callbacks record the same
 * spans httpc's parsers return. */
#include "micro.h"

#include <stdint.h>

#if defined(BENCH_PEER_LLHTTP)
#include <llhttp.h>
typedef llhttp_t peer_parser;
typedef llhttp_settings_t peer_settings;
#define PEER(name) bench_##name##_llhttp
#define PEER_SETUP bench_llhttp_setup
static void peer_init(peer_parser *p, const peer_settings *s)
{
    llhttp_init(p, HTTP_RESPONSE, s);
}
static int peer_execute(peer_parser *p, const peer_settings *s, const char *at, size_t n)
{
    (void)s;
    return llhttp_execute(p, at, n) == HPE_OK ? 0 : -1;
}
#elif defined(BENCH_PEER_HTTP_PARSER)
#include <http_parser.h>
typedef http_parser peer_parser;
typedef http_parser_settings peer_settings;
#define PEER(name) bench_##name##_http_parser
#define PEER_SETUP bench_http_parser_setup
static void peer_init(peer_parser *p, const peer_settings *s)
{
    (void)s;
    http_parser_init(p, HTTP_RESPONSE);
}
static int peer_execute(peer_parser *p, const peer_settings *s, const char *at, size_t n)
{
    return http_parser_execute(p, s, at, n) == n && HTTP_PARSER_ERRNO(p) == HPE_OK ? 0 : -1;
}
#else
#error "define BENCH_PEER_LLHTTP or BENCH_PEER_HTTP_PARSER"
#endif

static int on_status(peer_parser *p, const char *at, size_t n)
{
    bench_add_reason(p->data, at, n);
    return 0;
}

static int on_field(peer_parser *p, const char *at, size_t n)
{
    bench_add_piece(p->data, 0, at, n);
    return 0;
}

static int on_value(peer_parser *p, const char *at, size_t n)
{
    bench_add_piece(p->data, 1, at, n);
    return 0;
}

static int on_body(peer_parser *p, const char *at, size_t n)
{
    bench_add_body(p->data, at, n);
    return 0;
}

static peer_settings settings;

int PEER(run)(const message *m, size_t piece, result *r)
{
    peer_parser p;
    size_t step = piece ? piece : m->len;
    peer_init(&p, &settings);
    p.data = r;
    for (size_t off = 0; off < m->len; off += step)
        if (peer_execute(&p, &settings, m->buf + off, m->len - off < step ? m->len - off : step) <
            0)
            return -1;
    r->status = p.status_code, r->major = p.http_major, r->minor = p.http_minor;
    r->consumed = m->len;
    return 0;
}

void PEER_SETUP(void)
{
#if defined(BENCH_PEER_LLHTTP)
    llhttp_settings_init(&settings);
#else
    /* The sweep's heads reach 256 KiB; http-parser stops at 80 KiB by default. */
    http_parser_set_max_header_size(UINT32_MAX);
#endif
    settings.on_status = on_status;
    settings.on_header_field = on_field;
    settings.on_header_value = on_value;
    settings.on_body = on_body;
}
