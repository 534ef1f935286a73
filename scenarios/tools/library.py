# SPDX-License-Identifier: MIT
"""The specification of the hand-written part of the scenario library: for each
scenario its id, title, references, tags, the request and server script (in the
scenario format, scenarios/FORMAT.md) and, where the strict profile differs from
CPython, the strict expectation with the RFC section that gives it.
scenarios/tools/gen_library.py turns each entry into a file, taking every
py3/py27/py27-strict expectation from running CPython on the bytes."""

SCENARIOS = []

BSL = "error BadStatusLine"
IH = "error InvalidHeader"
IF = "error InvalidFraming"
UTE = "error UnknownTransferEncoding"

RS = "CPython http/client.py HTTPResponse._read_status; httplib 2.7 HTTPResponse._read_status"
RH = "CPython http/client.py parse_headers (email.parser); httplib 2.7 HTTPMessage.readheaders"
RC = "CPython http/client.py HTTPResponse._read_chunked and _read_next_chunk_size"
RL = "CPython http/client.py HTTPResponse.begin (length = int(Content-Length), None when invalid)"
RB = "CPython http/client.py HTTPResponse.begin: 1xx, 204, 304 and HEAD have length 0"
RK = "CPython http/client.py HTTPResponse._check_close and HTTPConnection.getresponse"


def S(id, title, refs, tags, block, **kw):
    """One scenario; refs and tags as lists or comma-separated text."""
    refs = refs if isinstance(refs, list) else [refs]
    tags = [t.strip() for t in tags.split(",")] if isinstance(tags, str) else tags
    SCENARIOS.append(dict(id=id, title=title, refs=refs, tags=tags, block=block, **kw))


def one(*sends, wait="read request", end="close", pre=""):
    """A single connection: wait for the request, send each piece (one write each), end."""
    lines = [pre + "connection", "  " + wait] if wait else [pre + "connection"]
    for s in sends:
        lines.append("  " + s if s.split(" ")[0] in ("pause", "segments", "silent", "shutdown",
                                                      "reset", "close", "read")
                     else "  send " + s)
    if end:
        lines.append("  " + end)
    return "\n".join(lines)


OK2 = r'"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"'
CH = r'"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'

# ---- status lines -------------------------------------------------------------
ST = "status"
S("status/code-two-digits", "A two-digit status code", [RS, "RFC 9110 section 15: status-code = 3DIGIT"],
  ST, one(r'"HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n"'), strict=BSL)
S("status/code-hex", "A status code written in hexadecimal (0xC8)", [RS, "RFC 9112 section 4: status-code = 3DIGIT"],
  ST, one(r'"HTTP/1.1 0xC8 OK\r\nContent-Length: 0\r\n\r\n"'), strict=BSL)
S("status/code-split-by-space", "A status code with a space inside (\"2 00\")", [RS, "RFC 9112 section 4"],
  ST, one(r'"HTTP/1.1 2 00 OK\r\nContent-Length: 0\r\n\r\n"'), strict=BSL)
S("status/code-superscript-digit", "A status code with a Latin-1 superscript two (0xB2) for a digit",
  [RS, "Python int() takes only Unicode decimal digits (category Nd); RFC 9112 section 4: 3DIGIT"],
  ST, one(r'"HTTP/1.1 \xb200 OK\r\nContent-Length: 0\r\n\r\n"'), strict=BSL)
S("status/code-600", "Status 600, above the registered range", [RS, "RFC 9110 section 15: codes are 100 to 599; a client SHOULD process an invalid one as a 5xx"],
  ST, one(r'"HTTP/1.1 600 Beyond\r\nContent-Length: 2\r\n\r\nhi"'), reason=True)
S("status/code-599", "Status 599, the highest valid code", [RS, "RFC 9110 section 15: codes are 100 to 599; unknown codes are treated as x00 of their class"],
  ST, one(r'"HTTP/1.1 599 Network Connect Timeout\r\nContent-Length: 2\r\n\r\nhi"'), reason=True)
S("status/code-glued-to-reason", "No space between the code and the reason (\"200OK\")", [RS, "RFC 9112 section 4: status-code SP reason-phrase"],
  ST, one(r'"HTTP/1.1 200OK\r\nContent-Length: 0\r\n\r\n"'), strict=BSL)
S("status/version-glued-to-code", "No space between the version and the code (\"HTTP/1.1200\")", [RS, "RFC 9112 section 4: HTTP-version SP status-code"],
  ST, one(r'"HTTP/1.1200 OK\r\nContent-Length: 0\r\n\r\n"'), strict=BSL)
S("status/double-space-after-version", "Two spaces between the version and the code", [RS, "RFC 9112 section 4: exactly one SP separates the parts"],
  ST, one(r'"HTTP/1.1  200 OK\r\nContent-Length: 2\r\n\r\nhi"'), strict=BSL)
S("status/reason-trailing-space", "A reason phrase with trailing spaces", [RS, "CPython HTTPResponse.begin strips the reason"],
  ST, one(r'"HTTP/1.1 200 All good   \r\nContent-Length: 2\r\n\r\nhi"'), reason=True,
  strict='response status=200 reason="All good   " version=11 body="hi" will-close=no',
  note="strict: reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ) (RFC 9112 section 4), so the spaces belong to it.")
S("status/reason-with-nul", "A NUL byte inside the reason phrase", [RS, "RFC 9112 section 4: reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )"],
  ST, one(r'"HTTP/1.1 200 O\x00K\r\nContent-Length: 2\r\n\r\nhi"'), strict=BSL)
S("status/reason-utf8", "A UTF-8 reason phrase, seen as Latin-1 code points", [RS, "RFC 9112 section 4: obs-text is allowed in the reason; CPython decodes the line as ISO-8859-1"],
  ST, one(r'"HTTP/1.1 200 \xc3\x9cbung\r\nContent-Length: 2\r\n\r\nhi"'), reason=True)
S("status/reason-8000-bytes", "A reason phrase of 8000 bytes", [RS, "RFC 9112 section 3 recommends at least 8000 octets for request lines; status lines are bounded only by the 65536-byte line limit"],
  ST + ", long-line", one(r'"HTTP/1.1 200 " + "r" * 8000 + "\r\nContent-Length: 2\r\n\r\nhi"'))
S("status/version-without-minor", "Version \"HTTP/1\" without a minor number", [RS, "CPython HTTPResponse._read_status: UnknownProtocol for versions other than HTTP/1.x and 0.9", "RFC 9112 section 2.3: HTTP-version = HTTP-name \"/\" DIGIT \".\" DIGIT"],
  ST + ", version", one(r'"HTTP/1 200 OK\r\nContent-Length: 2\r\n\r\nhi"'), strict=BSL)
S("status/version-http3", "Version \"HTTP/3\" on an HTTP/1 connection", [RS, "RFC 9112 section 2.3"],
  ST + ", version", one(r'"HTTP/3 200 OK\r\nContent-Length: 2\r\n\r\nhi"'), strict=BSL)
S("status/version-http2-bare", "Version \"HTTP/2\" (as an h2 server confused about the protocol might send)", [RS, "RFC 9112 section 2.3; RFC 9113 section 3 (HTTP/2 is never spoken in HTTP/1 syntax)"],
  ST + ", version", one(r'"HTTP/2 200\r\nContent-Length: 2\r\n\r\nhi"'), strict=BSL)
S("status/version-minor-two-digits", "Version \"HTTP/1.10\"", [RS, "CPython treats any HTTP/1.x as 11", "RFC 9112 section 2.3: one DIGIT each side"],
  ST + ", version", one(r'"HTTP/1.10 200 OK\r\nContent-Length: 2\r\n\r\nhi"'), strict=BSL)
