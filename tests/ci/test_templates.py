#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The CI templates and the image (README.md, "In your own CI"):

- every GitHub workflow (.github/workflows/, ci/github/) through action-validator
  (npm's @action-validator/cli, installed into BUILD/npm when npm is there; without
  npm or the registry this part is SKIPPED and the test exits 77, never passes);
- the reusable workflow: its inputs, the copy in .github/workflows/ identical to
  ci/github/, callers giving only declared inputs (and every required one), local
  `uses: ./` targets present; ci.yml runs `bash .ci/run`; cflite.yml runs
  ClusterFuzzLite's build_fuzzers/run_fuzzers in code-change mode for the language of
  .clusterfuzzlite/project.yaml;
- the GitLab include: YAML (PyYAML, or a small parser of the subset the templates use,
  checked against PyYAML where it is installed) with the keys GitLab needs (script,
  image, artifacts:reports:junit, the HTML report);
- the Dockerfile installs exactly scripts/bootstrap's packages (it runs the script and
  has no apt-get install of its own) on debian:12, with ci/entrypoint.sh as entry point;
- ci/entrypoint.sh picks the command and adds the scenario path only when none is given;
- the templates' shell steps run for real on this build (shard, judges, report-only,
  the step summary) with the reference CLI as the adapter, over status/*;
- with HTTPC_TEST_IMAGE=1 and podman or buildah installed: the image is built and run
  (conform and lint); otherwise that part is reported skipped (it takes minutes).
  HTTPC_TEST_IMAGE_BASE overrides the base image (--build-arg BASE_IMAGE=...),
  HTTPC_TEST_PODMAN_FLAGS adds flags to podman build/run (e.g. --runtime runc).

Usage: test_templates.py SOURCE_DIR BUILD_DIR HTTPC_CONFORM HTTPC HTTPC_MOCK
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

SKIP = 77  # ctest's SKIP_RETURN_CODE for this test

src, build, conform, httpc, mock = sys.argv[1:6]
src = os.path.abspath(src)
build = os.path.abspath(build)
sys.path.insert(0, os.path.join(src, "tests"))
from checks import Checks  # noqa: E402

check = Checks(verbose=True)
skip = check.skip


def read(rel):
    with open(os.path.join(src, rel), encoding="utf-8") as f:
        return f.read()


# ---- a small YAML reader: the subset the templates use --------------------------
# Block mappings and sequences ("- key: value" items too), flow sequences of
# scalars, plain and quoted scalars, literal (|) and folded (>) block scalars,
# comments. No anchors, no flow mappings, no multi-document files.
class YamlError(Exception):
    pass


def _strip_comment(line):
    out, q = [], None
    for i, c in enumerate(line):
        if q:
            if c == q:
                q = None
        elif c in "'\"" and (i == 0 or line[i - 1] in " [,:{"):
            q = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            break
        out.append(c)
    return "".join(out).rstrip()


def _scalar(text, lineno):
    t = text.strip()
    if t.startswith("[") and t.endswith("]"):
        inner = t[1:-1].strip()
        return [] if not inner else [_scalar(x, lineno) for x in _split_flow(inner, lineno)]
    if t[:1] in "{&*!":
        raise YamlError("line %d: unsupported YAML: %s" % (lineno, t))
    if len(t) >= 2 and t[0] == t[-1] == '"':
        return json.loads(t)
    if len(t) >= 2 and t[0] == t[-1] == "'":
        return t[1:-1].replace("''", "'")
    if t in ("true", "false"):
        return t == "true"
    if t in ("", "~", "null"):
        return None
    if re.fullmatch(r"-?[0-9]+", t):
        return int(t)
    return t


def _split_flow(inner, lineno):
    parts, cur, q = [], [], None
    for c in inner:
        if q:
            cur.append(c)
            if c == q:
                q = None
        elif c in "'\"":
            q = c
            cur.append(c)
        elif c == ",":
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    if q:
        raise YamlError("line %d: unterminated quote" % lineno)
    parts.append("".join(cur))
    return parts


_KEY = re.compile(r"""^("(?:[^"\\]|\\.)*"|'[^']*'|[^\s'"#\[\]{},][^:#]*?)\s*:(?:\s+(.*)|)$""")


def mini_yaml(text):
    raw = text.split("\n")
    lines = []  # (indent, content, lineno, raw line)
    for n, l in enumerate(raw, 1):
        if "\t" in l[: len(l) - len(l.lstrip())]:
            raise YamlError("line %d: tab in indentation" % n)
        c = _strip_comment(l)
        lines.append((len(l) - len(l.lstrip(" ")), c.strip(), n, l))
    pos = [0]

    def skip_blank():
        while pos[0] < len(lines) and not lines[pos[0]][1]:
            pos[0] += 1

    def block_scalar(indicator, parent_indent):
        body, start = [], pos[0]
        ind = None
        while pos[0] < len(lines):
            i, c, n, l = lines[pos[0]]
            if l.strip() and (len(l) - len(l.lstrip(" "))) <= parent_indent:
                break
            if l.strip() and ind is None:
                ind = len(l) - len(l.lstrip(" "))
            body.append(l[ind:] if ind is not None and l.strip() else "")
            pos[0] += 1
        while body and not body[-1]:
            body.pop()
        del start
        s = "\n".join(body) + "\n" if body else ""
        if indicator.startswith(">"):
            s = re.sub(r"(?<!\n)\n(?!\n)", " ", s.rstrip("\n")) + "\n"
        if indicator.endswith("-"):
            s = s.rstrip("\n")
        return s

    def value_after(rest, indent, n):
        if rest is None or rest == "":
            skip_blank()
            if pos[0] < len(lines) and (lines[pos[0]][0] > indent or
                                        (lines[pos[0]][0] == indent and lines[pos[0]][1].startswith("- "))):
                return node(lines[pos[0]][0])
            return None
        if rest in ("|", "|-", ">", ">-", "|+", ">+"):
            return block_scalar(rest, indent)
        return _scalar(rest, n)

    def mapping(indent, first=None):
        d = {}
        while True:
            if first is not None:
                c, n = first
                first = None
            else:
                skip_blank()
                if pos[0] >= len(lines) or lines[pos[0]][0] != indent or lines[pos[0]][1].startswith("- "):
                    if pos[0] < len(lines) and lines[pos[0]][0] > indent:
                        raise YamlError("line %d: bad indentation" % lines[pos[0]][2])
                    return d
                c, n = lines[pos[0]][1], lines[pos[0]][2]
                pos[0] += 1
            m = _KEY.match(c)
            if not m:
                raise YamlError("line %d: expected 'key: value': %s" % (n, c))
            k = _scalar(m.group(1), n)
            if k in d:
                raise YamlError("line %d: duplicate key %r" % (n, k))
            d[k] = value_after(m.group(2), indent, n)

    def sequence(indent):
        out = []
        while True:
            skip_blank()
            if pos[0] >= len(lines) or lines[pos[0]][0] != indent or not (
                    lines[pos[0]][1] == "-" or lines[pos[0]][1].startswith("- ")):
                return out
            c, n, l = lines[pos[0]][1], lines[pos[0]][2], lines[pos[0]][3]
            pos[0] += 1
            item = c[1:].strip()
            if not item:
                out.append(value_after(None, indent, n))
            elif _KEY.match(item) and not item.startswith(("'", '"', "[")):
                # "- key: value": a mapping whose keys sit at the item's column.
                col = indent + (len(c) - len(item))
                out.append(mapping(col, first=(item, n)))
            else:
                m_bs = item in ("|", "|-", ">", ">-")
                out.append(block_scalar(item, indent) if m_bs else _scalar(item, n))
            del l

    def node(indent):
        skip_blank()
        c = lines[pos[0]][1]
        if c == "-" or c.startswith("- "):
            return sequence(indent)
        return mapping(indent)

    skip_blank()
    if pos[0] >= len(lines):
        return None
    result = node(lines[pos[0]][0])
    skip_blank()
    if pos[0] < len(lines):
        raise YamlError("line %d: unexpected content" % lines[pos[0]][2])
    return result


def norm(o):
    """PyYAML's YAML 1.1 reads the key `on` as True; compare it as 'on'."""
    if isinstance(o, dict):
        return {("on" if k is True else k): norm(v) for k, v in o.items()}
    if isinstance(o, list):
        return [norm(x) for x in o]
    return o


try:
    import yaml  # noqa: E402
except ImportError:
    yaml = None


def load_yaml(rel):
    text = read(rel)
    mine = mini_yaml(text)
    if yaml is not None:
        theirs = norm(yaml.safe_load(text))
        if theirs != mine:
            raise YamlError("the small parser reads it differently from PyYAML")
    return mine


# ---- GitHub workflows --------------------------------------------------------------
wf_dir = os.path.join(src, ".github/workflows")
workflows = sorted(os.path.join(".github/workflows", f) for f in os.listdir(wf_dir)
                   if f.endswith((".yml", ".yaml")))
workflows.append("ci/github/httpc-conformance.yml")
parsed = {}
for rel in workflows:
    try:
        parsed[rel] = load_yaml(rel)
        check("yaml %s" % rel, True)
    except (YamlError, ValueError) as e:
        check("yaml %s" % rel, False, str(e))

check("ci/github/httpc-conformance.yml is .github/workflows/httpc-conformance.yml",
      read("ci/github/httpc-conformance.yml") == read(".github/workflows/httpc-conformance.yml"),
      "the two copies differ: copy ci/github/httpc-conformance.yml over the other")

reusable = parsed.get("ci/github/httpc-conformance.yml") or {}
inputs = ((reusable.get("on") or {}).get("workflow_call") or {}).get("inputs") or {}
check("reusable workflow: inputs",
      all(k in inputs for k in ("adapter", "judges", "shards", "client-name", "expectations")) and
      inputs.get("adapter", {}).get("required") is True,
      "inputs: %s" % sorted(inputs))
text = read("ci/github/httpc-conformance.yml")
check("reusable workflow: shards, artifacts, step summary",
      "--shard" in text and "actions/upload-artifact@" in text and "GITHUB_STEP_SUMMARY" in text and
      "junit.xml" in text and "report.html" in text and "fromJSON(needs.plan.outputs.shards)" in text)

for rel, wf in sorted(parsed.items()):
    for jid, job in ((wf or {}).get("jobs") or {}).items():
        uses = job.get("uses", "")
        steps = [s.get("uses", "") for s in job.get("steps") or []]
        for u in [uses] + steps:
            if u.startswith("./"):
                check("%s: %s: %s exists" % (rel, jid, u), os.path.exists(os.path.join(src, u)))
        if uses.startswith("./") and uses in ("./" + r for r in parsed):
            callee = parsed[uses[2:]]
            cin = ((callee.get("on") or {}).get("workflow_call") or {}).get("inputs") or {}
            given = job.get("with") or {}
            unknown = sorted(set(given) - set(cin))
            missing = sorted(k for k, v in cin.items() if v.get("required") and k not in given)
            check("%s: %s: inputs of %s" % (rel, jid, uses), not unknown and not missing,
                  "unknown %s, missing %s" % (unknown, missing))

example = parsed.get(".github/workflows/example-conformance.yml") or {}
ex_jobs = list((example.get("jobs") or {}).values())
check("example-conformance.yml uses the template with the curl adapter",
      any(j.get("uses") == "./.github/workflows/httpc-conformance.yml" and
          (j.get("with") or {}).get("adapter") == "python3 adapters/curl/curl_adapter.py"
          for j in ex_jobs))
ci = parsed.get(".github/workflows/ci.yml") or {}
check("ci.yml runs bash .ci/run",
      any(s.get("run", "").strip() == "bash .ci/run"
          for j in (ci.get("jobs") or {}).values() for s in j.get("steps") or []))
cfl = parsed.get(".github/workflows/cflite.yml") or {}
cfl_steps = [s for j in (cfl.get("jobs") or {}).values() for s in j.get("steps") or []]
lang = re.search(r"^language:\s*(\S+)", read(".clusterfuzzlite/project.yaml"), re.M)
check("cflite.yml: ClusterFuzzLite build_fuzzers and run_fuzzers (code-change) on pull requests",
      "pull_request" in (cfl.get("on") or {}) and
      any(s.get("uses", "").startswith("google/clusterfuzzlite/actions/build_fuzzers@") and
          (s.get("with") or {}).get("language") == (lang and lang.group(1)) for s in cfl_steps) and
      any(s.get("uses", "").startswith("google/clusterfuzzlite/actions/run_fuzzers@") and
          (s.get("with") or {}).get("mode") == "code-change" for s in cfl_steps))

# ---- the GitLab include --------------------------------------------------------------
gl_rel = "ci/gitlab/httpc-conformance.yml"
gl = {}
try:
    gl = load_yaml(gl_rel)
    check("yaml %s%s" % (gl_rel, "" if yaml else " (small parser: PyYAML is not installed)"), True)
except (YamlError, ValueError) as e:
    check("yaml %s" % gl_rel, False, str(e))
tpl = (gl or {}).get(".httpc-conformance") or {}
art = tpl.get("artifacts") or {}
junit = (art.get("reports") or {}).get("junit")
check("gitlab: .httpc-conformance has image, script, artifacts:reports:junit and the HTML report",
      isinstance(tpl.get("script"), list) and tpl.get("image") and
      junit == "httpc-reports/junit.xml" and "httpc-reports/report.html" in (art.get("paths") or []) and
      art.get("when") == "always",
      "keys: %s, artifacts: %s" % (sorted(tpl), art))

# ---- the Dockerfile ----------------------------------------------------------------
boot = read("scripts/bootstrap")
m = re.search(r"^PACKAGES=\((.*?)^\)", boot, re.M | re.S)
boot_pkgs = sorted(re.findall(r"^\s*([a-z0-9][a-z0-9.+-]+)", re.sub(r"#.*", "", m.group(1)), re.M)) if m else []
groups = dict((g, v.split()) for g, v in re.findall(r"^GROUP_(\w+)=\(([^)]*)\)", boot, re.M))
docker = read("Dockerfile")
logical = re.sub(r"\\\n", " ", re.sub(r"^\s*#.*\n", "", docker, flags=re.M))
installs = [l for l in logical.split("\n") if re.search(r"apt-get\s+install|apt\s+install", l)]
if installs:
    # A Dockerfile that lists packages itself must list exactly scripts/bootstrap's.
    words = set()
    for l in installs:
        seg = re.split(r"apt-get\s+install|apt\s+install", l, 1)[1].split("&&")[0]
        words |= {w for w in seg.split() if not w.startswith("-")}
    check("Dockerfile: its apt-get install list is scripts/bootstrap's",
          sorted(words) == boot_pkgs, "Dockerfile %s, bootstrap %s" % (sorted(words), boot_pkgs))
else:
    runs_boot = re.search(r"^RUN\s+(\S*/)?scripts/bootstrap\b(.*)$", logical, re.M)
    copy_boot = re.search(r"^COPY\s+(scripts/bootstrap|scripts/?|\.)\s", logical, re.M)
    check("Dockerfile: packages from scripts/bootstrap only (it runs the script, installs nothing else)",
          bool(runs_boot and copy_boot and boot_pkgs), "no RUN scripts/bootstrap after a COPY of it")
    g = re.search(r"^ARG HTTPC_BOOTSTRAP_GROUPS=\"?([^\"\n]*)\"?", logical, re.M)
    check("Dockerfile: its default bootstrap groups exist",
          g is not None and all(x in groups for x in g.group(1).split()),
          "groups %s, bootstrap has %s" % (g and g.group(1), sorted(groups)))
