/* SPDX-License-Identifier: MIT */
/* What the parts of httpc-conform share: the outcome of one run of a client,
 * the result of judging it, and the functions of client.c (the reference
 * client in-process), adapter.c (other clients through adapters/PROTOCOL.md),
 * judge.c (verdicts, known deviations) and reports.c. */
#ifndef HTTPC_RUNNER_H
#define HTTPC_RUNNER_H

#include "httpc.h"
#include "httpc_mock.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* py27, py27-strict, py3, strict: the order of the reports' columns. */
/* Every built-in profile, in id order (httpc.h HTTPC_PROFILE_LIST); `all`
 * runs the first CONFORM_NALL of them, the four make test judges. */
#define CONFORM_NPROFILES ((size_t)HTTPC_PROFILE__COUNT)
#define CONFORM_NALL ((size_t)4)
extern const char *const conform_profiles[CONFORM_NPROFILES];

/* Whether a run's outcome is the client's, to judge, or the harness's own:
 * set where the outcome is made (adapter.c, conform.c), read by every judge. */
typedef enum conform_run {
    CONFORM_RUN_DONE = 0,      /* the client ran: a response or its error */
    CONFORM_RUN_UNSUPPORTED,   /* the adapter cannot express the scenario
                                  (its error AdapterUnsupported) */
    CONFORM_RUN_TIMEOUT,       /* killed at twice its timeout plus 5 s */
    CONFORM_RUN_HARNESS_ERROR, /* the harness failed; error says how ("harness: ...") */
} conform_run;

typedef struct outcome {
    conform_run run;
    int err;        /* the reference client's code (0 when none) */
    char error[64]; /* the exception class name, "" for a response */
    char detail[256];
    char native[256]; /* an adapter's native_error, verbatim (adapters/TAXONOMY.md) */
    int status, version, will_close, have_resp;
    int conn_kept; /* the connection after the outcome: 1 kept, 0 closed, -1 unknown */
    char reason[256];
    size_t reason_len; /* bytes of reason (it may hold NUL) */
    unsigned char *body;
    size_t body_len;
    char sha[65];
    int64_t partial, expected;
    httpc_resp *resp;         /* in-process runs */
    char **hnames, **hvalues; /* adapter runs: the headers it reported */
    size_t nh;
} outcome;

/* How one `rfc` line of a scenario fared, and its name in the reports: met,
 * violated, cannot-tell (a field the client does not report), open (its set
 * is `any`). */
#define CONFORM_GRADES(X)                                                                          \
    X(MET, "met")                                                                                  \
    X(VIOLATED, "violated")                                                                        \
    X(CANNOT_TELL, "cannot-tell")                                                                  \
    X(OPEN, "open")

typedef enum conform_grade {
#define CONFORM_G_ENUM(id, name) CONFORM_G_##id,
    CONFORM_GRADES(CONFORM_G_ENUM)
#undef CONFORM_G_ENUM
        CONFORM_G__COUNT
} conform_grade;

/* The grade's name in the reports ("cannot-tell"). */
const char *conform_grade_name(conform_grade g);

typedef struct req_grade {
    const httpc_req *req; /* the catalogue's row */
    conform_grade grade;
} req_grade;

/* The verdicts, in report order: name, whether it fails the run, whether it
 * is the harness's own trouble (a JUnit <error>, not a <failure>), and
 * whether it is a good result (pass, conformant). One table, so the
 * reports, the exit status and the summary agree on every verdict. */
#define CONFORM_VERDICTS(X)                                                                        \
    X(PASS, "pass", 0, 0, 1)                                                                       \
    X(LENIENT, "lenient", 0, 0, 0)                                                                 \
    X(FAIL, "fail", 1, 0, 0)                                                                       \
    X(EXPECTED_FAILURE, "expected-failure", 0, 0, 0)                                               \
    X(UNEXPECTED_PASS, "unexpected-pass", 1, 0, 0)                                                 \
    X(CONFORMANT, "conformant", 0, 0, 1)                                                           \
    X(MUST_VIOLATION, "must-violation", 1, 0, 0)                                                   \
    X(SHOULD_DEVIATION, "should-deviation", 0, 0, 0)                                               \
    X(UNSPECIFIED, "unspecified", 0, 0, 0)                                                         \
    X(CANNOT_TELL, "cannot-tell", 0, 0, 0)                                                         \
    X(UNSUPPORTED, "unsupported", 0, 0, 0)                                                         \
    X(TIMEOUT, "timeout", 1, 0, 0)                                                                 \
    X(HARNESS_ERROR, "harness-error", 1, 1, 0)                                                     \
    X(SKIP, "skip", 0, 0, 0)

typedef enum conform_verdict {
#define CONFORM_V_ENUM(id, name, fails, harness, good) CONFORM_V_##id,
    CONFORM_VERDICTS(CONFORM_V_ENUM)
#undef CONFORM_V_ENUM
        CONFORM_V__COUNT
} conform_verdict;

/* The verdict's name in the reports ("must-violation"). */
const char *conform_verdict_name(conform_verdict v);
/* Whether a verdict is a good result: pass or conformant. */
int conform_is_good(conform_verdict v);

