/* SPDX-License-Identifier: MIT */
/* The header-block parser. CPython 3 reads lines up to the empty one and hands
 * the block to email.feedparser; httplib 2.7 uses HTTPMessage.readheaders; the
 * strict profile follows RFC 9112 section 5. Each is reproduced here over the
 * caller's buffer, with names and values as spans into it. */
#include "internal.h"
#include "scan.h"

#include <stdint.h>
#ifdef HTTPC__SCAN_SSE2_INLINE
#include <immintrin.h>
#endif
#include <string.h>

/* Character classes, one table so the hot loops do one load per byte. */
/* clang-format off */
#define C_NAME 1   /* headerRE name octet: [\041-\071\073-\176] */
#define C_SPACE 2  /* bytes.isspace() / C isspace(): what 2.7's .strip() removes */
#define C_CTL 4    /* CTL but HTAB: invalid in a strict field value */
static const unsigned char cls[256] = {
    [0x00] = C_CTL, [0x01] = C_CTL, [0x02] = C_CTL, [0x03] = C_CTL, [0x04] = C_CTL,
    [0x05] = C_CTL, [0x06] = C_CTL, [0x07] = C_CTL, [0x08] = C_CTL, ['\t'] = C_SPACE,
    ['\n'] = C_SPACE | C_CTL, ['\v'] = C_SPACE | C_CTL, ['\f'] = C_SPACE | C_CTL,
    ['\r'] = C_SPACE | C_CTL, [0x0e] = C_CTL, [0x0f] = C_CTL, [0x10] = C_CTL,
    [0x11] = C_CTL, [0x12] = C_CTL, [0x13] = C_CTL, [0x14] = C_CTL, [0x15] = C_CTL,
    [0x16] = C_CTL, [0x17] = C_CTL, [0x18] = C_CTL, [0x19] = C_CTL, [0x1a] = C_CTL,
    [0x1b] = C_CTL, [0x1c] = C_CTL, [0x1d] = C_CTL, [0x1e] = C_CTL, [0x1f] = C_CTL,
    [' '] = C_SPACE, [0x7f] = C_CTL,
#define N4(c) [c] = C_NAME, [c + 1] = C_NAME, [c + 2] = C_NAME, [c + 3] = C_NAME
#define N16(c) N4(c), N4(c + 4), N4(c + 8), N4(c + 12)
    N16(0x21), N4(0x31), N4(0x35), [0x39] = C_NAME, /* 0x21..0x39 */
    [0x3b] = C_NAME, N4(0x3c), N16(0x40), N16(0x50), N16(0x60), N4(0x70), N4(0x74),
    N4(0x78), [0x7c] = C_NAME, [0x7d] = C_NAME, [0x7e] = C_NAME, /* 0x3b..0x7e */
#undef N16
#undef N4
};
/* clang-format on */

/* httpc_parse_state._flags. */
#define F_STARTED 1   /* a call has run: the quick path is behind */
#define F_PY3_DONE 2  /* py3: a line that is no field has ended the fields */
#define F_PY3_OPEN 16 /* py3: _field is a field line begun, its end not come yet */
#define F_PY27_READ 4 /* py27: a line other than a unixfrom one was read */
#define F_PY27_SEEN 8 /* py27: the last line was a field (continuations attach) */
#define F_PY3_END 32  /* py3: open_search32 found the open line's end, this call */

/* Where the fields go: `h` may be NULL to only count them. A full array is
 * reported only once the block is otherwise read without error, so that the
 * answer is Python's whenever Python fails. */
typedef struct hdr_out {
    httpc_header *h;
    size_t cap;
    size_t n;
} hdr_out;

static void emit(hdr_out *o, const char *name, size_t nlen, const char *val, size_t vlen)
{
    if (o->h != NULL && o->n < o->cap)
        o->h[o->n] = (httpc_header){{name, nlen}, {val, vlen}};
    o->n++;
}

static int too_many(const httpc_profile *p, char *detail, size_t cap)
{
    httpc__detail(detail, cap, "got more than %zu headers", p->max_headers);
    return HTTPC_E_HTTP_EXCEPTION;
}

static int too_long(const httpc_profile *p, char *detail, size_t cap)
{
    httpc__detail(detail, cap, "got more than %zu bytes when reading header line", p->max_line);
    return HTTPC_E_LINE_TOO_LONG;
}

/* ---- CPython 3: _read_headers, then email.feedparser (compat32) --------- */

/* The feedparser's state: the field being built (lastheader / lastvalue in
 * _parse_headers) and whether a non-header line has ended the fields. */
typedef struct py3_state {
    const char *name; /* NULL: no current field (lastheader == '') */
    size_t nlen;
    const char *vstart;
    const char *vend;
    int done;
} py3_state;

/* header_source_parse (compat32): value.lstrip(' \t') + continuations, then
 * .rstrip('\r\n'). Continuation lines directly follow the first line in the
 * buffer, so the value is one span. */
static void py3_flush(py3_state *st, hdr_out *o)
{
    const char *e = st->vend;

    if (st->name == NULL)
        return;
    while (e > st->vstart && (e[-1] == '\r' || e[-1] == '\n'))
        e--;
    emit(o, st->name, st->nlen, st->vstart, (size_t)(e - st->vstart));
    st->name = NULL;
}

/* One feedparser line l[0..eol), the next one starting at `next`.
 * headerRE = ^(From |[\041-\071\073-\176]*:|[\t ]): the first line it does
 * not match (the empty line, or any other) ends the fields, and the rest of
 * the block becomes the body, which http.client ignores. "From " lines and
 * lines with an empty name are dropped and end the current field, so a
 * continuation after them is dropped too (a defect, not an error). */