S("status/version-trailing-letter", "Version \"HTTP/1.1x\"", [RS, "RFC 9112 section 2.3"],
  ST + ", version", one(r'"HTTP/1.1x 200 OK\r\nContent-Length: 2\r\n\r\nhi"'), strict=BSL)
S("status/version-empty-minor", "Version \"HTTP/1.\" with an empty minor number", [RS, "RFC 9112 section 2.3"],
  ST + ", version", one(r'"HTTP/1. 200 OK\r\nContent-Length: 2\r\n\r\nhi"'), strict=BSL)
S("status/version-leading-zero", "Version \"HTTP/01.1\"", [RS, "RFC 9112 section 2.3"],
  ST + ", version", one(r'"HTTP/01.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"'), strict=BSL)
S("status/version-http10-reason-missing", "An HTTP/1.0 status line with neither reason nor trailing space", [RS, "RFC 9112 section 4: the SP before an empty reason is required"],
  ST + ", version", one(r'"HTTP/1.0 404\r\nContent-Length: 2\r\n\r\nno"'), strict=BSL)
S("status/icy", "A SHOUTcast \"ICY 200 OK\" status line", [RS, "httplib 2.7 (strict=False) reads a first line without HTTP/ as an HTTP/0.9 body", "RFC 9112 section 2.3"],
  ST + ", http09", one(r'"ICY 200 OK\r\nicy-name: radio\r\n\r\naudio"'), strict=BSL)
S("status/leading-crlf", "An empty line before the status line", [RS, "RFC 9112 section 2.2: only a server is asked to ignore a leading CRLF (before a request-line)"],
  ST + ", whitespace", one(r'"\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"'), strict=BSL)
S("status/utf8-bom", "A UTF-8 byte order mark before the status line", [RS, "RFC 9112 section 2.3: HTTP-name is %s\"HTTP\""],
  ST, one(r'"\xef\xbb\xbfHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"'), strict=BSL)
S("status/missing-status-line", "The reply starts with a header line (the status line is missing)", [RS, "RFC 9112 section 4"],
  ST, one(r'"Content-Length: 2\r\n\r\nhi"'), strict=BSL)
S("status/lf-only-status-line-all-profiles", "The status line ends with LF alone, the rest with CRLF (every profile)", [RS, "RFC 9112 section 2.2: a recipient MAY accept a bare LF; the strict profile does not"],
  ST + ", lf-only", one(r'"HTTP/1.1 204 No Content\nX-After: lf\r\n\r\n"'), strict=BSL, reason=True)

# ---- header lines --------------------------------------------------------------
HD = "headers"
S("headers/no-colon-first-line", "The first header line has no colon", [RH, "RFC 9112 section 5: field-line = field-name \":\" OWS field-value OWS"],
  HD, one(r'"HTTP/1.1 200 OK\r\nnocolon\r\nContent-Length: 2\r\n\r\nhi"'), strict=IH)
S("headers/obs-fold-content-length", "Content-Length folded onto a continuation line", [RH, "RFC 9112 section 5.2: obs-fold; a user agent MUST replace it with one or more SP before interpreting the value"],
  HD + ", obs-fold, content-length", one(r'"HTTP/1.1 200 OK\r\nContent-Length:\r\n 2\r\n\r\nhi"'),
  strict='response status=200 version=11 body="hi" header="Content-Length: 2" will-close=no')
S("headers/obs-fold-tab", "A header continued with a tab", [RH, "RFC 9112 section 5.2: obs-fold = OWS CRLF RWS"],
  HD + ", obs-fold", one(r'"HTTP/1.1 200 OK\r\nX-Folded: one\r\n\ttwo\r\nContent-Length: 2\r\n\r\nhi"'),
  strict='response status=200 version=11 body="hi" header="X-Folded: one two" will-close=no')
S("headers/repeated-joined", "A repeated field is read as the values joined with a comma", [RH, "RFC 9110 section 5.3: a recipient may combine field lines with commas; CPython getheader joins with \", \""],
  HD + ", repeated", one(r'"HTTP/1.1 200 OK\r\nX-Dup: 1\r\nX-Dup: 2\r\nContent-Length: 2\r\n\r\nhi"'), headers=["X-Dup"])
S("headers/repeated-name-case", "The same field name in two spellings of case", [RH, "RFC 9110 section 5.1: field names are case-insensitive"],
  HD + ", repeated", one(r'"HTTP/1.1 200 OK\r\nx-dup: a\r\nX-DUP: b\r\nContent-Length: 2\r\n\r\nhi"'), headers=["X-Dup"])
S("headers/cr-in-value", "A bare CR in the middle of a field value", [RH, "RFC 9110 section 5.5: CR in a field value MUST be rejected or replaced by SP"],
  HD + ", control", one(r'"HTTP/1.1 200 OK\r\nX-A: left\rright\r\nContent-Length: 2\r\n\r\nhi"'), strict=IH)
S("headers/nul-in-name", "A NUL byte inside a field name", [RH, "RFC 9110 section 5.1: field-name = token"],
  HD + ", control", one(r'"HTTP/1.1 200 OK\r\nX-\x00A: 1\r\nContent-Length: 2\r\n\r\nhi"'), strict=IH)
S("headers/del-in-value", "A DEL byte (0x7F) inside a field value", [RH, "RFC 9110 section 5.5: field-vchar = VCHAR / obs-text; DEL is neither"],
  HD + ", control", one(r'"HTTP/1.1 200 OK\r\nX-A: a\x7fb\r\nContent-Length: 2\r\n\r\nhi"'), strict=IH)
S("headers/tab-in-value", "A tab inside a field value is kept", [RH, "RFC 9110 section 5.5: field-content allows SP and HTAB between field-vchars"],
  HD, one(r'"HTTP/1.1 200 OK\r\nX-Tab: a\tb\r\nContent-Length: 2\r\n\r\nhi"'), headers=["X-Tab"])
S("headers/tab-before-colon", "A tab between the field name and the colon", [RH, "RFC 9112 section 5.1: no whitespace is allowed between the field name and colon"],
  HD + ", desync, content-length", one(r'"HTTP/1.1 200 OK\r\nContent-Length\t: 2\r\n\r\nhi"'), strict=IH)
S("headers/space-in-name", "A space inside a field name", [RH, "RFC 9110 section 5.1: field-name = token (no SP)"],
  HD, one(r'"HTTP/1.1 200 OK\r\nX Bad: 1\r\nContent-Length: 2\r\n\r\nhi"'), strict=IH)
S("headers/value-trailing-whitespace", "Trailing whitespace after a field value", [RH, "RFC 9112 section 5: OWS around the field value is not part of it"],
  HD + ", whitespace", one(r'"HTTP/1.1 200 OK\r\nX-Trail: v  \t\r\nContent-Length: 2\r\n\r\nhi"'), headers=["X-Trail"],
  strict='response status=200 version=11 body="hi" header="X-Trail: v" will-close=no')
S("headers/no-space-after-colon", "A field value right after the colon", [RH, "RFC 9112 section 5: OWS after the colon is optional"],
  HD + ", whitespace", one(r'"HTTP/1.1 200 OK\r\nX-Tight:v\r\nContent-Length:2\r\n\r\nhi"'), headers=["X-Tight"])
