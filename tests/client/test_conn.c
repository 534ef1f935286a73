/* SPDX-License-Identifier: MIT */
/* Tests of conn.c: the exact request bytes of every request form and the
 * state machine's sequences, over in-memory peers. Every expected value was
 * observed by running the same calls in CPython 3.11.7's http.client (and
 * 2.7.18's httplib for py27) against a fake socket that records sendall(). */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "mem_peer.h"

#define OK_REPLY "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"

static httpc_conn *open_conn(mem_peer *m, const char *host, const char *profile)
{
    httpc_conn_opts o;
    httpc_conn *c = NULL;
    httpc_conn_opts_init(&o);
    o.profile = httpc_profile_by_name(profile);
    cr_assert_eq(httpc_conn_new(&c, host, -1, &o), 0);
    httpc__conn_set_connector(c, mem_peer_connect, m);
    return c;
}

/* request() on a fresh connection; the bytes the peer received. */
static const char *request_bytes(const char *host, const char *profile, const char *method,
                                 const char *url, const httpc_body *body, const httpc_kv *h,
                                 size_t nh)
{
    static mem_peer m;
    m = (mem_peer){.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, host, profile);
    cr_assert_eq(httpc_conn_request(c, method, url, body, h, nh, 0), 0, "%s",
                 httpc_conn_errmsg(c));
    const char *sent = mem_peer_sent(&m, 0);
    httpc_conn_free(c);
    mem_peer_release(&m);
    return sent;
}

/* request() that must fail before anything is sent: the error and detail. */
static int request_error(const char *host, const char *profile, const char *method,
                         const char *url, const httpc_kv *h, size_t nh, char *detail,
                         size_t cap)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, host, profile);
    int rc = httpc_conn_request(c, method, url, NULL, h, nh, 0);
    snprintf(detail, cap, "%s", httpc_conn_errmsg(c));
    cr_assert_eq(m.opened, 0, "nothing may be sent");
    httpc_conn_free(c);
    return rc;
}

Test(conn, request_get)
{
    cr_assert_str_eq(request_bytes("example.org", "py3", "GET", "/a?b=1", NULL, NULL, 0),
                     "GET /a?b=1 HTTP/1.1\r\nHost: example.org\r\n"
                     "Accept-Encoding: identity\r\n\r\n");
}

Test(conn, request_empty_url_is_slash)
{
    cr_assert_str_eq(request_bytes("h", "py3", "GET", "", NULL, NULL, 0),
                     "GET / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n\r\n");
}

Test(conn, request_host_port_forms)
{
    cr_assert_str_eq(request_bytes("h:8080", "py3", "GET", "/", NULL, NULL, 0),
                     "GET / HTTP/1.1\r\nHost: h:8080\r\nAccept-Encoding: identity\r\n\r\n");
    cr_assert_str_eq(request_bytes("h:80", "py3", "GET", "/", NULL, NULL, 0),
                     "GET / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n\r\n");
    cr_assert_str_eq(request_bytes("[::1]:8080", "py3", "GET", "/", NULL, NULL, 0),
                     "GET / HTTP/1.1\r\nHost: [::1]:8080\r\nAccept-Encoding: identity\r\n\r\n");
    cr_assert_str_eq(request_bytes("[fe80::1%eth0]", "py3", "GET", "/", NULL, NULL, 0),
                     "GET / HTTP/1.1\r\nHost: [fe80::1]\r\nAccept-Encoding: identity\r\n\r\n");
    /* the zone goes, the port stays (HTTPConnection('fe80::1%eth0', 8080)) */
    cr_assert_str_eq(request_bytes("[fe80::1%eth0]:8080", "py3", "GET", "/", NULL, NULL, 0),
                     "GET / HTTP/1.1\r\nHost: [fe80::1]:8080\r\n"
                     "Accept-Encoding: identity\r\n\r\n");
    /* httplib 2.7 keeps the zone */
    cr_assert_str_eq(request_bytes("[fe80::1%eth0]", "py27", "GET", "/", NULL, NULL, 0),
                     "GET / HTTP/1.1\r\nHost: [fe80::1%eth0]\r\n"
                     "Accept-Encoding: identity\r\n\r\n");
}

Test(conn, request_host_with_explicit_port_keeps_brackets)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c;
    /* HTTPConnection('[::1]', 8080): the host keeps its brackets, and
     * putrequest brackets it again */
    cr_assert_eq(httpc_conn_new(&c, "[::1]", 8080, NULL), 0);
    httpc__conn_set_connector(c, mem_peer_connect, &m);
    cr_assert_str_eq(httpc_conn_host(c), "[::1]");
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_str_eq(mem_peer_sent(&m, 0), "GET / HTTP/1.1\r\nHost: [[::1]]:8080\r\n"
                                           "Accept-Encoding: identity\r\n\r\n");
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, request_absolute_url_host)
{
    cr_assert_str_eq(request_bytes("proxy:3128", "py3", "GET", "http://target:81/x", NULL,
                                   NULL, 0),
                     "GET http://target:81/x HTTP/1.1\r\nHost: target:81\r\n"
                     "Accept-Encoding: identity\r\n\r\n");
    /* the netloc's zone goes with everything after it, port included */
    cr_assert_str_eq(request_bytes("h", "py3", "GET", "http://[fe80::1%25eth0]:8080/x", NULL,
                                   NULL, 0),
                     "GET http://[fe80::1%25eth0]:8080/x HTTP/1.1\r\nHost: [fe80::1]\r\n"
                     "Accept-Encoding: identity\r\n\r\n");
}