static void py3_line(py3_state *st, const char *l, const char *eol, const char *next, hdr_out *o)
{
    const char *q = l, *v;

    if (*l == ' ' || *l == '\t') {
        if (st->name != NULL) /* else FirstHeaderLineIsContinuationDefect */
            st->vend = next;
        return;
    }
    while (q < eol && (cls[(unsigned char)*q] & C_NAME))
        q++;
    /* "From" is all name octets, so a "From " line stops the scan at 4. */
    int from = q - l == 4 && q < eol && *q == ' ' && memcmp(l, "From", 4) == 0;
    if (!from && (q == eol || *q != ':')) {
        st->done = 1;
        py3_flush(st, o);
        return;
    }
    py3_flush(st, o);
    if (from || q == l)
        return;
    for (v = q + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
        ;
    *st = (py3_state){l, (size_t)(q - l), v, next, 0};
}

/* Splits one readline() line l[0..n) into feedparser lines: those end at
 * \r\n, \r or \n alike (BufferedSubFile over StringIO(newline='')), and a
 * readline() line holds \n only at its end, so only a \r can split it. */
static void py3_lines(py3_state *st, const char *l, size_t n, hdr_out *o)
{
    const char *end = l + n, *stop = end[-1] == '\n' ? end - 1 : end;

    while (l < end && !st->done) {
        const char *cr = memchr(l, '\r', (size_t)(stop - l));
        const char *next = cr ? cr + 1 + (cr + 1 < end && cr[1] == '\n') : end;
        py3_line(st, l, cr ? cr : stop, next, o);
        l = next;
    }
}

/* The line nearly every server sends, "Name: value" ending in CRLF or LF,
 * read in one pass (name octets by table, the value by the multi-byte
 * scanner) instead of readline() and the feedparser's line split. The
 * feedparser would make the same field of it. Returns the line's length,
 * PY3_NO_END when no CR or LF has come yet (so no LF either: name octets,
 * the colon and blanks are none; *ip and *vp are then where the name ends
 * and the value starts), or 0 for any other line (a continuation, no colon,
 * a bare CR, a line longer than max_line), which the general path then
 * reads; nothing is changed in the last two cases. */
#define PY3_NO_END SIZE_MAX /* py3_fast_line: a field line with no CR or LF yet */

static size_t py3_fast_line(py3_state *st, const char *l, size_t len, size_t max_line, hdr_out *o,
                            size_t *ip, size_t *vp)
{
    size_t i = httpc__scan_name_fast(l, len), v, e, next;

    if (i == 0 || i == len || l[i] != ':')
        return 0;
    for (v = i + 1; v < len && (l[v] == ' ' || l[v] == '\t'); v++)
        ;
    e = v + httpc__scan_crlf_fast(l + v, len - v);
    *ip = i, *vp = v;
    if (e == len)
        return PY3_NO_END;
    if (l[e] == '\r' && (e + 1 == len || l[e + 1] != '\n'))
        return 0;
    next = e + 1 + (l[e] == '\r');
    if (next > max_line)
        return 0;
    py3_flush(st, o);
    /* vend at the CR or LF: py3_flush would strip back to it anyway. */
    *st = (py3_state){l, i, l + v, l + e, 0};
    return next;
}

/* A field line whose end has not come: the field before it is complete (a
 * line that starts with a name octet continues nothing), so it is emitted
 * now, and the line's own field stays open in st (F_PY3_OPEN) with what is
 * known of it: the value's start, and in vend how far it holds no CR. Its
 * end is then searched for in new bytes only, and the line is not read
 * again. */
static ssize_t py3_open(py3_state *st, const char *l, size_t left, size_t i, size_t v, hdr_out *o,
                        httpc_parse_state *ps)
{
    ps->_scanned = left;                     /* no CR or LF in it: so no LF either */
    if (v == left || httpc__scan_level == 0) /* more blanks may come; or see py3_close */
        return HTTPC_E_AGAIN;
    py3_flush(st, o);
    *st = (py3_state){l, i, l + v, l + left, 0};
    ps->_flags |= F_PY3_OPEN;
    return HTTPC_E_AGAIN;
}

/* The open field line l[0..left) (F_PY3_OPEN): l[0.._scanned) holds no LF
 * (still_pending searches new bytes for LF alone, as for any pending line:
 * memchr is the cheapest search there is), and the value up to st->vend no
 * CR, so only the rest is searched for a CR once the LF came. Returns the
 * line's length once its end came (py3_fast_line's answer), 0 while it has
 * not, or PY3_NO_END when it is no common line after all (a bare CR, too
 * long, EOF): the general path then reads it as if the fast path had never
 * seen it, no field open. The 8-byte-word scan level opens no line: there
 * libc's memchr beats its scan too. */
static size_t py3_close(py3_state *st, const char *l, size_t left, int eof, size_t max_line,
                        httpc_parse_state *ps)
{
    size_t lf = ps->_scanned, e;
    const char *cr;

    if (lf == left || l[lf] != '\n') /* still_pending often found it */
        lf += httpc__find_lf(l + lf, left - lf);
    ps->_scanned = lf;
    if (lf == left && !eof && left <= max_line)
        return 0;
    ps->_flags &= ~(unsigned)F_PY3_OPEN;
    cr = lf == left ? NULL : memchr(st->vend, '\r', (size_t)(l + lf - st->vend));
    HTTPC__WORK(lf == left ? 0 : (size_t)(l + lf - st->vend));
    e = cr == NULL ? lf : (size_t)(cr - l);
    if (lf == left || (cr != NULL && e + 1 != lf) || lf + 1 > max_line) {
        st->name = NULL; /* the field before is emitted: the same state */
        return PY3_NO_END;
    }
    st->vend = l + e;
    while (st->vstart < st->vend && (*st->vstart == ' ' || *st->vstart == '\t'))
        st->vstart++; /* opened before its value came */
    ps->_scanned = 0;
    return lf + 1;
}

/* The commonest py3 block, lines that py3_fast_line reads, none followed by
 * a continuation, then CRLF: the fields go straight into h[] with none of the
 * feedparser's state. Returns the block's length, or 0 when anything else
 * comes (an odd line, a continuation, the buffer's end, a limit, h full);
 * then *n_out fields in h[] and *off_out bytes are what the general path
 * would have made of the lines before (each one's field is complete, as no
 * continuation follows it), and it goes on from there. */
static inline ssize_t py3_quick_bytes(const char *buf, size_t len, const httpc_profile *p,
                                      size_t max_fields, httpc_header *h, size_t cap, size_t off,
                                      size_t n, size_t *n_out, size_t *off_out)
{
    /* never more fields than the limit lets in: the general path then
     * reads the line that breaks it, and no line is read twice */
    while (n < cap && n < max_fields) {
        const char *l = buf + off;
        size_t left = len - off, i, v, e;
        if (left >= 2 && l[0] == '\r' && l[1] == '\n') {
            if (n + 1 > max_fields || p->max_line < 2) /* the empty line counts */
                break;
            *n_out = n;
            return (ssize_t)(off + 2);
        }
        i = httpc__scan_name_fast(l, left);
        if (i == 0 || i == left || l[i] != ':')
            break;
        for (v = i + 1; v < left && (l[v] == ' ' || l[v] == '\t'); v++)
            ;
        e = v + httpc__scan_crlf_fast(l + v, left - v);
        if (e + 2 >= left || l[e] != '\r' || l[e + 1] != '\n' || e + 2 > p->max_line ||
            l[e + 2] == ' ' || l[e + 2] == '\t')
            break;
        h[n++] = (httpc_header){{l, i}, {l + v, e - v}};
        off += e + 2;
    }
    *n_out = n;
    *off_out = off;
    return 0;
}

#ifdef HTTPC__SCAN_SSE2_INLINE
/* The index of the first octet of l[i..left) that cannot be in a name, or
 * left (left >= 16, i < left): 16 octets a step, the last step loaded
 * overlapping the one before so that no byte loop is needed. */
static inline size_t quick_name(const char *l, size_t i, size_t left)
{
    unsigned m;

    for (; i + 16 <= left; i += 16)
        if ((m = httpc__not_name_mask16(l + i)) != 0)
            return i + (size_t)__builtin_ctz(m);
    if (i == left)
        return left;
    m = httpc__not_name_mask16(l + left - 16) >> (16 - (left - i));
    return m != 0 ? i + (size_t)__builtin_ctz(m) : left;
}

/* The same for the first CR or LF of l[i..left). */
static inline size_t quick_crlf(const char *l, size_t i, size_t left)
{
    unsigned m;

    for (; i + 16 <= left; i += 16)
        if ((m = httpc__crlf_mask16(l + i)) != 0)
            return i + (size_t)__builtin_ctz(m);
    if (i == left)
        return left;
    m = httpc__crlf_mask16(l + left - 16) >> (16 - (left - i));
    return m != 0 ? i + (size_t)__builtin_ctz(m) : left;
}

/* The first CR or LF of the field line at l[0..left) (left >= 16), or left
 * when none has come: `crlf` has the CRs and LFs of l[0..16), whose load the
 * name's scan made. A name, its colon and the blanks after it hold neither,
 * so this is the value's end, found without waiting for the value's start.
 * Four more blocks are looked at in line, unrolled (most lines end there);
 * a longer line goes on in httpc__scan_crlf_from's wider loops. */
static inline size_t quick_line_end(const char *l, size_t left, unsigned crlf)
{
    if (crlf != 0)
        return (size_t)__builtin_ctz(crlf);
    if (left - 16 >= 64) {
#define BLOCK(k)                                                                                   \
    if ((crlf = httpc__crlf_mask16(l + (k))) != 0)                                                 \
        return (k) + (size_t)__builtin_ctz(crlf);
        BLOCK(16)
        BLOCK(32)
        BLOCK(48)
        BLOCK(64)
#undef BLOCK
        return httpc__scan_crlf_from(l, 80, left);
    }
    return quick_crlf(l, 16, left);
}

/* What quick_field and quick_field32 do once they know the name's end i
 * (l[i] is its colon) and the first CR or LF e of the line l[0..left)
 * (left when none has come). */
__attribute__((always_inline)) static inline size_t quick_field_end(const char *l, size_t left,
                                                                    size_t max_line, size_t i,
                                                                    size_t e, httpc_header *f,
                                                                    httpc_header *open)
{
    size_t v;
    uint16_t crlf;

    /* e + 1 >= left (no room for CRLF) or e + 2 > max_line */
    if (e + 2 > (left < max_line ? left : max_line)) {
        for (v = i + 1; v < left && (l[v] == ' ' || l[v] == '\t'); v++)
            ;
        if (e == left && v < left) /* py3_open's line: its end is still to come */
            *open = (httpc_header){{l, i}, {l + v, 0}};
        return 0;
    }
    /* l[e] is a CR or LF: the blanks stop there at the latest; most lines
     * have one SP and then an octet above it */
    v = i + 1;
    if (HTTPC__LIKELY(l[v] == ' ' && (unsigned char)l[v + 1] > ' '))
        v++;
    else
        for (; l[v] == ' ' || l[v] == '\t'; v++)
            ;
    memcpy(&crlf, l + e, 2);
    if (crlf != ('\r' | '\n' << 8))
        return 0;
    *f = (httpc_header){{l, i}, {l + v, e - v}};
    return e + 2;
}

/* The field line at l[0..left), left > 16, as py3_quick_bytes reads it but
 * for what follows its CRLF: the first 16 octets, loaded once, give the end
 * of the name and, for many lines, of the value or its first part. Returns
 * the line's length and its field in *f, or 0 for any other line (with the
 * name and the value's start in *open when the line's end has not come). */
__attribute__((always_inline)) static inline size_t
quick_field(const char *l, size_t left, size_t max_line, httpc_header *f, httpc_header *open)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)l);
    unsigned not_name = httpc__not_name_bits(x);
    size_t i;

    if (HTTPC__LIKELY(not_name != 0)) {
        i = (size_t)__builtin_ctz(not_name); /* i + 1 < 16 < left */
    } else {
        i = quick_name(l, 16, left);
        if (i + 1 >= left)
            return 0;
    }
    if (i == 0 || l[i] != ':')
        return 0;
    return quick_field_end(l, left, max_line, i, quick_line_end(l, left, httpc__crlf_bits(x)), f,
                           open);
}