check("Dockerfile: FROM debian:12",
      bool(re.search(r"^ARG BASE_IMAGE=debian:12$", logical, re.M) and
           re.search(r"^FROM \$\{BASE_IMAGE\}$", logical, re.M)) or
      bool(re.search(r"^FROM debian:12\b", logical, re.M)))
ep = re.search(r"^ENTRYPOINT\s+(\[.*\])", logical, re.M)
check("Dockerfile: entry point ci/entrypoint.sh",
      bool(ep) and "/src/ci/entrypoint.sh" in json.loads(ep.group(1)) and
      os.path.isfile(os.path.join(src, "ci/entrypoint.sh")) and re.search(r"^COPY \. /src$", logical, re.M))
dockerignore = read(".dockerignore").split()
check(".dockerignore keeps build trees and reports out", {"build", ".git", "reports"} <= set(dockerignore))

# ---- ci/entrypoint.sh ----------------------------------------------------------------
tmp = tempfile.mkdtemp(prefix="httpc-ci-test-")
try:
    stub = os.path.join(tmp, "bin")
    os.makedirs(stub)
    for prog in ("httpc-conform", "httpc-mock"):
        with open(os.path.join(stub, prog), "w") as f:
            f.write('#!/bin/sh\nprintf "%s\\n" "$(basename "$0")" "$@"\n')
        os.chmod(os.path.join(stub, prog), 0o755)
    fake_src = os.path.join(tmp, "src")
    os.makedirs(os.path.join(fake_src, "scenarios"))
    env = dict(os.environ, PATH=stub + os.pathsep + os.environ["PATH"], HTTPC_SRC=fake_src,
               HTTPC_PREFIX=os.path.join(tmp, "prefix"))
    env.pop("HTTPC_SCENARIOS", None)
    lib = os.path.join(fake_src, "scenarios")

    def entry(*args, **extra):
        p = subprocess.run(["bash", os.path.join(src, "ci/entrypoint.sh")] + list(args),
                           env=dict(env, **extra), capture_output=True, text=True, timeout=30)
        return p.returncode, p.stdout.split("\n")[:-1]

    cases = [
        (("conform", "--adapter", "/work/a --x", "--judge", "rfc"), {},
         ["httpc-conform", "--adapter", "/work/a --x", "--judge", "rfc", lib]),
        (("conform", "--id", "status/*", "--reports", "r", "mine"), {},
         ["httpc-conform", "--id", "status/*", "--reports", "r", "mine"]),
        (("conform", "-q", "--", "x.scn"), {}, ["httpc-conform", "-q", "--", "x.scn"]),
        (("conform", "--list"), {"HTTPC_SCENARIOS": "/elsewhere"}, ["httpc-conform", "--list", "/elsewhere"]),
        (("lint",), {}, ["httpc-mock", "lint", lib]),
        (("mock", "serve", "f.scn"), {}, ["httpc-mock", "serve", "f.scn"]),
    ]
    for args, extra, want in cases:
        rc, out = entry(*args, **extra)
        check("entrypoint %s" % " ".join(args), rc == 0 and out == want, "rc %d, %s" % (rc, out))
    os.makedirs(os.path.join(tmp, "prefix/share/httpc/scenarios"))
    rc, out = entry("conform")
    check("entrypoint: the installed library first",
          out == ["httpc-conform", os.path.join(tmp, "prefix/share/httpc/scenarios")], str(out))
    rc, out = entry("nonsense")
    check("entrypoint: an unknown command is a usage error", rc == 2)
    rc, out = entry("shell", "-c", "echo hi")
    check("entrypoint shell -c", rc == 0 and out == ["hi"], str(out))

    # ---- the templates' shell, for real, on this build ----------------------------
    real = os.path.join(tmp, "real")
    os.makedirs(real)
    for prog in (conform, httpc, mock):
        os.symlink(os.path.abspath(prog), os.path.join(real, os.path.basename(prog)))
    bad = os.path.join(tmp, "bad-adapter")
    with open(bad, "w") as f:
        f.write("#!/bin/sh\necho not-json\n")
    os.chmod(bad, 0o755)
    renv = dict(os.environ, PATH=real + os.pathsep + os.environ["PATH"],
                HTTPC_SCENARIOS=os.path.join(src, "scenarios"))
    # The mock server's test certificates live in the build tree (not needed for status/*).

    def gh_steps():
        job = reusable["jobs"]["conform"]
        return {s.get("name", ""): s for s in job["steps"]}

    def run_github(ws, adapter, report_only, shard="2/3"):
        steps = gh_steps()
        genv = dict(renv, GITHUB_WORKSPACE=ws, GITHUB_ENV=os.path.join(ws, "env"),
                    GITHUB_STEP_SUMMARY=os.path.join(ws, "summary"), REPORTS="httpc-reports/shard-2")
        for f in ("env", "summary"):
            open(os.path.join(ws, f), "w").close()
        find = steps["Find the scenario library"]["run"]
        p = subprocess.run(["bash", "-eo", "pipefail", "-c", find], cwd=ws, env=genv,
                           capture_output=True, text=True, timeout=60)
        if p.returncode:
            return p.returncode, "find: " + p.stderr + p.stdout
        for line in open(genv["GITHUB_ENV"]):
            k, _, v = line.rstrip("\n").partition("=")
            genv[k] = v
        name = [n for n in steps if n.startswith("httpc-conform --shard")][0]
        genv.update(ADAPTER=adapter, JUDGES="rfc, py3", CLIENT_NAME="cli test", EXPECTATIONS="",
                    FAIL_ON="", EXTRA_ARGS="--id 'status/*' --timeout 3000", SHARD=shard,
                    REPORT_ONLY="true" if report_only else "false")
        p = subprocess.run(["bash", "-eo", "pipefail", "-c", steps[name]["run"]], cwd=ws, env=genv,
                           capture_output=True, text=True, timeout=300)
        rc = p.returncode
        s = subprocess.run(["bash", "-eo", "pipefail", "-c", steps["Summary"]["run"].replace(
            "${{ matrix.shard }}", "2")], cwd=ws, env=genv, capture_output=True, text=True, timeout=30)
        return rc, p.stdout[-2000:] + p.stderr[-2000:] + s.stderr

    ws = os.path.join(tmp, "gh")
    os.makedirs(ws)
    rc, log = run_github(ws, os.path.basename(httpc), False)
    res = os.path.join(ws, "httpc-reports/shard-2/results.json")
    n_status = len([l for l in subprocess.run([conform, "--list", "--id", "status/*",
                                               os.path.join(src, "scenarios")],
                                              capture_output=True, text=True).stdout.split("\n") if l.strip()])
    ran = len(json.load(open(res))["results"]) if os.path.exists(res) else -1
    summary = open(os.path.join(ws, "summary")).read()
    check("github template: shard 2/3 of status/* with rfc and py3, summary appended",
          rc == 0 and 0 < ran < 2 * n_status and "| rfc |" in summary and "| py3 |" in summary and
          os.path.exists(os.path.join(ws, "httpc-reports/shard-2/junit.xml")) and
          os.path.exists(os.path.join(ws, "httpc-reports/shard-2/report.html")),
          "rc %d, %d results of %d scenarios; %s" % (rc, ran, n_status, log))
    ws2 = os.path.join(tmp, "gh-bad")
    os.makedirs(ws2)
    rc_fail, log = run_github(ws2, bad, False)
    ws3 = os.path.join(tmp, "gh-bad-report-only")
    os.makedirs(ws3)
    rc_ro, log3 = run_github(ws3, bad, True)
    check("github template: a failing client fails the job, unless report-only",
          rc_fail == 1 and rc_ro == 0, "rc %d / %d: %s %s" % (rc_fail, rc_ro, log, log3))

    glws = os.path.join(tmp, "gl")
    os.makedirs(glws)
    gl_script = "\n".join(tpl.get("script") or [])
    genv = dict(renv, **{k: ("" if v is None else str(v)) for k, v in (tpl.get("variables") or {}).items()})
    genv.update(HTTPC_ADAPTER=os.path.basename(httpc), HTTPC_JUDGES="rfc py3", CI_NODE_INDEX="1",
                CI_NODE_TOTAL="4", HTTPC_ARGS="--id 'status/*'", HTTPC_SCENARIOS=os.path.join(src, "scenarios"))
    p = subprocess.run(["sh", "-c", gl_script], cwd=glws, env=genv, capture_output=True, text=True,
                       timeout=300)
    res = os.path.join(glws, "httpc-reports/results.json")
    ran = len(json.load(open(res))["results"]) if os.path.exists(res) else -1
    check("gitlab template: shard 1/4 of status/*, reports where artifacts: says, summary in the log",
          p.returncode == 0 and 0 < ran < 2 * n_status and "| rfc |" in p.stdout and
          all(os.path.exists(os.path.join(glws, x)) for x in art.get("paths") or ["-"]),
          "rc %d, %d results; %s" % (p.returncode, ran, (p.stdout + p.stderr)[-2000:]))
    genv.update(HTTPC_ADAPTER=bad, HTTPC_REPORT_ONLY="true")
    p = subprocess.run(["sh", "-c", gl_script], cwd=glws, env=genv, capture_output=True, text=True,
                       timeout=300)
    genv.update(HTTPC_REPORT_ONLY="false")
    p2 = subprocess.run(["sh", "-c", gl_script], cwd=glws, env=genv, capture_output=True, text=True,
                        timeout=300)
    check("gitlab template: a failing client fails the job, unless report-only",
          p.returncode == 0 and p2.returncode == 1, "rc %d / %d" % (p.returncode, p2.returncode))