Test(conn, request_absolute_url_netloc_errors)
{
    char d[160];
    cr_assert_eq(request_error("h", "py3", "GET", "http://[::1/x", NULL, 0, d, sizeof d),
                 HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(d, "Invalid IPv6 URL");
    cr_assert_eq(request_error("h", "py3", "GET", "http://[1.2.3.4]/x", NULL, 0, d, sizeof d),
                 HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(d, "An IPv4 address cannot be in brackets");
    cr_assert_eq(request_error("h", "py3", "GET", "http://[zz]/x", NULL, 0, d, sizeof d),
                 HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(d, "'zz' does not appear to be an IPv4 or IPv6 address");
    /* _strip_ipv6_iface asserts a bracket: AssertionError(b'a') in CPython */
    cr_assert_eq(request_error("h", "py3", "GET", "http://a%20b/x", NULL, 0, d, sizeof d),
                 HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(d, "AssertionError: b'a'");
    /* skip_host: urlsplit is never called */
    httpc_kv host = {"Host", "x"};
    cr_assert_str_eq(request_bytes("h", "py3", "GET", "http://[::1/x", NULL, &host, 1),
                     "GET http://[::1/x HTTP/1.1\r\nAccept-Encoding: identity\r\nHost: x\r\n\r\n");
}

Test(conn, request_post_buffer)
{
    httpc_body b = {.kind = HTTPC_BODY_BUFFER, .data = "a=1", .len = 3};
    cr_assert_str_eq(request_bytes("h", "py3", "POST", "/p", &b, NULL, 0),
                     "POST /p HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Content-Length: 3\r\n\r\na=1");
    cr_assert_str_eq(request_bytes("h", "py27", "POST", "/p", &b, NULL, 0),
                     "POST /p HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Content-Length: 3\r\n\r\na=1");
}

Test(conn, request_put_without_body_has_length_zero)
{
    cr_assert_str_eq(request_bytes("h", "py3", "put", "/", NULL, NULL, 0),
                     "put / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Content-Length: 0\r\n\r\n");
    cr_assert_str_eq(request_bytes("h", "py27", "PATCH", "/", NULL, NULL, 0),
                     "PATCH / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Content-Length: 0\r\n\r\n");
    cr_assert_str_eq(request_bytes("h", "py3", "DELETE", "/", NULL, NULL, 0),
                     "DELETE / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n\r\n");
}

Test(conn, request_caller_headers_skip_defaults)
{
    httpc_kv h[] = {{"host", "other"}, {"Accept-Encoding", "gzip"}, {"X-A", "1"}};
    cr_assert_str_eq(request_bytes("h", "py3", "GET", "/", NULL, h, 3),
                     "GET / HTTP/1.1\r\nhost: other\r\nAccept-Encoding: gzip\r\nX-A: 1\r\n\r\n");
}

Test(conn, request_caller_framing_headers)
{
    httpc_body b = {.kind = HTTPC_BODY_BUFFER, .data = "abc", .len = 3};
    httpc_kv cl = {"content-length", "3"}, te = {"Transfer-Encoding", "chunked"};
    /* the caller's Content-Length: nothing added, nothing chunked */
    cr_assert_str_eq(request_bytes("h", "py3", "POST", "/", &b, &cl, 1),
                     "POST / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "content-length: 3\r\n\r\nabc");
    /* the caller's Transfer-Encoding (3.x): no length, and the body goes as
     * given unless encode_chunked */
    cr_assert_str_eq(request_bytes("h", "py3", "POST", "/", &b, &te, 1),
                     "POST / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Transfer-Encoding: chunked\r\n\r\nabc");
    /* 2.7 only looks for Content-Length */
    cr_assert_str_eq(request_bytes("h", "py27", "POST", "/", &b, &te, 1),
                     "POST / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc");
}

Test(conn, request_encode_chunked_with_caller_te)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    httpc_body b = {.kind = HTTPC_BODY_BUFFER, .data = "abc", .len = 3};
    httpc_kv te = {"Transfer-Encoding", "chunked"};
    cr_assert_eq(httpc_conn_request(c, "POST", "/", &b, &te, 1, 1), 0);
    cr_assert_str_eq(mem_peer_sent(&m, 0),
                     "POST / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
    httpc_conn_free(c);
    mem_peer_release(&m);
}

static int three_pieces(void *ctx, const void **chunk, size_t *len)
{
    static const char *const pieces[] = {"abc", "", "dddddddddddddddddddd"};
    int *i = ctx;
    if (*i == 3)
        return 0;
    *chunk = pieces[*i];
    *len = strlen(pieces[*i]);
    (*i)++;
    return 1;
}

Test(conn, request_iterator_body_is_chunked)
{
    int i = 0;
    httpc_body b = {.kind = HTTPC_BODY_ITER, .iter = three_pieces, .iter_ctx = &i};
    /* request('POST', '/', iter([b'abc', b'', b'd' * 20])); the empty piece
     * is skipped ("Zero length chunk ignored") */
    cr_assert_str_eq(request_bytes("h", "py3", "POST", "/", &b, NULL, 0),
                     "POST / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n14\r\n"
                     "dddddddddddddddddddd\r\n0\r\n\r\n");
}

Test(conn, request_iterator_body_py27_is_type_error)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py27");
    int i = 0;
    httpc_body b = {.kind = HTTPC_BODY_ITER, .iter = three_pieces, .iter_ctx = &i};
    /* httplib 2.7: no length, the head goes, then sock.sendall(generator) */
    cr_assert_eq(httpc_conn_request(c, "POST", "/", &b, NULL, 0, 0), HTTPC_E_TYPE_ERROR);
    cr_assert_str_eq(mem_peer_sent(&m, 0),
                     "POST / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n\r\n");
    httpc_conn_free(c);
    mem_peer_release(&m);
}

static int temp_file(const char *content, off_t pos)
{
    char path[] = "/tmp/httpc-test-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    unlink(path);
    cr_assert_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    lseek(fd, pos, SEEK_SET);
    return fd;
}

Test(conn, request_fd_body_py3_is_chunked)
{
    /* CPython 3.6+: _get_content_length gives a file no length, so it goes
     * chunked from its current position, one chunk per blocksize read */
    int fd = temp_file("file-body", 0);
    httpc_body b = {.kind = HTTPC_BODY_FD, .fd = fd};
    cr_assert_str_eq(request_bytes("h", "py3", "PUT", "/f", &b, NULL, 0),
                     "PUT /f HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n9\r\nfile-body\r\n0\r\n\r\n");
    lseek(fd, 4, SEEK_SET);
    cr_assert_str_eq(request_bytes("h", "py3", "PUT", "/f", &b, NULL, 0),
                     "PUT /f HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n5\r\n-body\r\n0\r\n\r\n");
    close(fd);
}

Test(conn, request_fd_body_blocksize_chunks)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn_opts o;
    httpc_conn *c;
    int fd = temp_file("0123456789", 0);
    httpc_body b = {.kind = HTTPC_BODY_FD, .fd = fd};
    httpc_conn_opts_init(&o);
    o.blocksize = 4;
    cr_assert_eq(httpc_conn_new(&c, "h", 80, &o), 0);
    httpc__conn_set_connector(c, mem_peer_connect, &m);
    cr_assert_eq(httpc_conn_request(c, "PUT", "/", &b, NULL, 0, 0), 0);
    cr_assert_str_eq(mem_peer_sent(&m, 0),
                     "PUT / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n4\r\n0123\r\n4\r\n4567\r\n2\r\n89\r\n"
                     "0\r\n\r\n");
    httpc_conn_free(c);
    mem_peer_release(&m);
    close(fd);
}

/* 3.1-3.5 (the 3.4 document: "the st_size reported by the fstat call"):
 * _set_content_length takes os.fstat(fileno).st_size whatever the position,
 * as 2.7 does; 3.6 sends the same file chunked. */
Test(conn, request_fd_body_py31_to_py35_use_fstat_size)
{
    static const char *const fstat_profiles[] = {"py31", "py32", "py33", "py34", "py35"};
    for (size_t i = 0; i < sizeof fstat_profiles / sizeof *fstat_profiles; i++) {
        int fd = temp_file("file-body", 4);
        httpc_body b = {.kind = HTTPC_BODY_FD, .fd = fd};
        cr_assert_str_eq(request_bytes("h", fstat_profiles[i], "PUT", "/f", &b, NULL, 0),
                         "PUT /f HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                         "Content-Length: 9\r\n\r\n-body",
                         "%s", fstat_profiles[i]);
        close(fd);
    }
    int fd = temp_file("file-body", 4);
    httpc_body b = {.kind = HTTPC_BODY_FD, .fd = fd};
    cr_assert_str_eq(request_bytes("h", "py36", "PUT", "/f", &b, NULL, 0),
                     "PUT /f HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n5\r\n-body\r\n0\r\n\r\n");
    close(fd);
}

Test(conn, request_fd_body_py27_uses_fstat_size)
{
    /* httplib 2.7: Content-Length is os.fstat(fd).st_size, whatever the file
     * position (9 here, with 5 bytes left to send) */
    int fd = temp_file("file-body", 4);
    httpc_body b = {.kind = HTTPC_BODY_FD, .fd = fd};
    cr_assert_str_eq(request_bytes("h", "py27", "PUT", "/f", &b, NULL, 0),
                     "PUT /f HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Content-Length: 9\r\n\r\n-body");
    close(fd);
    /* a pipe's st_size is 0 */
    int p[2];
    cr_assert_eq(pipe(p), 0);
    cr_assert_eq(write(p[1], "piped", 5), 5);
    close(p[1]);
    b.fd = p[0];
    cr_assert_str_eq(request_bytes("h", "py27", "PUT", "/f", &b, NULL, 0),
                     "PUT /f HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Content-Length: 0\r\n\r\npiped");
    close(p[0]);
}

Test(conn, putrequest_skips_and_multivalue_putheader)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    const char *vals[] = {"one", "two", "three"};
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/", 1, 1), 0);
    cr_assert_eq(httpc_conn_putheader(c, "X-Multi", vals, 3), 0);
    cr_assert_eq(httpc_conn_putheader(c, "X-None", NULL, 0), 0);
    cr_assert_eq(httpc_conn_endheaders(c, NULL, 0), 0);
    cr_assert_str_eq(mem_peer_sent(&m, 0),
                     "GET / HTTP/1.1\r\nX-Multi: one\r\n\ttwo\r\n\tthree\r\nX-None: \r\n\r\n");
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, endheaders_with_body_and_http10)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn_opts o;
    httpc_conn *c;
    httpc_conn_opts_init(&o);
    o.http_vsn = 10;
    cr_assert_eq(httpc_conn_new(&c, "h", 80, &o), 0);
    httpc__conn_set_connector(c, mem_peer_connect, &m);
    httpc_body b = {.kind = HTTPC_BODY_BUFFER, .data = "xyz", .len = 3};
    cr_assert_eq(httpc_conn_putrequest(c, "POST", "/", 0, 0), 0);
    cr_assert_eq(httpc_conn_endheaders(c, &b, 1), 0); /* no chunking in HTTP/1.0 */
    cr_assert_str_eq(mem_peer_sent(&m, 0), "POST / HTTP/1.0\r\n\r\nxyz");
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, invalid_header_name_and_value)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    const char *bad = "a\nb", *fold = "a\r\n b", *ok = "v";
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/", 0, 0), 0);
    cr_assert_eq(httpc_conn_putheader(c, "a:b", &ok, 1), HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Invalid header name b'a:b'");
    cr_assert_eq(httpc_conn_putheader(c, " lead", &ok, 1), HTTPC_E_VALUE_ERROR);
    cr_assert_eq(httpc_conn_putheader(c, "", &ok, 1), HTTPC_E_VALUE_ERROR);
    cr_assert_eq(httpc_conn_putheader(c, "X", &bad, 1), HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Invalid header value b'a\\nb'");
    cr_assert_eq(httpc_conn_putheader(c, "X-\xe9", &ok, 1), HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(httpc_conn_errmsg(c), "'ascii' codec can't encode character '\\xe9' in "
                                           "position 2: ordinal not in range(128)");
    cr_assert_eq(httpc_conn_putheader(c, "X", &fold, 1), 0); /* obs-fold passes the regex */
    cr_assert_eq(httpc_conn_putheader(c, "Sp ace", &ok, 1), 0); /* inner space is legal */
    httpc_conn_free(c);
}

Test(conn, invalid_header_py27_messages)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py27");
    const char *bad = "a\nb", *ok = "1";
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/", 0, 0), 0);
    cr_assert_eq(httpc_conn_putheader(c, "a:b", &ok, 1), HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Invalid header name 'a:b'");
    cr_assert_eq(httpc_conn_putheader(c, "X", &bad, 1), HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Invalid header value 'a\\nb'");
    cr_assert_eq(httpc_conn_putheader(c, "X-\xe9", &ok, 1), 0); /* a str, no encoding */
    httpc_conn_free(c);
}

Test(conn, invalid_url_and_method)
{
    char d[200];
    cr_assert_eq(request_error("h", "py3", "GET", "/a b", NULL, 0, d, sizeof d),
                 HTTPC_E_INVALID_URL);
    cr_assert_str_eq(d, "URL can't contain control characters. '/a b' (found at least ' ')");
    cr_assert_eq(request_error("h", "py3", "GET\r\nX: y", "/", NULL, 0, d, sizeof d),
                 HTTPC_E_VALUE_ERROR);
    cr_assert_eq(request_error("h", "py3", "GET", "/\x7f", NULL, 0, d, sizeof d),
                 HTTPC_E_INVALID_URL);
    /* the checks come before the ASCII encoding: a bad URL wins over a
     * non-ASCII method, and a URL's control character over its é */
    cr_assert_eq(request_error("h", "py3", "G\xe9T", "/a b", NULL, 0, d, sizeof d),
                 HTTPC_E_INVALID_URL);
    cr_assert_eq(request_error("h", "py3", "GET", "/\xe9 x", NULL, 0, d, sizeof d),
                 HTTPC_E_INVALID_URL);
    cr_assert_str_eq(d, "URL can't contain control characters. '/\xc3\xa9 x' (found at least "
                        "' ')");
    cr_assert_eq(request_error("h", "py3", "GET", "/caf\xe9", NULL, 0, d, sizeof d),
                 HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(d, "'ascii' codec can't encode character '\\xe9' in position 8: ordinal "
                        "not in range(128)");
    /* httplib 2.7: no method check; bytes >= 0x7f in the URL are InvalidURL */
    cr_assert_eq(request_error("h", "py27", "GET", "/caf\xe9", NULL, 0, d, sizeof d),
                 HTTPC_E_INVALID_URL);
    cr_assert_str_eq(request_bytes("h", "py27", "G\xe9T", "/", NULL, NULL, 0),
                     "G\xe9T / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n\r\n");
}

Test(conn, failed_putrequest_leaves_request_started)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/a b", 0, 0), HTTPC_E_INVALID_URL);
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/", 0, 0), HTTPC_E_CANNOT_SEND_REQUEST);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Request-started");
    httpc_conn_close(c);
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/", 0, 0), 0);
    httpc_conn_free(c);
}

Test(conn, new_invalid_host_and_port)
{
    httpc_conn *c = NULL;
    cr_assert_eq(httpc_conn_new(&c, "h:abc", -1, NULL), HTTPC_E_INVALID_URL);
    cr_assert_null(c);
    cr_assert_eq(httpc_conn_new(&c, "h\n", 80, NULL), HTTPC_E_INVALID_URL);
    cr_assert_eq(httpc_conn_new(&c, "h:", -1, NULL), 0); /* "http://foo.com:/" */
    cr_assert_eq(httpc_conn_port(c), 80);
    cr_assert_str_eq(httpc_conn_host(c), "h");
    httpc_conn_free(c);
    cr_assert_eq(httpc_conn_new(&c, "[::1]", -1, NULL), 0);
    cr_assert_str_eq(httpc_conn_host(c), "::1");
    httpc_conn_free(c);
    /* deviation: 3.x would IDNA-encode a non-ASCII host */
    cr_assert_eq(httpc_conn_new(&c, "caf\xc3\xa9.example", 80, NULL), HTTPC_E_VALUE_ERROR);
}

/* The sequences of CPython's state machine (Idle, Request-started,
 * Request-sent), each error exactly where http.client raises it. */
Test(conn, state_sequences)
{
    mem_peer m = {.replies = {OK_REPLY}, .more = {{OK_REPLY}}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    httpc_resp *r = NULL, *r2 = NULL;
    const char *v = "1";
    char buf[8];

    cr_assert_eq(httpc_conn_getresponse(c, &r), HTTPC_E_RESPONSE_NOT_READY);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Idle");
    cr_assert_eq(httpc_conn_putheader(c, "X", &v, 1), HTTPC_E_CANNOT_SEND_HEADER);
    cr_assert_str_eq(httpc_conn_errmsg(c), "");
    cr_assert_eq(httpc_conn_endheaders(c, NULL, 0), HTTPC_E_CANNOT_SEND_HEADER);
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/", 0, 0), 0);
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/", 0, 0), HTTPC_E_CANNOT_SEND_REQUEST);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Request-started");
    cr_assert_eq(httpc_conn_getresponse(c, &r), HTTPC_E_RESPONSE_NOT_READY);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Request-started");
    cr_assert_eq(httpc_conn_endheaders(c, NULL, 0), 0);
    cr_assert_eq(httpc_conn_putheader(c, "X", &v, 1), HTTPC_E_CANNOT_SEND_HEADER);
    cr_assert_eq(httpc_conn_endheaders(c, NULL, 0), HTTPC_E_CANNOT_SEND_HEADER);
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/", 0, 0), HTTPC_E_CANNOT_SEND_REQUEST);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Request-sent");
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r2), HTTPC_E_RESPONSE_NOT_READY);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Idle");
    /* keep-alive: a new request may start before the body is read ... */
    cr_assert_eq(httpc_conn_request(c, "GET", "/2", NULL, NULL, 0, 0), 0);
    /* ... but its response waits until the prior one is complete */
    cr_assert_eq(httpc_conn_getresponse(c, &r2), HTTPC_E_RESPONSE_NOT_READY);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Request-sent");
    cr_assert_eq(httpc_resp_read(r, buf, sizeof buf), 2);
    cr_assert(httpc_resp_isclosed(r));
    cr_assert_eq(httpc_conn_getresponse(c, &r2), 0);
    cr_assert_eq(m.opened, 1, "the second request reused the connection");
    cr_assert_str_eq(mem_peer_sent(&m, 0),
                     "GET / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n\r\n"
                     "GET /2 HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n\r\n");
    httpc_resp_free(r);
    httpc_resp_free(r2);
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, state_errors_py27_have_no_argument)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py27");
    httpc_resp *r;
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/", 0, 0), 0);
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/", 0, 0), HTTPC_E_CANNOT_SEND_REQUEST);
    cr_assert_str_eq(httpc_conn_errmsg(c), "");
    cr_assert_eq(httpc_conn_getresponse(c, &r), HTTPC_E_RESPONSE_NOT_READY);
    cr_assert_str_eq(httpc_conn_errmsg(c), "");
    httpc_conn_free(c);
}