/* The lines from buf[off] on, n fields taken before (the last of them at
 * `last`), as py3_quick_bytes reads them, with the scans in line while more
 * than 16 octets are left (the lines of a head but its end, when a body
 * follows it). That a field has no continuation is known when the next line
 * starts: a line starting with a blank, or the buffer's end, takes back the
 * field before it, instead of a test after every line. */
__attribute__((always_inline)) static inline ssize_t
quick_rest(const char *buf, size_t len, const httpc_profile *p, size_t max_fields, httpc_header *h,
           size_t cap, size_t off, size_t n, size_t last, size_t *n_out, size_t *off_out,
           httpc_header *open, int stopped)
{
    size_t k, lim = cap < max_fields ? cap : max_fields;

    /* a CR at a line's start is no name octet: quick_field stops there; at
     * most max_fields fields, as py3_quick_bytes; `stopped`: quick_field32
     * turned down the line at off already */
    while (!stopped && n < lim && len - off > 16 &&
           (k = quick_field(buf + off, len - off, p->max_line, &h[n], open)) > 0) {
        HTTPC__WORK(k);
        last = off;
        off += k;
        n++;
    }
    if (n > 0 && (off == len || buf[off] == ' ' || buf[off] == '\t'))
        n--, off = last;
    if (len - off >= 2 && buf[off] == '\r' && buf[off + 1] == '\n' && n < max_fields &&
        p->max_line >= 2) {
        *n_out = n;
        return (ssize_t)(off + 2);
    }
    if (len - off <= 16) /* the block's last bytes */
        return py3_quick_bytes(buf, len, p, max_fields, h, cap, off, n, n_out, off_out);
    /* Stopped at a line that py3_quick_bytes would stop at too: not read
     * again (a line whose end has not come, the caller opens). */
    *n_out = n, *off_out = off;
    return 0;
}

__attribute__((noinline)) static ssize_t py3_quick_sse2(const char *buf, size_t len,
                                                        const httpc_profile *p, size_t max_fields,
                                                        httpc_header *h, size_t cap, size_t *n_out,
                                                        size_t *off_out, httpc_header *open)
{
    return quick_rest(buf, len, p, max_fields, h, cap, 0, 0, 0, n_out, off_out, open, 0);
}

/* The AVX2 level: 32 octets a block. */
#define AVX2 __attribute__((target("avx2")))

/* The octets the 32-octet tests compare with, as memory operands (built
 * with set1 in the loops, they were built again for every line). */
#define REP32(c)                                                                                   \
    {                                                                                              \
        c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c,  \
            c, c                                                                                   \
    }
static const char v32[5][32]
    __attribute__((aligned(32))) = {REP32('\r'), REP32('\n'), REP32(':'), REP32(0x5f), REP32(-34)};
#undef REP32
#define V32(k) _mm256_load_si256((const __m256i *)(const void *)v32[k])

AVX2 static inline unsigned crlf_bits32(__m256i v)
{
    return (unsigned)_mm256_movemask_epi8(
        _mm256_or_si256(_mm256_cmpeq_epi8(v, V32(0)), _mm256_cmpeq_epi8(v, V32(1))));
}

/* httpc__not_name_bits for 32 octets. */
AVX2 static inline unsigned not_name_bits32(__m256i v)
{
    __m256i in = _mm256_cmpgt_epi8(V32(4), _mm256_add_epi8(v, V32(3)));
    __m256i ok = _mm256_andnot_si256(_mm256_cmpeq_epi8(v, V32(2)), in);
    return ~(unsigned)_mm256_movemask_epi8(ok);
}

AVX2 static inline unsigned crlf_mask32(const char *p)
{
    return crlf_bits32(_mm256_loadu_si256((const __m256i *)(const void *)p));
}

AVX2 static inline size_t crlf_from32(const char *l, size_t i, size_t left)
{
    size_t k = httpc__scan_crlf32(l, i, left);

    HTTPC__WORK((k < left ? k + 1 : left) - i);
    return k;
}
/* The first CR or LF of the field line l[0..left) (left > 32) past its
 * first block, or left: two blocks in line, a longer line in
 * httpc__scan_crlf32, in line too (its call and set-up cost a long line
 * about a tenth more). */
AVX2 static inline size_t line_end32(const char *l, size_t left)
{
    unsigned m;
    size_t i = 32;

    if (left >= 96) {
        if ((m = crlf_mask32(l + 32)) != 0)
            return 32 + (size_t)__builtin_ctz(m);
        if ((m = crlf_mask32(l + 64)) != 0)
            return 64 + (size_t)__builtin_ctz(m);
        return crlf_from32(l, 96, left);
    }
    for (; i + 32 <= left; i += 32)
        if ((m = crlf_mask32(l + i)) != 0)
            return i + (size_t)__builtin_ctz(m);
    if (i == left)
        return left;
    m = crlf_mask32(l + left - 32) >> (32 - (left - i));
    return m != 0 ? i + (size_t)__builtin_ctz(m) : left;
}

/* quick_field for left > 32, the first 32 octets loaded once. */
AVX2 static inline size_t quick_field32(const char *l, size_t left, size_t max_line,
                                        httpc_header *f, httpc_header *open)
{
    __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)l);
    unsigned not_name = not_name_bits32(x), crlf;
    size_t i;

    if (HTTPC__LIKELY(not_name != 0)) {
        i = (size_t)__builtin_ctz(not_name); /* i + 1 < 32 < left */
    } else {
        i = quick_name(l, 32, left);
        if (i + 1 >= left)
            return 0;
    }
    if (i == 0 || l[i] != ':')
        return 0;
    crlf = crlf_bits32(x); /* none before the colon */
    return quick_field_end(l, left, max_line, i,
                           crlf != 0 ? (size_t)__builtin_ctz(crlf) : line_end32(l, left), f, open);
}

/* py3_quick_sse2 with 32-octet blocks while more than 32 octets are left;
 * in line in py3_quick_avx2 and resume_lines32. */
AVX2 __attribute__((always_inline)) static inline ssize_t
quick_lines32(const char *buf, size_t len, const httpc_profile *p, size_t max_fields,
              httpc_header *h, size_t cap, size_t *n_out, size_t *off_out, httpc_header *open)
{
    size_t off = 0, n = 0, last = 0, k, lim = cap < max_fields ? cap : max_fields;
    int stopped = 0;

    while (n < lim && len - off > 32) {
        if ((k = quick_field32(buf + off, len - off, p->max_line, &h[n], open)) == 0) {
            stopped = 1;
            break;
        }
        HTTPC__WORK(k);
        last = off;
        off += k;
        n++;
    }
    return quick_rest(buf, len, p, max_fields, h, cap, off, n, last, n_out, off_out, open, stopped);
}

AVX2 __attribute__((noinline)) static ssize_t
py3_quick_avx2(const char *buf, size_t len, const httpc_profile *p, size_t max_fields,
               httpc_header *h, size_t cap, size_t *n_out, size_t *off_out, httpc_header *open)
{
    return quick_lines32(buf, len, p, max_fields, h, cap, n_out, off_out, open);
}

#undef V32
#undef AVX2
#endif

/* The quick path as the scan level has it; *open (zeroed by the caller) as
 * quick_field says, for the line where it stopped. */
static inline ssize_t py3_quick(const char *buf, size_t len, const httpc_profile *p,
                                size_t max_fields, httpc_header *h, size_t cap, size_t *n_out,
                                size_t *off_out, httpc_header *open)
{
#ifdef HTTPC__SCAN_SSE2_INLINE
    /* up to 32 octets py3_quick_avx2 takes only quick_rest's 16-octet
     * steps: py3_quick_sse2's, in a frame without the AVX2 one's 32-octet
     * alignment */
    if (httpc__scan_level == 2 && len > 32)
        return py3_quick_avx2(buf, len, p, max_fields, h, cap, n_out, off_out, open);
    if (httpc__scan_level != 0)
        return py3_quick_sse2(buf, len, p, max_fields, h, cap, n_out, off_out, open);
#endif
    (void)open;
    return py3_quick_bytes(buf, len, p, max_fields, h, cap, 0, 0, n_out, off_out);
}

/* A call that resumes at a line's start with more lines in the buffer (the
 * block arrives in pieces): the quick path takes the common lines, as for
 * a block's first call, with the limits left to it. A line that is no
 * continuation ends the field before it, which is emitted first. Returns
 * the block's length when its end came, else 0 with ps past the lines it
 * took (none, when the next line is any other). */