S("headers/colon-in-value", "A value containing colons", [RH, "RFC 9112 section 5: the field name ends at the first colon"],
  HD, one(r'"HTTP/1.1 200 OK\r\nLocation: http://example.org:8080/a:b\r\nContent-Length: 2\r\n\r\nhi"'), headers=["Location"])
S("headers/name-uppercase-content-length", "CONTENT-LENGTH in capitals frames the body", [RH, "RFC 9110 section 5.1: field names are case-insensitive"],
  HD + ", content-length", one(r'"HTTP/1.1 200 OK\r\nCONTENT-LENGTH: 2\r\n\r\nhi and more"'))
S("headers/value-8000-bytes", "A field value of 8000 bytes", [RH, "RFC 9110 section 5.4: no fixed limit; the line limit is 65536 bytes"],
  HD + ", long-line", one(r'"HTTP/1.1 200 OK\r\nX-Big: " + "v" * 8000 + "\r\nContent-Length: 2\r\n\r\nhi"'))
S("headers/utf8-value", "A UTF-8 field value, seen as Latin-1 code points", [RH, "RFC 9110 section 5.5: obs-text; CPython decodes header bytes as ISO-8859-1"],
  HD, one(r'"HTTP/1.1 200 OK\r\nX-Name: J\xc3\xbcrgen\r\nContent-Length: 2\r\n\r\nhi"'), headers=["X-Name"])
S("headers/whitespace-line-mid-block", "A line of spaces in the middle of the header block", [RH, "RFC 9112 section 5.2: a line starting with whitespace is obs-fold"],
  HD + ", obs-fold", one(r'"HTTP/1.1 200 OK\r\nX-A: 1\r\n   \r\nContent-Length: 2\r\n\r\nhi"'),
  strict='response status=200 version=11 body="hi" header="X-A: 1" will-close=no')

# ---- line length limits ----------------------------------------------------------
LM = "limits, long-line"
MAXL = "CPython http/client.py _MAXLINE = 65536: readline(_MAXLINE + 1), LineTooLong when longer"
SL = "the strict profile keeps the 65536-byte line limit (README, profiles); RFC 9112 section 2.3 lets a recipient bound line lengths"
S("limits/status-line-at-limit", "Status lines of 65535 and 65536 bytes (CRLF included; fill = reason bytes) are read",
  [MAXL, SL], LM + ", status", "sweep: fill = 65520 65521\n\n" + one(r'"HTTP/1.1 200 " + "r" * {fill} + "\r\nContent-Length: 2\r\n\r\nhi"'),
  note="The status line is 13 + fill + 2 bytes: 65535 and 65536.")
S("limits/status-line-over-limit", "Status lines of 65537 and 65538 bytes (CRLF included) are too long",
  [MAXL, SL], LM + ", status", "sweep: fill = 65522 65523\n\n" + one(r'"HTTP/1.1 200 " + "r" * {fill} + "\r\nContent-Length: 2\r\n\r\nhi"'),
  note="The status line is 13 + fill + 2 bytes: 65537 and 65538.")
S("limits/header-line-at-limit", "Header lines of 65535 and 65536 bytes (CRLF included) are read",
  [MAXL, SL], LM + ", headers", "sweep: fill = 65525 65526\n\n" + one(r'"HTTP/1.1 200 OK\r\nX-Long: " + "v" * {fill} + "\r\nContent-Length: 2\r\n\r\nhi"'),
  note="The header line is 8 + fill + 2 bytes: 65535 and 65536.")
S("limits/header-line-over-limit", "Header lines of 65537 and 65538 bytes (CRLF included) are too long",
  [MAXL, SL], LM + ", headers", "sweep: fill = 65527 65528\n\n" + one(r'"HTTP/1.1 200 OK\r\nX-Long: " + "v" * {fill} + "\r\nContent-Length: 2\r\n\r\nhi"'),
  note="The header line is 8 + fill + 2 bytes: 65537 and 65538.")
S("limits/continuation-line-over-limit", "An obs-fold continuation line of 65537 bytes is too long (limit per line, not per field)",
  [MAXL, "RFC 9112 section 5.2"], LM + ", headers, obs-fold", one(r'"HTTP/1.1 200 OK\r\nX-Fold: a\r\n " + "v" * 65534 + "\r\nContent-Length: 2\r\n\r\nhi"'),
  strict="error LineTooLong", note="The continuation line is 1 + 65534 + 2 = 65537 bytes.")
S("limits/header-line-lf-at-limit", "A header line of 65536 bytes ended by LF alone is read",
  [MAXL, "the limit counts the line terminator, one byte here"], LM + ", headers, lf-only",
  one(r'"HTTP/1.1 200 OK\r\nX-Long: " + "v" * 65527 + "\nContent-Length: 2\r\n\r\nhi"'), strict=IH,
  note="8 + 65527 + 1 = 65536 bytes; the strict profile rejects the bare LF (RFC 9112 section 2.2), not the length.")
S("limits/chunk-size-line-at-limit", "Chunk-size lines of 65535 and 65536 bytes (extension filling the line) are read",
  [MAXL + " (chunk size)", SL], LM + ", chunked", "sweep: fill = 65531 65532\n\n" + one(CH + r'5;" + "e" * {fill} + "\r\nhello\r\n0\r\n\r\n"'),
  note="The chunk-size line is 2 + fill + 2 bytes: 65535 and 65536.")
S("limits/chunk-size-line-over-limit", "Chunk-size lines of 65537 and 65538 bytes are too long",
  [MAXL + " (chunk size)", SL], LM + ", chunked", "sweep: fill = 65533 65534\n\n" + one(CH + r'5;" + "e" * {fill} + "\r\nhello\r\n0\r\n\r\n"'),
  note="The chunk-size line is 2 + fill + 2 bytes: 65537 and 65538.")
S("limits/trailer-line-at-limit", "Trailer lines of 65535 and 65536 bytes are read",
  [MAXL + " (trailer line)", SL], LM + ", chunked, trailers", "sweep: fill = 65528 65529\n\n" + one(CH + r'5\r\nhello\r\n0\r\nX-T: " + "t" * {fill} + "\r\n\r\n"'),
  note="The trailer line is 5 + fill + 2 bytes: 65535 and 65536.")
S("limits/trailer-line-over-limit", "Trailer lines of 65537 and 65538 bytes are too long",
  [MAXL + " (trailer line)", SL], LM + ", chunked, trailers", "sweep: fill = 65530 65531\n\n" + one(CH + r'5\r\nhello\r\n0\r\nX-T: " + "t" * {fill} + "\r\n\r\n"'),
  note="The trailer line is 5 + fill + 2 bytes: 65537 and 65538.")

# ---- chunked coding --------------------------------------------------------------
CK = "chunked"
S("chunked/ext-empty-after-semicolon", "A chunk size followed by \";\" and no extension name", [RC, "RFC 9112 section 7.1.1: chunk-ext = *( BWS \";\" BWS chunk-ext-name [ ... ] )"],
  CK + ", extensions", one(CH + r'5;\r\nhello\r\n0\r\n\r\n"'), strict=IF)
S("chunked/ext-space-before-semicolon", "Whitespace before a chunk extension's semicolon", [RC, "RFC 9112 section 7.1.1: BWS is allowed before \";\""],
  CK + ", extensions", one(CH + r'5 ;name=v\r\nhello\r\n0\r\n\r\n"'))
S("chunked/ext-on-last-chunk-with-trailer", "An extension on the last chunk, then a trailer", [RC, "RFC 9112 section 7.1: last-chunk = 1*(\"0\") [ chunk-ext ] CRLF"],
  CK + ", extensions, trailers", one(CH + r'3\r\nabc\r\n0;done=1\r\nX-Sum: 3\r\n\r\n"'))