Test(conn, close_keeps_the_head_buffer)
{
    /* CPython's close() does not clear self._buffer: a request abandoned
     * after putheader leaves its lines in front of the next one. */
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    const char *one = "1";
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/old", 0, 0), 0);
    cr_assert_eq(httpc_conn_putheader(c, "X", &one, 1), 0);
    httpc_conn_close(c);
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/new", 0, 0), 0);
    cr_assert_eq(httpc_conn_endheaders(c, NULL, 0), 0);
    cr_assert_str_eq(mem_peer_sent(&m, 0),
                     "GET /old HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\nX: 1\r\n"
                     "GET /new HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n\r\n");
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, keepalive_reuse_and_reconnect_after_will_close)
{
    mem_peer m = {.replies = {OK_REPLY, OK_REPLY},
                  .more = {{OK_REPLY, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbye"}}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    char buf[16];
    for (int i = 0; i < 4; i++) {
        httpc_resp *r;
        cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0, "request %d", i);
        cr_assert_eq(httpc_conn_getresponse(c, &r), 0, "response %d: %s", i,
                     httpc_conn_errmsg(c));
        if (i == 2) /* the socket went to the response */
            cr_assert_eq(httpc__conn_transport(c), NULL);
        int64_t n = 0;
        ssize_t k;
        while ((k = httpc_resp_read(r, buf, sizeof buf)) > 0)
            n += k;
        cr_assert_eq(k, 0);
        cr_assert_eq(n, i == 2 ? 3 : 2);
        cr_assert_eq(httpc_resp_will_close(r), i == 2);
        httpc_resp_free(r);
    }
    /* requests 0-2 share connection 0; 3 follows its close on connection 1 */
    cr_assert_eq(m.opened, 2);
    httpc_conn_free(c);
    mem_peer_release(&m);
}

/* A kept-alive connection hands each response the storage of the one before
 * (read buffer, field array, the copy of the reason and head): each reads
 * as its own after a larger head and a smaller one, and after a 2.7 head
 * whose copy and scratch outgrew what the connection keeps. Expected:
 * CPython 3.11.7 and 2.7.18 over the same four replies, one per makefile(). */
static void keepalive_own_storage(const char *profile)
{
    static char big[8192];
    size_t at = (size_t)snprintf(big, sizeof big, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 40; i++)
        at += (size_t)snprintf(big + at, sizeof big - at, "X-Fill-%02d: %0100d\r\n", i, 0);
    snprintf(big + at, sizeof big - at, "Content-Length: 3\r\n\r\nabc");
    mem_peer m = {.replies = {"HTTP/1.1 200 A reason phrase longer than the next\r\nX-A: 1\r\n"
                              "X-B: two\r\nX-A: 3\r\nContent-Length: 2\r\n\r\nhi"},
                  .more = {{"HTTP/1.1 404 NF\r\nContent-Length: 1\r\n\r\nx", big,
                            "HTTP/1.1 201 \r\nContent-Length: 0\r\n\r\n"}}};
    static const struct {
        int status;
        const char *reason, *xa, *body;
        size_t fields;
    } want[] = {{200, "A reason phrase longer than the next", "1, 3", "hi", 4},
                {404, "NF", NULL, "x", 1},
                {200, "OK", NULL, "abc", 41},
                {201, "", NULL, "", 1}};
    httpc_conn *c = open_conn(&m, "h", profile);
    char buf[256];
    for (int i = 0; i < 4; i++) {
        httpc_resp *r;
        cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0, "%s %d", profile, i);
        cr_assert_eq(httpc_conn_getresponse(c, &r), 0, "%s %d: %s", profile, i,
                     httpc_conn_errmsg(c));
        cr_assert_eq(httpc_resp_status(r), want[i].status, "%s %d", profile, i);
        cr_assert_str_eq(httpc_resp_reason(r), want[i].reason, "%s %d", profile, i);
        cr_assert_eq(httpc_resp_reason_span(r).len, strlen(want[i].reason), "%s %d", profile, i);
        cr_assert_eq(httpc_resp_header_count(r), want[i].fields, "%s %d", profile, i);
        ssize_t k = httpc_resp_getheader(r, "X-A", buf, sizeof buf);
        if (want[i].xa == NULL) {
            cr_assert_eq(k, HTTPC_E_NOT_FOUND, "%s %d", profile, i);
        } else {
            cr_assert_eq(k, (ssize_t)strlen(want[i].xa), "%s %d", profile, i);
            cr_assert_str_eq(buf, want[i].xa, "%s %d", profile, i);
        }
        if (i == 2) {
            httpc_span v;
            cr_assert_eq(httpc_resp_get_all(r, "x-fill-39", 9, 0, &v), 0, "%s", profile);
            cr_assert_eq(v.len, 100, "%s", profile);
            cr_assert(v.ptr[0] == '0' && v.ptr[99] == '0', "%s", profile);
        }
        cr_assert_eq(httpc_resp_length(r), (int64_t)strlen(want[i].body), "%s %d", profile, i);
        size_t n = 0;
        while ((k = httpc_resp_read(r, buf + n, sizeof buf - n)) > 0)
            n += (size_t)k;
        cr_assert_eq(k, 0, "%s %d", profile, i);
        cr_assert_eq(n, strlen(want[i].body), "%s %d", profile, i);
        cr_assert(memcmp(buf, want[i].body, n) == 0, "%s %d", profile, i);
        cr_assert_not(httpc_resp_will_close(r), "%s %d", profile, i);
        httpc_resp_free(r);
    }
    cr_assert_eq(m.opened, 1, "%s: one connection", profile);
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, keepalive_responses_read_as_their_own)
{
    keepalive_own_storage("py3");
    keepalive_own_storage("py27");
    keepalive_own_storage("strict");
}

Test(conn, close_closes_the_kept_response_but_free_does_not)
{
    mem_peer m = {.replies = {OK_REPLY, OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    httpc_resp *r;
    char buf[8];
    /* conn.close() closes self.__response, the object the caller holds */
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    httpc_conn_close(c);
    cr_assert(httpc_resp_closed(r));
    cr_assert_eq(httpc_resp_read(r, buf, sizeof buf), 0);
    httpc_resp_free(r);
    /* dropping the connection leaves the response readable */
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    httpc_conn_free(c);
    cr_assert_not(httpc_resp_closed(r));
    cr_assert_eq(httpc_resp_read(r, buf, sizeof buf), 2);
    cr_assert(memcmp(buf, "hi", 2) == 0);
    httpc_resp_free(r);
    mem_peer_release(&m);
}

Test(conn, bad_status_leaves_request_sent)
{
    /* CPython: a failed begin() other than a ConnectionError leaves the state
     * at Request-sent, so the next request raises CannotSendRequest. */
    mem_peer m = {.replies = {"garbage\r\n"}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    httpc_resp *r;
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), HTTPC_E_BAD_STATUS_LINE);
    cr_assert_null(r);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0),
                 HTTPC_E_CANNOT_SEND_REQUEST);
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, remote_disconnected_closes_and_allows_retry)
{
    mem_peer m = {.replies = {"", OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    httpc_resp *r;
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    int rc = httpc_conn_getresponse(c, &r);
    cr_assert_eq(rc, HTTPC_E_REMOTE_DISCONNECTED);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Remote end closed connection without response");
    cr_assert(httpc_err_is(rc, HTTPC_E_BAD_STATUS_LINE));
    cr_assert(httpc_err_is(rc, HTTPC_E_CONNECTION_RESET));
    cr_assert_eq(httpc__conn_transport(c), NULL);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    cr_assert_eq(httpc_resp_status(r), 200);
    httpc_resp_free(r);
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, empty_reply_py27_keeps_the_connection)
{
    /* httplib 2.7: BadStatusLine, no close, so the next request is
     * CannotSendRequest() */
    mem_peer m = {.replies = {""}};
    httpc_conn *c = open_conn(&m, "h", "py27");
    httpc_resp *r;
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), HTTPC_E_BAD_STATUS_LINE);
    cr_assert_str_eq(httpc_conn_errmsg(c),
                     "No status line received - the server has closed the connection");
    cr_assert_neq(httpc__conn_transport(c), NULL);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0),
                 HTTPC_E_CANNOT_SEND_REQUEST);
    httpc_conn_free(c);
    mem_peer_release(&m);
}

