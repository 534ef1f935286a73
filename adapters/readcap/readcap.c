/* SPDX-License-Identifier: MIT */
/* libhttpc-readcap.so: an LD_PRELOAD shim that caps every read from a socket
 * at HTTPC_READ_CAP bytes (unset, empty or 0: no cap), so that any client of
 * the conformance harness can be run as if TCP handed it its bytes in pieces
 * of at most N (adapters/readcap/README.md; scenarios/FORMAT.md, "Outcomes
 * that depend on how the reads are cut").
 *
 * Why a preload shim rather than a server that writes one byte at a time:
 * the server's writes only bound what a read returns from above; the kernel
 * coalesces bytes that arrive before the client reads, so the client's cut
 * depends on timing. Capping the read itself makes the cut exact and the
 * outcome repeatable. CPython (socket.recv -> recv(); 2.7's unbuffered
 * makefile -> recv()), curl and libcurl (recv()), Node (libuv's read()) and
 * OpenSSL's socket BIO (read()) all reach the kernel through the dynamic
 * libc, so interposing these symbols (dlsym(RTLD_NEXT) finds libc's own)
 * reaches them without changing the client. Go's net package does not: it
 * makes the system calls itself, bypassing libc.
 *
 * TLS: capping the socket reads under OpenSSL changes nothing the
 * application sees (OpenSSL reads a whole record whatever the cut, and
 * SSL_read returns up to a record's plaintext), so SSL_read and SSL_read_ex
 * are capped too: that is the read a TLS client's HTTP parser sees, the one
 * the reference client's --read-cap caps. That reaches clients that use the
 * system's libssl dynamically (CPython's _ssl, curl); Node links its own.
 *
 * Only sockets are capped (fstat: S_ISSOCK): files, pipes and terminals are
 * read as usual, so the interpreter loading its modules is untouched. A
 * MSG_WAITALL recv is kept whole (it is filled with reads of at most N); a
 * MSG_WAITALL recvmsg is not (it returns at most N bytes).
 * HTTPC_READ_CAP_DEBUG=1 prints each capped read on stderr ("readcap: ..."),
 * to check that a client is reached. */
#define _GNU_SOURCE
#undef _FORTIFY_SOURCE /* the wrappers below define read() and recv() themselves */

#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* glibc's fortified entry points (bits/socket2.h, bits/unistd.h): a client
 * built with _FORTIFY_SOURCE calls these instead of recv() and read(). */
ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags);
ssize_t __read_chk(int fd, void *buf, size_t nbytes, size_t buflen);
ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
                       struct sockaddr *addr, socklen_t *addrlen);
/* OpenSSL's (declared here: the shim does not need OpenSSL's headers). */
int SSL_read(void *ssl, void *buf, int num);
int SSL_read_ex(void *ssl, void *buf, size_t num, size_t *readbytes);

static size_t cap; /* 0: no cap */
static int debug;

/* Read once, before main() (and before any client thread exists). */
__attribute__((constructor)) static void readcap_init(void)
{
    const char *s = getenv("HTTPC_READ_CAP"), *d = getenv("HTTPC_READ_CAP_DEBUG");
    char *end;

    if (s != NULL && *s != '\0') {
        unsigned long long v = strtoull(s, &end, 10);
        if (*end == '\0' && s[0] != '-')
            cap = (size_t)v;
        else
            fprintf(stderr, "readcap: HTTPC_READ_CAP=%s is not a number: no cap\n", s);
    }
    debug = d != NULL && *d != '\0' && *d != '0';
}

/* dl_iterate_phdr callback: `name` in the first loaded libssl that has it. */
struct find_ctx {
    const char *name;
    void *sym;
};

static int find_in_libssl(struct dl_phdr_info *info, size_t size, void *arg)
{
    struct find_ctx *f = arg;
    const char *base = info->dlpi_name ? strrchr(info->dlpi_name, '/') : NULL;
    void *h;

    (void)size;
    if (base == NULL || strncmp(base + 1, "libssl.so", 9) != 0)
        return 0;
    if ((h = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD)) == NULL)
        return 0;
    f->sym = dlsym(h, f->name);
    dlclose(h); /* RTLD_NOLOAD took a reference; the library stays loaded */
    return f->sym != NULL;
}

/* The next definition of `name`: libc's (RTLD_NEXT). A libssl that came in
 * with a dlopen()ed module (CPython's _ssl) is outside the global scope that
 * RTLD_NEXT searches, while the module's own calls still bind to this shim
 * first: it is found among the loaded objects instead. */
static void *next_sym(const char *name)
{
    struct find_ctx f = {name, dlsym(RTLD_NEXT, name)};

    if (f.sym == NULL)
        dl_iterate_phdr(find_in_libssl, &f);
    return f.sym;
}

/* The next definition of `name`, looked up on first use: a call can come
 * before the constructor (another library's constructor). The pointer is
 * written with the same value by any thread that races. */
