# SPDX-License-Identifier: MIT
"""What scripts/matrix and scripts/matrix-diff-fuzz share: the clients of the
matrix and how to find them, running httpc-conform against one, and the
taxonomy (adapters/TAXONOMY.md): outcome classes, families, verdicts."""
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "oracle"))
import py27  # noqa: E402  (HTTPC_PY27: the one setting of the 2.7 interpreter)
PY27 = py27.find() or py27.setting()

# Python's exception hierarchy, as far as the taxonomy uses it: class -> parent.
PARENT = {
    "HTTPException": "Exception", "IncompleteRead": "HTTPException",
    "BadStatusLine": "HTTPException", "LineTooLong": "HTTPException",
    "UnknownProtocol": "HTTPException", "UnknownTransferEncoding": "HTTPException",
    "InvalidHeader": "HTTPException", "InvalidFraming": "HTTPException",
    "RemoteDisconnected": "ConnectionResetError",  # and BadStatusLine
    "OSError": "Exception", "ConnectionError": "OSError",
    "ConnectionResetError": "ConnectionError", "BrokenPipeError": "ConnectionError",
    "ConnectionAbortedError": "ConnectionError", "ConnectionRefusedError": "ConnectionError",
    "TimeoutError": "OSError", "SSLError": "OSError",
    "SSLCertVerificationError": "SSLError", "SSLEOFError": "SSLError",
    "SSLZeroReturnError": "SSLError", "CertificateError": "ValueError",
}

# The family of a class: what "the outcome class" means when clients are compared.
FAMILY = {
    "IncompleteRead": "truncated",
    "HTTPException": "malformed", "BadStatusLine": "malformed", "LineTooLong": "malformed",
    "UnknownProtocol": "malformed", "UnknownTransferEncoding": "malformed",
    "InvalidHeader": "malformed", "InvalidFraming": "malformed",
    "RemoteDisconnected": "disconnected", "ConnectionResetError": "disconnected",
    "BrokenPipeError": "disconnected", "ConnectionError": "disconnected",
    "ConnectionAbortedError": "disconnected", "ConnectionRefusedError": "disconnected",
    "OSError": "disconnected",
    "TimeoutError": "timeout",
    "SSLError": "tls", "SSLCertVerificationError": "tls", "SSLEOFError": "tls",
    "SSLZeroReturnError": "tls", "CertificateError": "tls",
    "Unmapped": "unmapped", "AdapterUnsupported": "unsupported",
}
# Families that say nothing about the client's behaviour: left out of comparisons.
NO_VOTE = {"unmapped", "unsupported", "hang", "harness"}


def ancestors(cls):
    """cls and its parents (RemoteDisconnected has two)."""
    out, todo = [], [cls]
    while todo:
        c = todo.pop()
        if c in out:
            continue
        out.append(c)
        if c in PARENT:
            todo.append(PARENT[c])
        if c == "RemoteDisconnected":
            todo.append("BadStatusLine")
    return out


def outcome_class(text):
    """results.json's outcome text -> (family, class): '200 (5 body bytes)' is
    ('response', '200 5B'); 'IncompleteRead' is ('truncated', 'IncompleteRead')."""
    text = text or ""
    if text.startswith("harness: timeout"):
        return "hang", "hang"
    if text.startswith("harness"):
        return "harness", "harness"
    if text[:3].isdigit():
        status, _, rest = text.partition(" (")
        return "response", "%s %sB" % (status, rest.split(" ")[0])
    return FAMILY.get(text, "malformed" if "HTTPException" in ancestors(text) else "other"), text


def expected_error(why):
    """The expected class in a runner 'why' of the form 'expected X, got Y'."""
    if why.startswith("expected ") and ", got " in why:
        return why[9:].split(",")[0]
    return None


# The judges of the matrix: every client is graded against the RFC and judged
# against both Python versions, in one adapter run (httpc-conform --judge, several).
JUDGES = ("rfc", "py3", "py27")
PY_JUDGES = ("py3", "py27")
# The rfc judge's verdicts (httpc-conform --judge rfc), in the order reports show them.
RFC_VERDICTS = ("conformant", "must-violation", "should-deviation", "unspecified",
                "cannot-tell", "unsupported", "timeout", "harness-error")
