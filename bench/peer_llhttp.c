/* SPDX-License-Identifier: MIT */
/* The llhttp side of the micro-benchmark: callbacks that record the same
 * spans httpc's parsers return. */
#include "micro.h"

#include <llhttp.h>

static int ll_status(llhttp_t *p, const char *at, size_t n)
{
    result *r = p->data;
    if (r->reason.ptr == NULL)
        r->reason = (httpc_span){at, n};
    else
        r->reason.len += n;
    return 0;
}

static int ll_field(llhttp_t *p, const char *at, size_t n)
{
    bench_add_piece(p->data, 0, at, n);
    return 0;
}

static int ll_value(llhttp_t *p, const char *at, size_t n)
{
    bench_add_piece(p->data, 1, at, n);
    return 0;
}

static int ll_body(llhttp_t *p, const char *at, size_t n)
{
    bench_add_body(p->data, at, n);
    return 0;
}

static llhttp_settings_t ll_settings;

int bench_run_llhttp(const message *m, result *r)
{
    llhttp_t p;
    llhttp_init(&p, HTTP_RESPONSE, &ll_settings);
    p.data = r;
    if (llhttp_execute(&p, m->buf, m->len) != HPE_OK)
        return -1;
    r->status = p.status_code, r->major = p.http_major, r->minor = p.http_minor;
    r->consumed = m->len;
    return 0;
}

void bench_llhttp_setup(void)
{
    llhttp_settings_init(&ll_settings);
    ll_settings.on_status = ll_status;
    ll_settings.on_header_field = ll_field;
    ll_settings.on_header_value = ll_value;
    ll_settings.on_body = ll_body;
}