static size_t py3_resume_quick(const char *buf, size_t len, const httpc_profile *p, hdr_out *o,
                               httpc_parse_state *ps, py3_state *st)
{
    size_t off = ps->_off, n = 0, k = 0;
    httpc_header open = {{NULL, 0}, {NULL, 0}};
    ssize_t q;

    if (st->done || o->h == NULL || p->general_path_only || httpc__scan_level == 0 ||
        len - off < 2 || buf[off] == ' ' || buf[off] == '\t')
        return 0;
    py3_flush(st, o);
    if (o->n >= o->cap || ps->_lines >= p->max_headers)
        return 0;
    q = py3_quick(buf + off, len - off, p, p->max_headers - ps->_lines, o->h + o->n, o->cap - o->n,
                  &n, &k, &open);
    o->n += n;
    ps->_lines += n;
    if (q > 0) {
        ps->_lines++; /* the empty line */
        return ps->_off = off + (size_t)q;
    }
    ps->_off = off += k;
    if (open.name.ptr == buf + off && len - off <= p->max_line) { /* else LineTooLong */
        *st = (py3_state){open.name.ptr, open.name.len, open.value.ptr, buf + len, 0};
        ps->_flags |= F_PY3_OPEN;
        ps->_scanned = len - off;
    }
    return 0;
}

/* _read_headers() appends every line it reads, the empty one (or b'' at EOF)
 * included, and raises once the list is longer than _MAXHEADERS: so at most
 * max_headers - 1 fields fit (observed with CPython 3.11.7). The lines are
 * then parsed by the feedparser, done here on the fly, from where the last
 * call stopped (ps): a line is read once however the block arrives. At a
 * line's start the common lines are read in one pass; a line that took
 * several calls to arrive goes the general way. */
static ssize_t py3_run(const char *buf, size_t len, int eof, const httpc_profile *p, hdr_out *o,
                       httpc_parse_state *ps, py3_state *st, char *detail, size_t cap)
{
    size_t n, tried = SIZE_MAX;

    for (;;) {
        size_t off = ps->_off;
        if (ps->_flags & F_PY3_OPEN) {
            n = py3_close(st, buf + off, len - off, eof, p->max_line, ps);
            if (n == 0)
                return HTTPC_E_AGAIN;
            if (n != PY3_NO_END) {
                if (++ps->_lines > p->max_headers)
                    return too_many(p, detail, cap);
                ps->_off += n;
                continue;
            }
        }
        if (ps->_scanned == 0 && off != tried) {
            if ((n = py3_resume_quick(buf, len, p, o, ps, st)) > 0)
                return (ssize_t)n;
            if ((ps->_flags & F_PY3_OPEN) && !eof)
                return HTTPC_E_AGAIN; /* the open line was searched to the end */
            if (ps->_off != off || (ps->_flags & F_PY3_OPEN))
                continue;
            tried = off; /* the quick path takes no line here */
        }
        if (ps->_scanned == 0) {
            if (len - off >= 2 && buf[off] == '\r' && buf[off + 1] == '\n' && p->max_line >= 2) {
                if (++ps->_lines > p->max_headers) /* the empty line ends the block */
                    return too_many(p, detail, cap);
                py3_flush(st, o);
                return (ssize_t)(ps->_off = off + 2);
            }
            size_t i, v;
            n = st->done ? 0 : py3_fast_line(st, buf + off, len - off, p->max_line, o, &i, &v);
            if (n == PY3_NO_END && !eof && len - off <= p->max_line)
                return py3_open(st, buf + off, len - off, i, v, o, ps);
            if (n > 0 && n != PY3_NO_END) { /* else the general path reads it */
                if (++ps->_lines > p->max_headers)
                    return too_many(p, detail, cap);
                ps->_off += n;
                continue;
            }
        }
        int rc = httpc__next_line(buf + off, len - off, eof, p->max_line, &ps->_scanned, &n);
        if (rc == HTTPC_E_LINE_TOO_LONG)
            return too_long(p, detail, cap);
        if (rc < 0)
            return rc;
        if (++ps->_lines > p->max_headers)
            return too_many(p, detail, cap);
        const char *l = buf + off;
        ps->_off += n;
        HTTPC__WORK(n);
        if (n == 0 || httpc__is_eol(l, n)) {
            py3_flush(st, o);
            return (ssize_t)ps->_off;
        }
        if (!st->done)
            py3_lines(st, l, n, o);
    }
}

/* The feedparser's state lives in ps between calls. */
static ssize_t py3_headers(const char *buf, size_t len, int eof, const httpc_profile *p, hdr_out *o,
                           httpc_parse_state *ps, char *detail, size_t cap)
{
    const httpc_header *f = &ps->_field;
    py3_state st = {NULL, 0, NULL, NULL, (ps->_flags & F_PY3_DONE) != 0};
    ssize_t rc;

    if (f->name.ptr != NULL)
        st = (py3_state){f->name.ptr, f->name.len, f->value.ptr, f->value.ptr + f->value.len,
                         st.done};
    rc = py3_run(buf, len, eof, p, o, ps, &st, detail, cap);

    if (st.name == NULL)
        ps->_field = (httpc_header){{NULL, 0}, {NULL, 0}};
    else
        ps->_field = (httpc_header){{st.name, st.nlen}, {st.vstart, (size_t)(st.vend - st.vstart)}};
    if (st.done)
        ps->_flags |= F_PY3_DONE;
    return rc;
}

/* ---- httplib 2.7: HTTPMessage.readheaders ------------------------------- */

/* str.strip() in Python 2: C isspace() in the C locale. */
static httpc_span strip_bytes(const char *p, size_t n)
{
    while (n > 0 && (cls[(unsigned char)p[0]] & C_SPACE))
        p++, n--;
    while (n > 0 && (cls[(unsigned char)p[n - 1]] & C_SPACE))
        n--;
    return (httpc_span){p, n};
}

/* Lines are read with readline(), so only \n ends one. A name is whatever
 * precedes the first ':' (rfc822 isheader), blanks and all; a line without a
 * colon is skipped, and one with an empty name too, but both end the current
 * field, so a following indented line is read as a header line. Continuation
 * lines become entries with a NULL name: 2.7 appends them to the previous
 * value as "\n " + line.strip() (addcontinue). Header and continuation lines
 * count towards _MAXHEADERS, checked before each read, so the 101st such line
 * raises at once. */
static ssize_t py27_headers(const char *buf, size_t len, int eof, const httpc_profile *p,
                            hdr_out *o, httpc_parse_state *ps, char *detail, size_t cap)
{
    size_t n;

    for (;;) {
        int rc =
            httpc__next_line(buf + ps->_off, len - ps->_off, eof, p->max_line, &ps->_scanned, &n);
        if (rc == HTTPC_E_LINE_TOO_LONG)
            return too_long(p, detail, cap);
        if (rc < 0)
            return rc;
        const char *l = buf + ps->_off, *name = NULL, *colon;
        httpc_span v;
        ps->_off += n;
        HTTPC__WORK(n);
        if (n == 0)
            return (ssize_t)ps->_off; /* 'EOF in headers' */
        if (!(ps->_flags & F_PY27_READ) && n >= 5 && memcmp(l, "From ", 5) == 0)
            continue; /* unixfrom */
        ps->_flags |= F_PY27_READ;
        if ((ps->_flags & F_PY27_SEEN) && (l[0] == ' ' || l[0] == '\t')) {
            v = strip_bytes(l, n);
        } else if (httpc__is_eol(l, n)) {
            return (ssize_t)ps->_off;
        } else {
            colon = memchr(l, ':', n);
            ps->_flags &= ~(unsigned)F_PY27_SEEN;
            if (colon == NULL || colon == l)
                continue;
            ps->_flags |= F_PY27_SEEN;
            name = l;
            v = strip_bytes(colon + 1, (size_t)(l + n - colon - 1));
        }
        if (++ps->_lines > p->max_headers)
            return too_many(p, detail, cap);
        emit(o, name, name ? (size_t)(colon - l) : 0, v.ptr, v.len);
    }
}

/* ---- strict: RFC 9112 section 5 ----------------------------------------- */

static int invalid(const char *why, const char *l, size_t n, char *detail, size_t cap)
{
    char line[96];

    httpc__py_repr(line, sizeof line, l, n, 1);
    httpc__detail(detail, cap, "%s: %s", why, line);
    return HTTPC_E_INVALID_HEADER;
}

static const char *ctl_problem(unsigned char c)
{
    if (c == 0)
        return "NUL in field value";
    if (c == '\r')
        return "bare CR in field value";
    return "control character in field value";
}

/* The index of the first octet of s[0..n) that may be a CTL (a tab counts),
 * found word by word: field values are the bulk of a header block. */
static size_t first_ctl(const char *s, size_t n)
{
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (HTTPC__HAS_LESS(x, 0x20) | HTTPC__HAS_LESS(x ^ (HTTPC__ONES * 0x7f), 1))
            break;
    }
    return i;
}

/* field-value = *( VCHAR / obs-text / SP / HTAB ): CR, LF and NUL are
 * rejected (RFC 9110 section 5.5), and so are the other CTLs. l[k..ve) is the
 * value's part of the line l[0..n). */