# The matrix's verdicts for a Python judge (adapters/TAXONOMY.md, "Matrix verdicts").
PY_VERDICTS = ("pass", "same-class", "different-class", "cannot-tell", "fail",
               "timeout", "harness-error", "unsupported", "skip")
# Python-judge verdicts left out of the agreement share: nothing was compared.
NOT_JUDGED = {"cannot-tell", "unsupported", "skip", "harness-error"}


def matrix_verdict(r):
    """One cell's verdict from a results.json entry (adapters/TAXONOMY.md); whether
    the client's expectations.txt lists it is told apart by the caller. The rfc
    judge's verdicts, and the runner's cannot-tell, unsupported, timeout,
    harness-error and skip, are kept as they are."""
    v, why, got = r["verdict"], r.get("why", ""), r.get("outcome", "")
    if v in ("pass", "lenient", "unexpected-pass"):
        return "pass"
    if v != "fail" and v != "expected-failure":  # a listed deviation is graded all the same
        return v
    if got == "AdapterUnsupported":  # results.json of a runner older than --judge
        return "unsupported"
    want = expected_error(why)
    if want and want != "a response" and not why.startswith("expected a response"):
        if got == "Unmapped" or got in ancestors(want) or want in ancestors(got):
            return "different-class"
    if why.startswith("detail ") or why.startswith("partial ") or \
            why.startswith("expected-more "):
        return "same-class"  # the class agrees; CPython's message or counts do not
    return "fail"


def agreement(counter):
    """A Python judge's figures for one client: of the scenarios judged (every
    verdict but cannot-tell, unsupported, skip and harness-error), the share of
    pass, and the finer classes of the rest."""
    judged = sum(n for v, n in counter.items() if v not in NOT_JUDGED)
    out = {"judged": judged, "share": round(counter["pass"] / judged, 4) if judged else None}
    for v in PY_VERDICTS:
        out[v] = counter[v]
    return out


def percent(share):
    return "n/a" if share is None else "%.1f%%" % (100 * share)


# Names of the clients: a directory under the reports, an HTML id, a Markdown cell.
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")


class RunnerFailed(Exception):
    """httpc-conform ended without results for a client."""


class ConfigError(Exception):
    """A bad client definition: the message names the file and line."""