/* ---- strict: the connection closed after a faulty response ---------------- */

static int discard(void *ctx, const void *data, size_t len)
{
    (void)ctx, (void)data, (void)len;
    return 0;
}

/* The next request on `c` works and goes to connection `conn` of the peer. */
static void next_request_reconnects(httpc_conn *c, mem_peer *m, int conn)
{
    httpc_resp *r;
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0, "%s",
                 httpc_conn_errmsg(c));
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0, "%s", httpc_conn_errmsg(c));
    cr_assert_eq(httpc_resp_read_all(r, discard, NULL), 2);
    cr_assert_eq(m->opened, conn + 1, "a new connection");
    httpc_resp_free(r);
}

/* RFC 9112 section 6.3: an invalid Content-Length is unrecoverable and the
 * user agent MUST close the connection; 6.1: Transfer-Encoding in HTTP/1.0
 * too. The strict profile closes it after any error in a response's head
 * (and goes back to Idle, so the next request connects anew); py3 keeps
 * CPython's rule (bad_status_leaves_request_sent). */
Test(conn, strict_closes_after_an_error_in_the_head)
{
    const char *bad[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: 4.0\r\n\r\nbody",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
        "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX : y\r\n\r\n",
        "garbage\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mem_peer m = {.replies = {bad[i], OK_REPLY}};
        httpc_conn *c = open_conn(&m, "h", "strict");
        httpc_resp *r;
        cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
        cr_assert_lt(httpc_conn_getresponse(c, &r), 0, "%s", bad[i]);
        cr_assert_null(r);
        cr_assert_null(httpc__conn_transport(c), "%s", bad[i]);
        cr_assert_eq(httpc_conn_fileno(c), -1);
        next_request_reconnects(c, &m, 1);
        httpc_conn_free(c);
        mem_peer_release(&m);
    }
}

/* Section 6.3: a Content-Length body cut short by a close is incomplete and
 * the connection MUST be closed; the same after any error in a body. The
 * response and the connection share the transport: the response abandons
 * it, the connection lets go of it. py3 keeps CPython's socket. */