static int check_value(const char *l, size_t k, size_t ve, size_t n, char *detail, size_t cap)
{
    for (k += first_ctl(l + k, ve - k); k < ve; k++)
        if (cls[(unsigned char)l[k]] & C_CTL)
            return invalid(ctl_problem((unsigned char)l[k]), l, n, detail, cap);
    return 0;
}

/* l[vs..ve) without the OWS at either end (RFC 9110 section 5.5). */
static httpc_span trim_ows(const char *l, size_t vs, size_t ve)
{
    while (vs < ve && (l[vs] == ' ' || l[vs] == '\t'))
        vs++;
    while (ve > vs && (l[ve - 1] == ' ' || l[ve - 1] == '\t'))
        ve--;
    return (httpc_span){l + vs, ve - vs};
}

/* field-line = field-name ":" OWS field-value OWS (section 5), field-name a
 * token with no whitespace before the colon (5.1), the value as check_value
 * says. l[0..n) ends with CRLF and does not start with SP or HTAB. The field
 * goes to *f, for strict_headers to emit once no fold follows. */
static int strict_field(const char *l, size_t n, httpc_header *f, char *detail, size_t cap)
{
    size_t i = 0, ve = n - 2;
    int rc;

    while (i < ve && httpc__tchar[(unsigned char)l[i]])
        i++;
    if (i < ve && (l[i] == ' ' || l[i] == '\t'))
        return invalid("whitespace before colon", l, n, detail, cap);
    if (i == 0 || i == ve || l[i] != ':')
        return invalid("invalid field name", l, n, detail, cap);
    if ((rc = check_value(l, i + 1, ve, n, detail, cap)) < 0)
        return rc;
    *f = (httpc_header){{l, i}, trim_ows(l, i + 1, ve)};
    return 0;
}

int httpc__strict_fold(const char *l, size_t n, httpc_span *piece, char *detail, size_t cap)
{
    int rc;

    if (n < 2 || l[n - 2] != '\r' || l[n - 1] != '\n')
        return invalid("bare LF line ending", l, n, detail, cap);
    if ((rc = check_value(l, 0, n - 2, n, detail, cap)) < 0)
        return rc;
    *piece = trim_ows(l, 0, n - 2);
    return 0;
}

/* A line that starts with SP or HTAB after a field is obs-fold (RFC 9112
 * section 5.2), which a user agent unfolds rather than refuses. Folded lines
 * follow their field in the buffer, so the field's value stays one span,
 * from its first to its last non-blank octet, folds included: each run of
 * whitespace holding a CRLF in it stands for one SP (httpc_resp_* give the
 * value with that done, in a copy the parser may not make). */
static int strict_fold(const char *l, size_t n, httpc_header *f, char *detail, size_t cap)
{
    httpc_span piece;
    int rc = httpc__strict_fold(l, n, &piece, detail, cap);

    if (rc < 0 || piece.len == 0)
        return rc;
    if (f->value.len == 0)
        f->value = piece;
    else
        f->value.len = (size_t)(piece.ptr + piece.len - f->value.ptr);
    return 0;
}

/* Every line ends with CRLF (no bare LF, 2.2); EOF before the empty line is a
 * truncated message, not the end of the block; at most max_headers lines
 * (fields and folded lines alike). A line starting with whitespace before the
 * first field is what section 2.2 lets a recipient reject as invalid. */
static ssize_t strict_headers(const char *buf, size_t len, int eof, const httpc_profile *p,
                              hdr_out *o, httpc_parse_state *ps, char *detail, size_t cap)
{
    httpc_header *f = &ps->_field; /* the field being read: name.ptr NULL for none */
    size_t n;

    for (;;) {
        int rc =
            httpc__next_line(buf + ps->_off, len - ps->_off, eof, p->max_line, &ps->_scanned, &n);
        if (rc == HTTPC_E_LINE_TOO_LONG)
            return too_long(p, detail, cap);
        if (rc < 0)
            return rc;
        const char *l = buf + ps->_off;
        ps->_off += n;
        HTTPC__WORK(n);
        if (n == 0 || l[n - 1] != '\n') {
            httpc__detail(detail, cap, "connection closed inside the header section");
            return HTTPC_E_INVALID_FRAMING;
        }
        if (n < 2 || l[n - 2] != '\r')
            return invalid("bare LF line ending", l, n, detail, cap);
        int fold = l[0] == ' ' || l[0] == '\t';
        if (f->name.ptr != NULL && !fold)
            emit(o, f->name.ptr, f->name.len, f->value.ptr, f->value.len);
        if (n == 2)
            return (ssize_t)ps->_off;
        if (ps->_lines++ >= p->max_headers)
            return too_many(p, detail, cap);
        if (fold && f->name.ptr == NULL)
            return invalid("whitespace before the first field", l, n, detail, cap);
        rc = fold ? strict_fold(l, n, f, detail, cap) : strict_field(l, n, f, detail, cap);
        if (rc < 0)
            return rc;
    }
}

static ssize_t parse_block(const char *buf, size_t len, int eof, const httpc_profile *p, hdr_out *o,
                           httpc_parse_state *ps, char *detail, size_t cap)
{
    switch (p->header_mode) {
    case HTTPC_HEADERS_PY27:
        return py27_headers(buf, len, eof, p, o, ps, detail, cap);
    case HTTPC_HEADERS_STRICT:
        return strict_headers(buf, len, eof, p, o, ps, detail, cap);
    case HTTPC_HEADERS_PY3:
    default:
        return py3_headers(buf, len, eof, p, o, ps, detail, cap);
    }
}

/* The buffer moved since the last call (the caller grew or compacted it):
 * the spans found so far move with it. */
static void follow(httpc_parse_state *st, const char *buf, httpc_header *h, size_t cap)
{
    size_t n = st->_fields < cap ? st->_fields : cap;

#define MOVED(q) ((q) == NULL ? NULL : buf + ((uintptr_t)(q)-st->_base))
    for (size_t i = 0; h != NULL && i < n; i++) {
        h[i].name.ptr = MOVED(h[i].name.ptr);
        h[i].value.ptr = MOVED(h[i].value.ptr);
    }
    st->_field.name.ptr = MOVED(st->_field.name.ptr);
    st->_field.value.ptr = MOVED(st->_field.value.ptr);
#undef MOVED
    st->_base = (uintptr_t)buf;
}

/* A call that brought no LF into the pending line: nonzero (AGAIN), found by
 * looking at the new bytes only (the commonest call when bytes trickle in);
 * else 0 to parse, the bytes before the LF counted as searched. */
static int still_pending(const char *buf, size_t len, const httpc_profile *p, httpc_parse_state *st)
{
    size_t from = st->_off + st->_scanned, k;

    if (st->_scanned == 0 || len < from || len - st->_off > p->max_line)
        return 0;
    /* many new bytes of an open line: resume_lines (or py3_close) searches
     * them, for CR and LF in one pass */
    if (len - from > 16 && (st->_flags & F_PY3_OPEN) && len - from > 64)
        return 0; /* (the test find_lf makes first, so one piece costs none) */
    k = httpc__find_lf(buf + from, len - from);
    st->_scanned += k;
    return k == len - from;
}

/* ---- py3: a call that resumes inside an open field line ------------------ */

/* A call that resumes inside an open field line (F_PY3_OPEN) when the
 * quick path may read the lines: the open line holds no CR or LF up to the
 * end of its value's span, so the bytes from there are searched for either
 * in one pass (still_pending may have looked at up to 64 of them for an LF
 * alone), the line's end is checked as py3_close does, and the lines after
 * it go straight to the quick path, without the general path's set-up.
 * resume_lines does it at the SSE2 level; at the AVX2 level open_search32
 * searches the open line and resume_lines32 reads the lines after it in
 * one loop. Both return the block's length, HTTPC_E_AGAIN, or 0 to go on in
 * the general path: the state then holds a consistent open line (what was
 * searched for CR and LF is not searched again), or is past the lines
 * taken, at the start of the line the general path reads next. */

/* No field line open any more: the state the general path starts a line
 * in (what of it holds no LF is the caller's to say in _scanned). */
static inline void close_open(httpc_parse_state *st)
{
    st->_flags &= ~(unsigned)F_PY3_OPEN;
    st->_field = (httpc_header){{NULL, 0}, {NULL, 0}};
}

/* The block ended at `end`, its empty line counted: the fields found so far
 * are the answer. */
static inline ssize_t block_done(httpc_parse_state *st, size_t *num_headers, size_t end)
{
    close_open(st);
    *num_headers = st->_fields;
    return (ssize_t)(st->_off = end);
}

/* Where the open line is searched from, as an index into it: the end of
 * its value's span (no CR or LF before it; still_pending may have searched
 * further for an LF alone, when a few bytes came), after the spans follow
 * a moved buffer. SIZE_MAX when the buffer is shorter than the state. */
