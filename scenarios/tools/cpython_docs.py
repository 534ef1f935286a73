# SPDX-License-Identifier: MIT
"""The words for people that from_cpython.py writes into each scenario made from
tests/oracle/cases.py: a one-line title saying what the reply does, and the refs
(the RFC 9112/9110 section the bytes exercise, the CPython function that decides
the outcome). Kept apart from cases.py, which holds only bytes, so that the
oracle's input stays free of prose. Every case needs an entry; from_cpython.py
stops when one is missing or left over."""

# The CPython functions named again and again. "CPython" is 3.x
# (Lib/http/client.py); Python 2.7 is Lib/httplib.py.
PY3 = "CPython http/client.py "
PY2 = "Python 2.7 httplib."
STATUS = PY3 + "HTTPResponse._read_status"
STATUS27 = PY2 + "HTTPResponse._read_status (strict=False: a first line without HTTP/ is an " \
                 "HTTP/0.9 simple response; strict=True: BadStatusLine)"
BEGIN = PY3 + "HTTPResponse.begin"
BEGIN_LEN = BEGIN + ": length = int(Content-Length), None when int() fails or it is negative"
CLOSE = PY3 + "HTTPResponse._check_close"
SAFE = PY3 + "HTTPResponse._safe_read"
SAFE27 = PY2 + "HTTPResponse._safe_read"
HEADERS = PY3 + "parse_headers: _read_headers, then email.parser on the ISO-8859-1 text"
FEED = "CPython email/feedparser.py FeedParser._parsegen and _parse_headers"
READHEADERS = PY2 + "HTTPMessage.readheaders"
CHUNKED = PY3 + "HTTPResponse._read_chunked, _get_chunk_left and _read_next_chunk_size"
CHUNKED27 = PY2 + "HTTPResponse._read_chunked"
TRAILER = PY3 + "HTTPResponse._read_and_discard_trailer"
ONE_XX = BEGIN + ": only 100 Continue is skipped (its header section read by _read_headers)"
LIMIT = PY3 + "_MAXLINE = 65536: readline(_MAXLINE + 1), LineTooLong when longer (bpo-6791)"
COUNT = PY3 + "_read_headers: _MAXHEADERS = 100 lines, the empty line that ends the section " \
              "included (bpo-16037)"
COUNT27 = READHEADERS + ": more than _MAXHEADERS = 100 field lines is HTTPException (bpo-16037)"
INT = "Python int() strips whitespace and accepts a sign; Python 3.6+ also accepts '_' " \
      "between digits (PEP 515)"

R_STATUS = "RFC 9112 section 4: status-line = HTTP-version SP status-code SP [ reason-phrase ]"
R_CODE = "RFC 9112 section 4: status-code = 3DIGIT"
R_WS = ("RFC 9112 section 4: a recipient MAY split the status line on whitespace (SP, HTAB, VT, "
        "FF or bare CR), ignoring whitespace before and after")
R_VERSION = "RFC 9112 section 2.3: HTTP-version = HTTP-name \"/\" DIGIT \".\" DIGIT, HTTP-name is case-sensitive"
R_SIMPLE = "RFC 1945 section 6: an HTTP/0.9 Simple-Response has no status line and no header section"
R_BARE_CR = ("RFC 9112 section 2.2: a recipient MUST treat a bare CR as invalid or replace it "
             "with SP")
R_LF = "RFC 9112 section 2.2: a recipient MAY recognize a single LF as a line terminator"
R_FIELD = "RFC 9112 section 5.1: field-line = field-name \":\" OWS field-value OWS"
R_NAME = "RFC 9110 section 5.1: field-name = token"
R_VALUE = "RFC 9110 section 5.5: field values"
R_LIMITS = "RFC 9110 section 5.4: a client MAY discard field lines larger than it wishes to process"
R_CL = "RFC 9110 section 8.6: Content-Length = 1*DIGIT"
R_CL_BAD = ("RFC 9112 section 6.3 (5): an invalid Content-Length without Transfer-Encoding is an "
            "unrecoverable error")
R_CL_LEN = "RFC 9112 section 6.3 (6): a valid Content-Length gives the body length"
R_EOF_LEN = "RFC 9112 section 6.3 (8): otherwise the body runs until the server closes"
R_EXTRA = ("RFC 9112 section 6.3: a client MUST NOT process data after the response as a separate "
           "response")