S("chunked/size-then-garbage", "A chunk size followed by a space and a word, no semicolon", [RC, "RFC 9112 section 7.1"],
  CK + ", bad-hex", one(CH + r'5 x\r\nhello\r\n0\r\n\r\n"'), strict=IF)
S("chunked/size-tab-suffix", "A chunk size followed by a tab", [RC, "RFC 9112 section 7.1: chunk-size CRLF, whitespace only as BWS before an extension"],
  CK + ", whitespace", one(CH + r'5\t\r\nhello\r\n0\r\n\r\n"'), strict=IF)
S("chunked/size-minus-zero", "A last chunk written \"-0\"", [RC, "Python int(\"-0\", 16) is 0", "RFC 9112 section 7.1: chunk-size = 1*HEXDIG"],
  CK + ", negative", one(CH + r'5\r\nhello\r\n-0\r\n\r\n"'), strict=IF)
S("chunked/data-longer-than-size", "Chunk data longer than its size", [RC, "CPython discards the two bytes after the data without checking for CRLF", "RFC 9112 section 7.1"],
  CK + ", missing-crlf, desync", one(CH + r'3\r\nhello\r\n0\r\n\r\n"'), strict=IF)
S("chunked/data-shorter-than-size", "Chunk data shorter than its size, the next size line eaten", [RC, "RFC 9112 section 7.1"],
  CK + ", desync", one(CH + r'7\r\nhello\r\n0\r\n\r\n"'), strict=IF)
S("chunked/lf-only-after-data", "Chunk data ended by LF alone", [RC, "RFC 9112 section 7.1: chunk-data CRLF; section 2.2 for bare LF"],
  CK + ", lf-only, missing-crlf", one(CH + r'5\r\nhello\n0\r\n\r\n"'), strict=IF)
S("chunked/lf-only-last-chunk", "The last chunk and the end of trailers ended by LF alone", [RC, "RFC 9112 section 2.2: a recipient MAY accept a bare LF; the strict profile does not"],
  CK + ", lf-only", one(CH + r'5\r\nhello\r\n0\n\n"'), strict=IF)
S("chunked/last-chunk-no-crlf", "The last chunk \"0\" with nothing after it, then close", [RC, "RFC 9112 section 7.1 and section 8: a chunked body is complete at the last chunk and the end of the trailer section"],
  CK + ", truncated, missing-last-chunk", one(CH + r'5\r\nhello\r\n0"'), strict="error IncompleteRead partial=5 expected=none")
S("chunked/trailer-then-eof", "A trailer field and then EOF, without the final empty line", [RC + " and _read_and_discard_trailer", "RFC 9112 section 7.1.2 and section 8"],
  CK + ", trailers, truncated", one(CH + r'5\r\nhello\r\n0\r\nX-T: v\r\n"'), strict="error IncompleteRead partial=5 expected=none")
S("chunked/trailer-no-colon", "A trailer line without a colon", [RC + " and _read_and_discard_trailer (trailers are skipped unread)", "RFC 9112 section 7.1.2: trailer-section = *( field-line CRLF )"],
  CK + ", trailers", one(CH + r'5\r\nhello\r\n0\r\nnot a field\r\n\r\n"'), strict=IH)
S("chunked/trailer-obs-fold", "A trailer field continued on a folded line", [RC, "RFC 9112 section 5.2 and 7.1.2"],
  CK + ", trailers, obs-fold", one(CH + r'5\r\nhello\r\n0\r\nX-T: a\r\n b\r\n\r\n"'))
S("chunked/te-chunked-twice", "Transfer-Encoding \"chunked, chunked\"", [RL + "; chunked only when the value is exactly \"chunked\"", "RFC 9112 section 6.1: a sender MUST NOT apply chunked more than once"],
  CK + ", transfer-encoding", one(r'"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"'), strict=UTE,
  note="strict: the inner \"chunked\" is a coding applied before the final one, which the client does not decode\n(UnknownTransferEncoding, as for gzip in strict/transfer-coding-gzip).")
S("chunked/te-two-fields", "Transfer-Encoding gzip and then chunked in two fields", ["CPython http/client.py HTTPResponse.begin reads the first Transfer-Encoding field only", "RFC 9110 section 5.3 (the field lines combine to \"gzip, chunked\") and RFC 9112 section 6.1"],
  CK + ", transfer-encoding, repeated", one(r'"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"'), strict=UTE)
S("chunked/te-identity", "Transfer-Encoding identity (removed from the registry)", ["CPython http/client.py HTTPResponse.begin", "RFC 9112 section 6.1 and RFC 7230 erratum: identity is no longer a transfer coding"],
  CK + ", transfer-encoding", one(r'"HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\nplain body"'), strict=UTE)
S("chunked/te-chunked-with-parameter", "Transfer-Encoding \"chunked;foo=bar\": a parameter on a coding that defines none",
  ["CPython http/client.py HTTPResponse.begin compares the value to \"chunked\"", "RFC 9112 section 7.1: chunked has no parameters; a recipient SHOULD treat parameters as an error"],
  CK + ", transfer-encoding, malformed", one(r'"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked;foo=bar\r\n\r\n5\r\nhello\r\n0\r\n\r\n"'), strict=UTE)
S("chunked/te-gzip-with-parameter", "Transfer-Encoding \"gzip;level=9, chunked\": a parameter on a compression coding",
  ["CPython http/client.py HTTPResponse.begin compares the value to \"chunked\"", "RFC 9112 section 7.2: compression codings define no parameters; a recipient SHOULD treat them as an error"],
  CK + ", transfer-encoding, malformed", one(r'"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip;level=9, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"'), strict=UTE)
S("chunked/te-trailing-space", "Transfer-Encoding \"chunked\" followed by spaces", ["CPython http/client.py HTTPResponse.begin compares the value to \"chunked\"", "RFC 9112 section 5: OWS after a field value is not part of it"],
  CK + ", transfer-encoding, whitespace", one(r'"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked  \r\n\r\n5\r\nhello\r\n0\r\n\r\n"'),
  strict='response status=200 version=11 body="hello" will-close=no')
S("chunked/bytes-after-last-chunk", "Bytes after the end of a chunked body are left on the connection", [RC, "RFC 9112 section 7.1: the message ends after the trailer section"],
  CK + ", keepalive", one(CH + r'5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n"'))
S("chunked/data-contains-crlf", "Chunk data that contains CRLF and a chunk-like line", [RC, "RFC 9112 section 7.1: chunk-data is counted, not line-based"],
  CK, one(CH + r'b\r\nab\r\n0\r\n\r\ncd\r\n0\r\n\r\n"'))
S("chunked/thousand-chunks", "A thousand chunks of one byte", [RC, "RFC 9112 section 7.1"],
  CK, one(CH + r'" + "1\r\nx\r\n" * 1000 + "0\r\n\r\n"'))
S("chunked/size-uppercase-0x", "A chunk size with a 0X prefix", [RC, "RFC 9112 section 7.1: chunk-size = 1*HEXDIG"],
  CK + ", bad-hex, 0x", one(CH + r'0X5\r\nhello\r\n0\r\n\r\n"'), strict=IF)
S("chunked/size-64bit-overflow-small-data", "A chunk size of 2^64 (17 hex digits)", [RC, "RFC 9112 section 7.1.1: recipients MUST anticipate large sizes and prevent integer overflow"],
  CK + ", overflow", one(CH + r'10000000000000000\r\nhello"'), profiles=["py27", "py27-strict", "strict"], strict=IF,
  why="py3: CPython 3.11 tries to allocate the whole chunk at once (adapters/cpython/expectations.txt, chunked/size-overflow)",
  note="py3 is left out: CPython 3.11 tries to allocate the whole chunk at once (see chunked/size-overflow in adapters/cpython/expectations.txt).")