static inline size_t resume_from(const char *buf, size_t len, httpc_header *h, size_t cap,
                                 httpc_parse_state *st)
{
    if ((uintptr_t)buf != st->_base)
        follow(st, buf, h, cap);
    if (len < st->_off + st->_scanned)
        return SIZE_MAX;
    return (size_t)(st->_field.value.ptr + st->_field.value.len - (buf + st->_off));
}

/* The first CR or LF from the open line's searched part on is at e: the
 * search is recorded, the state stays one py3_close reads. Returns 1 with
 * *next past the line when its field is complete and a line that continues
 * nothing follows, HTTPC_E_AGAIN, or 0 for the general path. */
static inline int open_line_end(const char *buf, size_t len, const httpc_profile *p,
                                httpc_parse_state *st, size_t e, size_t cap, size_t *next,
                                size_t *num_headers)
{
    size_t off = st->_off, n;

    st->_scanned = e - off;
    while (st->_field.value.ptr < buf + e &&
           (*st->_field.value.ptr == ' ' || *st->_field.value.ptr == '\t'))
        st->_field.value.ptr++; /* opened before its value came */
    st->_field.value.len = (size_t)(buf + e - st->_field.value.ptr);
    if (e == len || (buf[e] == '\r' && e + 1 == len)) { /* a CR last: its LF may come */
        if (len - off > p->max_line)
            return 0;
        *num_headers = 0;
        return HTTPC_E_AGAIN;
    }
    if (buf[e] == '\r' && buf[e + 1] != '\n') {
        /* a bare CR ends a feedparser line: the general path reads the line
         * from its start, no field open (py3_close's PY3_NO_END), and no
         * later call searches its bytes again */
        close_open(st);
        st->_scanned = e + 1 - off;
        return 0;
    }
    n = e + 1 + (buf[e] == '\r');
    if (n - off > p->max_line || st->_lines >= p->max_headers)
        return 0;
    if (n == len) {       /* a continuation may follow: the line stays open, its end */
        *num_headers = 0; /* looked at again (one or two octets) with the next one */
        return HTTPC_E_AGAIN;
    }
    if (buf[n] == ' ' || buf[n] == '\t' || st->_fields >= cap)
        return 0;
    *next = n;
    return 1;
}

/* After the quick path from `off` on: q, n, k and open as py3_quick gives
 * them, the line at off + k opened when its end has not come. */
static inline ssize_t resume_done(const char *buf, size_t len, httpc_parse_state *st,
                                  size_t *num_headers, size_t off, ssize_t q, size_t n, size_t k,
                                  const httpc_header *open)
{
    st->_fields += n;
    st->_lines += n;
    if (q > 0) {
        st->_lines++; /* the empty line */
        return block_done(st, num_headers, off + (size_t)q);
    }
    st->_off = off += k;
    if (open->name.ptr == buf + off) {
        st->_field =
            (httpc_header){open->name, {open->value.ptr, (size_t)(buf + len - open->value.ptr)}};
        st->_scanned = len - off;
        *num_headers = 0;
        return HTTPC_E_AGAIN;
    }
    close_open(st);
    st->_scanned = 0;
    return 0;
}

static inline ssize_t resume_lines(const char *buf, size_t len, const httpc_profile *p,
                                   httpc_header *h, size_t *num_headers, httpc_parse_state *st)
{
    size_t off = st->_off, cap = *num_headers, next = 0, n = 0, k = 0;
    size_t from = resume_from(buf, len, h, cap, st);
    httpc_header open = {{NULL, 0}, {NULL, 0}};
    int rc;
    ssize_t q;

    if (from == SIZE_MAX)
        return 0;
    rc = open_line_end(buf, len, p, st, off + httpc__scan_crlf_from(buf + off, from, len - off),
                       cap, &next, num_headers);
    if (rc != 1)
        return rc;
    h[st->_fields++] = st->_field; /* its value ends at the CR or LF */
    st->_lines++;
    q = py3_quick(buf + next, len - next, p, p->max_headers - st->_lines, h + st->_fields,
                  cap - st->_fields, &n, &k, &open);
    return resume_done(buf, len, st, num_headers, next, q, n, k, &open);
}

#ifdef HTTPC__SCAN_SSE2_INLINE
#define AVX2 __attribute__((target("avx2")))

/* resume_lines32 leaves the block to the general path at the start of the
 * line l, no field open: the line is read from its start again (the rare
 * line: a bare CR, an LF alone, a continuation after it, a limit), its
 * first `scanned` octets known to hold no LF, so that the general path
 * reads it as one more line (readline from there), not again with the
 * quick path and py3_fast_line first. */
static inline ssize_t resume_stop(httpc_parse_state *st, const char *buf, const char *l, size_t n,
                                  size_t lines, size_t scanned)
{
    st->_off = (size_t)(l - buf);
    st->_fields = n;
    st->_lines = lines;
    st->_scanned = scanned;
    close_open(st);
    return 0;
}

/* The line l[0..left) whose end has not come, or came last in the buffer
 * (a continuation may follow it): its field stays open, name l[0..i), value
 * from l[v], searched for CR and LF up to l[e]. v == e when no octet of the
 * value has come: blanks that come next are skipped when it closes. */
static inline ssize_t resume_open(httpc_parse_state *st, const char *buf, const char *l, size_t i,
                                  size_t v, size_t e, size_t n, size_t lines, size_t *num_headers)
{
    st->_off = (size_t)(l - buf);
    st->_scanned = e;
    st->_fields = n;
    st->_lines = lines;
    st->_field = (httpc_header){{l, i}, {l + v, e - v}};
    st->_flags |= F_PY3_OPEN;
    *num_headers = 0;
    return HTTPC_E_AGAIN;
}

/* The field line l[0..left) once its first CR or LF e is known (left when
 * none has come) and e + 2 >= left: opened when its end has not come or
 * is the buffer's last octets (and left to the general path open, which
 * raises LineTooLong, when it is longer than max_line), else left to the
 * general path from its start. */
static inline ssize_t resume_near_end(httpc_parse_state *st, const char *buf, const char *l,
                                      size_t left, size_t max_line, size_t i, size_t v, size_t e,
                                      size_t n, size_t lines, size_t *num_headers)
{
    if (e + 1 >= left || (l[e] == '\r' && l[e + 1] == '\n')) { /* e + 2 == left */
        ssize_t r = resume_open(st, buf, l, i, v, e, n, lines, num_headers);
        return left <= max_line ? r : 0;
    }
    return resume_stop(st, buf, l, n, lines, e); /* no LF before its first CR or LF */
}

/* The lines from l on, fewer than 33 octets, as quick_rest reads a
 * block's last bytes, n fields taken before them. */
__attribute__((noinline)) static ssize_t resume_tail(httpc_parse_state *st, const char *buf,
                                                     size_t len, const char *l,
                                                     const httpc_profile *p, httpc_header *h,
                                                     size_t *num_headers, size_t n, size_t lines)
{
    size_t k = 0, got = 0, off = (size_t)(l - buf);
    httpc_header open = {{NULL, 0}, {NULL, 0}};
    ssize_t q = quick_rest(l, len - off, p, p->max_headers - lines, h + n, *num_headers - n, 0, 0,
                           0, &got, &k, &open, 0);

    st->_fields = n, st->_lines = lines;
    return resume_done(buf, len, st, num_headers, off, q, got, k, &open);
}

/* The lines from the open field line on, its first CR or LF found (at the
 * end of its value's span), in one loop: each line after it read as
 * quick_field32 reads one, its field stored once the next line shows it
 * continues nothing, until one whose end has not come is opened. Returns
 * what resume_lines does. */
AVX2 __attribute__((always_inline)) static inline ssize_t
resume_lines32(const char *buf, size_t len, const httpc_profile *p, httpc_header *h,
               size_t *num_headers, httpc_parse_state *st)
{
    size_t n = st->_fields, lines = st->_lines, max_line = p->max_line, left, room, i, v, e, k;
    const char *l;
    unsigned m;

    if (n >= *num_headers || lines >= p->max_headers)
        return 0; /* the state as it is: the general path's */
    room = *num_headers - n < p->max_headers - lines ? *num_headers - n : p->max_headers - lines;
    l = buf + st->_off, left = len - st->_off;
    i = st->_field.name.len;
    v = (size_t)(st->_field.value.ptr - l);
    e = v + st->_field.value.len; /* the line's first CR or LF: open_search32 found it */
    while (v < e && (l[v] == ' ' || l[v] == '\t')) /* opened before its value came */
        v++;
    for (;;) {
        if (HTTPC__UNLIKELY(e + 2 >= left))
            return resume_near_end(st, buf, l, left, max_line, i, v, e, n, lines, num_headers);
        k = e + 2;
        if (HTTPC__UNLIKELY(k > max_line || l[e] != '\r' || l[e + 1] != '\n' || l[k] == ' ' ||
                            l[k] == '\t'))
            return resume_stop(st, buf, l, n, lines, e);
        h[n++] = (httpc_header){{l, i}, {l + v, e - v}};
        lines++;
        l += k, left -= k;
        if (HTTPC__UNLIKELY(--room == 0))
            return resume_stop(st, buf, l, n, lines, 0);
        if (HTTPC__UNLIKELY(left <= 32))
            return resume_tail(st, buf, len, l, p, h, num_headers, n, lines);
        __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)l);
        if (HTTPC__LIKELY((m = not_name_bits32(x)) != 0)) {
            i = (size_t)__builtin_ctz(m);
        } else if ((i = quick_name(l, 32, left)) + 1 >= left) {
            return resume_stop(st, buf, l, n, lines, i); /* name octets: no LF */
        }
        if (HTTPC__UNLIKELY(i == 0 || l[i] != ':')) {
            if (l[0] == '\r' && l[1] == '\n' && lines < p->max_headers && max_line >= 2) {
                st->_fields = n, st->_lines = lines + 1; /* the empty line */
                return block_done(st, num_headers, (size_t)(l + 2 - buf));
            }
            return resume_stop(st, buf, l, n, lines, 0);
        }
        m = crlf_bits32(x); /* none before the colon */
        e = m != 0 ? (size_t)__builtin_ctz(m) : httpc__scan_crlf32(l, 32, left);
        HTTPC__WORK(e < left ? e + 1 : left);
        v = i + 1;
        if (HTTPC__LIKELY(e > v + 1 && l[v] == ' ' && (unsigned char)l[v + 1] > ' '))
            v++;
        else
            while (v < e && (l[v] == ' ' || l[v] == '\t'))
                v++;
    }
}
#undef AVX2
#endif