/* One judgement of one run: a scenario, the client that ran it, and the judge. */
typedef struct result {
    const httpc_scenario *s;
    const char *profile; /* the profile whose expectations judged it; "rfc" for the RFC judge */
    const char *judge;   /* "rfc" or a profile name */
    const char *client;  /* who ran it: "httpc py3", or the adapter's name */
    const char *column;  /* its column in the reports: run_info.columns[] */
    conform_verdict verdict;
    char why[1600]; /* the judge's reason (< 512) and a listed reason (< 1024) */
    outcome o;
    int shared;        /* o belongs to an earlier result (one run, several judges) */
    int read_cap;      /* the client's reads were capped at this many bytes (0: not) */
    req_grade *grades; /* the RFC judge: one per rfc line of the scenario */
    size_t ngrades;
    double ms;
    unsigned char *sent; /* what the client sent on its first connection (4 KiB at most) */
    size_t sent_len;
} result;

/* What every report says about the run as a whole. */
typedef struct run_info {
    const char *client;      /* the client's name (--client-name, the adapter, "httpc") */
    char judges[128];        /* "py3, rfc" */
    char command[2048];      /* the command line, quoted for a shell */
    char date[32];           /* when it started, ISO 8601 UTC */
    char commit[64];         /* the scenario library's git commit, "unknown" outside git */
    char tool[64];           /* "httpc-conform 0.1.0" */
    size_t files, scenarios; /* the library selected from: files and scenarios */
    int read_cap;
    double secs;
    const httpc_req_catalog *cat; /* NULL when none was found */
    const char *columns[32]; /* the reports' columns, in order ("py3", "rfc", "py3 run: rfc") */
    size_t ncolumns;
} run_info;

/* A client's known deviation (its expectations file): "ID JUDGE: reason", or
 * "ID JUDGE intermittent: reason" for one the client shows in some runs only. */
typedef struct known {
    char id[256], profile[32], reason[1024];
    int line;         /* in the file, for messages */
    int intermittent; /* a pass is not an unexpected pass */
    int used;
} known;

/* What the server saw, for the judge. */
typedef struct conform_facts {
    size_t connections;      /* connections accepted */
    const unsigned char *rx; /* what the client sent on its first connection */
    size_t rx_len;
    int port;
    int cut;        /* the server's script had to be cut short */
    int timeout_ms; /* the client's timeout in this run */
} conform_facts;

/* client.c: runs the scenario's requests with the reference client under
 * profile `p` against 127.0.0.1:port; the last one's outcome into `o`. */
void conform_run_client(const httpc_scenario *s, const httpc_profile *p, int port, int timeout,
                        int read_cap, outcome *o);

/* adapter.c: the same through an adapter command (a hung one is killed at
 * twice the timeout plus 5 s: o->run CONFORM_RUN_TIMEOUT). */
void conform_run_adapter(const char *cmd, const httpc_scenario *s, int port, int timeout_ms,
                         int read_cap, outcome *o);
/* The adapter's JSON outcome object into `o`: 0, or -1 when it is not one. */
int conform_parse_outcome(const char *text, size_t len, outcome *o);
/* getheader() over either kind of outcome: values joined with ", "; -1 when absent. */
ssize_t conform_outcome_header(const outcome *o, const char *name, char *buf, size_t cap);

/* judge.c: whether `o` meets `e`: 1; 0 with the reason in `why`; -1 when
 * only fields the client did not report (will_close, connection, the body's
 * bytes) stand in the way: cannot tell, the reason in `why`. */
int conform_matches(const httpc_scn_expect *e, const outcome *o, char *why, size_t cap);
/* The request-side checks (check-request-line, check-request-header) over
 * what the server received: 1, else 0 with the reason. */
int conform_request_checks(const httpc_scenario *s, const unsigned char *rx, size_t len, int port,
                           char *why, size_t cap);
/* The verdict of one run: r->verdict and r->why from r->o and the facts,
 * against the expectations of `profile` (the read cap's when r->read_cap
 * names one): pass, lenient, fail, cannot-tell, unsupported, timeout,
 * harness-error. */
void conform_judge(const httpc_scenario *s, const char *profile, const conform_facts *f, result *r);
/* The RFC verdict of one run from the scenario's rfc lines and the catalogue
 * (scenarios/FORMAT.md, "RFC grading"): conformant, must-violation,
 * should-deviation, unspecified, cannot-tell, unsupported, timeout,
 * harness-error; r->grades gets one entry per rfc line (free() it). */
void conform_judge_rfc(const httpc_scenario *s, const httpc_req_catalog *cat,
                       const conform_facts *f, result *r);
/* Whether a verdict fails the run (must-violation does; should-deviation,
 * cannot-tell and unsupported do not). */
int conform_is_failure(conform_verdict v);
/* Whether `name` is a judge: "rfc" or a profile. */
int conform_is_judge(const char *name);
/* The expectations file: an array (free() it) and its length in *n;
 * *n == (size_t)-1 when the file is bad (reported with file:line). */
known *conform_load_known(const char *path, size_t *n);
/* A listed failure becomes expected-failure, a listed pass unexpected-pass. */
void conform_apply_known(result *r, known *k, size_t nk);

/* reports.c: results.json, summary.md, junit.xml and report.html in `dir`. */
int conform_write_reports(const char *dir, result *rs, size_t n, const run_info *ri);
/* Whether a verdict is the harness's own (an <error> in JUnit, not a <failure>). */
int conform_is_harness(conform_verdict v);
/* The outcome in a few words ("200 (5 body bytes)", "IncompleteRead"). */
const char *conform_outcome_text(const outcome *o, char *buf, size_t cap);

#endif
