/* SPDX-License-Identifier: MIT */
/* The end-to-end clients of the benchmark, one per process so that peak
 * memory (ru_maxrss) is each client's own: httpc through its public API
 * (request, getresponse, readinto), libcurl with one easy handle reused, and
 * a raw socket loop that only reads the known number of bytes (the ceiling,
 * and the proof the responder is not the bottleneck).
 *
 *   httpc-bench-client --client httpc|curl|raw --port P --size N --requests K
 *   httpc-bench-client --client httpc|curl --port P --idle K
 * prints one JSON object. */
#include <httpc.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define READ_BUF (256 * 1024)

static char rbuf[READ_BUF];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- httpc --------------------------------------------------------------- */

static httpc_conn *httpc_open(int port)
{
    httpc_conn *c;
    httpc_conn_opts o;
    httpc_conn_opts_init(&o);
    if (httpc_conn_new(&c, "127.0.0.1", port, &o) < 0)
        return NULL;
    return c;
}

/* One GET on a kept-alive connection; the body bytes read, or -1. */
static long long httpc_get(httpc_conn *c, const char *path)
{
    httpc_resp *r;
    long long got = 0;
    ssize_t k;
    if (httpc_conn_request(c, "GET", path, NULL, NULL, 0, 0) < 0 ||
        httpc_conn_getresponse(c, &r) < 0)
        return -1;
    while ((k = httpc_resp_readinto(r, rbuf, sizeof rbuf)) > 0)
        got += k;
    httpc_resp_free(r);
    return k < 0 ? -1 : got;
}

static long long run_httpc(int port, const char *path, long n)
{
    httpc_conn *c = httpc_open(port);
    long long total = 0;
    for (long i = 0; c != NULL && i < n; i++) {
        long long got = httpc_get(c, path);
        if (got < 0)
            return -1;
        total += got;
    }
    if (c == NULL)
        return -1;
    httpc_conn_free(c);
    return total;
}

/* ---- libcurl ------------------------------------------------------------- */

static size_t curl_sink(char *p, size_t sz, size_t n, void *ctx)
{
    (void)p;
    *(long long *)ctx += (long long)(sz * n);
    return sz * n;
}

static CURL *curl_open(const char *url, long long *counter)
{
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, curl_sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, counter);
    curl_easy_setopt(h, CURLOPT_BUFFERSIZE, (long)READ_BUF);
    return h;
}

static long long run_curl(int port, const char *path, long n)
{
    char url[128];
    long long total = 0;
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    CURL *h = curl_open(url, &total);
    for (long i = 0; i < n; i++)
        if (curl_easy_perform(h) != CURLE_OK)
            return -1;
    curl_easy_cleanup(h);
    return total;
}

/* ---- raw: write the request, read exactly the known reply ----------------- */

static int raw_connect(int port)
{
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
        return -1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static long long run_raw(int port, const char *path, long long size, long n)
{
    char req[128], head[160];
    int fd = raw_connect(port);
    int rl = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", path);
    long long reply = snprintf(head, sizeof head,
                               "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                               "Content-Length: %lld\r\n\r\n",
                               size) +
                      size,
              total = 0;
    for (long i = 0; fd >= 0 && i < n; i++) {
        if (write(fd, req, (size_t)rl) != rl)
            return -1;
        for (long long left = reply; left > 0;) {
            ssize_t k = read(fd, rbuf, left < READ_BUF ? (size_t)left : READ_BUF);
            if (k <= 0)
                return -1;
            left -= k;
        }
        total += size;
    }
    if (fd < 0)
        return -1;
    close(fd);
    return total;
}

/* ---- memory ------------------------------------------------------------------ */

/* Peak RSS of this program: VmHWM, which starts afresh at exec (ru_maxrss
 * keeps the high-water mark of the process that forked us). */
static long peak_rss_kb(void)
{
    char line[128];
    long kb = 0;
    FILE *f = fopen("/proc/self/status", "r");
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
            break;
    if (f != NULL)
        fclose(f);
    return kb;
}

static long rss_kb(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f != NULL) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Opens k connections, one small GET on each, and keeps them open: the heap
 * and RSS growth divided by k is what one idle kept-alive connection costs. */
static int run_idle(const char *client, int port, long k)
{
    static long long sink;
    char url[128];
    void **h = calloc((size_t)k, sizeof *h);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/100", port);
    /* One connection first, so one-time set-up (curl_global_init, lazy
     * tables) is not counted per connection. */
    if (strcmp(client, "httpc") == 0)
        httpc_get(httpc_open(port), "/100");
    else
        curl_easy_perform(curl_open(url, &sink));
    struct mallinfo2 m0 = mallinfo2();
    long r0 = rss_kb();
    for (long i = 0; i < k; i++) {
        if (strcmp(client, "httpc") == 0) {
            h[i] = httpc_open(port);
            if (h[i] == NULL || httpc_get(h[i], "/100") != 100)
                return 1;
        } else {
            h[i] = curl_open(url, &sink);
            if (curl_easy_perform(h[i]) != CURLE_OK)
                return 1;
        }
    }
    struct mallinfo2 m1 = mallinfo2();
    long r1 = rss_kb();
    printf("{\"client\": \"%s\", \"idle\": %ld, \"heap_bytes_per_conn\": %.0f, "
           "\"rss_kb_per_conn\": %.2f}\n",
           client, k, (double)(m1.uordblks - m0.uordblks) / (double)k,
           (double)(r1 - r0) / (double)k);
    return 0;
}

int main(int argc, char **argv)
{
    const char *client = "httpc";
    int port = 0;
    long long size = 100;
    long n = 1000, idle = 0;
    char path[64];

    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: %s --client httpc|curl|raw --port P [--size N] [--requests K]\n"
                   "       %s --client httpc|curl --port P --idle K\n"
                   "K keep-alive GETs of /N from the responder on 127.0.0.1:P (or K idle\n"
                   "kept-alive connections); prints one JSON object (bench/README.md).\n",
                   argv[0], argv[0]);
            return 0;
        }
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--client") == 0)
            client = argv[i + 1];
        else if (strcmp(argv[i], "--port") == 0)
            port = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--size") == 0)
            size = atoll(argv[i + 1]);
        else if (strcmp(argv[i], "--requests") == 0)
            n = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--idle") == 0)
            idle = atol(argv[i + 1]);
    }
    if (strcmp(client, "curl") == 0) /* only its own process pays for libcurl's set-up */
        curl_global_init(CURL_GLOBAL_DEFAULT);
    if (idle > 0)
        return run_idle(client, port, idle);
    snprintf(path, sizeof path, "/%lld", size);
    long rss0 = rss_kb(); /* the binary and its libraries, before any request */
    double t0 = now_s();
    long long got = strcmp(client, "httpc") == 0  ? run_httpc(port, path, n)
                    : strcmp(client, "curl") == 0 ? run_curl(port, path, n)
                                                  : run_raw(port, path, size, n);
    double dt = now_s() - t0;
    long peak = peak_rss_kb();
    if (got != size * n) {
        fprintf(stderr, "bench: %s read %lld bytes, expected %lld\n", client, got, size * n);
        return 1;
    }
    printf("{\"client\": \"%s\", \"size\": %lld, \"requests\": %ld, \"seconds\": %.6f, "
           "\"req_s\": %.1f, \"mb_s\": %.1f, \"maxrss_kb\": %ld, \"rss_growth_kb\": %ld}\n",
           client, size, n, dt, (double)n / dt, (double)got / dt / 1e6, peak, peak - rss0);
    return 0;
}