/* py3_quick for a block's first call. A block of at most 32 octets (a
 * line or two, the head of a small reply) is read in line with quick_rest's
 * 16-octet steps, all that py3_quick_sse2 or py3_quick_avx2 would do with
 * it: their call, nine arguments and frame cost such a block about as much
 * as its lines (in line in start_block: out of line, it is one more). */
__attribute__((always_inline)) static inline ssize_t
start_quick(const char *buf, size_t len, const httpc_profile *p, httpc_header *h, size_t cap,
            size_t *n_out, size_t *off_out, httpc_header *open)
{
#ifdef HTTPC__SCAN_SSE2_INLINE
    if (len <= 32 && httpc__scan_level != 0)
        return quick_rest(buf, len, p, p->max_headers, h, cap, 0, 0, 0, n_out, off_out, open, 0);
#endif
    return py3_quick(buf, len, p, p->max_headers, h, cap, n_out, off_out, open);
}

/* Whether the py3 quick paths may read the block into the caller's array:
 * a call without one (counting fields), another profile's reading, and a
 * profile that asks for the general path alone go to the general path. */
static inline int quick_allowed(const httpc_profile *p, const httpc_header *h,
                                const size_t *num_headers)
{
    return h != NULL && num_headers != NULL && p->header_mode == HTTPC_HEADERS_PY3 &&
           !p->general_path_only;
}

/* The first call of a block: the quick path, and where it stopped (the
 * state is written only then, so that the common call stays short). Always
 * in line: the quick path's lines would have gcc keep it out of line, a
 * frame and a call more for every head. */
__attribute__((always_inline)) static inline ssize_t
start_block(const char *buf, size_t len, const httpc_profile *p, httpc_header *h,
            size_t *num_headers, httpc_parse_state *st)
{
    size_t n = 0, off = 0;
    httpc_header open; /* written whole when its name is */
    ssize_t q;

    open.name.ptr = NULL;
    if (quick_allowed(p, h, num_headers)) {
        if ((q = start_quick(buf, len, p, h, *num_headers, &n, &off, &open)) > 0) {
            *num_headers = n;
            return q;
        }
    }
    *st = (httpc_parse_state){
        ._off = off, ._lines = n, ._fields = n, ._base = (uintptr_t)buf, ._flags = F_STARTED};
    if (open.name.ptr == buf + off) { /* py3_open's state, without a second look */
        open.value.len = (size_t)(buf + len - open.value.ptr);
        *st = (httpc_parse_state){._off = off,
                                  ._scanned = len - off,
                                  ._lines = n,
                                  ._fields = n,
                                  ._field = open,
                                  ._base = (uintptr_t)buf,
                                  ._flags = F_STARTED | F_PY3_OPEN};
    }
    return 0;
}

/* Every call that has lines to parse: out of line, so that the calls that
 * only look at new bytes stay short. */
__attribute__((noinline)) static ssize_t parse_more(const char *buf, size_t len, int eof,
                                                    const httpc_profile *p, httpc_header *headers,
                                                    size_t *num_headers, httpc_parse_state *st,
                                                    char *detail, size_t detail_cap)
{
    size_t none = 0;
    hdr_out o;
    ssize_t end;

    if (num_headers == NULL)
        num_headers = &none, headers = NULL;
    if (!(st->_flags & F_STARTED)) {
        if ((end = start_block(buf, len, p, headers, num_headers, st)) > 0)
            return end;
    } else if ((uintptr_t)buf != st->_base) {
        follow(st, buf, headers, *num_headers);
    }
    o = (hdr_out){headers, *num_headers, st->_fields};
    *num_headers = 0;
    end = parse_block(buf, len, eof, p, &o, st, detail, detail_cap);
    st->_fields = o.n;
    if (end < 0)
        return end;
    if (headers != NULL && o.n > o.cap) {
        httpc__detail(detail, detail_cap, "%zu header fields do not fit an array of %zu", o.n,
                      o.cap);
        return HTTPC_E_NO_ROOM;
    }
    *num_headers = o.n;
    return end;
}

/* Whether resume_lines may take an open field line on. */
static inline int resume_quick_ok(int eof, const httpc_profile *p, const httpc_header *headers,
                                  const size_t *num_headers, const httpc_parse_state *st)
{
    return (st->_flags & F_PY3_OPEN) && !eof && quick_allowed(p, headers, num_headers) &&
           httpc__scan_level != 0;
}

/* A call after the first that resume_lines does not take, or leaves: one
 * that brought no LF into the pending line ends in still_pending, anything
 * else goes to parse_more. */
__attribute__((noinline)) static ssize_t resume_general(const char *buf, size_t len, int eof,
                                                        const httpc_profile *p, httpc_header *h,
                                                        size_t *num_headers, httpc_parse_state *st,
                                                        char *detail, size_t detail_cap)
{
    if (!eof && still_pending(buf, len, p, st)) {
        if (num_headers != NULL)
            *num_headers = 0;
        return HTTPC_E_AGAIN;
    }
    return parse_more(buf, len, eof, p, h, num_headers, st, detail, detail_cap);
}

#ifdef HTTPC__SCAN_SSE2_INLINE
/* A call into an open field line at the AVX2 level that open_search32 did
 * not answer: the lines from the open one on, when the quick path may read
 * them and the search found the open line's first CR or LF (or its end, a
 * line too long) at the end of its value's span; the general path for
 * anything else (EOF, a moved or shorter buffer) or once they leave the
 * call. */
__attribute__((target("avx2"), noinline)) static ssize_t
resume_lines_call32(const char *buf, size_t len, int eof, const httpc_profile *p, httpc_header *h,
                    size_t *num_headers, httpc_parse_state *st, char *detail, size_t detail_cap)
{
    ssize_t r = 0;
    unsigned f = st->_flags;

    if (HTTPC__LIKELY(f & F_PY3_END)) { /* so no EOF, and the state's buffer */
        st->_flags = f & ~(unsigned)F_PY3_END;
        if (HTTPC__LIKELY(quick_allowed(p, h, num_headers)))
            r = resume_lines32(buf, len, p, h, num_headers, st);
    }
    return r != 0 ? r : parse_more(buf, len, eof, p, h, num_headers, st, detail, detail_cap);
}

/* 0xff for the CRs and LFs of the 128 octets at q. */
__attribute__((target("avx2"))) static inline __m256i crlf_eq128(const char *q)
{
    return _mm256_or_si256(_mm256_or_si256(httpc__crlf_eq32(q), httpc__crlf_eq32(q + 32)),
                           _mm256_or_si256(httpc__crlf_eq32(q + 64), httpc__crlf_eq32(q + 96)));
}

/* The first CR or LF of q[0..128) when `a` (its crlf_eq128) holds one,
 * else of r[0..128), where one is: 32 octets a step. */
__attribute__((target("avx2"))) static inline const char *crlf_in128(const char *q, const char *r,
                                                                     __m256i a)
{
    unsigned m;

    if (_mm256_testz_si256(a, a))
        q = r;
    while ((m = (unsigned)_mm256_movemask_epi8(httpc__crlf_eq32(q))) == 0)
        q += 32;
    return q + __builtin_ctz(m);
}

/* crlf_from32 for more than 128 new bytes of an open line, l[i..n): 256
 * octets a test, and the last 129 to 255 in two 128-octet tests, the
 * second ending at l[n] (the octets both take in hold no CR or LF when
 * the first holds none), where crlf_from32 would take a 32-octet loop and
 * a last block; the 128 octets that hold a CR or LF are then searched 32
 * a step. Fewer than 129 left after the 256-octet steps go to
 * crlf_from32. */