def builtin_clients(build, names=None, probe=True):
    """The project's clients: name, command, primary profile (the Python judge
    its expectations.txt speaks for), expectations, and why it is missing
    (None when it is installed). Only the named ones are looked for (the Go
    adapter is built only when wanted)."""
    def exe(path):
        return path if os.access(path, os.X_OK) else None
    httpc = os.path.join(build, "client/httpc")
    libcurl = os.path.join(build, "adapters/libcurl/httpc-libcurl-adapter")
    goad = os.path.join(build, "adapters/go/httpc-go-adapter")
    a = os.path.join(ROOT, "adapters")
    cpy = "python3 " + os.path.join(ROOT, "tests/oracle/cpython_adapter.py")
    out = [
        ("cpython-py3", cpy, "py3", "cpython", lambda: shutil.which("python3")),
        ("cpython-py27", PY27 + " " + cpy.split(" ", 1)[1], "py27", "cpython",
         lambda: exe(PY27)),
        ("httpc", httpc, "py3", "httpc", lambda: exe(httpc)),
        ("curl", "python3 " + os.path.join(a, "curl/curl_adapter.py"), "py3", "curl",
         lambda: shutil.which("curl")),
        ("libcurl", libcurl, "py3", "libcurl", lambda: exe(libcurl)),
        ("node", "node " + os.path.join(a, "node/node_adapter.js"), "py3", "node",
         lambda: shutil.which("node")),
        ("go", goad, "py3", "go", lambda: build_go(goad)),
        ("java-httpclient", java_command(build, "java-httpclient", "JavaHttpClientAdapter"),
         "py3", "java-httpclient",
         lambda: build_java(build, "java-httpclient", "JavaHttpClientAdapter")),
        ("java-urlconnection", java_command(build, "java-urlconnection", "UrlConnectionAdapter"),
         "py3", "java-urlconnection",
         lambda: build_java(build, "java-urlconnection", "UrlConnectionAdapter")),
        ("okhttp", java_command(build, "okhttp", "OkHttpAdapter", OKHTTP_JARS), "py3", "okhttp",
         lambda: build_java(build, "okhttp", "OkHttpAdapter", OKHTTP_JARS)),
        ("apache-httpclient", java_command(build, "apache-httpclient", "ApacheAdapter",
                                           APACHE_JARS), "py3", "apache-httpclient",
         lambda: build_java(build, "apache-httpclient", "ApacheAdapter", APACHE_JARS)),
        ("libsoup", c_adapter_path(build, "libsoup"), "py3", "libsoup",
         lambda: c_adapter(build, "libsoup", "libsoup-3.0-dev")),
        ("neon", c_adapter_path(build, "neon"), "py3", "neon",
         lambda: c_adapter(build, "neon", "libneon27-dev")),
        ("serf", c_adapter_path(build, "serf"), "py3", "serf",
         lambda: c_adapter(build, "serf", "libserf-dev")),
        ("hyper", rust_adapter_path(build, "hyper"), "py3", "hyper",
         lambda: build_rust(build, "hyper", "librust-hyper-dev librust-tokio-dev")),
        ("ureq", rust_adapter_path(build, "ureq"), "py3", "ureq",
         lambda: build_rust(build, "ureq", "librust-ureq-dev")),
        # Python's, Perl's, Ruby's and JavaScript's clients and the wget CLIs
        # (their adapters/DIR/README.md): each found as Debian installs it
        ("urllib3", DEBIAN_PY + " " + os.path.join(a, "urllib3/urllib3_adapter.py"), "py3",
         "urllib3", lambda: debian_py("urllib3", "urllib3", "python3-urllib3")),
        ("httpx", DEBIAN_PY + " " + os.path.join(a, "httpx/httpx_adapter.py"), "py3", "httpx",
         lambda: debian_py("httpx", "httpx", "python3-httpx")),
        ("aiohttp", DEBIAN_PY + " " + os.path.join(a, "aiohttp/aiohttp_adapter.py"), "py3",
         "aiohttp", lambda: debian_py("aiohttp", "aiohttp._http_parser", "python3-aiohttp")),
        ("aiohttp-py", DEBIAN_PY + " " + os.path.join(a, "aiohttp/aiohttp_adapter.py") +
         " --pure", "py3", "aiohttp-py",
         lambda: debian_py("aiohttp-py", "aiohttp", "python3-aiohttp")),
        ("fetch", "node " + os.path.join(a, "undici/undici_adapter.js") + " --fetch", "py3",
         "fetch", lambda: node_fetch()),
        ("undici", "node %s --undici %s" % (os.path.join(a, "undici/undici_adapter.js"),
                                            os.path.join(build, "adapters/undici")),
         "py3", "undici", lambda: install_undici(build)),
        ("lwp", "perl " + os.path.join(a, "lwp/lwp_adapter.pl"), "py3", "lwp",
         lambda: perl_modules("lwp", ("LWP::UserAgent", "LWP::Protocol::https"),
                              "libwww-perl liblwp-protocol-https-perl")),
        ("ruby", "ruby " + os.path.join(a, "ruby/ruby_adapter.rb"), "py3", "ruby",
         lambda: on_path("ruby", "ruby", "ruby")),
        ("wget", "python3 " + os.path.join(a, "wget/wget_adapter.py"), "py3", "wget",
         lambda: on_path("wget", "wget", "wget")),
        ("wget2", "python3 " + os.path.join(a, "wget2/wget2_adapter.py"), "py3", "wget2",
         lambda: on_path("wget2", "wget2", "wget2")),
    ]
    found = [{"name": n, "cmd": c, "profile": p, "builtin": True,
              "expectations": os.path.join(a, d, "expectations.txt"), "source": "built-in",
              "missing": "not selected" if names is not None and n not in names else None,
              "probe": ok}
             for n, c, p, d, ok in out]
    if probe:
        probe_clients(found)
    return found


