# SPDX-License-Identifier: MIT
"""The findings report of the matrix (reports/matrix/findings.md and .html),
written by scripts/matrix from the rows of one run: per client, each MUST
violation and SHOULD deviation under --judge rfc with the reply's bytes (the
scenario's server script), what the client did, what the requirement says
(scenarios/requirements.txt) and whether it is a security matter; then the
replies on which independent parsers split three or more ways."""
import collections
import html

# Security flags, derived from the requirements a scenario violates (and, for
# whitespace around a framing field's value, from the scenario's tags). Each
# flag says why a deviation from those requirements can be exploited.
SECURITY = collections.OrderedDict([
    ("desync", "response desync / smuggling: the client frames the message differently "
               "from the RFC (body length, transfer coding, bodiless responses, what is "
               "left on a kept connection), so bytes an attacker controls inside one "
               "response can be read as the next response on the connection, or another "
               "party on the path (a proxy, a cache) frames it the other way"),
    ("splitting", "response splitting / header injection: the client accepts CR, LF or NUL "
                  "inside a field, a bare CR as a line end, a folded line or a whitespace-led "
                  "line, so a field one parser sees is hidden from, or forged for, another"),
    ("poisoning", "cache poisoning: the client takes an incomplete response as complete, an "
                  "interim (1xx) head as the final response, or a trailer as a header field, "
                  "so a truncated or wrong response can be stored or used as the real one"),
])
REQ_FLAGS = {
    "desync": {"9112-6.1-3", "9112-6.1-4", "9112-6.3-1", "9112-6.3-2", "9112-6.3-3",
               "9112-6.3-4", "9112-6.3-5", "9112-6.3-6", "9112-6.3-7", "9112-6.3-8",
               "9112-6.3-10", "9112-6.3-11", "9112-6.3-13", "9112-7.1-1", "9112-7.1-2",
               "9112-6.1-1", "9110-8.6-1", "9112-9.2-3", "9112-9.2-4", "9112-9.3-4",
               "9112-9.6-1", "9112-9.6-2", "9112-9.6-3", "9112-9.6-4", "9112-7.1-3",
               "9112-7.2-1"},
    "splitting": {"9112-2.2-3", "9110-5.5-3", "9112-5.2-1", "9112-2.2-6"},
    "poisoning": {"9112-8-1", "9112-6.3-9", "9110-15.2-1", "9112-7.1.2-3", "9110-6.5.1-1"},
}
# Tags that make whitespace around a field value (9110-5.5-1) a framing matter.
FRAMING_TAGS = {"content-length", "transfer-encoding", "chunked", "desync"}

# The parser under each client (several clients share one): splits are counted
# between parsers, so two clients on llhttp agreeing is one vote, not two.
PARSERS = {
    "cpython-py3": "http.client (CPython 3.11)", "urllib3": "http.client (CPython 3.11)",
    "cpython-py27": "httplib (Python 2.7)", "httpc": "httpc",
    "curl": "libcurl", "libcurl": "libcurl",
    "node": "llhttp", "fetch": "llhttp", "undici": "llhttp", "aiohttp": "llhttp",
    "aiohttp-py": "aiohttp's Python parser", "httpx": "h11",
    "go": "Go net/http", "lwp": "Net::HTTP (Perl)", "ruby": "Net::HTTP (Ruby)",
    "wget": "wget", "wget2": "libwget (wget2)",
    "java-httpclient": "java.net.http", "java-urlconnection": "sun.net.www.http",
    "okhttp": "OkHttp", "apache-httpclient": "Apache HttpCore", "hyper": "httparse",
    "ureq": "httparse", "libsoup": "libsoup", "neon": "neon", "serf": "serf",
}


def parser_of(name):
    return PARSERS.get(name, name)


def flags(violated, tags):
    """The security flags of a violation: (flag, basis) pairs."""
    out = []
    for flag, ids in REQ_FLAGS.items():
        hit = sorted(set(violated) & ids)
        if hit:
            out.append((flag, "requirement " + ", ".join(hit)))
    if "9110-5.5-1" in violated and FRAMING_TAGS & set(tags) and \
            not any(f == "desync" for f, _ in out):
        out.append(("desync", "9110-5.5-1 on a framing field (tags: %s)" % ", ".join(
            sorted(FRAMING_TAGS & set(tags)))))
    if "desync" in tags and not any(f == "desync" for f, _ in out):
        out.append(("desync", "scenario tag desync"))
    return out