Test(conn, strict_closes_after_an_error_in_the_body)
{
    static const struct {
        const char *reply;
        int rc;
    } cases[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", HTTPC_E_INCOMPLETE_READ},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXY0\r\n\r\n",
         HTTPC_E_INVALID_FRAMING},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
         HTTPC_E_INCOMPLETE_READ},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA\r\n\r\n",
         HTTPC_E_INVALID_HEADER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int strict = 0; strict <= 1; strict++) {
            mem_peer m = {.replies = {cases[i].reply, OK_REPLY}};
            httpc_conn *c = open_conn(&m, "h", strict ? "strict" : "py3");
            httpc_resp *r;
            cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
            cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
            cr_assert_not_null(httpc__conn_transport(c), "kept until the body fails");
            int64_t rc = httpc_resp_read_all(r, discard, NULL);
            if (strict) {
                cr_assert_eq(rc, cases[i].rc, "%zu: %s", i, httpc_resp_errmsg(r));
                cr_assert(m.t[0]->abandoned);
                cr_assert(httpc_resp_isclosed(r));
                cr_assert_null(httpc__conn_transport(c), "%zu", i);
                httpc_resp_free(r);
                next_request_reconnects(c, &m, 1);
            } else { /* an error (or, CRLF unchecked, a body) in py3 */
                cr_assert_not(m.t[0]->abandoned);
                cr_assert_not_null(httpc__conn_transport(c), "%zu: CPython keeps conn.sock", i);
                httpc_resp_free(r);
            }
            httpc_conn_free(c);
            mem_peer_release(&m);
        }
    }
}

/* read(amt): CPython ends a short Content-Length body without an error
 * ("it might break compatibility"); strict raises IncompleteRead (section
 * 6.3: the message is incomplete) once the close comes, and closes. */
Test(conn, strict_short_body_by_read_amt)
{
    for (int strict = 0; strict <= 1; strict++) {
        mem_peer m = {.replies = {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", OK_REPLY}};
        httpc_conn *c = open_conn(&m, "h", strict ? "strict" : "py3");
        httpc_resp *r;
        char buf[4];
        int64_t partial, expected;
        cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
        cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
        cr_assert_eq(httpc_resp_read(r, buf, 4), 4);
        cr_assert_eq(httpc_resp_read(r, buf, 4), 1);
        if (strict) {
            cr_assert_eq(httpc_resp_read(r, buf, 4), HTTPC_E_INCOMPLETE_READ);
            httpc_resp_incomplete(r, &partial, &expected, NULL);
            cr_assert_eq(partial, 0);
            cr_assert_eq(expected, 5);
            cr_assert_str_eq(httpc_resp_errmsg(r), "IncompleteRead(0 bytes read, 5 more expected)");
            cr_assert_null(httpc__conn_transport(c));
        } else {
            cr_assert_eq(httpc_resp_read(r, buf, 4), 0);
            cr_assert_not_null(httpc__conn_transport(c));
        }
        cr_assert(httpc_resp_isclosed(r));
        httpc_resp_free(r);
        httpc_conn_free(c);
        mem_peer_release(&m);
    }
}

/* A sink that stops a read is the caller's doing, not the stream's: the
 * connection stays, as in every profile. */
static int refuse(void *ctx, const void *data, size_t len)
{
    (void)ctx, (void)data, (void)len;
    return -1;
}

Test(conn, strict_sink_error_keeps_the_connection)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "strict");
    httpc_resp *r;
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    cr_assert_eq(httpc_resp_read_all(r, refuse, NULL), -1);
    cr_assert_not(m.t[0]->abandoned);
    cr_assert_not_null(httpc__conn_transport(c));
    httpc_resp_free(r);
    httpc_conn_free(c);
    mem_peer_release(&m);
}

/* RFC 9112 section 9.6: a client that sent "close" MUST close the connection
 * after reading the response and send nothing more on it. CPython looks only
 * at the response: py3 reuses the connection. */
Test(conn, strict_closes_after_a_request_with_close)
{
    const char *values[] = {"close", "Keep-Alive, CLOSE", " ,close ,"};
    for (size_t i = 0; i < 3; i++) {
        for (int strict = 0; strict <= 1; strict++) {
            mem_peer m = {.replies = {OK_REPLY, OK_REPLY}, .more = {{OK_REPLY}}};
            httpc_conn *c = open_conn(&m, "h", strict ? "strict" : "py3");
            httpc_kv h = {"Connection", values[i]};
            httpc_resp *r;
            cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, &h, 1, 0), 0);
            cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
            cr_assert_not(httpc_resp_will_close(r), "the response says nothing of it");
            cr_assert_eq(httpc__conn_transport(c) == NULL, strict, "%s", values[i]);
            cr_assert_eq(httpc_resp_read_all(r, discard, NULL), 2, "the body is still read");
            cr_assert(httpc_resp_isclosed(r));
            httpc_resp_free(r);
            next_request_reconnects(c, &m, strict);
            httpc_conn_free(c);
            mem_peer_release(&m);
        }
    }
    /* "closed" or "x-close" are other options */
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "strict");
    httpc_kv h = {"connection", "closed, x-close"};
    httpc_resp *r;
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, &h, 1, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    cr_assert_not_null(httpc__conn_transport(c));
    httpc_resp_free(r);
    httpc_conn_free(c);
    mem_peer_release(&m);
}

/* httplib 2.7 gives what a failed chunked body left on the socket to the
 * next response, so where the error leaves the stream must not depend on
 * how the bytes arrive (the split fuzzer's find). 2.7.18, read(1) in a loop
 * and read(): IncompleteRead after "AB" (read(1)) or with 2 bytes (read()),
 * then the second request's response is HTTP/1.0 200 'OK' 'second'. */
#define BAD_CHUNKED_THEN_REPLY                                                                     \
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n1\r\nB\r\n-1\r\n"            \
    "ZZ\x01\x01\r\nHTTP/1.0 200 OK\r\n\r\nsecond"

/* RFC 9112 section 9.2: bytes past a response's framing came while no
 * request was outstanding. strict takes them for no response: it gives them
 * back to the connection (as py27 does), which then sends the next request
 * on a new connection; py3 drops them with its read buffer (CPython) and
 * reuses the connection, whose peer has nothing more to say. */
Test(conn, strict_drops_a_connection_with_unsolicited_bytes)
{
    for (int strict = 0; strict < 2; strict++) {
        mem_peer m = {.replies = {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiEXTRA",
                                  OK_REPLY}};
        httpc_conn *c = open_conn(&m, "h", strict ? "strict" : "py3");
        httpc_resp *r;
        cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
        cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
        cr_assert_eq(httpc_resp_read_all(r, discard, NULL), 2);
        httpc_resp_free(r);
        if (strict) {
            next_request_reconnects(c, &m, 1);
        } else {
            cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
            cr_assert_eq(httpc_conn_getresponse(c, &r), HTTPC_E_REMOTE_DISCONNECTED);
            cr_assert_eq(m.opened, 1, "py3 reused the connection");
        }
        httpc_conn_free(c);
        mem_peer_release(&m);
    }
}

static int collect(void *ctx, const void *data, size_t len)
{
    if (data != NULL) /* NULL: the end of a piece */
        strncat(ctx, data, len);
    return 0;
}

Test(conn, py27_chunked_error_leaves_the_rest_to_the_next_response)
{
    for (size_t segment = 0; segment <= 3; segment++) {
        for (int whole = 0; whole <= 1; whole++) {
            mem_peer m = {.replies = {BAD_CHUNKED_THEN_REPLY}, .segment = segment};
            httpc_conn *c = open_conn(&m, "h", "py27");
            httpc_resp *r;
            char body[64] = "", b;
            int64_t partial, expected, offset;
            cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
            cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
            ssize_t n = 0;
            if (whole)
                n = httpc_resp_read_all(r, collect, body);
            else
                while ((n = httpc_resp_read(r, &b, 1)) == 1)
                    strncat(body, &b, 1);
            cr_assert_eq(n, HTTPC_E_INCOMPLETE_READ, "segment %zu", segment);
            httpc_resp_incomplete(r, &partial, &expected, &offset);
            cr_assert_eq(partial, whole ? 2 : 0);
            cr_assert_str_eq(body, "AB");
            cr_assert(httpc_resp_isclosed(r));
            httpc_resp_free(r);
            cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
            cr_assert_eq(httpc_conn_getresponse(c, &r), 0, "segment %zu: %s", segment,
                         httpc_conn_errmsg(c));
            cr_assert_eq(httpc_resp_version(r), 10);
            cr_assert_eq(httpc_resp_status(r), 200);
            body[0] = '\0';
            cr_assert_eq(httpc_resp_read_all(r, collect, body), 6);
            cr_assert_str_eq(body, "second");
            httpc_resp_free(r);
            httpc_conn_free(c);
            mem_peer_release(&m);
        }
    }
}