__attribute__((target("avx2"))) static inline size_t open_crlf32(const char *l, size_t i, size_t n)
{
    const char *q = l + i, *end = l + n, *c;
    __m256i a, b;

    if (n - i >= 256) {
        do {
            a = crlf_eq128(q), b = crlf_eq128(q + 128);
            if (!_mm256_testz_si256(_mm256_or_si256(a, b), _mm256_or_si256(a, b))) {
                c = crlf_in128(q, q + 128, a);
                HTTPC__WORK(c + 1 - (l + i));
                return (size_t)(c - l);
            }
            q += 256;
        } while (q <= end - 256);
    }
    if (end - q <= 128) {
        HTTPC__WORK(q - (l + i));
        return crlf_from32(l, (size_t)(q - l), n);
    }
    a = crlf_eq128(q), b = crlf_eq128(end - 128);
    if (_mm256_testz_si256(_mm256_or_si256(a, b), _mm256_or_si256(a, b))) {
        HTTPC__WORK(n - i);
        return n;
    }
    c = crlf_in128(q, end - 128, a);
    HTTPC__WORK(c + 1 - (l + i));
    return (size_t)(c - l);
}

/* open_search32's answer once the open line's first CR or LF from `from`
 * on is known to be at e (len when none came). */
__attribute__((always_inline)) static inline int
open_searched(size_t len, const httpc_profile *p, httpc_parse_state *st, size_t from, size_t e)
{
    st->_field.value.len += e - from;
    if (e != len || len - st->_off > p->max_line) {
        st->_flags |= F_PY3_END;
        return 0;
    }
    st->_scanned = len - st->_off;
    return 1;
}

/* open_search32 for at most 128 new bytes. */
__attribute__((target("avx2"), noinline)) static int
open_search_short32(const char *buf, size_t len, httpc_parse_state *st, const httpc_profile *p,
                    size_t from)
{
    return open_searched(len, p, st, from, crlf_from32(buf, from, len));
}

/* open_search32 for more than 128 new bytes (a long line's pieces). */
__attribute__((target("avx2"), noinline)) static int open_search_long32(const char *buf, size_t len,
                                                                        httpc_parse_state *st,
                                                                        const httpc_profile *p,
                                                                        size_t from)
{
    return open_searched(len, p, st, from, open_crlf32(buf, from, len));
}

/* A call into an open field line at the AVX2 level that still_pending did
 * not answer, in functions that need no frame (the entry's nine arguments
 * stay where they are; this one holds no AVX2 code, as gcc gives an AVX2
 * function that calls another a frame pointer, and jumps to a leaf that
 * searches): the new bytes are searched for CR and LF from
 * where the value's span ends (no CR or LF is before it), and the search
 * recorded. Returns 1 (AGAIN) when neither came and the line is within
 * max_line: every call but one of a long line arriving in pieces ends
 * there, the general path's answer for any profile, as only the open
 * line's new bytes are looked at. Else 0 with the value's span ending at
 * the CR or LF found (or at len, the line too long), the state
 * resume_lines32 starts from, told by F_PY3_END; or -1, nothing changed,
 * when the buffer is not the state's. */
__attribute__((noinline)) static int open_search32(const char *buf, size_t len,
                                                   httpc_parse_state *st, const httpc_profile *p)
{
    size_t from = (size_t)(st->_field.value.ptr + st->_field.value.len - buf);

    if ((uintptr_t)buf != st->_base || len < from || len < st->_off + st->_scanned)
        return -1;
    if (len - from > 128)
        return open_search_long32(buf, len, st, p, from);
    return open_search_short32(buf, len, st, p, from);
}
#endif

/* A call into an open field line that still_pending did not answer:
 * resume_lines, then resume_general if it leaves the call (or at once when
 * the quick path may not read the lines). */
__attribute__((noinline)) static ssize_t resume_call(const char *buf, size_t len, int eof,
                                                     const httpc_profile *p, httpc_header *h,
                                                     size_t *num_headers, httpc_parse_state *st,
                                                     char *detail, size_t detail_cap)
{
    ssize_t r = 0;

    if (resume_quick_ok(eof, p, h, num_headers, st))
        r = resume_lines(buf, len, p, h, num_headers, st);
    return r != 0 ? r : resume_general(buf, len, eof, p, h, num_headers, st, detail, detail_cap);
}

/* A block's first call: a head in one piece is read here. */
static inline ssize_t first_call(const char *buf, size_t len, int eof, const httpc_profile *p,
                                 httpc_header *headers, size_t *num_headers, httpc_parse_state *st,
                                 char *detail, size_t detail_cap)
{
    ssize_t q = start_block(buf, len, p, headers, num_headers, st);

    if (q > 0)
        return q;
    /* stopped at a line whose end has not come: py3_close's answer */
    if ((st->_flags & F_PY3_OPEN) && !eof && len - st->_off <= p->max_line) {
        *num_headers = 0;
        return HTTPC_E_AGAIN;
    }
    return parse_more(buf, len, eof, p, headers, num_headers, st, detail, detail_cap);
}

/* A head in one piece is read here (first_call in line); a call that
 * brought no LF into the pending line ends in still_pending; one into an
 * open field line at the AVX2 level ends in open_search32 when it brought
 * no CR or LF either (a call into a frameless leaf: the nine arguments stay
 * where they are, where a tail call to a nine-argument function cost two
 * frames), else goes on in resume_lines_call32; at the SSE2 level in
 * resume_call; anything else in parse_more, each a tail call. */
ssize_t httpc_parse_headers_resume(const char *buf, size_t len, int eof, const httpc_profile *p,
                                   httpc_header *headers, size_t *num_headers,
                                   httpc_parse_state *st, char *detail, size_t detail_cap)
{
    if (p == NULL)
        p = HTTPC__DEFAULT_PROFILE;
    if (detail != NULL && detail_cap > 0)
        detail[0] = '\0';
    if (!(st->_flags & F_STARTED))
        return first_call(buf, len, eof, p, headers, num_headers, st, detail, detail_cap);
    if (!eof && still_pending(buf, len, p, st)) {
        if (num_headers != NULL)
            *num_headers = 0;
        return HTTPC_E_AGAIN;
    }
    if (st->_flags & F_PY3_OPEN) {
#ifdef HTTPC__SCAN_SSE2_INLINE
        if (httpc__scan_level == 2) {
            if (!eof && open_search32(buf, len, st, p) > 0) {
                if (num_headers != NULL)
                    *num_headers = 0;
                return HTTPC_E_AGAIN;
            }
            return resume_lines_call32(buf, len, eof, p, headers, num_headers, st, detail,
                                       detail_cap);
        }
#endif
        return resume_call(buf, len, eof, p, headers, num_headers, st, detail, detail_cap);
    }
    return parse_more(buf, len, eof, p, headers, num_headers, st, detail, detail_cap);
}

/* Without the state, a call after AGAIN cannot know where the pending line
 * started: it parses the block again from its start once a new LF came. */
/* httpc_parse_headers after AGAIN on buf[0..last_len) when no LF came. */
__attribute__((noinline)) static ssize_t no_new_line(const char *buf, size_t len, size_t last_len,
                                                     const httpc_profile *p, size_t *num_headers,
                                                     char *detail, size_t detail_cap)
{
    if (num_headers != NULL)
        *num_headers = 0;
    if (httpc__pending_line(buf, len, last_len, p->max_line) == HTTPC_E_AGAIN)
        return HTTPC_E_AGAIN;
    return too_long(p, detail, detail_cap);
}

ssize_t httpc_parse_headers(const char *buf, size_t len, size_t last_len, int eof,
                            const httpc_profile *p, httpc_header *headers, size_t *num_headers,
                            char *detail, size_t detail_cap)
{
    httpc_parse_state st;
    ssize_t q;

    if (p == NULL)
        p = HTTPC__DEFAULT_PROFILE;
    if (detail != NULL && detail_cap > 0)
        detail[0] = '\0';
    if (!eof && last_len > 0 && last_len <= len &&
        memchr(buf + last_len, '\n', len - last_len) == NULL)
        return no_new_line(buf, len, last_len, p, num_headers, detail, detail_cap);
    if ((q = start_block(buf, len, p, headers, num_headers, &st)) > 0)
        return q;
    return parse_more(buf, len, eof, p, headers, num_headers, &st, detail, detail_cap);
}

/* email.message.Message.get(): the first field of that name; names compare
 * with str.lower(), ASCII-only for the octets headerRE lets into a name. */
const httpc_span *httpc_headers_get(const httpc_header *h, size_t n, const char *name)
{
    size_t len = strlen(name);

    for (size_t i = 0; i < n; i++)
        if (h[i].name.len == len && h[i].name.ptr != NULL && httpc__ieq(h[i].name.ptr, name, len))
            return &h[i].value;
    return NULL;
}
