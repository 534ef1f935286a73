/* SPDX-License-Identifier: MIT */
/* The debug sink (debug.h): a stream, or a callback fed one line at a time
 * through an in-memory stream, so that the printing code is the same for
 * both and writes each line's bytes exactly once. */
#include "debug.h"

#include <stdarg.h>
#include <stdlib.h>

httpc__debug httpc__debug_of(const httpc_conn_opts *o)
{
    return (httpc__debug){.stream = o->debug_stream, .fn = o->debug, .ctx = o->debug_ctx};
}

FILE *httpc__debug_begin(httpc__dline *l, const httpc__debug *d)
{
    *l = (httpc__dline){.d = d};
    if (d->fn == NULL)
        l->f = d->stream != NULL ? d->stream : stdout;
    else
        l->f = open_memstream(&l->mem, &l->len);
    return l->f;
}

void httpc__debug_end(httpc__dline *l)
{
    if (l->d->fn == NULL)
        return;
    if (fclose(l->f) == 0)
        l->d->fn(l->d->ctx, l->mem, l->len);
    free(l->mem);
}

void httpc__debug_printf(const httpc__debug *d, const char *fmt, ...)
{
    httpc__dline l;
    FILE *f = httpc__debug_begin(&l, d);
    va_list ap;

    if (f == NULL)
        return;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    httpc__debug_end(&l);
}

void httpc__debug_flush(const httpc__debug *d)
{
    if (d->fn == NULL)
        fflush(d->stream != NULL ? d->stream : stdout);
}