Test(conn, connect_refused_leaves_request_sent)
{
    /* CPython: connect() runs inside send(), after endheaders moved the
     * state to Request-sent, so the retry is CannotSendRequest */
    mem_peer m = {.replies = {NULL}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    httpc_resp *r;
    int rc = httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0);
    cr_assert_eq(rc, HTTPC_E_CONNECTION_REFUSED);
    cr_assert(httpc_err_is(rc, HTTPC_E_OS_ERROR));
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0),
                 HTTPC_E_CANNOT_SEND_REQUEST);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Request-sent");
    /* CPython: AttributeError ('NoneType' object has no attribute 'makefile') */
    cr_assert_eq(httpc_conn_getresponse(c, &r), HTTPC_E_NOT_CONNECTED);
    httpc_conn_free(c);
}

/* A connection made on a given transport never reaches the network: once
 * strict has closed it (a short body here), the next request cannot
 * reconnect without a connector. */
Test(conn, new_transport_does_not_reconnect)
{
    const char *reply = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort";
    httpc_conn_opts o;
    httpc__transport *t;
    httpc_conn *c;
    httpc_resp *r;
    httpc_conn_opts_init(&o);
    o.profile = httpc_profile_get(HTTPC_PROFILE_STRICT);
    cr_assert_eq(httpc__mem_transport(reply, strlen(reply), 0, &t), 0);
    cr_assert_eq(httpc__conn_new_transport(&c, "example.com", 80, &o, t), 0);
    httpc__transport_unref(t);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    cr_assert_eq(httpc_resp_read_all(r, discard, NULL), HTTPC_E_INCOMPLETE_READ);
    httpc_resp_free(r);
    cr_assert_null(httpc__conn_transport(c));
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), HTTPC_E_NOT_CONNECTED);
    cr_assert_str_eq(httpc_conn_errmsg(c), "no connector to reconnect with");
    httpc_conn_free(c);
}

Test(conn, new_transport_uses_the_given_socket)
{
    httpc__transport *t;
    httpc_conn *c;
    httpc_resp *r;
    size_t len;
    cr_assert_eq(httpc__mem_transport(OK_REPLY, strlen(OK_REPLY), 1, &t), 0);
    cr_assert_eq(httpc__conn_new_transport(&c, "h", 8080, NULL, t), 0);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    cr_assert_eq(httpc_resp_status(r), 200);
    const char *sent = httpc__mem_sent(t, &len), *want = "GET / HTTP/1.1\r\nHost: h:8080\r\n"
                                                        "Accept-Encoding: identity\r\n\r\n";
    cr_assert(len == strlen(want) && memcmp(sent, want, len) == 0);
    httpc_resp_free(r);
    httpc_conn_free(c);
    httpc__transport_unref(t);
}

Test(conn, tunnel_connect_request_and_failure)
{
    mem_peer m = {.replies = {"HTTP/1.0 200 Connection established\r\nX: y\r\n\r\n",
                              "HTTP/1.1 407 Proxy Authentication Required \r\n\r\n"},
                  .more = {{OK_REPLY}}};
    httpc_conn *c = open_conn(&m, "proxy:3128", "py3");
    const char *names[] = {"Proxy-Authorization"}, *values[] = {"Basic eA=="};
    httpc_resp *r;
    cr_assert_eq(httpc_conn_set_tunnel(c, "target", 8443, names, values, 1), 0);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0, "%s",
                 httpc_conn_errmsg(c));
    cr_assert_str_eq(mem_peer_sent(&m, 0),
                     "CONNECT target:8443 HTTP/1.0\r\nProxy-Authorization: Basic eA==\r\n\r\n"
                     "GET / HTTP/1.1\r\nHost: target:8443\r\nAccept-Encoding: identity\r\n\r\n");
    cr_assert_eq(httpc_conn_set_tunnel(c, "x", 1, NULL, NULL, 0), HTTPC_E_RUNTIME_ERROR);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Can't set up tunnel for established connection");
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    httpc_resp_free(r);
    httpc_conn_close(c);
    int rc = httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0);
    cr_assert_eq(rc, HTTPC_E_OS_ERROR);
    cr_assert_str_eq(httpc_conn_errmsg(c),
                     "Tunnel connection failed: 407 Proxy Authentication Required");
    cr_assert_eq(httpc__conn_transport(c), NULL, "a refused tunnel closes the connection");
    httpc_conn_free(c);
    mem_peer_release(&m);
}

/* The Host value of a relative URL is made once a connection and made
 * again after set_tunnel: before it the host's, after it the tunnel's
 * (CPython 3.11.7, one HTTPConnection closed between the two). */
Test(conn, host_follows_a_later_set_tunnel)
{
    mem_peer m = {.replies = {OK_REPLY, "HTTP/1.0 200 Connection established\r\n\r\n"},
                  .more = {{OK_REPLY}, {OK_REPLY}}};
    httpc_conn *c = open_conn(&m, "proxy:3128", "py3");
    httpc_resp *r;
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0, "%d", i);
        cr_assert_eq(httpc_conn_getresponse(c, &r), 0, "%d", i);
        cr_assert_eq(httpc_resp_read_all(r, NULL, NULL), 2, "%d", i);
        httpc_resp_free(r);
    }
    cr_assert_str_eq(mem_peer_sent(&m, 0),
                     "GET / HTTP/1.1\r\nHost: proxy:3128\r\nAccept-Encoding: identity\r\n\r\n"
                     "GET / HTTP/1.1\r\nHost: proxy:3128\r\nAccept-Encoding: identity\r\n\r\n");
    httpc_conn_close(c);
    cr_assert_eq(httpc_conn_set_tunnel(c, "target", 8443, NULL, NULL, 0), 0);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0, "%s",
                 httpc_conn_errmsg(c));
    cr_assert_str_eq(mem_peer_sent(&m, 1),
                     "CONNECT target:8443 HTTP/1.0\r\n\r\n"
                     "GET / HTTP/1.1\r\nHost: target:8443\r\nAccept-Encoding: identity\r\n\r\n");
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, tunnel_ipv6_target_forms)
{
    /* set_tunnel('[::1]', 8443) keeps the brackets (explicit port), so
     * 3.11.7 sends CONNECT [::1]:8443 and Host: [[::1]]:8443;
     * set_tunnel('[::1]:8443') strips them: CONNECT ::1:8443 */
    mem_peer m = {.replies = {"HTTP/1.0 200 OK\r\n\r\n", "HTTP/1.0 200 OK\r\n\r\n"}};
    httpc_conn *c = open_conn(&m, "proxy:3128", "py3");
    cr_assert_eq(httpc_conn_set_tunnel(c, "[::1]", 8443, NULL, NULL, 0), 0);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_str_eq(mem_peer_sent(&m, 0),
                     "CONNECT [::1]:8443 HTTP/1.0\r\n\r\n"
                     "GET / HTTP/1.1\r\nHost: [[::1]]:8443\r\nAccept-Encoding: identity\r\n\r\n");
    httpc_conn_close(c);
    cr_assert_eq(httpc_conn_set_tunnel(c, "[::1]:8443", -1, NULL, NULL, 0), 0);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_str_eq(mem_peer_sent(&m, 1),
                     "CONNECT ::1:8443 HTTP/1.0\r\n\r\n"
                     "GET / HTTP/1.1\r\nHost: [::1]:8443\r\nAccept-Encoding: identity\r\n\r\n");
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, tunnel_py27_rules)
{
    /* httplib 2.7: an HTTP/0.9 answer is "Invalid response from tunnel
     * request" (py27), BadStatusLine with strict=True; a "\n" line does not
     * end the proxy's headers, only "\r\n" does */
    mem_peer m = {.replies = {"garbage\r\n", "garbage\r\n",
                              "HTTP/1.0 200 OK\r\nX: y\r\n\n\r\n" OK_REPLY}};
    httpc_conn *c = open_conn(&m, "proxy:3128", "py27");
    httpc_resp *r;
    cr_assert_eq(httpc_conn_set_tunnel(c, "target", 8443, NULL, NULL, 0), 0);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), HTTPC_E_OS_ERROR);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Invalid response from tunnel request");
    httpc_conn_free(c);
    c = open_conn(&m, "proxy:3128", "py27-strict");
    cr_assert_eq(httpc_conn_set_tunnel(c, "target", 8443, NULL, NULL, 0), 0);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), HTTPC_E_BAD_STATUS_LINE);
    httpc_conn_free(c);
    c = open_conn(&m, "proxy:3128", "py27");
    cr_assert_eq(httpc_conn_set_tunnel(c, "target", 8443, NULL, NULL, 0), 0);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0, "%s", httpc_conn_errmsg(c));
    cr_assert_eq(httpc_resp_status(r), 200);
    httpc_resp_free(r);
    cr_assert_eq(httpc_conn_set_tunnel(c, "x", 1, NULL, NULL, 0), HTTPC_E_RUNTIME_ERROR);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Can't setup tunnel for established connection.");
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, no_auto_open_is_not_connected)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn_opts o;
    httpc_conn *c;
    httpc_conn_opts_init(&o);
    o.no_auto_open = 1;
    cr_assert_eq(httpc_conn_new(&c, "h", 80, &o), 0);
    httpc__conn_set_connector(c, mem_peer_connect, &m);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), HTTPC_E_NOT_CONNECTED);
    cr_assert_eq(m.opened, 0);
    cr_assert_eq(httpc_conn_send(c, "x", 1), HTTPC_E_NOT_CONNECTED);
    httpc_conn_close(c);
    cr_assert_eq(httpc_conn_connect(c), 0);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    httpc_conn_free(c);
    mem_peer_release(&m);
}