def probe_clients(found):
    """Settles whether each selected built-in client is here (building the Go,
    JVM, Rust and C adapters on first use, which can take minutes): done only
    once the client definitions are known to be good."""
    for c in found:
        ok = c.pop("probe", None)
        if ok is not None and c["missing"] is None and not ok():
            c["missing"] = WHY_MISSING.get(c["name"], "not installed")


def clients(build):
    """Every built-in client (scripts/matrix-diff-fuzz)."""
    return builtin_clients(build)


def _absolute_words(cmd, base):
    """A command's words that name existing files relative to base, made absolute
    (the runner runs every adapter from the project root)."""
    out = []
    for w in cmd.split():
        if not w.startswith("-") and not os.path.isabs(w) and \
                os.path.isfile(os.path.join(base, w)):
            w = os.path.abspath(os.path.join(base, w))
        out.append(w)
    return " ".join(out)


def user_client(name, cmd, where, base, expectations=None):
    """A client added by --client or --clients FILE; where is "FILE:LINE" or
    "--client", base the directory relative paths start from."""
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ConfigError("%s: client name %r: use letters, digits and . _ + - (at most 64, "
                          "starting with a letter or digit)" % (where, name))
    if isinstance(cmd, list):
        if not cmd or not all(isinstance(w, str) and w and not any(c.isspace() for c in w)
                              for w in cmd):
            raise ConfigError("%s: client %r: command: a list of words without spaces"
                              % (where, name))
        cmd = " ".join(cmd)
    if not isinstance(cmd, str) or not cmd.strip():
        raise ConfigError("%s: client %r has no command" % (where, name))
    c = {"name": name, "cmd": _absolute_words(cmd.strip(), base), "profile": "py3",
         "builtin": False, "expectations": None, "source": where, "missing": None}
    if expectations is not None:
        set_expectations(c, expectations, where, base)
    return c


def set_expectations(c, path, where, base):
    if not isinstance(path, str) or not path:
        raise ConfigError("%s: client %r: expectations: a file name" % (where, c["name"]))
    full = os.path.abspath(os.path.join(base, path))
    if not os.path.isfile(full):
        raise ConfigError("%s: client %r: expectations file %s does not exist"
                          % (where, c["name"], full))
    c["expectations"] = full