finally:
    shutil.rmtree(tmp, ignore_errors=True)

# ---- the image (opt-in) ------------------------------------------------------------------
engine = shutil.which("podman") or shutil.which("buildah")
if os.environ.get("HTTPC_TEST_IMAGE") != "1":
    skip("image build", "set HTTPC_TEST_IMAGE=1 to build the image with podman or buildah (minutes)")
elif not engine:
    skip("image build", "neither podman nor buildah is installed")
else:
    tag = "localhost/httpc-test:ci"
    flags = shlex.split(os.environ.get("HTTPC_TEST_PODMAN_FLAGS", ""))
    base = os.environ.get("HTTPC_TEST_IMAGE_BASE")
    cmd = [engine, "build" if engine.endswith("podman") else "bud"] + flags + ["-t", tag]
    if base:
        cmd += ["--build-arg", "BASE_IMAGE=" + base]
    p = subprocess.run(cmd + [src], capture_output=True, text=True, timeout=3600)
    check("image build (%s)" % os.path.basename(engine), p.returncode == 0, (p.stdout + p.stderr)[-3000:])
    if p.returncode == 0:
        podman = shutil.which("podman")
        if not podman:
            skip("image run", "buildah builds but does not run images; podman is not installed")
        else:
            for args, want in ((["conform", "-q", "--id", "status/*"], "failed"), (["lint"], "0 problems")):
                r = subprocess.run([podman, "run", "--rm"] + flags + [tag] + args,
                                   capture_output=True, text=True, timeout=600)
                check("image run %s" % " ".join(args), r.returncode == 0 and want in r.stdout + r.stderr,
                      (r.stdout + r.stderr)[-2000:])