#define NEXT(type, name, ...)                                                                      \
    static type (*next_##name)(__VA_ARGS__);                                                       \
    if (next_##name == NULL) {                                                                     \
        void *sym_ = next_sym(#name);                                                              \
        if (sym_ == NULL) {                                                                        \
            errno = ENOSYS;                                                                        \
            return -1;                                                                             \
        }                                                                                          \
        memcpy(&next_##name, &sym_, sizeof sym_);                                                  \
    }

/* The cap for a read of `want` bytes from fd: `want` itself unless fd is a
 * socket and a cap is set. errno is left as it was. */
static size_t capped(int fd, size_t want, const char *what)
{
    struct stat st;
    int e = errno;

    if (cap == 0 || want <= cap)
        return want;
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
        errno = e;
        return want;
    }
    errno = e;
    if (debug)
        fprintf(stderr, "readcap: %s(fd %d, %zu) -> %zu\n", what, fd, want, cap);
    return cap;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    NEXT(ssize_t, recv, int, void *, size_t, int);
    size_t n = capped(fd, len, "recv");

    if (n == len || !(flags & MSG_WAITALL))
        return next_recv(fd, buf, n, flags);
    /* MSG_WAITALL promises all of len (short only at EOF, an error or a
     * signal): fill it with capped reads. */
    size_t got = 0;
    while (got < len) {
        size_t k = len - got < n ? len - got : n;
        ssize_t r = next_recv(fd, (char *)buf + got, k, flags & ~MSG_WAITALL);
        if (r < 0)
            return got > 0 ? (ssize_t)got : r;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
                 socklen_t *addrlen)
{
    NEXT(ssize_t, recvfrom, int, void *, size_t, int, struct sockaddr *, socklen_t *);
    return next_recvfrom(fd, buf, capped(fd, len, "recvfrom"), flags, addr, addrlen);
}

ssize_t read(int fd, void *buf, size_t count)
{
    NEXT(ssize_t, read, int, void *, size_t);
    return next_read(fd, buf, capped(fd, count, "read"));
}

ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags)
{
    NEXT(ssize_t, __recv_chk, int, void *, size_t, size_t, int);
    return next___recv_chk(fd, buf, capped(fd, len, "__recv_chk"), buflen, flags);
}

ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
                       struct sockaddr *addr, socklen_t *addrlen)
{
    NEXT(ssize_t, __recvfrom_chk, int, void *, size_t, size_t, int, struct sockaddr *, socklen_t *);
    return next___recvfrom_chk(fd, buf, capped(fd, len, "__recvfrom_chk"), buflen, flags, addr,
                               addrlen);
}

ssize_t __read_chk(int fd, void *buf, size_t nbytes, size_t buflen)
{
    NEXT(ssize_t, __read_chk, int, void *, size_t, size_t);
    return next___read_chk(fd, buf, capped(fd, nbytes, "__read_chk"), buflen);
}

/* An iovec list cut to at most `limit` bytes in all, in `out` (at most
 * `room` entries: fewer bytes is still a legal short read). */
static int cut_iov(const struct iovec *iov, int n, size_t limit, struct iovec *out, int room)
{
    int k = 0;

    for (int i = 0; i < n && k < room && limit > 0; i++) {
        out[k] = iov[i];
        if (out[k].iov_len > limit)
            out[k].iov_len = limit;
        limit -= out[k].iov_len;
        k++;
    }
    return k;
}

static size_t iov_total(const struct iovec *iov, size_t n)
{
    size_t t = 0;

    for (size_t i = 0; i < n; i++)
        t += iov[i].iov_len;
    return t;
}

enum { IOV_ROOM = 64 };

ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
    NEXT(ssize_t, readv, int, const struct iovec *, int);
    struct iovec cut[IOV_ROOM];
    size_t want = iovcnt > 0 ? iov_total(iov, (size_t)iovcnt) : 0;
    size_t n = capped(fd, want, "readv");

    if (n == want)
        return next_readv(fd, iov, iovcnt);
    return next_readv(fd, cut, cut_iov(iov, iovcnt, n, cut, IOV_ROOM));
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
    NEXT(ssize_t, recvmsg, int, struct msghdr *, int);
    struct iovec cut[IOV_ROOM];
    size_t want = msg->msg_iovlen > 0 ? iov_total(msg->msg_iov, msg->msg_iovlen) : 0;
    size_t n = capped(fd, want, "recvmsg");

    if (n == want)
        return next_recvmsg(fd, msg, flags);
    /* The caller's msghdr with a shorter iovec list; what the kernel writes
     * back (name and control lengths, flags) is copied to the caller's. */
    struct msghdr m = *msg;
    m.msg_iov = cut;
    m.msg_iovlen = (size_t)cut_iov(msg->msg_iov, (int)msg->msg_iovlen, n, cut, IOV_ROOM);
    ssize_t r = next_recvmsg(fd, &m, flags);
    msg->msg_namelen = m.msg_namelen;
    msg->msg_controllen = m.msg_controllen;
    msg->msg_flags = m.msg_flags;
    return r;
}

int SSL_read(void *ssl, void *buf, int num)
{
    NEXT(int, SSL_read, void *, void *, int);
    if (cap > 0 && num > 0 && (size_t)num > cap) {
        if (debug)
            fprintf(stderr, "readcap: SSL_read(%d) -> %zu\n", num, cap);
        num = (int)cap;
    }
    return next_SSL_read(ssl, buf, num);
}

int SSL_read_ex(void *ssl, void *buf, size_t num, size_t *readbytes)
{
    NEXT(int, SSL_read_ex, void *, void *, size_t, size_t *);
    if (cap > 0 && num > cap) {
        if (debug)
            fprintf(stderr, "readcap: SSL_read_ex(%zu) -> %zu\n", num, cap);
        num = cap;
    }
    return next_SSL_read_ex(ssl, buf, num, readbytes);
}
