/* SPDX-License-Identifier: MIT */
/* Tests of errors.c: Python's class names and the exception tree. */
#include <criterion/criterion.h>
#include <string.h>

#include "httpc.h"

Test(errors, httpc_err_name_every_code)
{
    /* Every name is Python's class name: checked against CPython 3.11.7 with
     * tests/client/oracle_errors.py (http.client and builtins). */
    static const struct {
        int code;
        const char *name;
    } names[] = {
        {HTTPC_E_HTTP_EXCEPTION, "HTTPException"},
        {HTTPC_E_NOT_CONNECTED, "NotConnected"},
        {HTTPC_E_INVALID_URL, "InvalidURL"},
        {HTTPC_E_UNKNOWN_PROTOCOL, "UnknownProtocol"},
        {HTTPC_E_UNKNOWN_TRANSFER_ENCODING, "UnknownTransferEncoding"},
        {HTTPC_E_UNIMPLEMENTED_FILE_MODE, "UnimplementedFileMode"},
        {HTTPC_E_INCOMPLETE_READ, "IncompleteRead"},
        {HTTPC_E_IMPROPER_CONNECTION_STATE, "ImproperConnectionState"},
        {HTTPC_E_CANNOT_SEND_REQUEST, "CannotSendRequest"},
        {HTTPC_E_CANNOT_SEND_HEADER, "CannotSendHeader"},
        {HTTPC_E_RESPONSE_NOT_READY, "ResponseNotReady"},
        {HTTPC_E_BAD_STATUS_LINE, "BadStatusLine"},
        {HTTPC_E_LINE_TOO_LONG, "LineTooLong"},
        {HTTPC_E_REMOTE_DISCONNECTED, "RemoteDisconnected"},
        {HTTPC_E_VALUE_ERROR, "ValueError"},
        {HTTPC_E_TYPE_ERROR, "TypeError"},
        {HTTPC_E_OS_ERROR, "OSError"},
        {HTTPC_E_CONNECTION_REFUSED, "ConnectionRefusedError"},
        {HTTPC_E_CONNECTION_RESET, "ConnectionResetError"},
        {HTTPC_E_TIMEOUT, "TimeoutError"},
        {HTTPC_E_SSL_CERT_VERIFICATION, "SSLCertVerificationError"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        cr_assert_str_eq(httpc_err_name(names[i].code), names[i].name);
    cr_assert_str_eq(httpc_err_name(0), "OK");
    cr_assert_str_eq(httpc_err_name(-9999), "UnknownError");
    cr_assert_str_eq(httpc_err_name(12), "UnknownError");
    cr_assert_str_eq(httpc_err_message(HTTPC_E_LINE_TOO_LONG), "line too long");
}

Test(errors, httpc_err_is_follows_the_tree)
{
    /* issubclass() in CPython 3.11.7 */
    cr_assert(httpc_err_is(HTTPC_E_REMOTE_DISCONNECTED, HTTPC_E_BAD_STATUS_LINE));
    cr_assert(httpc_err_is(HTTPC_E_REMOTE_DISCONNECTED, HTTPC_E_HTTP_EXCEPTION));
    cr_assert(httpc_err_is(HTTPC_E_REMOTE_DISCONNECTED, HTTPC_E_CONNECTION_RESET));
    cr_assert(httpc_err_is(HTTPC_E_REMOTE_DISCONNECTED, HTTPC_E_CONNECTION_ERROR));
    cr_assert(httpc_err_is(HTTPC_E_REMOTE_DISCONNECTED, HTTPC_E_OS_ERROR));
    cr_assert(httpc_err_is(HTTPC_E_CANNOT_SEND_REQUEST, HTTPC_E_IMPROPER_CONNECTION_STATE));
    cr_assert(httpc_err_is(HTTPC_E_CANNOT_SEND_HEADER, HTTPC_E_IMPROPER_CONNECTION_STATE));
    cr_assert(httpc_err_is(HTTPC_E_RESPONSE_NOT_READY, HTTPC_E_HTTP_EXCEPTION));
    cr_assert(httpc_err_is(HTTPC_E_LINE_TOO_LONG, HTTPC_E_HTTP_EXCEPTION));
    cr_assert(httpc_err_is(HTTPC_E_TIMEOUT, HTTPC_E_OS_ERROR));
    cr_assert(httpc_err_is(HTTPC_E_SSL_CERT_VERIFICATION, HTTPC_E_VALUE_ERROR));
    cr_assert(httpc_err_is(HTTPC_E_BAD_STATUS_LINE, HTTPC_E_BAD_STATUS_LINE));
    cr_assert_not(httpc_err_is(HTTPC_E_BAD_STATUS_LINE, HTTPC_E_REMOTE_DISCONNECTED));
    cr_assert_not(httpc_err_is(HTTPC_E_TIMEOUT, HTTPC_E_CONNECTION_ERROR));
    cr_assert_not(httpc_err_is(HTTPC_E_VALUE_ERROR, HTTPC_E_HTTP_EXCEPTION));
    cr_assert_not(httpc_err_is(HTTPC_E_INCOMPLETE_READ, HTTPC_E_IMPROPER_CONNECTION_STATE));
    cr_assert_not(httpc_err_is(HTTPC_E_AGAIN, HTTPC_E_HTTP_EXCEPTION));
    cr_assert_not(httpc_err_is(0, HTTPC_E_HTTP_EXCEPTION));
    cr_assert_not(httpc_err_is(-9999, -9999));
    cr_assert_eq(httpc_err_parent(HTTPC_E_CANNOT_SEND_REQUEST),
                 HTTPC_E_IMPROPER_CONNECTION_STATE);
    cr_assert_eq(httpc_err_parent(HTTPC_E_HTTP_EXCEPTION), 0);
}

Test(errors, codes_are_never_renumbered)
{
    /* Values are part of the ABI. */
    cr_assert_eq(HTTPC_E_AGAIN, -1);
    cr_assert_eq(HTTPC_E_HTTP_EXCEPTION, -10);
    cr_assert_eq(HTTPC_E_BAD_STATUS_LINE, -21);
    cr_assert_eq(HTTPC_E_REMOTE_DISCONNECTED, -23);
    cr_assert_eq(HTTPC_E_OS_ERROR, -60);
}