# ---- Content-Length --------------------------------------------------------------
LN = "content-length"
S("length/list-different", "Content-Length \"4, 5\": a list of different values", [RL, "RFC 9112 section 6.3 (5): an invalid Content-Length is an unrecoverable error"],
  LN + ", list, conflicting", one(r'"HTTP/1.1 200 OK\r\nContent-Length: 4, 5\r\n\r\nbody!"'), strict=IF + " conn=closed")
S("length/duplicate-same", "Two identical Content-Length fields", [RL + "; the first field is used", "RFC 9110 section 8.6: a recipient MAY accept identical duplicates as one value"],
  LN + ", repeated", one(r'"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nbody"'))
S("length/hex", "Content-Length in hexadecimal (0x4)", [RL, "RFC 9110 section 8.6: Content-Length = 1*DIGIT"],
  LN + ", invalid", one(r'"HTTP/1.1 200 OK\r\nContent-Length: 0x4\r\n\r\nbody"'), strict=IF + " conn=closed")
S("length/decimal-point", "Content-Length \"4.0\"", [RL, "RFC 9110 section 8.6"],
  LN + ", invalid", one(r'"HTTP/1.1 200 OK\r\nContent-Length: 4.0\r\n\r\nbody"'), strict=IF + " conn=closed")
S("length/leading-zeros", "Content-Length \"0004\"", [RL, "RFC 9110 section 8.6: 1*DIGIT allows leading zeros"],
  LN, one(r'"HTTP/1.1 200 OK\r\nContent-Length: 0004\r\n\r\nbody and more"'))
S("length/space-inside", "Content-Length \"1 2\" with a space between digits", [RL, "RFC 9110 section 8.6"],
  LN + ", invalid", one(r'"HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\nbody"'), strict=IF + " conn=closed")
S("length/tab-around", "Content-Length surrounded by tabs", [RL, "RFC 9112 section 5: OWS (SP / HTAB) around a field value"],
  LN + ", whitespace", one(r'"HTTP/1.1 200 OK\r\nContent-Length:\t4\t\r\n\r\nbody and more"'))
S("length/minus-zero", "Content-Length \"-0\"", [RL, "Python int(\"-0\") is 0", "RFC 9110 section 8.6"],
  LN + ", negative", one(r'"HTTP/1.1 200 OK\r\nContent-Length: -0\r\n\r\nbody"'), strict=IF + " conn=closed")
S("length/empty-then-valid", "An empty Content-Length and then a valid one", [RL + "; the first field is used", "RFC 9112 section 6.3 (5)"],
  LN + ", conflicting", one(r'"HTTP/1.1 200 OK\r\nContent-Length:\r\nContent-Length: 2\r\n\r\nhi and more"'), strict=IF)
S("length/valid-then-garbage", "A valid Content-Length and then an invalid one", [RL + "; the first field is used", "RFC 9112 section 6.3 (5)"],
  LN + ", conflicting, invalid", one(r'"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: x\r\n\r\nhi and more"'), strict=IF + " conn=closed")
S("length/chunked-then-length-zero", "Transfer-Encoding chunked first, then Content-Length 0", [RL + "; chunked wins", "RFC 9112 section 6.3 (3): ought to be handled as an error"],
  LN + ", chunked, desync", one(r'"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n5\r\nhello\r\n0\r\n\r\n"'), strict=IF)
S("length/absent-http10", "An HTTP/1.0 response without Content-Length is read until close", [RL, "RFC 9112 section 6.3 (8): otherwise the body is read until the connection closes"],
  LN + ", http10, close", one(r'"HTTP/1.0 200 OK\r\n\r\nread until the server closes"'))
S("length/one-mebibyte", "A body of one MiB with its Content-Length", [RL + " and _safe_read", "RFC 9110 section 8.6"],
  LN + ", large", one(r'"HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n" + "0123456789abcdef" * 65536'))
S("length/larger-than-body-silent", "Content-Length larger than the body, and the server stays silent", [RL + " and _safe_read; the socket timeout ends the wait", "RFC 9112 section 8: the message is incomplete"],
  LN + ", silence, truncated", "timeout: 300\n\n" + one(r'"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"', end="silent 1000"),
  strict="error TimeoutError conn=closed")
S("length/longer-body-then-second-request", "The body is longer than Content-Length, then a second request on the connection",
  [RL, RK, "RFC 9112 section 6.3: a client MUST NOT process extra data as a separate response (it MAY discard it)"], LN + ", keepalive, desync",
  "request: GET /first\nrequest: GET /second\ncheck-connections: 1\ncheck-connections strict: 2\n\n" +
  one(r'"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef"', "read request", r'"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond"'),
  strict="error RemoteDisconnected",
  note="CPython 3 drops the extra bytes with the first response's read buffer; httplib 2.7 reads the socket\nunbuffered and takes them for the next response.\nstrict: a response ends where its framing says; bytes past it arrived with no request outstanding, so\nstrict drops the connection and sends the next request on a new one (RFC 9112 section 9.2), which this\nscript does not serve: the same under any segmentation.")

# ---- HTTP/0.9 simple responses -----------------------------------------------------
H9 = "http09"
R9 = "httplib 2.7 HTTPResponse._read_status: with strict=False a first line without \"HTTP/\" is an HTTP/0.9 simple response (version 9, status 200, whole stream is the body); strict=True and http.client 3.x raise BadStatusLine"
R9S = "RFC 9112 section 2.3 and RFC 1945 section 6: HTTP/1.x clients need not accept simple responses; the strict profile does not"
S("http09/json-body", "A JSON document with no status line", [R9, R9S], H9, one(r'"{\"ok\": true}\n"'), strict=BSL)
S("http09/almost-http", "A first line \"HTTX/1.1 200 OK\" (one letter off)", [R9, R9S], H9, one(r'"HTTX/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"'), strict=BSL)
S("http09/http-without-slash", "A first line \"HTTP 200 OK\" without the slash", [R9, R9S], H9, one(r'"HTTP 200 OK\r\n\r\nbody"'), strict=BSL)
S("http09/large-body", "A 100 KB simple response", [R9, R9S], H9 + ", large", one(r'"<p>simple response</p>\n" * 5000'), strict=BSL)
S("http09/segmented", "A simple response written one byte at a time", [R9, R9S], H9 + ", segments",
  one("segments 1", r'"plain text\nsecond line\n"'), strict=BSL)
S("http09/head-request", "A HEAD request answered with a simple response", [R9, "httplib 2.7 HTTPResponse.read returns '' for HEAD", R9S],
  H9 + ", head", "request: HEAD /\n\n" + one(r'"no status line here\n"'), strict=BSL)
S("http09/after-keepalive-response", "A simple response on a kept-alive connection after a normal one", [R9, RK, R9S],
  H9 + ", keepalive", "request: GET /first\nrequest: GET /second\ncheck-connections: 1\n\n" +
  one(r'"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"', "read request", r'"second reply has no status line\n"'), strict=BSL)

# ---- 1xx interim responses -----------------------------------------------------------
IM = "interim, 1xx"
RI = "CPython http/client.py HTTPResponse.begin: only 100 Continue is skipped (\"while True ... if status != CONTINUE: break\")"
R1X = "RFC 9110 section 15.2: a client MUST be able to parse one or more 1xx responses before the final response, even if it did not expect one"
S("interim/102-then-200", "102 Processing and then the final 200", [RI, R1X], IM,
  one(r'"HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal"'),
  strict='response status=200 version=11 body="final" will-close=no')