R_BODILESS = "RFC 9112 section 6.3 (1): HEAD, 1xx, 204 and 304 responses end at the empty line"
R_INCOMPLETE = "RFC 9112 section 8: handling incomplete messages"
R_CHUNK = ("RFC 9112 section 7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; "
           "chunk-size = 1*HEXDIG")
R_CHUNK_BIG = ("RFC 9112 section 7.1: recipients MUST anticipate large hexadecimal numerals and "
               "prevent integer overflow")
R_EXT = "RFC 9112 section 7.1.1: chunk-ext = *( BWS \";\" BWS chunk-ext-name [ BWS \"=\" BWS chunk-ext-val ] )"
R_TRAILER = "RFC 9112 section 7.1.2: trailer-section = *( field-line CRLF )"
R_1XX = ("RFC 9110 section 15.2: a client MUST be able to parse one or more 1xx responses before "
         "the final response")
R_PERSIST10 = "RFC 9112 section 9.3: an HTTP/1.0 connection persists only with the keep-alive option"
R_KEEPALIVE10 = "RFC 9112 appendix C.2.2: keep-alive connections in HTTP/1.0"


DOCS = {
    # -- well-formed replies
    "ok/content-length": (
        "Content-Length: 11 and an 11-byte body; the connection stays open",
        [R_CL_LEN, BEGIN_LEN, SAFE, SAFE27]),
    "ok/empty-body": (
        "Content-Length: 0: an empty body; the connection stays open",
        [R_CL_LEN, BEGIN_LEN]),
    "ok/close-delimited": (
        "Connection: close and no length: the body runs until the server closes",
        [R_EOF_LEN, "RFC 9112 section 9.6: the close option", CLOSE]),
    "ok/no-length-http11": (
        "HTTP/1.1 reply with neither Content-Length nor Transfer-Encoding: the body runs to EOF",
        [R_EOF_LEN, BEGIN + ": will_close when the body is neither chunked nor counted"]),
    "ok/http10": (
        "HTTP/1.0 reply with Content-Length and no keep-alive: read by length, then the "
        "connection closes",
        [R_PERSIST10, CLOSE]),
    "ok/http10-keep-alive": (
        "HTTP/1.0 reply with Connection: keep-alive: the connection persists",
        [R_PERSIST10, R_KEEPALIVE10, CLOSE]),
    "ok/http10-keep-alive-header": (
        "HTTP/1.0 reply with only a Keep-Alive: timeout=5 field: the connection persists",
        [R_KEEPALIVE10, CLOSE + ": a Keep-Alive field means persistent for HTTP/1.0"]),
    "ok/proxy-connection": (
        "HTTP/1.0 reply with Proxy-Connection: keep-alive: the connection persists",
        [R_KEEPALIVE10, CLOSE + ": Proxy-Connection: keep-alive counts for HTTP/1.0"]),
    "ok/connection-close-mixed-case": (
        "Connection: Keep-Alive, CLOSE: the upper-case close option wins",
        ["RFC 9110 section 7.6.1: connection options are case-insensitive",
         "RFC 9112 section 9.6: the close option", CLOSE + ": \"close\" in the lower-cased value"]),
    "ok/binary-body": (
        "Body of all 256 byte values, by Content-Length",
        [R_CL_LEN, SAFE]),
    "ok/large-body": (
        "320,000-byte body by Content-Length, arriving over many socket reads",
        [R_CL_LEN, SAFE, SAFE27 + ": reads in MAXAMOUNT pieces"]),
    "ok/chunked": (
        "Chunked body of two chunks (5 and 6 bytes), then the last chunk",
        ["RFC 9112 section 7.1", CHUNKED, CHUNKED27]),
    "ok/chunked-extensions": (
        "Chunk extensions ';name=value' and ';last' are ignored",
        [R_EXT + ": unrecognized extensions MUST be ignored",
         PY3 + "HTTPResponse._read_next_chunk_size: the line is cut at the first ';'"]),
    "ok/chunked-trailers": (
        "Last chunk followed by two trailer fields, read and discarded",
        [R_TRAILER, TRAILER]),
    "ok/chunked-upper-hex": (
        "Chunk size in upper-case hexadecimal ('A', 10 bytes)",
        [R_CHUNK + " (HEXDIG is case-insensitive, RFC 5234)",
         PY3 + "HTTPResponse._read_next_chunk_size: int(line, 16)"]),
    "ok/chunked-leading-zeros": (
        "Chunk sizes with leading zeros: '0005', then last chunk '0000'",
        ["RFC 9112 section 7.1: chunk-size = 1*HEXDIG; last-chunk = 1*(\"0\") [ chunk-ext ] CRLF",
         PY3 + "HTTPResponse._read_next_chunk_size: int(line, 16)"]),
    "ok/chunked-case": (
        "Transfer-Encoding: ChUnKeD in mixed case is still chunked",
        ["RFC 9112 section 7: transfer-coding names are case-insensitive",
         BEGIN + ": chunked when the field's lower-cased value is \"chunked\""]),
    "ok/reason-missing": (
        "Status line 'HTTP/1.1 200' with neither the space nor a reason phrase",
        [R_STATUS + "; the server MUST send the SP even when the reason is absent",
         STATUS + ": two fields give an empty reason", PY2 + "HTTPResponse._read_status"]),
    "ok/reason-spaces": (
        "Reason phrase with runs of spaces and trailing spaces: kept as 'Not   Found'",
        ["RFC 9112 section 4: reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ); a client "
         "SHOULD ignore it",
         STATUS + ": split(None, 2)", BEGIN + ": reason.strip()"]),
    "ok/reason-latin1": (
        "Reason phrase of the bytes C4 E9 FF (obs-text), read as ISO-8859-1",
        ["RFC 9112 section 4: reason-phrase may hold obs-text",
         STATUS + ": the line is decoded as ISO-8859-1"]),
    "ok/status-999": (
        "Status code 999, the largest three-digit code, is accepted",
        ["RFC 9110 section 15: codes outside 100..599 are invalid; a client SHOULD treat them "
         "as 5xx", STATUS + ": BadStatusLine only below 100 or above 999"]),
    "ok/status-100-only-then-200": (
        "100 Continue with an empty header section, then the final 200",
        [R_1XX, "RFC 9110 section 15.2.1: 100 Continue", ONE_XX,
         PY2 + "HTTPResponse.begin: skips 100 Continue and its header lines"]),
    "ok/status-100-with-headers": (
        "100 Continue carrying a field (X-A: 1), skipped with it, then the final 200",
        [R_1XX, ONE_XX, PY2 + "HTTPResponse.begin: skips 100 Continue and its header lines"]),
    "ok/two-100s": (
        "Two 100 Continue responses in a row, then the final 200",
        [R_1XX, ONE_XX]),
    "ok/101": (
        "101 Switching Protocols with Upgrade, then raw bytes: the 101 is the response, body empty",
        ["RFC 9110 section 15.2.2: 101 Switching Protocols", R_BODILESS,
         ONE_XX + "; a 1xx has length 0"]),
    "ok/103": (
        "103 Early Hints is returned as the response; the 200 after it stays unread",
        ["RFC 8297: 103 Early Hints", R_1XX, ONE_XX + "; a 1xx has length 0"]),
    "ok/204-with-body": (
        "204 with Content-Length: 5 and five bytes: the body is empty, the bytes stay unread",
        ["RFC 9110 section 15.3.5: a 204 response cannot contain content", R_BODILESS,
         BEGIN + ": 204, 304, 1xx and HEAD have length 0"]),
    "ok/304": (
        "304 with Content-Length: 10 and no body: read as empty",
        ["RFC 9110 section 15.4.5: 304 Not Modified", R_BODILESS,
         BEGIN + ": 204, 304, 1xx and HEAD have length 0"]),
    "ok/head": (
        "Reply to HEAD with Content-Length: 7 and seven bytes: the body is empty",
        ["RFC 9110 section 9.3.2: HEAD", R_BODILESS,
         PY3 + "HTTPResponse.read: HEAD returns b\"\"", PY2 + "HTTPResponse.read: HEAD returns ''"]),
    "ok/head-chunked": (
        "Reply to HEAD with Transfer-Encoding: chunked and a chunked body: the body is empty",
        ["RFC 9110 section 9.3.2: HEAD", R_BODILESS, PY3 + "HTTPResponse.read: HEAD returns b\"\""]),
    "ok/http09-version-token": (
        "Status line naming HTTP/0.9, then header fields: 3.x reads it as HTTP/1.0, 2.7 makes "
        "the fields the body",
        [R_SIMPLE, BEGIN + ": \"HTTP/0.9\" is treated as HTTP/1.0",
         PY2 + "HTTPResponse.begin: version 9 reads no header section"]),
    "ok/http12": (
        "Status line version HTTP/1.2, read as HTTP/1.1",
        ["RFC 9110 section 2.5: a higher minor version is processed as the highest one supported",
         BEGIN + ": any \"HTTP/1.\" other than 1.0 is version 11"]),
    "ok/lf-only": (
        "Status line and header fields ended by bare LF instead of CRLF",
        [R_LF, PY3 + "_read_headers: readline() ends at LF and b\"\\n\" ends the section",
         READHEADERS]),

    # -- status lines
    "status/empty-reply": (
        "The server closes without sending a byte",
        [R_INCOMPLETE, STATUS + ": an empty read is RemoteDisconnected",
         PY2 + "HTTPResponse._read_status: an empty read is BadStatusLine"]),
    "status/garbage": (
        "First line 'garbage' with no HTTP version, then an empty line",
        [R_STATUS, R_SIMPLE, STATUS + ": no \"HTTP/\" prefix is BadStatusLine", STATUS27]),
    "status/http09-simple-response": (
        "HTTP/0.9 simple response: an HTML line with no status line",
        [R_SIMPLE, STATUS + ": no \"HTTP/\" prefix is BadStatusLine", STATUS27]),
    "status/http09-no-newline": (
        "Ten bytes with no status line and no line end, then EOF",
        [R_SIMPLE, STATUS + ": no \"HTTP/\" prefix is BadStatusLine", STATUS27]),
    "status/lowercase-http": (
        "Status line with lower-case 'http/1.1'",
        [R_VERSION, STATUS + ": the prefix test is case-sensitive", STATUS27]),
    "status/http2": (
        "Status line with version HTTP/2.0",
        ["RFC 9110 section 2.5: protocol version", R_VERSION,
         BEGIN + ": a version other than HTTP/1.x or HTTP/0.9 is UnknownProtocol",
         PY2 + "HTTPResponse.begin"]),
    "status/http-slash-only": (
        "Status line version 'HTTP/' with no digits",
        [R_VERSION, BEGIN + ": a version other than HTTP/1.x or HTTP/0.9 is UnknownProtocol",
         PY2 + "HTTPResponse.begin"]),
    "status/code-99": (
        "Two-digit status code 99",
        [R_CODE, STATUS + ": BadStatusLine below 100", PY2 + "HTTPResponse._read_status"]),
    "status/code-1000": (
        "Four-digit status code 1000",
        [R_CODE, STATUS + ": BadStatusLine above 999", PY2 + "HTTPResponse._read_status"]),
    "status/code-abc": (
        "Status code 'abc' (letters)",
        [R_CODE, STATUS + ": int() fails, BadStatusLine", PY2 + "HTTPResponse._read_status"]),
    "status/code-plus": (
        "Status code '+200': int() accepts the sign, read as 200",
        [R_CODE, STATUS + ": int(status); " + INT, PY2 + "HTTPResponse._read_status"]),
    "status/code-underscore": (
        "Status code '2_00': Python 3 int() reads 200, Python 2.7 rejects it",
        [R_CODE, STATUS + ": int(status); " + INT,
         PY2 + "HTTPResponse._read_status: int() fails, BadStatusLine"]),
    "status/code-negative": (
        "Status code '-200'",
        [R_CODE, STATUS + ": int() gives -200, BadStatusLine below 100",
         PY2 + "HTTPResponse._read_status"]),
    "status/code-leading-zero": (
        "Four-character status code '0200', read as 200",
        [R_CODE, STATUS + ": int(status)", PY2 + "HTTPResponse._read_status"]),
    "status/code-only-trailing-space": (
        "Status line 'HTTP/1.1 200 ' with the space and an empty reason phrase",
        [R_STATUS + "; the SP stays when the reason is absent",
         STATUS + ": two fields give an empty reason", PY2 + "HTTPResponse._read_status"]),
    "status/version-only": (
        "Status line 'HTTP/1.1' with no status code",
        [R_STATUS, STATUS + ": one field leaves the version empty, BadStatusLine",
         STATUS27]),
    "status/leading-space": (
        "Status line preceded by a space",
        [R_WS, STATUS + ": split(None, 2) skips leading whitespace",
         PY2 + "HTTPResponse._read_status"]),
    "status/tab-separated": (
        "Status line with HTAB instead of SP between its fields",
        [R_WS, STATUS + ": split(None, 2) splits at any whitespace",
         PY2 + "HTTPResponse._read_status"]),
    "status/nbsp-separated": (
        "Status line with byte A0 (no-break space) between its fields: Python 3 splits there, "
        "2.7 does not",
        [R_WS + "; A0 is not among them",
         STATUS + ": str.split() on the ISO-8859-1 text treats U+00A0 as whitespace",
         PY2 + "HTTPResponse._read_status: bytes.split() does not; the line is then an "
         "HTTP/0.9 response (strict=False) or BadStatusLine (strict=True)"]),
    "status/x1c-after-code": (
        "Status code followed by byte 1C: str.split() takes it as whitespace, int() does not",
        [R_WS + "; 1C is not among them",
         STATUS + ": split(None, 1) leaves '200\\x1c\\r\\n' and int() fails, BadStatusLine",
         PY2 + "HTTPResponse._read_status: int('200\\x1c') fails, BadStatusLine"]),
    "status/bare-cr": (
        "Bare CR between the status line and a Content-Length field, which ends up in the reason",
        [R_BARE_CR, R_WS,
         STATUS + ": readline() ends only at LF, so the field is part of the reason",
         PY2 + "HTTPResponse._read_status"]),
    "status/line-65536": (
        "Status line of exactly 65,536 bytes with its CRLF: at the limit, accepted",
        [R_STATUS, LIMIT, PY2 + "HTTPResponse._read_status: the same limit"]),
    "status/line-65537": (
        "Status line of 65,537 bytes with its CRLF: one byte over the limit, LineTooLong",
        [R_STATUS, LIMIT, PY2 + "HTTPResponse._read_status: the same limit"]),
    "status/unterminated": (
        "Status line 'HTTP/1.1 200 OK' with no CRLF, then EOF",
        [R_INCOMPLETE, STATUS + ": readline() returns the line without LF",
         PY3 + "_read_headers: EOF ends the header section", R_EOF_LEN]),
    "status/100-then-eof": (
        "100 Continue, then EOF before the final response",
        [R_1XX, ONE_XX, STATUS + ": an empty read is RemoteDisconnected",
         PY2 + "HTTPResponse._read_status: an empty read is BadStatusLine"]),
    "status/100-bad-version": (
        "100 Continue with version 'HTTP/3', then a valid HTTP/1.1 200",
        [R_VERSION, R_1XX,
         BEGIN + ": the version is checked only on the final response",
         PY2 + "HTTPResponse.begin: the same"]),

    # -- header lines
    "headers/99": (
        "99 header field lines: within both Python versions' limits",
        [R_LIMITS, COUNT, COUNT27]),
    "headers/100": (
        "100 header field lines: Python 3 counts the empty line too and refuses, 2.7 accepts",
        [R_LIMITS, COUNT, COUNT27]),
    "headers/101": (
        "101 header field lines: over the limit, HTTPException",
        [R_LIMITS, COUNT, COUNT27]),
    "headers/102": (
        "102 header field lines: over the limit, HTTPException",
        [R_LIMITS, COUNT, COUNT27]),
    "headers/line-65536": (
        "Header field line of exactly 65,536 bytes with its CRLF: at the limit, accepted",
        [R_LIMITS, LIMIT, READHEADERS + ": the same limit"]),
    "headers/line-65537": (
        "Header field line of 65,537 bytes with its CRLF: one byte over the limit, LineTooLong",
        [R_LIMITS, LIMIT, READHEADERS + ": the same limit"]),
    "headers/duplicate": (
        "Two Set-Cookie field lines: Python 3 keeps both, 2.7 joins them with ', '",
        ["RFC 9110 section 5.3: field order; Set-Cookie cannot be combined into one line",
         HEADERS, PY2 + "HTTPMessage.addheader"]),
    "headers/continuation": (
        "Field value folded onto two continuation lines, one starting with SP, one with HTAB",
        ["RFC 9112 section 5.2: a user agent MUST replace each obs-fold with SP", HEADERS,
         PY2 + "HTTPMessage.addcontinue"]),
    "headers/first-line-continuation": (
        "First field line begins with a space (' X-Bad: y'): dropped by Python 3, kept by 2.7",
        ["RFC 9112 section 2.2: a line starting with whitespace right after the start-line is "
         "rejected or ignored",
         FEED + ": FirstHeaderLineIsContinuationDefect", READHEADERS]),
    "headers/no-colon-mid-block": (
        "Line without a colon between two fields: Python 3 ends the header section there, "
        "2.7 skips it",
        [R_FIELD, FEED + ": a line that is not a field ends the header section",
         READHEADERS + ": a non-field line is skipped"]),
    "headers/space-before-colon": (
        "Space before the colon of 'Content-Length : 2': the length is not used",
        [R_FIELD + "; no whitespace is allowed between the name and the colon",
         FEED + ": the line is not a field, so the header section is empty",
         READHEADERS + ": the name keeps the space, so no content-length field"]),
    "headers/empty-name": (
        "Field line with an empty name (': novalue'), skipped",
        [R_NAME, FEED + ": \"Missing header name\" (bpo-19996)",
         READHEADERS + ": an empty name is skipped"]),
    "headers/from-line": (
        "First field line 'From someone', a mailbox envelope line without a colon, ignored",
        [R_FIELD, FEED + ": a first \"From \" line is the unix-from",
         READHEADERS + ": a first \"From \" line is the unixfrom"]),
    "headers/from-line-mid": (
        "Line 'From x' without a colon between two fields, ignored",
        [R_FIELD, FEED + ": MisplacedEnvelopeHeaderDefect",
         READHEADERS + ": a non-field line is skipped"]),
    "headers/bare-cr-split": (
        "Bare CR inside a field line hiding Content-Length: Python 3 splits there, 2.7 does not",
        [R_BARE_CR, FEED + ": lines end at CR, LF or CRLF",
         READHEADERS + ": lines end at LF, so Content-Length is part of X-A"]),
    "headers/bare-lf": (
        "Header field lines ended by bare LF after a CRLF status line",
        [R_LF, PY3 + "_read_headers: readline() ends at LF and b\"\\n\" ends the section",
         READHEADERS]),
    "headers/nul-in-value": (
        "NUL byte inside a field value, kept",
        [R_VALUE + ": a recipient MUST reject CR, LF or NUL in a value or replace it with SP",
         HEADERS, READHEADERS]),
    "headers/empty-value": (
        "Field with an empty value and field with a value of spaces only",
        [R_FIELD + "; field-value may be empty", HEADERS, READHEADERS]),
    "headers/latin1-value": (
        "Field value with byte E9 (obs-text), read as ISO-8859-1",
        [R_VALUE + ": obs-text is opaque data", HEADERS]),
    "headers/non-ascii-name": (
        "Field name with byte E9: Python 3 ends the header section there, 2.7 keeps the field",
        [R_NAME, FEED + ": headerRE allows only bytes 21-39 and 3B-7E in a name",
         PY2 + "rfc822.Message.isheader: anything before the first ':' is a name"]),
    "headers/eof-in-headers": (
        "EOF in the header section after Content-Length: 5 and an unterminated 'X-A: 1'",
        [R_INCOMPLETE, PY3 + "_read_headers: EOF ends the header section", SAFE, SAFE27]),
    "headers/bare-cr-many-fields": (
        "98 lines of three fields split by bare CR: the 100-line limit counts lines, not fields",
        [R_BARE_CR, COUNT, FEED + ": lines end at CR, LF or CRLF", READHEADERS]),
    "headers/cr-cr-lf": (
        "Field line ended by CR CR LF: Python 3 sees an empty line and ends the header "
        "section early",
        [R_BARE_CR, FEED + ": CR, then CRLF, is an empty line",
         PY2 + "HTTPMessage.addheader: the value is stripped"]),

    # -- Content-Length
    "length/short-body": (
        "Content-Length: 10 but only five body bytes, then EOF",
        [R_CL_LEN, R_INCOMPLETE, SAFE, SAFE27]),
    "length/long-body": (
        "Content-Length: 3 followed by 11 bytes: three are the body, the rest stays unread",
        [R_CL_LEN, R_EXTRA, SAFE]),
    "length/negative": (
        "Content-Length: -5: ignored, the body runs to EOF",
        [R_CL, R_CL_BAD, BEGIN_LEN]),
    "length/garbage": (
        "Content-Length: abc: ignored, the body runs to EOF",
        [R_CL, R_CL_BAD, BEGIN_LEN]),
    "length/plus": (
        "Content-Length: +4: int() accepts the sign, read as 4",
        [R_CL, BEGIN_LEN, INT]),
    "length/underscore": (
        "Content-Length: 0_4: Python 3 int() reads 4, 2.7 ignores it and reads to EOF",
        [R_CL, BEGIN_LEN, INT, PY2 + "HTTPResponse.begin: int() fails, length None"]),
    "length/spaces": (
        "Content-Length value with spaces around it ('   4   '), read as 4",
        [R_FIELD + "; OWS is not part of the value", BEGIN_LEN]),
    "length/nbsp": (
        "Content-Length: 4 followed by byte A0: Python 3 int() strips it, 2.7 ignores the field",
        [R_CL, "RFC 9110 section 5.6.3: OWS = *( SP / HTAB )",
         BEGIN_LEN + "; int() of the ISO-8859-1 text strips U+00A0",
         PY2 + "HTTPResponse.begin: int('4\\xa0') fails, length None"]),
    "length/list": (
        "Content-Length: 4, 4 (a list of equal values): ignored, the body runs to EOF",
        [R_CL + "; a recipient MAY replace a list of identical values with one", R_CL_BAD,
         BEGIN_LEN]),
    "length/conflicting": (
        "Two Content-Length fields, 4 and 6: Python 3 uses the first, 2.7 joins them and reads "
        "to EOF",
        [R_CL, R_CL_BAD, BEGIN_LEN + "; headers.get() gives the first field",
         PY2 + "HTTPMessage.addheader: joined as '4, 6', int() fails"]),
    "length/huge": (
        "Content-Length: 99999999999999999999 (over 2^64) with a five-byte body",
        [R_CL + "; a recipient MUST anticipate large numerals and prevent overflow",
         SAFE + ": fp.read() of the length raises OverflowError", SAFE27]),
    "length/near-2-63": (
        "Content-Length: 9223372036854775807 (2^63-1) with a five-byte body",
        [R_CL + "; a recipient MUST anticipate large numerals and prevent overflow",
         SAFE + ": fp.read() of the length fails (OverflowError or MemoryError)", SAFE27]),
    "length/past-2-63": (
        "Content-Length: 9223372036854775810 (2^63+2) with a five-byte body: what is left "
        "(2^63-3) fits an int64",
        [R_CL + "; a recipient MUST anticipate large numerals and prevent overflow",
         SAFE + ": IncompleteRead(partial, amt) with amt what is left", SAFE27]),
    "length/with-chunked": (
        "Content-Length: 100 together with Transfer-Encoding: chunked: the chunked coding wins",
        ["RFC 9112 section 6.3 (3): Transfer-Encoding overrides Content-Length",
         BEGIN + ": Content-Length is ignored when chunked"]),
    "length/empty-value": (
        "Empty Content-Length field: ignored, the body runs to EOF",
        [R_CL, R_CL_BAD, BEGIN_LEN]),
    "length/zero-then-bytes": (
        "Content-Length: 0 followed by five stray bytes, which stay unread",
        [R_CL_LEN, R_EXTRA, BEGIN_LEN]),

    # -- chunked coding
    "chunked/size-not-hex": (
        "Chunk size 'zz', not hexadecimal",
        [R_CHUNK, CHUNKED + ": int() fails, IncompleteRead", CHUNKED27]),
    "chunked/size-0x-prefix": (
        "Chunk size '0x5': int(line, 16) accepts the 0x prefix",
        [R_CHUNK, CHUNKED + ": int(line, 16)", CHUNKED27]),
    "chunked/size-negative": (
        "Chunk size '-1': Python 3 reads to EOF and reports those 12 bytes as partial, 2.7 none",
        [R_CHUNK, CHUNKED + ": int() gives -1 and _safe_read(-1) reads to EOF",
         CHUNKED27 + ": _safe_read(-1) reads nothing, 'he' goes as the CRLF, the size line 'llo' fails"]),
    "chunked/size-plus": (
        "Chunk size '+5': int() accepts the sign, read as 5",
        [R_CHUNK, CHUNKED + ": int(line, 16); " + INT, CHUNKED27]),
    "chunked/size-underscore": (
        "Chunk size '0_5': Python 3 int() reads 5, 2.7 fails",
        [R_CHUNK, CHUNKED + ": int(line, 16); " + INT, CHUNKED27 + ": int() fails, IncompleteRead"]),
    "chunked/size-spaces": (
        "Chunk size ' 5 ' with a space on each side: int() strips them",
        [R_CHUNK, "RFC 9112 section 7.1.1: after chunk-size, whitespace only as BWS before ';'",
         CHUNKED + ": int(line, 16)", CHUNKED27]),
    "chunked/size-overflow": (
        "Chunk size of 20 hex digits (2^80-1), five bytes of data, then EOF",
        [R_CHUNK_BIG, SAFE + ": fp.read() of the size raises OverflowError", SAFE27]),
    "chunked/size-empty-line": (
        "Empty line where the first chunk size should be",
        [R_CHUNK, CHUNKED + ": int(b\"\\r\\n\", 16) fails, IncompleteRead", CHUNKED27]),
    "chunked/missing-crlf-after-data": (
        "Chunk data followed by 'XY' instead of CRLF: the two bytes are discarded unchecked",
        [R_CHUNK, PY3 + "HTTPResponse._get_chunk_left: _safe_read(2) discards the chunk's CRLF",
         CHUNKED27 + ": the same"]),
    "chunked/lf-only": (
        "Chunked body with bare LF line ends: the 2-byte CRLF skip takes '\\n0'",
        [R_CHUNK, R_LF,
         PY3 + "HTTPResponse._get_chunk_left: _safe_read(2), then the empty size line fails",
         CHUNKED27]),
    "chunked/missing-last-chunk": (
        "One chunk, then EOF without the last chunk",
        [R_INCOMPLETE + ": a chunked body is incomplete without the zero-sized chunk",
         CHUNKED + ": an empty size line fails, IncompleteRead with the data so far",
         CHUNKED27]),
    "chunked/eof-mid-data": (
        "Chunk size 10 (16 bytes) with only nine data bytes, then EOF",
        [R_INCOMPLETE,
         PY3 + "HTTPResponse._read_chunked: IncompleteRead holds only the chunks completed",
         SAFE27 + ": IncompleteRead with the nine bytes, 7 more expected"]),
    "chunked/eof-after-size": (
        "Chunk size line '5' with its CRLF, then EOF before any data",
        [R_INCOMPLETE, CHUNKED, SAFE27 + ": IncompleteRead, 5 more expected"]),
    "chunked/eof-in-crlf": (
        "Chunk data followed by a lone CR, then EOF",
        [R_INCOMPLETE, PY3 + "HTTPResponse._read_chunked: IncompleteRead with the chunk's data",
         CHUNKED27 + ": _safe_read(2) raises IncompleteRead holding only the CR"]),
    "chunked/no-trailer-end": (
        "Last chunk, then EOF without the final empty line: accepted",
        ["RFC 9112 section 7.1: the body ends with the trailer section and CRLF", R_INCOMPLETE,
         TRAILER + ": EOF ends the trailer section", CHUNKED27 + ": the same"]),
    "chunked/trailer-lf-end": (
        "Trailer field and final empty line ended by bare LF",
        [R_TRAILER, R_LF, TRAILER + ": b\"\\n\" ends the trailer section",
         CHUNKED27 + ": only CRLF or EOF ends the trailer section"]),
    "chunked/size-line-65537": (
        "Chunk size line with a 65,534-byte extension (65,538 bytes with CRLF): LineTooLong",
        [R_EXT, PY3 + "HTTPResponse._read_next_chunk_size: readline(_MAXLINE + 1), "
         "LineTooLong(\"chunk size\")", CHUNKED27 + ": the same limit"]),
    "chunked/trailer-line-65537": (
        "Trailer field line of 65,539 bytes with its CRLF: LineTooLong",
        [R_TRAILER, TRAILER + ": readline(_MAXLINE + 1), LineTooLong(\"trailer line\")",
         CHUNKED27 + ": the same limit"]),
    "chunked/many-trailers": (
        "Last chunk followed by 150 trailer fields: no count limit applies",
        [R_TRAILER, R_LIMITS, TRAILER + ": bounds each line, not the number of lines"]),
    "chunked/1-byte-chunks": (
        "200 chunks of one byte each",
        ["RFC 9112 section 7.1", CHUNKED, CHUNKED27]),
    "chunked/gzip-te": (
        "Transfer-Encoding: gzip without chunked: the body runs to EOF, not decoded",
        ["RFC 9112 section 6.3 (4): if chunked is not the final coding of a response, the body "
         "runs until the connection closes", "RFC 9112 section 7.2: gzip",
         BEGIN + ": only \"chunked\" is decoded, other codings are left to the caller"]),
    "chunked/gzip-chunked-te": (
        "Transfer-Encoding: gzip, chunked: not the exact value 'chunked', so the raw chunked "
        "bytes are the body, to EOF",
        ["RFC 9112 section 6.3 (4): chunked as the final coding gives the body length",
         BEGIN + ": chunked only when the whole value is \"chunked\""]),
    "chunked/http10": (
        "HTTP/1.0 reply with Transfer-Encoding: chunked: decoded anyway, then the connection "
        "closes",
        ["RFC 9112 section 6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing; "
         "close after it", BEGIN + ": chunked whatever the version", CLOSE]),
    "chunked/ext-bad": (
        "Chunk extension without a name (';=x'): ignored with the rest of the line",
        [R_EXT + "; chunk-ext-name = token",
         PY3 + "HTTPResponse._read_next_chunk_size: the line is cut at the first ';'"]),
}