/* ---- set_debuglevel(1): stdout as CPython prints it ----------------------- */

static void debug_run(const char *profile, const char *reply, const httpc_body *b)
{
    mem_peer m = {.replies = {reply}};
    httpc_conn *c = open_conn(&m, "h", profile);
    httpc_resp *r;
    char buf[64];
    httpc_conn_set_debuglevel(c, 1);
    cr_assert_eq(httpc_conn_request(c, "POST", "/", b, NULL, 0, 0), 0);
    if (httpc_conn_getresponse(c, &r) == 0) {
        while (httpc_resp_read(r, buf, sizeof buf) > 0)
            ;
        httpc_resp_free(r);
    }
    httpc_conn_free(c);
    mem_peer_release(&m);
    fflush(stdout);
}

Test(conn, debug_output_py3, .init = cr_redirect_stdout)
{
    int i = 0;
    httpc_body b = {.kind = HTTPC_BODY_ITER, .iter = three_pieces, .iter_ctx = &i};
    debug_run("py3", "HTTP/1.1 100 Continue\r\nA: 1\r\n\r\nHTTP/1.1 200 OK\r\nX: a\r\n b\r\n"
                     "Y: \xe9\r\nContent-Length: 2\r\n\r\nhi", &b);
    /* CPython also prints "Unable to determine size of <generator ...>"
     * first: an object repr httpc cannot have, so it is left out */
    cr_assert_stdout_eq_str(
        "send: b'POST / HTTP/1.1\\r\\nHost: h\\r\\nAccept-Encoding: identity\\r\\n"
        "Transfer-Encoding: chunked\\r\\n\\r\\n'\n"
        "send: b'3\\r\\nabc\\r\\n'\n"
        "Zero length chunk ignored\n"
        "send: b'14\\r\\ndddddddddddddddddddd\\r\\n'\n"
        "send: b'0\\r\\n\\r\\n'\n"
        "reply: 'HTTP/1.1 100 Continue\\r\\n'\n"
        "headers: [b'A: 1\\r\\n', b'\\r\\n']\n"
        "reply: 'HTTP/1.1 200 OK\\r\\n'\n"
        "header: X: a\r\n b\n"
        "header: Y: \xc3\xa9\n"
        "header: Content-Length: 2\n");
}

Test(conn, debug_output_py3_bad_status, .init = cr_redirect_stdout)
{
    debug_run("py3", "garbage \xe9\r\n", NULL);
    cr_assert_stdout_eq_str(
        "send: b'POST / HTTP/1.1\\r\\nHost: h\\r\\nAccept-Encoding: identity\\r\\n"
        "Content-Length: 0\\r\\n\\r\\n'\n"
        "reply: 'garbage \xc3\xa9\\r\\n'\n");
}

Test(conn, debug_output_py27, .init = cr_redirect_stdout)
{
    httpc_body b = {.kind = HTTPC_BODY_BUFFER, .data = "body\xe9", .len = 5};
    debug_run("py27", "HTTP/1.1 100 Continue\r\nA: 1\r\n  \r\nHTTP/1.1 200 OK\r\nX: a\r\n b\r\n"
                      "Y: \xe9\r\nContent-Length: 2\r\n\r\nhi", &b);
    cr_assert_stdout_eq_str(
        "send: 'POST / HTTP/1.1\\r\\nHost: h\\r\\nAccept-Encoding: identity\\r\\n"
        "Content-Length: 5\\r\\n\\r\\nbody\\xe9'\n"
        "reply: 'HTTP/1.1 100 Continue\\r\\n'\n"
        "header: A: 1\n"
        "reply: 'HTTP/1.1 200 OK\\r\\n'\n"
        "header: X: a\r\n"
        "header:  b\r\n"
        "header: Y: \xe9\r\n"
        "header: Content-Length: 2\r\n");
}

Test(conn, debug_output_tunnel, .init = cr_redirect_stdout)
{
    mem_peer m = {.replies = {"HTTP/1.0 200 OK\r\nX: y\r\n\n"}, .more = {{OK_REPLY}}};
    httpc_conn *c = open_conn(&m, "proxy:3128", "py3");
    const char *names[] = {"Proxy-Authorization"}, *values[] = {"Basic eA=="};
    httpc_conn_set_debuglevel(c, 1);
    cr_assert_eq(httpc_conn_set_tunnel(c, "target", 8443, names, values, 1), 0);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    httpc_conn_free(c);
    mem_peer_release(&m);
    fflush(stdout);
    /* the CONNECT reply is read without the debug level: no "reply:" */
    cr_assert_stdout_eq_str(
        "send: b'CONNECT target:8443 HTTP/1.0\\r\\nProxy-Authorization: Basic eA==\\r\\n\\r\\n'\n"
        "header: X: y\r\n\n"
        "send: b'GET / HTTP/1.1\\r\\nHost: target:8443\\r\\nAccept-Encoding: identity\\r\\n"
        "\\r\\n'\n");
}

Test(conn, debug_output_tunnel_py27_sends_per_line, .init = cr_redirect_stdout)
{
    mem_peer m = {.replies = {"HTTP/1.0 200 OK\r\n\r\n"}};
    httpc_conn *c = open_conn(&m, "proxy:3128", "py27");
    const char *names[] = {"Proxy-Authorization"}, *values[] = {"Basic eA=="};
    httpc_conn_set_debuglevel(c, 1);
    cr_assert_eq(httpc_conn_set_tunnel(c, "target", 8443, names, values, 1), 0);
    cr_assert_eq(httpc_conn_connect(c), 0);
    httpc_conn_free(c);
    mem_peer_release(&m);
    fflush(stdout);
    cr_assert_stdout_eq_str("send: 'CONNECT target:8443 HTTP/1.0\\r\\n'\n"
                            "send: 'Proxy-Authorization: Basic eA==\\r\\n'\n"
                            "send: '\\r\\n'\n");
}

Test(conn, debug_output_fd_body, .init = cr_redirect_stdout)
{
    int fd = temp_file("file-body", 0);
    httpc_body b = {.kind = HTTPC_BODY_FD, .fd = fd};
    debug_run("py3", "HTTP/1.1 204 No Content\r\n\r\n", &b);
    close(fd);
    cr_assert_stdout_eq_str(
        "send: b'POST / HTTP/1.1\\r\\nHost: h\\r\\nAccept-Encoding: identity\\r\\n"
        "Transfer-Encoding: chunked\\r\\n\\r\\n'\n"
        "reading a readable\n"
        "send: b'9\\r\\nfile-body\\r\\n'\n"
        "send: b'0\\r\\n\\r\\n'\n"
        "reply: 'HTTP/1.1 204 No Content\\r\\n'\n");
}

/* ---- the request head's cap (HTTPC_MAX_REQUEST_HEAD) ------------------------ */

static int put1(httpc_conn *c, const char *name, const char *value)
{
    return httpc_conn_putheader(c, name, &value, 1);
}

/* A header that would take the head past the cap is refused with a message
 * and leaves the head as it was: the request still goes out without it. */