S("interim/199-then-200", "An unassigned 1xx (199) and then the final 200", [RI, R1X, "RFC 9110 section 15: an unknown 1xx is treated as 100"], IM,
  one(r'"HTTP/1.1 199 Whatever\r\nX-I: 1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal"'),
  strict='response status=200 version=11 body="final" will-close=no')
S("interim/100-then-204", "100 Continue and then 204 No Content", [RI, RB], IM + ", 204",
  one(r'"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"'), reason=True)
S("interim/100-then-chunked", "100 Continue and then a chunked 200", [RI, RC], IM + ", chunked",
  one(r'"HTTP/1.1 100 Continue\r\n\r\n' + r'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n"'))
S("interim/100-with-content-length", "A 100 Continue carrying Content-Length (which frames nothing)", [RI, "RFC 9112 section 6.3 (1): a 1xx response ends at the empty line after its header section"], IM + ", content-length",
  one(r'"HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"'))
S("interim/fifty-100s", "Fifty 100 Continue responses before the final one", [RI + "; there is no limit on their number", R1X], IM,
  one(r'"HTTP/1.1 100 Continue\r\n\r\n" * 50 + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"'))
S("interim/100-one-byte-segments", "100 Continue and the final response written one byte at a time", [RI, "RFC 9112 section 2: framing does not depend on TCP segmentation"], IM + ", segments",
  one("segments 1", r'"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"'))
S("interim/100-then-silence", "100 Continue and then silence until the timeout", [RI, "the socket timeout bounds the wait for the final response"], IM + ", silence",
  "timeout: 300\n\n" + one(r'"HTTP/1.1 100 Continue\r\n\r\n"', end="silent 1000"))
S("interim/expect-100-continue", "A request with Expect: 100-continue; the server sends 100 before reading the body",
  ["CPython http/client.py sends the body without waiting for 100 (no Expect handling)", "RFC 9110 section 10.1.1"], IM + ", request",
  "request: PUT /upload\nrequest-header: Expect: 100-continue\nrequest-body: \"hello\"\ncheck-request-header: Expect: 100-continue\ncheck-request-header: Content-Length: 5\n\n" +
  one(r'"HTTP/1.1 100 Continue\r\n\r\n"', "read body 5", r'"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"', wait="read head"), reason=True)

# ---- bodiless responses ---------------------------------------------------------------
BL = "bodiless"
R304 = "RFC 9112 section 6.3 (1): a 1xx, 204 or 304 response ends at the empty line after the header section"
S("bodiless/204-no-length", "204 No Content with no framing fields", [RB, R304], BL + ", 204",
  one(r'"HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n"'), reason=True)
S("bodiless/204-chunked", "204 No Content with Transfer-Encoding chunked and no chunks", ["CPython http/client.py HTTPResponse.read: chunked is checked before length", R304, "RFC 9112 section 6.1: a server MUST NOT send Transfer-Encoding in a 204"],
  BL + ", 204, chunked", one(r'"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n"'),
  strict='response status=204 version=11 body="" will-close=no')
S("bodiless/204-silent", "204 without framing: the client must not wait for more", [RB, R304], BL + ", 204, silence",
  "timeout: 300\n\n" + one(r'"HTTP/1.1 204 No Content\r\n\r\n"', end="silent 1000"))
S("bodiless/204-http10", "An HTTP/1.0 204", [RB, RK], BL + ", 204, http10",
  one(r'"HTTP/1.0 204 No Content\r\n\r\n"'))
S("bodiless/304-no-length", "304 Not Modified with no framing fields", [RB, R304], BL + ", 304",
  one(r'"HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n"'), headers=["ETag"])
S("bodiless/304-with-body", "304 with Content-Length and body bytes that are not its body", [RB, R304, "RFC 9110 section 15.4.5: 304 cannot contain content"],
  BL + ", 304, content-length", one(r'"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello"'))
S("bodiless/304-body-poisons-next", "Body bytes after a 304 are read as the next response", [RB, R304, RK],
  BL + ", 304, keepalive, desync", "request: GET /first\nrequest: GET /second\ncheck-connections: 1\ncheck-connections strict: 2\n\n" +
  one(r'"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello"', "read request", r'"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond"'),
  strict="error RemoteDisconnected", note="strict: a response ends where its framing says; bytes past it arrived with no request outstanding, so\nstrict drops the connection and sends the next request on a new one (RFC 9112 section 9.2), which this\nscript does not serve: the same under any segmentation.")
S("bodiless/head-no-body-sent", "HEAD: Content-Length 1000 and no body bytes", [RB, "RFC 9110 section 9.3.2: the response to HEAD has no content"],
  BL + ", head", "request: HEAD /\n\n" + one(r'"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"'))
S("bodiless/head-no-length-silent", "HEAD answered without framing; the server stays open", [RB, R304.replace("a 1xx", "a HEAD, 1xx")],
  BL + ", head, silence", "request: HEAD /\ntimeout: 300\n\n" + one(r'"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"', end="silent 1000"))
S("bodiless/head-then-get", "HEAD and then GET on the same connection", [RB, RK, "RFC 9112 section 9.3: persistence"],
  BL + ", head, keepalive", "request: HEAD /first\nrequest: GET /second\ncheck-connections: 1\n\n" +
  one(r'"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"', "read request", r'"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond"'))
S("bodiless/205-reset-content", "205 Reset Content without framing is read until close", ["CPython http/client.py HTTPResponse.begin: 205 is not special", "RFC 9112 section 6.3 (8): 205 is not among the bodiless codes"],
  BL + ", 205", one(r'"HTTP/1.1 205 Reset Content\r\n\r\n"'))

# ---- keep-alive ---------------------------------------------------------------------
KA = "keepalive"
TWO = "request: GET /first\nrequest: GET /second\n"
S("keepalive/chunked-reuse", "A chunked response, read to its end, keeps the connection", [RK, RC], KA + ", chunked",
  TWO + "check-connections: 1\n\n" + one(CH + r'5\r\nfirst\r\n0\r\n\r\n"', "read request", r'"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond"'))
S("keepalive/three-requests", "Three requests on one connection", [RK], KA,
  "request: GET /1\nrequest: GET /2\nrequest: GET /3\ncheck-connections: 1\n\n" +
  one(r'"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"', "read request", r'"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo"', "read request", r'"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nthree"'))
S("keepalive/http10-default-close", "An HTTP/1.0 response without keep-alive closes; the next request reconnects", [RK, "RFC 9112 section 9.3: HTTP/1.0 is not persistent by default"],
  KA + ", http10, reconnect", TWO + "check-connections: 2\n\n" + one(r'"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nfirst"') + "\n" +
  one(r'"HTTP/1.0 200 OK\r\nContent-Length: 6\r\n\r\nsecond"'))
S("keepalive/close-delimited-reconnect", "A body read until close; the next request reconnects", [RK, "RFC 9112 section 6.3 (8)"],
  KA + ", close, reconnect", TWO + "check-connections: 2\n\n" + one(r'"HTTP/1.1 200 OK\r\n\r\nfirst"') + "\n" +
  one(r'"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond"'))
