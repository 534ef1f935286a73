/* SPDX-License-Identifier: MIT */
/* The mock server's TLS side (OpenSSL, non-blocking), kept apart from the
 * event loop so that mock.c only says where TLS happens, not how. */
#ifndef HTTPC_MOCK_TLS_H
#define HTTPC_MOCK_TLS_H

#include "httpc_mock.h"

#include <sys/types.h>

/* A server context for `s` (its tls-cert and tls-sni) from o's folder or,
 * when o names a certificate and key, from those. NULL with a message. */
void *httpc__mock_tls_ctx(const httpc_scenario *s, const httpc_mock_opts *o, char *err,
                          size_t errcap);
void httpc__mock_tls_ctx_free(void *ctx);
/* One step of the server handshake on fd (*ssl made on the first call):
 * 1 done, 0 wants to read, 2 wants to write, -1 failed (detail in err). */
int httpc__mock_tls_accept(void *ctx, void **ssl, int fd, char *err, size_t errcap);
/* send()/recv() through TLS: -1 with errno EAGAIN when it must wait, -1 with
 * another errno on failure; recv gives 0 at close_notify or EOF. */
ssize_t httpc__mock_tls_send(void *ssl, const void *buf, size_t len);
ssize_t httpc__mock_tls_recv(void *ssl, void *buf, size_t cap);
/* Sends close_notify (best effort, non-blocking). */
void httpc__mock_tls_notify(void *ssl);
void httpc__mock_tls_free(void *ssl);

#endif