def load_clients_file(path):
    """The clients of a TOML file (adapters/PROTOCOL.md, "Adding your client"):
    [[client]] tables with name, command and an optional expectations file
    (relative to the TOML file)."""
    try:
        import tomllib
    except ImportError:
        raise ConfigError("%s: reading it needs Python 3.11 or later (tomllib)" % path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ConfigError("%s: %s" % (path, e.strerror or e))
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ConfigError("%s: not UTF-8 (byte %d)" % (path, e.start))
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", str(e))
        if m:  # tomllib's message has the position: FILE:LINE:COLUMN: message
            raise ConfigError("%s:%s:%s: %s" % (path, m.group(1), m.group(2),
                                                str(e)[:m.start()]))
        raise ConfigError("%s: %s" % (path, e))
    # tomllib gives no positions: the N-th [[client]] header is the N-th table.
    lines = [i + 1 for i, ln in enumerate(raw.decode("utf-8").splitlines())
             if re.match(r"\s*\[\[\s*client\s*\]\]", ln)]
    extra = sorted(set(data) - {"client"})
    if extra:
        raise ConfigError("%s: unknown top-level key %r (expected [[client]] tables)"
                          % (path, extra[0]))
    tables = data.get("client", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError("%s: 'client' must be an array of tables: [[client]]" % path)
    if not tables:
        raise ConfigError("%s: no [[client]] table" % path)
    base = os.path.dirname(os.path.abspath(path))
    out = []
    for i, t in enumerate(tables):
        where = "%s:%d" % (path, lines[i] if i < len(lines) else 0)
        unknown = sorted(set(t) - {"name", "command", "expectations"})
        if unknown:
            raise ConfigError("%s: unknown key %r (name, command, expectations)"
                              % (where, unknown[0]))
        if "name" not in t:
            raise ConfigError("%s: client without a name" % where)
        if "command" not in t:
            raise ConfigError("%s: client %r has no command" % (where, t["name"]))
        out.append(user_client(t["name"], t["command"], where, base, t.get("expectations")))
    return out


def parse_assignment(text, option):
    """NAME=VALUE of --client and --client-expectations."""
    name, eq, value = text.partition("=")
    if not eq or not name or not value.strip():
        raise ConfigError("%s %r: expected NAME=%s" % (
            option, text, "COMMAND" if option == "--client" else "FILE"))
    return name, value


def check_unique(clients):
    """A name used twice is an error naming both places."""
    seen = {}
    for c in clients:
        if c["name"] in seen:
            raise ConfigError("%s: client name %r is already used (%s)" % (
                c["source"], c["name"], seen[c["name"]]))
        seen[c["name"]] = c["source"]


def build_go(out):
    """Builds the Go adapter into the build tree when `go` is here."""
    if not shutil.which("go"):
        return None
    src = os.path.join(ROOT, "adapters/go/main.go")
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(src):
        return out
    os.makedirs(os.path.dirname(out), exist_ok=True)
    env = dict(os.environ, GOCACHE=os.path.join(os.path.dirname(out), "gocache"),
               GOPATH=os.path.join(os.path.dirname(out), "gopath"), GO111MODULE="off")
    r = subprocess.run(["go", "build", "-o", out, src], env=env)
    return out if r.returncode == 0 else None


# Why a client that builds on demand is missing (build_java): name -> reason.
WHY_MISSING = {}


def c_adapter_path(build, d):
    return os.path.join(build, "adapters", d, "httpc-%s-adapter" % d)


def c_adapter(build, d, package):
    """A C adapter CMake builds when pkg-config finds its library (adapters/D)."""
    path = c_adapter_path(build, d)
    if os.access(path, os.X_OK):
        return path
    WHY_MISSING[d] = "%s not built: CMake builds it when pkg-config finds %s's library " \
        "(scripts/bootstrap matrix, then reconfigure)" % (os.path.relpath(path, ROOT), package)
    return None
# The JVM adapters (adapters/java/README.md): Debian's jars, and a lean start-up
# as the JVM starts once per scenario: the client compiler only, and a class-data
# archive of the adapter's classes written at build time (a third less CPU).
JAVA_LIB = "/usr/share/java"
OKHTTP_JARS = ("okhttp.jar", "okio.jar")  # libokhttp-java
APACHE_JARS = ("httpclient.jar", "httpcore.jar", "commons-logging.jar", "commons-codec.jar")
JAVA_FLAGS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xlog:disable"


def _java_classpath(build, d, jars):
    return ":".join([os.path.join(build, "adapters", d, "adapter.jar")] +
                    [os.path.join(JAVA_LIB, j) for j in jars])


def java_command(build, d, main, jars=()):
    return "java %s -XX:SharedArchiveFile=%s -cp %s %s" % (
        JAVA_FLAGS, os.path.join(build, "adapters", d, "adapter.jsa"),
        _java_classpath(build, d, jars), main)


def _train_java(build, d, main, jars):
    """Runs the adapter once against a canned reply with -XX:ArchiveClassesAtExit:
    the archive holds the classes a request loads (no archive: a slower start)."""
    import socket
    import threading
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    srv.settimeout(30)

    def serve():
        try:
            c, _ = srv.accept()
            c.recv(65536)
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello")
            c.close()
        except OSError:
            pass
    t = threading.Thread(target=serve, daemon=True)
    t.start()
    jsa = os.path.join(build, "adapters", d, "adapter.jsa")
    if os.path.exists(jsa):
        os.remove(jsa)  # the JVM writes it read-only
    subprocess.run(["java"] + JAVA_FLAGS.split() + [
        "-XX:ArchiveClassesAtExit=" + jsa, "-Dhttpc.cds=1", "-cp",
        _java_classpath(build, d, jars), main, "--timeout", "10", "--json",
        "http://127.0.0.1:%d/" % srv.getsockname()[1]],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    srv.close()


def build_java(build, d, main, jars=()):
    """Compiles a JVM adapter (adapters/java/Adapter.java with adapters/D/MAIN.java)
    into BUILD/adapters/D/adapter.jar (with its class-data archive) when javac and
    the client's jars are here; the reason it is missing otherwise goes to
    WHY_MISSING."""
    if not shutil.which("javac") or not shutil.which("jar") or not shutil.which("java"):
        WHY_MISSING[d] = "no JDK (javac): scripts/bootstrap matrix installs default-jdk-headless"
        return None
    absent = [j for j in jars if not os.path.exists(os.path.join(JAVA_LIB, j))]
    if absent:
        WHY_MISSING[d] = "no %s (scripts/bootstrap matrix installs its Debian package)" % \
            ", ".join(os.path.join(JAVA_LIB, j) for j in absent)
        return None
    srcs = [os.path.join(ROOT, "adapters/java/Adapter.java"),
            os.path.join(ROOT, "adapters", d, main + ".java")]
    top = os.path.join(build, "adapters", d)
    jar = os.path.join(top, "adapter.jar")
    if os.path.exists(jar) and all(os.path.getmtime(jar) >= os.path.getmtime(s) for s in srcs):
        return jar
    classes = os.path.join(top, "classes")
    shutil.rmtree(classes, ignore_errors=True)
    os.makedirs(classes)
    cp = ":".join(os.path.join(JAVA_LIB, j) for j in jars) or "."
    print("matrix: building the %s adapter with javac" % d, flush=True)
    r = subprocess.run(["javac", "-nowarn", "-d", classes, "-cp", cp] + srcs)
    if r.returncode == 0:
        r = subprocess.run(["jar", "cf", jar + ".tmp", "-C", classes, "."])
    if r.returncode != 0:
        WHY_MISSING[d] = "javac could not build adapters/%s (see above)" % d
        return None
    os.replace(jar + ".tmp", jar)
    try:
        _train_java(build, d, main, jars)
    except (OSError, subprocess.SubprocessError):
        pass  # no archive: the JVM starts without it
    return jar


# The Rust adapters build offline against Debian's crates (the librust-*-dev
# packages' /usr/share/cargo/registry), with Debian's cargo and rustc.
DEBIAN_CRATES = "/usr/share/cargo/registry"
CARGO_CONFIG = """[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "%s"
[net]
offline = true
""" % DEBIAN_CRATES


def rust_adapter_path(build, d):
    return os.path.join(build, "adapters", d, "target/release/httpc-%s-adapter" % d)


def build_rust(build, d, packages):
    """Builds adapters/D (a crate naming Debian's crate versions) with cargo,
    offline, into BUILD/adapters/D: its CARGO_HOME replaces crates.io with
    Debian's registry. The reason it is missing goes to WHY_MISSING."""
    cargo = "/usr/bin/cargo" if os.access("/usr/bin/cargo", os.X_OK) else shutil.which("cargo")
    if not cargo or not os.path.isdir(DEBIAN_CRATES):
        WHY_MISSING[d] = "no cargo or no %s: scripts/bootstrap matrix installs cargo %s" % (
            DEBIAN_CRATES, packages)
        return None
    src = os.path.join(ROOT, "adapters", d)
    out = rust_adapter_path(build, d)
    srcs = [os.path.join(src, "Cargo.toml"), os.path.join(src, "src/main.rs"),
            os.path.join(ROOT, "adapters/common/outcome.rs")]
    if os.path.exists(out) and all(os.path.getmtime(out) >= os.path.getmtime(s) for s in srcs):
        return out
    home = os.path.join(build, "adapters", d, "cargo-home")
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(home, "config.toml"), "w") as f:
        f.write(CARGO_CONFIG)
    env = dict(os.environ, CARGO_HOME=home,
               CARGO_TARGET_DIR=os.path.join(build, "adapters", d, "target"))
    # Debian's cargo with Debian's rustc (1.63 in Debian 12, which builds both
    # adapters), not a rustup toolchain that PATH may put first: the build is
    # the one a fresh machine after scripts/bootstrap matrix makes
    if cargo == "/usr/bin/cargo" and os.access("/usr/bin/rustc", os.X_OK):
        env["RUSTC"] = "/usr/bin/rustc"
    # cargo writes Cargo.lock beside the manifest: it builds a copy in the build
    # tree (the lock would pin the crate versions of one Debian release).
    crate = os.path.join(build, "adapters", d, "crate")
    for s in srcs:
        dst = os.path.join(crate, os.path.relpath(s, os.path.join(ROOT, "adapters")))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(s, dst)
    print("matrix: building the %s adapter with cargo (offline, Debian's crates)" % d,
          flush=True)
    r = subprocess.run([cargo, "build", "--release", "--quiet", "-j", "2", "--manifest-path",
                        os.path.join(crate, d, "Cargo.toml")], env=env)
    if r.returncode != 0 or not os.path.exists(out):
        WHY_MISSING[d] = "cargo could not build adapters/%s offline (see above; %s)" % (
            d, packages)
        return None
    return out


# The Python clients are Debian's packages, for Debian's interpreter (python3
# on PATH may be another one, without them).
DEBIAN_PY = "/usr/bin/python3"


def debian_py(name, module, package):
    """Whether Debian's Python imports module; the reason goes to WHY_MISSING."""
    if os.access(DEBIAN_PY, os.X_OK) and subprocess.run(
            [DEBIAN_PY, "-c", "import " + module], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL).returncode == 0:
        return True
    WHY_MISSING[name] = "%s cannot import %s (scripts/bootstrap matrix installs %s)" % (
        DEBIAN_PY, module, package)
    return None


def perl_modules(name, modules, packages):
    args = ["perl"] + ["-M" + m for m in modules] + ["-e", "1"]
    if shutil.which("perl") and subprocess.run(args, stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL).returncode == 0:
        return True
    WHY_MISSING[name] = "perl cannot load %s (scripts/bootstrap matrix installs %s)" % (
        ", ".join(modules), packages)
    return None


def on_path(name, program, package):
    if shutil.which(program):
        return True
    WHY_MISSING[name] = "no %s on PATH (scripts/bootstrap matrix installs %s)" % (program,
                                                                                  package)
    return None


def node_fetch():
    """Node 18 or later: fetch() is a global."""
    if shutil.which("node") and subprocess.run(
            ["node", "-e", "process.exit(typeof fetch === 'function' ? 0 : 1)"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
        return True
    WHY_MISSING["fetch"] = "no node with a global fetch() (Node 18 or later; scripts/bootstrap " \
        "matrix installs nodejs)"
    return None


def install_undici(build):
    """The npm undici package of adapters/undici/package-lock.json, installed
    with npm ci into BUILD/adapters/undici (once, again when the lock changes)."""
    src = os.path.join(ROOT, "adapters/undici")
    dst = os.path.join(build, "adapters/undici")
    mod = os.path.join(dst, "node_modules/undici/package.json")
    lock = os.path.join(src, "package-lock.json")
    if not shutil.which("node") or not shutil.which("npm"):
        WHY_MISSING["undici"] = "no node or npm (scripts/bootstrap matrix installs nodejs npm)"
        return None
    if os.path.exists(mod) and os.path.getmtime(mod) >= os.path.getmtime(lock):
        return True
    os.makedirs(dst, exist_ok=True)
    for f in ("package.json", "package-lock.json"):
        shutil.copyfile(os.path.join(src, f), os.path.join(dst, f))
    print("matrix: installing the npm undici package (npm ci in %s)" % dst, flush=True)
    r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=dst)
    if r.returncode != 0 or not os.path.exists(mod):
        WHY_MISSING["undici"] = "npm ci could not install undici from the npm registry into " \
            + dst
        return None
    os.utime(mod)
    return True


def run_conform(build, client, paths, reports, jobs=2, extra=(), quiet=True, judges=None):
    """httpc-conform against one client; its results.json loaded. Without judges,
    the client's own profile judges it (scripts/matrix-diff-fuzz: one result a
    scenario); with judges (scripts/matrix: JUDGES), one adapter run is judged by
    each. SIGPIPE stays ignored in the runner (restore_signals=False): a TLS
    write of the mock server to a client that has gone must not kill the run."""
    cmd = [os.path.join(build, "runner/httpc-conform"), "-q", "-j", str(jobs),
           "--adapter", client["cmd"], "--client-name", client["name"], "--reports", reports]
    for j in judges or [client["profile"]]:
        cmd += ["--judge", j]
    if client.get("expectations") and os.path.exists(client["expectations"]):
        cmd += ["--expectations", client["expectations"]]
    cmd += list(extra) + list(paths)
    os.makedirs(reports, exist_ok=True)
    # A runner that fails before writing must not leave an earlier run's
    # results to be read as this one's.
    results = os.path.join(reports, "results.json")
    if os.path.exists(results):
        os.remove(results)
    with open(os.path.join(os.path.dirname(reports.rstrip("/")) or ".",
                           os.path.basename(reports.rstrip("/")) + ".log"), "w") as log:
        subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, restore_signals=False,
                       cwd=ROOT)
    if not os.path.exists(results):
        raise RunnerFailed("%s: the runner wrote no results.json (its output: %s.log)"
                           % (client["name"], reports.rstrip("/")))
    with open(results, encoding="utf-8") as f:
        return json.load(f)["results"]


def scenario_text(path, cache={}):
    """A scenario file's lines (cached): the matrix shows its script and expectations."""
    if path not in cache:
        try:
            with open(os.path.join(ROOT, path) if not os.path.isabs(path) else path,
                      encoding="latin-1") as f:
                cache[path] = f.read().splitlines()
        except OSError:
            cache[path] = []
    return cache[path]


def scenario_info(path, profile="py3"):
    """title, tags, the server's script (the bytes sent), the expected outcome of
    profile, and the rfc lines."""
    lines = scenario_text(path)
    info = {"title": "", "tags": [], "script": [], "expect": "", "rfc": []}
    default = ""
    for ln in lines:
        if ln.startswith("title:"):
            info["title"] = ln[6:].strip()
        elif ln.startswith("tags:"):
            info["tags"] = [t.strip() for t in ln[5:].split(",") if t.strip()]
        elif ln.startswith("connection") or (ln[:1] in " \t" and ln.strip()):
            info["script"].append(ln.rstrip())
        elif ln.startswith("expect:"):
            default = ln[7:].strip()
        elif ln.startswith("expect %s:" % profile):
            info["expect"] = ln.split(":", 1)[1].strip()
        elif ln.startswith("rfc "):
            info["rfc"].append(ln[4:].strip())
    info["expect"] = info["expect"] or default
    return info


def find_catalogue(first_path):
    """requirements.txt in or above the first scenario path, as the runner finds it."""
    d = os.path.abspath(os.path.join(ROOT, first_path))
    if not os.path.isdir(d):
        d = os.path.dirname(d)
    while True:
        f = os.path.join(d, "requirements.txt")
        if os.path.isfile(f):
            return f
        up = os.path.dirname(d)
        if up == d:
            return None
        d = up


def load_catalogue(path):
    """The rows of the requirements catalogue (scenarios/FORMAT.md): id, level,
    section, text and why no scenario can test it, in the file's order."""
    rows = []
    if not path:
        return rows
    with open(path, encoding="utf-8", errors="replace") as f:
        for ln in f:
            ln = ln.rstrip("\n")
            if not ln.strip() or ln.lstrip().startswith("#"):
                continue
            parts = [x.strip() for x in re.split(r" \|(?: |$)", ln)] + ["", "", "", ""]
            rows.append({"id": parts[0], "level": parts[1], "section": parts[2],
                         "text": parts[3], "untestable": parts[4]})
    return rows