# ---- action-validator (npm) ------------------------------------------------------------
prefix = os.path.join(build, "npm")
validator = os.path.join(prefix, "node_modules/.bin/action-validator")
why = None
if not os.path.exists(validator):
    if not shutil.which("npm"):
        why = "npm is not installed (apt-get install npm), so @action-validator/cli cannot be"
    else:
        try:
            p = subprocess.run(["npm", "install", "--prefix", prefix, "--no-audit", "--no-fund",
                                "--loglevel=error", "@action-validator/cli@0.6.0"],
                               capture_output=True, text=True, timeout=180)
            if p.returncode or not os.path.exists(validator):
                lines = (p.stderr or p.stdout).strip().splitlines() or ["no output"]
                errs = [l for l in lines if l.startswith(("npm error", "npm ERR!"))] or lines
                why = "npm install @action-validator/cli failed (registry unreachable?): %s" % errs[0]
        except subprocess.TimeoutExpired:
            why = "npm install @action-validator/cli timed out (registry unreachable?)"
if why:
    skip("action-validator", why)
else:
    for rel in workflows:
        p = subprocess.run([validator, rel], cwd=src, capture_output=True, text=True, timeout=120)
        out = (p.stdout + p.stderr).strip()
        out = "\n".join(l for l in out.splitlines() if not l.startswith("WARNING: Glob validation"))
        check("action-validator %s" % rel, p.returncode == 0, out[-3000:])

if check.failed:
    check.finish()
if "action-validator" in check.skipped:
    print("%d passed, 0 failed, %d skipped (%s)" % (check.passed, len(check.skipped),
                                                  ", ".join(check.skipped)))
    print("SKIPPED: the workflows were not validated (%s)" % why)
    sys.exit(SKIP)
check.finish()