S("keepalive/connection-close-in-list", "\"Connection: upgrade, close\" closes", [RK, "RFC 9110 section 7.6.1: Connection is a list of tokens"],
  KA + ", close, reconnect", TWO + "check-connections: 2\n\n" + one(r'"HTTP/1.1 200 OK\r\nConnection: upgrade, close\r\nContent-Length: 5\r\n\r\nfirst"') + "\n" +
  one(r'"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond"'))
S("keepalive/two-connection-fields", "Connection: keep-alive and Connection: close in two fields", [RK + " (getheader joins the fields)", "RFC 9110 section 5.3 and 7.6.1"],
  KA + ", close, repeated", one(r'"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi"'),
  strict='response status=200 version=11 body="hi" will-close=yes',
  note="strict: the two field lines combine to \"keep-alive, close\" (RFC 9110 section 5.3), which has the close option.")
S("keepalive/http10-keep-alive-no-length", "HTTP/1.0 keep-alive without Content-Length still reads until close", [RK, "RFC 9112 section 6.3 (8) and 9.3"],
  KA + ", http10, reconnect", TWO + "check-connections: 2\n\n" + one(r'"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nfirst"') + "\n" +
  one(r'"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 6\r\n\r\nsecond"'))
S("keepalive/last-response-closes", "The second response on a kept connection says Connection: close", [RK], KA + ", close",
  TWO + "check-connections: 1\n\n" + one(r'"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"', "read request", r'"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 6\r\n\r\nsecond"'))
S("keepalive/post-then-get", "A POST with a body and then a GET on the same connection", [RK, "CPython http/client.py _send_request"], KA + ", request",
  "request: POST /form\nrequest-body: \"a=1\"\nrequest: GET /after\ncheck-connections: 1\n\n" +
  one(r'"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"', "read request", r'"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nafter"'))
S("keepalive/request-close", "The client sent Connection: close and the response says nothing of it",
  [RK + " (http.client looks only at the response's Connection field)", "RFC 9112 section 9.6: a client that sent close closes the connection after the response"],
  KA + ", close, request", "request-header: Connection: close\n\n" + one(OK2),
  strict='response status=200 version=11 body="hi" will-close=no conn=closed')
S("keepalive/request-close-then-second", "After a request with Connection: close, the next request goes on a new connection",
  [RK + " (http.client does not look at the request's Connection field)", "RFC 9112 section 9.6: a client that sent close sends no further request on that connection"],
  KA + ", close, request, reconnect",
  "request: GET /first\nrequest-header: Connection: close\nrequest: GET /second\n\n" +
  one(r'"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"', "read request", r'"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nreused"') + "\n" +
  one(r'"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond"'),
  strict='response status=200 version=11 body="second" will-close=no')
S("keepalive/connection-empty-elements", "\"Connection: ,, close\": empty list elements before the close option",
  [RK, "RFC 9110 section 5.6.1.2: a recipient parses and ignores empty list elements"],
  KA + ", close, list", one(r'"HTTP/1.1 200 OK\r\nConnection: ,, close\r\nContent-Length: 2\r\n\r\nhi"'))
S("keepalive/early-second-response", "The server writes two responses at once, before the second request",
  [RK, "CPython reads each response through its own buffered file: bytes it read ahead are dropped with the first response", "RFC 9112 section 6.3: a client MUST NOT process extra data as a separate response"],
  KA + ", desync", TWO + "check-connections: 1\ncheck-connections strict: 2\n\n" +
  one(r'"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirstHTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond"', "read request"),
  note="strict: a response ends where its framing says; bytes past it arrived with no request outstanding, so\nstrict drops the connection and sends the next request on a new one (RFC 9112 section 9.2), which this\nscript does not serve: the same under any segmentation.")
S("keepalive/reconnect-after-server-close", "The server closes a kept connection after the response; the next request fails, not reconnects",
  [RK, "CPython 3.5+ raises RemoteDisconnected for a closed kept-alive connection and does not retry"], KA + ", close",
  TWO + "check-connections: 1\n\n" + one(r'"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"', "pause 100", end="close"))

# ---- faults: truncation, silence, resets, segments, delays ----------------------------------
FT = "faults"
RT = "the socket timeout (HTTPConnection timeout) applies to each blocking read"
RR = "a reset (RST) surfaces as the socket error ConnectionResetError (socket.error in 2.7)"
S("faults/silent-before-status", "Silence before the status line", [RT, RS], FT + ", silence, status",
  "timeout: 300\n\n" + one(end="silent 1000"))
S("faults/silent-mid-status-line", "Silence in the middle of the status line", [RT, RS], FT + ", silence, status",
  "timeout: 300\n\n" + one(r'"HTTP/1.1 2"', end="silent 1000"))
S("faults/silent-mid-headers", "Silence in the middle of the header block", [RT, RH], FT + ", silence, headers",
  "timeout: 300\n\n" + one(r'"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Par"', end="silent 1000"))
S("faults/silent-between-chunks", "Silence between two chunks", [RT, RC], FT + ", silence, chunked",
  "timeout: 300\n\n" + one(CH + r'5\r\nhello\r\n"', end="silent 1000"))
S("faults/silent-before-trailer-end", "Silence after the last chunk, before the end of the trailer section", [RT, RC], FT + ", silence, chunked, trailers",
  "timeout: 300\n\n" + one(CH + r'5\r\nhello\r\n0\r\n"', end="silent 1000"))
S("faults/silent-close-delimited", "Silence in a body that is read until close", [RT, RL], FT + ", silence, body",
  "timeout: 300\n\n" + one(r'"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npartial"', end="silent 1000"))
S("faults/pauses-each-below-timeout", "Three pauses, each shorter than the timeout, longer together", [RT, "the timeout is per read, not per response"], FT + ", delays",
  "timeout: 400\n\n" + one(r'"HTTP/1.1 200 OK\r\n"', "pause 150", r'"Content-Length: 5\r\n\r\n"', "pause 150", r'"hel"', "pause 150", r'"lo"'))
S("faults/reset-before-status", "A reset instead of a response", [RR, RS], FT + ", reset, status",
  one(end="reset"))
S("faults/reset-mid-status-line", "A reset in the middle of the status line", [RR, RS], FT + ", reset, status",
  one(r'"HTTP/1.1 20"', "pause 50", end="reset"))
S("faults/reset-mid-headers", "A reset in the middle of the header block", [RR, RH], FT + ", reset, headers",
  one(r'"HTTP/1.1 200 OK\r\nContent-Length: 10\r\nX-"', "pause 50", end="reset"))
S("faults/reset-mid-body", "A reset in the middle of a Content-Length body", [RR, RL], FT + ", reset, body",
  one(r'"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"', "pause 50", end="reset"))
S("faults/reset-between-chunks", "A reset between two chunks", [RR, RC], FT + ", reset, chunked",
  one(CH + r'5\r\nhello\r\n"', "pause 50", end="reset"))
S("faults/reset-after-complete-response", "A reset after a complete response changes nothing", [RR, RL], FT + ", reset",
  one(OK2, "pause 200", end="reset"))
S("faults/close-mid-reason", "The connection closes inside the reason phrase", [RS, RH, "RFC 9112 section 8: a response whose header section is not complete is incomplete"],
  FT + ", truncated, status", one(r'"HTTP/1.1 200 O"'), strict=BSL,
  note="strict: a status-line ends with CRLF (RFC 9112 section 4); without it there is no status line.")
S("faults/close-after-status-line", "The connection closes right after the status line", [RS, RH, "RFC 9112 section 8"],
  FT + ", truncated, headers", one(r'"HTTP/1.1 200 OK\r\n"'), strict=IF,
  note="strict: the header section never ends, so the message is incomplete (RFC 9112 section 8): InvalidFraming.")