def reply_bytes(row, cap=400):
    """The server's script of a scenario (what it sent, as the file writes it),
    each line cut at cap characters."""
    return [ln if len(ln) <= cap else ln[:cap] + " [... %d more]" % (len(ln) - cap)
            for ln in row["script"]]


def violations(rows, name, catalogue):
    """A client's MUST violations and SHOULD deviations: one entry each, with
    the requirements violated (id, level, text) and the security flags."""
    out = {"must": [], "should": []}
    for row in rows:
        cell = row["cells"].get(name)
        rv = cell and cell["judges"].get("rfc")
        if not rv or rv["verdict"] not in ("must-violation", "should-deviation"):
            continue
        kind = "must" if rv["verdict"] == "must-violation" else "should"
        levels = ("MUST", "MUST NOT") if kind == "must" else ("SHOULD", "SHOULD NOT")
        reqs = [g["id"] for g in rv.get("requirements", [])
                if g["grade"] == "violated" and g.get("level", "") in levels]
        every = [g["id"] for g in rv.get("requirements", []) if g["grade"] == "violated"]
        out[kind].append({
            "id": row["id"], "title": row["title"], "file": row["file"], "tags": row["tags"],
            "reply": reply_bytes(row), "rfc": row["rfc"], "outcome": cell["outcome"],
            "native": cell["native"], "detail": cell["detail"], "why": rv["why"],
            "requirements": [(r, catalogue.get(r, {}).get("level", ""),
                              catalogue.get(r, {}).get("text", "(not in the catalogue)"))
                             for r in reqs],
            "flags": flags(every, row["tags"])})
    return out


def splits(rows, names):
    """Scenarios whose voting clients fall into three or more outcome classes
    drawn from at least three parsers: (row, [(family, class, [clients])])."""
    from matrix_lib import NO_VOTE
    out = []
    for row in rows:
        groups = collections.OrderedDict()
        for n in names:
            c = row["cells"].get(n)
            if c is None or c["family"] in NO_VOTE:
                continue
            groups.setdefault((c["family"], c["class"]), []).append(n)
        parsers = {parser_of(n) for ns in groups.values() for n in ns}
        if len(groups) >= 3 and len(parsers) >= 3:
            out.append((row, [(f, k, ns) for (f, k), ns in groups.items()]))
    out.sort(key=lambda x: (-len({f for f, _, _ in x[1]}), -len(x[1]), x[0]["id"]))
    return out


def build(rows, names, fig, reqs, clients):
    catalogue = {q["id"]: q for q in reqs}
    per = collections.OrderedDict((n, violations(rows, n, catalogue)) for n in names)
    return per, splits(rows, names)


def md_cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def code_block(lines):
    return ["```"] + [ln.replace("```", "`\u200b``") for ln in lines] + ["```"]


def flag_counts(v):
    c = collections.Counter()
    for e in v["must"] + v["should"]:
        for f in {f for f, _ in e["flags"]}:
            c[f] += 1
    return c


