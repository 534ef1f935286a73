/* SPDX-License-Identifier: MIT */
/* The http-parser 2.9.4 side of the micro-benchmark: callbacks that record
 * the same spans httpc's parsers return. */
#include "micro.h"

#include <http_parser.h>

static int hp_status(http_parser *p, const char *at, size_t n)
{
    result *r = p->data;
    if (r->reason.ptr == NULL)
        r->reason = (httpc_span){at, n};
    else
        r->reason.len += n;
    return 0;
}

static int hp_field(http_parser *p, const char *at, size_t n)
{
    bench_add_piece(p->data, 0, at, n);
    return 0;
}

static int hp_value(http_parser *p, const char *at, size_t n)
{
    bench_add_piece(p->data, 1, at, n);
    return 0;
}

static int hp_body(http_parser *p, const char *at, size_t n)
{
    bench_add_body(p->data, at, n);
    return 0;
}

static http_parser_settings hp_settings;

int bench_run_http_parser(const message *m, result *r)
{
    http_parser p;
    http_parser_init(&p, HTTP_RESPONSE);
    p.data = r;
    size_t n = http_parser_execute(&p, &hp_settings, m->buf, m->len);
    if (n != m->len || HTTP_PARSER_ERRNO(&p) != HPE_OK)
        return -1;
    r->status = p.status_code, r->major = p.http_major, r->minor = p.http_minor;
    r->consumed = n;
    return 0;
}

void bench_http_parser_setup(void)
{
    hp_settings = (http_parser_settings){.on_status = hp_status,
                                         .on_header_field = hp_field,
                                         .on_header_value = hp_value,
                                         .on_body = hp_body};
}