S("faults/close-mid-header-name", "The connection closes inside a header name", [RH, "RFC 9112 section 8"],
  FT + ", truncated, headers", one(r'"HTTP/1.1 200 OK\r\nContent-Le"'), strict=IF,
  note="strict: the header section never ends, so the message is incomplete (RFC 9112 section 8): InvalidFraming.")
S("faults/close-mid-chunk-size", "The connection closes inside a chunk-size line", [RC, "RFC 9112 section 8"],
  FT + ", truncated, chunked", one(CH + r'5\r\nhello\r\n1"'))
S("faults/close-mid-chunk-data-segmented", "A chunked body cut short, written one byte at a time", [RC, "RFC 9112 section 8"],
  FT + ", truncated, chunked, segments", one("segments 1", CH + r'a\r\nhello"'))
S("faults/one-byte-segments-chunked", "A chunked response with trailers written one byte at a time", [RC, "RFC 9112 section 2"],
  FT + ", segments, chunked", one("segments 1", CH + r'3;x=y\r\nabc\r\n4\r\ndefg\r\n0\r\nX-T: 1\r\n\r\n"'))
S("faults/one-byte-segments-close-delimited", "A body read until close, written one byte at a time", [RL, "RFC 9112 section 2"],
  FT + ", segments, body", one("segments 1", r'"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nthe body ends when the server closes"'))
S("faults/slow-segments", "A response in 16-byte writes 10 ms apart", [RT, "RFC 9112 section 2"], FT + ", segments, delays",
  one("segments 16 10", r'"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 26\r\n\r\nabcdefghijklmnopqrstuvwxyz"'))
S("faults/pause-before-status", "A 200 ms pause before the status line", [RT], FT + ", delays, status",
  one("pause 200", OK2))
S("faults/pause-between-head-and-body", "A 200 ms pause between the header section and the body", [RT], FT + ", delays, body",
  one(r'"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"', "pause 200", r'"hello"'))
S("faults/split-crlf", "The CRLF ending the header section is split across writes", [RH, "RFC 9112 section 2"], FT + ", segments, headers",
  one(r'"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r"', "pause 20", r'"\nhi"'))

# ---- the request side -------------------------------------------------------------------
RQ = "request"
RSR = "CPython http/client.py HTTPConnection._send_request and putrequest"
S("request/post-empty-body", "A POST with an empty body sends Content-Length 0", [RSR, "RFC 9110 section 8.6"], RQ + ", content-length",
  "request: POST /empty\nrequest-body: \"\"\ncheck-request-header: Content-Length: 0\n\n" + one(OK2))
S("request/get-with-body", "A GET with a body sends its Content-Length", [RSR, "RFC 9110 section 9.3.1 (content in GET has no defined meaning)"], RQ + ", content-length",
  "request: GET /search\nrequest-body: \"q=1\"\ncheck-request-line: \"GET /search HTTP/1.1\"\ncheck-request-header: Content-Length: 3\n\n" + one(OK2))
S("request/caller-content-length", "A caller's Content-Length is sent as given", [RSR + ": no automatic Content-Length when the caller has one"], RQ + ", content-length",
  "request: POST /x\nrequest-header: Content-Length: 3\nrequest-body: \"abc\"\ncheck-request-header: Content-Length: 3\n\n" + one(OK2))
S("request/patch-without-body", "PATCH without a body sends Content-Length 0", [RSR + " (_METHODS_EXPECTING_BODY)", "httplib 2.7.18 the same"], RQ + ", content-length",
  "request: PATCH /item\ncheck-request-line: \"PATCH /item HTTP/1.1\"\ncheck-request-header: Content-Length: 0\n\n" + one(OK2))
S("request/chunked-body-from-caller", "A caller-encoded chunked body with its Transfer-Encoding header", [RSR + ": Transfer-Encoding from the caller", "RFC 9112 section 7.1"], RQ + ", chunked",
  "request: POST /stream\nrequest-header: Transfer-Encoding: chunked\nrequest-body: \"5\\r\\nhello\\r\\n0\\r\\n\\r\\n\"\ncheck-request-header: Transfer-Encoding: chunked\n\n" + one(OK2))
S("request/chunked-body-py27-adds-length", "httplib 2.7 adds Content-Length to a caller's chunked body as well",
  ["httplib 2.7 HTTPConnection._send_request: _set_content_length unless the caller gave Content-Length (Transfer-Encoding is not consulted)", "RFC 9112 section 6.2: a sender MUST NOT send Content-Length with Transfer-Encoding"],
  RQ + ", chunked, content-length", "request: POST /stream\nrequest-header: Transfer-Encoding: chunked\nrequest-body: \"5\\r\\nhello\\r\\n0\\r\\n\\r\\n\"\ncheck-request-header: Transfer-Encoding: chunked\ncheck-request-header: Content-Length: 15\n\n" + one(OK2),
  profiles=["py27", "py27-strict"], why="py3 and strict: 3.6+ sends no Content-Length beside the caller's Transfer-Encoding (request/chunked-body-from-caller is their case)", note="Only the 2.7 profiles: Python 3.6+ sends no Content-Length when the caller gives Transfer-Encoding.")
S("request/caller-host-lowercase", "A caller's \"host\" header in lower case replaces the automatic Host", [RSR + ": the check for a caller's Host ignores case"], RQ + ", host",
  "request: GET /\nrequest-header: host: example.org\ncheck-request-header: host: example.org\n\n" + one(OK2))
S("request/caller-host-with-port", "A caller's Host with a port is sent unchanged", [RSR, "RFC 9110 section 7.2: Host = uri-host [ \":\" port ]"], RQ + ", host",
  "request: GET /\nrequest-header: Host: example.org:8080\ncheck-request-header: Host: example.org:8080\n\n" + one(OK2))
S("request/custom-method", "A WebDAV method is sent as given", [RSR + " (putrequest)", "RFC 9110 section 9.1: method = token"], RQ,
  "request: PROPFIND /dav/\ncheck-request-line: \"PROPFIND /dav/ HTTP/1.1\"\n\n" + one(OK2))
S("request/target-with-query-and-percent", "A target with a query and percent-escapes is sent verbatim", [RSR + " (putrequest sends the url unchanged)", "RFC 9112 section 3.2.1: origin-form"], RQ,
  "request: GET /a%20b/c?x=1&y=%2F\ncheck-request-line: \"GET /a%20b/c?x=1&y=%2F HTTP/1.1\"\n\n" + one(OK2))
S("request/binary-body", "A binary request body with every byte value", [RSR, "RFC 9110 section 8.6"], RQ + ", content-length",
  "request: PUT /blob\nrequest-body: \"\\x00\\x01\\x7f\\x80\\xff\" * 100\ncheck-request-header: Content-Length: 500\n\n" + one(OK2))
S("request/large-body", "A 200 KB request body", [RSR, "RFC 9110 section 8.6"], RQ + ", content-length, large",
  "request: POST /upload\nrequest-body: \"u\" * 200000\ncheck-request-header: Content-Length: 200000\n\n" + one(OK2))
S("request/head-request-line", "A HEAD request line", [RSR], RQ + ", head",
  "request: HEAD /h\ncheck-request-line: \"HEAD /h HTTP/1.1\"\ncheck-request-header: Host: 127.0.0.1:{port}\n\n" + one(r'"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"'))

# Scenarios on which the reference client disagrees with the expectation (CPython's
# or the RFC's): gen_library.py writes them under --pending instead of the tree.
PENDING = {}