Test(conn, putheader_past_request_head_cap)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    size_t n = HTTPC_MAX_REQUEST_HEAD;
    char *big = malloc(n + 1);
    cr_assert_not_null(big);
    memset(big, 'a', n);
    big[n] = '\0';
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/", 0, 0), 0);
    cr_assert_eq(put1(c, "X", "1"), 0);
    big[n - 100] = '\0'; /* fits: the head is now near the cap */
    cr_assert_eq(put1(c, "Big", big), 0);
    cr_assert_eq(put1(c, "Connection", big + n - 200), HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(httpc_conn_errmsg(c),
                     "request head longer than 1048576 bytes (HTTPC_MAX_REQUEST_HEAD)");
    cr_assert_eq(put1(c, "Y", "2"), 0);
    cr_assert_eq(httpc_conn_endheaders(c, NULL, 0), 0);
    size_t len;
    const char *sent = httpc__mem_sent(m.t[0], &len);
    cr_assert_eq(len, strlen("GET / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                             "X: 1\r\nBig: \r\nY: 2\r\n\r\n") + (n - 100));
    cr_assert_eq(memcmp(sent + len - 10, "\r\nY: 2\r\n\r\n", 10), 0);
    httpc_conn_free(c);
    mem_peer_release(&m);
    free(big);
}

/* httplib 2.7 sends a bytes body in the head's send(): the cap is the
 * head's, so a body larger than it still goes. */
Test(conn, request_head_cap_leaves_inline_body)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py27");
    size_t n = 2 * HTTPC_MAX_REQUEST_HEAD, len;
    char *body = calloc(1, n);
    cr_assert_not_null(body);
    httpc_body b = {.kind = HTTPC_BODY_BUFFER, .data = body, .len = n};
    cr_assert_eq(httpc_conn_request(c, "POST", "/", &b, NULL, 0, 0), 0, "%s",
                 httpc_conn_errmsg(c));
    httpc__mem_sent(m.t[0], &len);
    cr_assert_eq(len, strlen("POST / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                             "Content-Length: 2097152\r\n\r\n") + n);
    httpc_conn_free(c);
    mem_peer_release(&m);
    free(body);
}

/* ---- the debug sink: a stream or a callback instead of stdout ------------- */

typedef struct lines {
    char text[16][160];
    size_t len[16];
    size_t n;
} lines;

static void collect_line(void *ctx, const char *line, size_t len)
{
    lines *l = ctx;
    cr_assert_lt(l->n, 16);
    cr_assert_lt(len, sizeof l->text[0]);
    memcpy(l->text[l->n], line, len);
    l->len[l->n++] = len;
}

/* A request and its response at debug level 1 with the options' sink. */
static void debug_run_opts(const char *profile, const char *reply, httpc_conn_opts *o)
{
    mem_peer m = {.replies = {reply}};
    httpc_conn *c = NULL;
    httpc_resp *r;
    char buf[64];
    o->profile = httpc_profile_by_name(profile);
    o->debuglevel = 1;
    cr_assert_eq(httpc_conn_new(&c, "h", -1, o), 0);
    httpc__conn_set_connector(c, mem_peer_connect, &m);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    while (httpc_resp_read(r, buf, sizeof buf) > 0)
        ;
    httpc_resp_free(r);
    httpc_conn_free(c);
    mem_peer_release(&m);
    fflush(stdout);
}

/* One call per print(), with its bytes and final newline (2.7's header
 * lines keep their own CRLF and bytes); nothing reaches stdout. */
Test(conn, debug_callback_gets_each_line, .init = cr_redirect_stdout)
{
    lines got = {0};
    httpc_conn_opts o;
    httpc_conn_opts_init(&o);
    o.debug = collect_line;
    o.debug_ctx = &got;
    debug_run_opts("py27", "HTTP/1.1 200 OK\r\nX: a\xe9\r\nContent-Length: 2\r\n\r\nhi", &o);
    static const char *const want[] = {
        "send: 'GET / HTTP/1.1\\r\\nHost: h\\r\\nAccept-Encoding: identity\\r\\n\\r\\n'\n",
        "reply: 'HTTP/1.1 200 OK\\r\\n'\n",
        "header: X: a\xe9\r\n",
        "header: Content-Length: 2\r\n",
    };
    cr_assert_eq(got.n, 4);
    for (size_t i = 0; i < 4; i++) {
        cr_assert_eq(got.len[i], strlen(want[i]), "%zu: %zu", i, got.len[i]);
        cr_assert_eq(memcmp(got.text[i], want[i], got.len[i]), 0, "%zu: %s", i, got.text[i]);
    }
    cr_assert_stdout_eq_str("");
}

/* debug_stream: the same bytes stdout would have had, in the caller's file. */
Test(conn, debug_stream_takes_the_output, .init = cr_redirect_stdout)
{
    char text[512] = "";
    FILE *f = tmpfile();
    httpc_conn_opts o;
    cr_assert_not_null(f);
    httpc_conn_opts_init(&o);
    o.debug_stream = f;
    debug_run_opts("py3", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nY: \xe9\r\n"
                          "Content-Length: 2\r\n\r\nhi", &o);
    rewind(f);
    cr_assert_gt(fread(text, 1, sizeof text - 1, f), 0);
    fclose(f);
    cr_assert_str_eq(text,
                     "send: b'GET / HTTP/1.1\\r\\nHost: h\\r\\nAccept-Encoding: identity\\r\\n"
                     "\\r\\n'\n"
                     "reply: 'HTTP/1.1 100 Continue\\r\\n'\n"
                     "headers: [b'\\r\\n']\n"
                     "reply: 'HTTP/1.1 200 OK\\r\\n'\n"
                     "header: Y: \xc3\xa9\n"
                     "header: Content-Length: 2\n");
    cr_assert_stdout_eq_str("");
}

/* Regression: a CR LF in a tunnel header injected a line into the CONNECT
 * request. strict refuses it as putheader would; py3 sends it, as CPython
 * 3.11 does. */
Test(conn, set_tunnel_header_injection_refused_by_strict)
{
    const char *names[] = {"A"}, *values[] = {"b\r\nInjected: yes"};
    httpc_conn_opts o;
    httpc_conn *c;

    httpc_conn_opts_init(&o);
    o.profile = httpc_profile_by_name("strict");
    cr_assert_eq(httpc_conn_new(&c, "proxy:3128", -1, &o), 0);
    cr_assert_eq(httpc_conn_set_tunnel(c, "target", 443, names, values, 1), HTTPC_E_VALUE_ERROR);
    cr_assert(strstr(httpc_conn_errmsg(c), "Invalid header value") != NULL, "%s",
              httpc_conn_errmsg(c));
    httpc_conn_free(c);
    o.profile = httpc_profile_by_name("py3");
    cr_assert_eq(httpc_conn_new(&c, "proxy:3128", -1, &o), 0);
    cr_assert_eq(httpc_conn_set_tunnel(c, "target", 443, names, values, 1), 0);
    httpc_conn_free(c);
}

/* Regression: httpc_conn_new frees the connection on failure, so its detail
 * was lost; httpc_conn_new_detail hands it out. */
Test(conn, new_detail_keeps_the_message_of_a_failure)
{
    char detail[128] = "junk";
    httpc_conn *c;

    cr_assert_eq(httpc_conn_new_detail(&c, "h:99999", -1, NULL, detail, sizeof detail),
                 HTTPC_E_INVALID_URL);
    cr_assert_eq(c, NULL);
    cr_assert_str_eq(detail, "port out of range: '99999'");
    cr_assert_eq(httpc_conn_new_detail(&c, "h:80", -1, NULL, detail, sizeof detail), 0);
    cr_assert_str_eq(detail, "");
    httpc_conn_free(c);
}

/* The request side by version. 3.1-3.4 (the 3.2/3.3 and 3.4/3.5
 * documents: "fstat size for files") give a file Content-Length = fstat's,
 * as 2.7 does; 3.6 goes chunked (request_fd_body_py3_is_chunked). */
Test(conn, request_fd_body_py33_uses_fstat_size)
{
    int fd = temp_file("file-body", 0);
    httpc_body b = {.kind = HTTPC_BODY_FD, .fd = fd};
    for (int k = 0; k < 3; k++) {
        const char *profile = (const char *[]){"py31", "py33", "py35"}[k];
        lseek(fd, 0, SEEK_SET);
        cr_assert_str_eq(request_bytes("h", profile, "PUT", "/f", &b, NULL, 0),
                         "PUT /f HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                         "Content-Length: 9\r\n\r\nfile-body", "%s", profile);
    }
    close(fd);
}

/* 3.2-3.5: an iterable goes out piece by piece with no framing (002: "an
 * iterable ... sent as is"); 3.0/3.1 hand it to sendall: TypeError. */
Test(conn, request_iterator_body_by_version)
{
    int i = 0;
    httpc_body b = {.kind = HTTPC_BODY_ITER, .iter = three_pieces, .iter_ctx = &i};
    cr_assert_str_eq(request_bytes("h", "py33", "POST", "/", &b, NULL, 0),
                     "POST / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n\r\n"
                     "abcdddddddddddddddddddd");
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py31");
    i = 0;
    cr_assert_eq(httpc_conn_request(c, "POST", "/", &b, NULL, 0, 0), HTTPC_E_TYPE_ERROR);
    cr_assert_str_eq(httpc_conn_errmsg(c), "'generator' does not support the buffer interface");
    httpc_conn_free(c);
    mem_peer_release(&m);
}

/* The caller's Transfer-Encoding is respected from 3.6 (bpo-12319); before,
 * _send_request adds the body's Content-Length beside it. */
Test(conn, request_caller_te_gets_a_length_before_36)
{
    httpc_body b = {.kind = HTTPC_BODY_BUFFER, .data = "5\r\nhello\r\n0\r\n\r\n", .len = 15};
    httpc_kv te = {"Transfer-Encoding", "chunked"};
    cr_assert_str_eq(request_bytes("h", "py35", "POST", "/", &b, &te, 1),
                     "POST / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Content-Length: 15\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "5\r\nhello\r\n0\r\n\r\n");
    cr_assert_str_eq(request_bytes("h", "py36", "POST", "/", &b, &te, 1),
                     "POST / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
}