def markdown(rows, names, fig, reqs, clients, meta):
    per, split = build(rows, names, fig, reqs, clients)
    out = ["# Findings of the conformance matrix", "", meta, "",
           "Per client, every MUST violation and SHOULD deviation the rfc judge found "
           "(`httpc-conform --judge rfc`, scenarios/FORMAT.md \"RFC grading\"), with the bytes "
           "the server sent (the scenario's script, as its file writes it), what the client "
           "did (its outcome and native error), what the requirement says "
           "(scenarios/requirements.txt) and whether it is a security matter; then the "
           "replies on which independent parsers split three or more ways.", "",
           "## How a finding is flagged as a security matter", "",
           "A flag is derived from the requirements the outcome violates, never guessed per "
           "scenario:", ""]
    for flag, why in SECURITY.items():
        out.append("- **%s** — %s. Requirements: %s." % (flag, why, ", ".join(
            sorted(REQ_FLAGS[flag]))))
    out += ["- Whitespace around a field value (9110-5.5-1) is flagged **desync** when the "
            "scenario is tagged %s (the field frames the body), and a scenario tagged "
            "`desync` always is." % ", ".join("`%s`" % t for t in sorted(FRAMING_TAGS)), "",
            "## Summary", "",
            "| client | parser | MUST violations | SHOULD deviations | conformant | "
            "unspecified | unsupported | desync | splitting | poisoning | agreement with py3 |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for n in names:
        r, a = fig[n]["rfc"], fig[n]["agreement"]["py3"]
        fc = flag_counts(per[n])
        out.append("| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d | %s |" % (
            md_cell(n), md_cell(parser_of(n)), r["must-violation"], r["should-deviation"],
            r["conformant"], r["unspecified"], r["unsupported"], fc["desync"],
            fc["splitting"], fc["poisoning"],
            "n/a" if a["share"] is None else "%.1f%% (%d/%d)" % (100 * a["share"], a["pass"],
                                                                 a["judged"])))
    out += ["", "The flag columns count the client's violations and deviations carrying "
            "that flag (one may carry several)."]
    for n in names:
        v = per[n]
        out += ["", "## %s" % n, "",
                "Parser: %s. Command: `%s`. %d MUST violations, %d SHOULD deviations." % (
                    parser_of(n), clients[n]["cmd"], len(v["must"]), len(v["should"]))]
        for kind, title in (("must", "MUST violations"), ("should", "SHOULD deviations")):
            if not v[kind]:
                continue
            out += ["", "### %s of %s" % (title, n)]
            for e in v[kind]:
                out += ["", "#### `%s` — %s" % (e["id"], e["title"]), ""]
                for rid, level, text in e["requirements"]:
                    out.append("- **%s** (%s): %s" % (rid, level, text))
                did = e["outcome"] + (" — `%s`" % e["native"].replace("`", "'")
                                      if e["native"] else "")
                out.append("- the client: %s" % did)
                out.append("- the judge: %s" % e["why"])
                out.append("- security: %s" % ("; ".join("**%s** (%s)" % f for f in e["flags"])
                                               if e["flags"] else "none of the three"))
                out += ["- the reply (`%s`):" % e["file"], ""] + code_block(e["reply"])
    out += ["", "## Replies on which independent parsers split three or more ways", "",
            "Clients grouped by outcome class (a response: status and body length; an error: "
            "its taxonomy class); Unmapped and unsupported outcomes do not vote. Listed when "
            "there are at least three groups and the clients voting sit on at least three "
            "parsers (clients on one parser: %s)." % ("; ".join(
                "%s: %s" % (p, ", ".join(ns)) for p, ns in shared_parsers(names).items())
                or "none in this run"),
            "", "%d scenarios split three or more ways." % len(split)]
    for row, groups in split:
        out += ["", "### `%s` — %s" % (row["id"], row["title"]), ""]
        for fam, cls, ns in groups:
            out.append("- %s **%s**: %s" % (fam, cls, ", ".join(ns)))
        if row["rfc"]:
            out.append("- rfc: " + "; ".join("`%s`" % x for x in row["rfc"]))
        out += [""] + code_block(reply_bytes(row))
    return "\n".join(out) + "\n"


def shared_parsers(names):
    by = collections.OrderedDict()
    for n in names:
        by.setdefault(parser_of(n), []).append(n)
    return collections.OrderedDict((p, ns) for p, ns in by.items() if len(ns) > 1)


CSS = """body{font:13px/1.4 system-ui,sans-serif;margin:14px;max-width:1100px;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:1px 6px}th{background:#eee}
td.n{text-align:right}pre{background:#f6f6f6;padding:4px;white-space:pre-wrap;margin:2px 0}
.flag{display:inline-block;padding:0 5px;margin-right:4px;border-radius:3px;background:#fdd}
.v{border-left:3px solid #c33;padding-left:8px;margin:10px 0}.s{border-left-color:#e90}
h2{margin-top:26px}"""


def esc(s):
    return html.escape(str(s), quote=True)


def html_page(rows, names, fig, reqs, clients, meta):
    per, split = build(rows, names, fig, reqs, clients)
    out = ["<h1>Findings of the conformance matrix</h1><p>%s</p>" % esc(meta),
           "<p>Per client, every MUST violation and SHOULD deviation under <code>--judge rfc"
           "</code> with the bytes the server sent, what the client did, the requirement and "
           'its security flag; then the replies that split independent parsers three or more '
           'ways. <a href="index.html">The grid</a> &middot; <a href="requirements.html">'
           "requirements</a></p><h2>How a finding is flagged</h2><ul>"]
    for flag, why in SECURITY.items():
        out.append("<li><b>%s</b>: %s. Requirements: %s.</li>" % (
            esc(flag), esc(why), esc(", ".join(sorted(REQ_FLAGS[flag])))))
    out.append("<li>9110-5.5-1 (whitespace around a value) is <b>desync</b> on scenarios tagged "
               "%s; a scenario tagged desync always is.</li></ul>" % esc(", ".join(
                   sorted(FRAMING_TAGS))))
    out.append("<h2>Summary</h2><table><tr><th>client</th><th>parser</th><th>MUST</th>"
               "<th>SHOULD</th><th>conformant</th><th>unspecified</th><th>unsupported</th>"
               "<th>desync</th><th>splitting</th><th>poisoning</th><th>agreement with py3</th>"
               "</tr>")
    for n in names:
        r, a = fig[n]["rfc"], fig[n]["agreement"]["py3"]
        fc = flag_counts(per[n])
        out.append('<tr><td><a href="#c-%s">%s</a></td><td>%s</td>%s<td>%s</td></tr>' % (
            esc(n), esc(n), esc(parser_of(n)), "".join('<td class="n">%d</td>' % x for x in (
                r["must-violation"], r["should-deviation"], r["conformant"], r["unspecified"],
                r["unsupported"], fc["desync"], fc["splitting"], fc["poisoning"])),
            "n/a" if a["share"] is None else "%.1f%% (%d/%d)" % (100 * a["share"], a["pass"],
                                                                 a["judged"])))
    out.append("</table>")
    for n in names:
        v = per[n]
        out.append('<h2 id="c-%s">%s</h2><p>Parser: %s. <code>%s</code>. %d MUST violations, '
                   "%d SHOULD deviations.</p>" % (esc(n), esc(n), esc(parser_of(n)),
                                                  esc(clients[n]["cmd"]), len(v["must"]),
                                                  len(v["should"])))
        for kind in ("must", "should"):
            for e in v[kind]:
                out.append('<div class="v%s"><b>%s</b> %s<br>%s<br>the client: %s%s<br>'
                           "the judge: %s<br>%s<pre>%s</pre></div>" % (
                               "" if kind == "must" else " s", esc(e["id"]), esc(e["title"]),
                               "<br>".join("<b>%s</b> (%s): %s" % (esc(a), esc(b), esc(c))
                                           for a, b, c in e["requirements"]),
                               esc(e["outcome"]),
                               " <code>%s</code>" % esc(e["native"]) if e["native"] else "",
                               esc(e["why"]), "".join(
                                   '<span class="flag">%s</span><small>%s</small> ' % (
                                       esc(f), esc(b)) for f, b in e["flags"]),
                               esc("\n".join(e["reply"]))))
    out.append("<h2>Replies on which independent parsers split three or more ways</h2>"
               "<p>%d scenarios.</p>" % len(split))
    for row, groups in split:
        out.append("<h3>%s</h3><p>%s</p><ul>%s</ul><pre>%s</pre>" % (
            esc(row["id"]), esc(row["title"]), "".join(
                "<li>%s <b>%s</b>: %s</li>" % (esc(f), esc(k), esc(", ".join(ns)))
                for f, k, ns in groups), esc("\n".join(reply_bytes(row)))))
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>httpc matrix: findings'
            "</title><style>%s</style></head><body>%s</body></html>\n" % (CSS, "\n".join(out)))
