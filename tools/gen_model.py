#!/usr/bin/env python3
"""gen_model.py: AWS service models -> the C tables in src/gen/.

Reads botocore's service-2.json models, applies the JSON patches in
models/patches/, and writes src/gen/<svc>_model.[ch]: the shapes, members,
operations, error lists and enum strings that src/core/model.h declares, with
the wire names, HTTP bindings and constraints, and no documentation text. The
tables are checked in (Redis commands.def), so building nimbus never needs
the models. It also regenerates the hand-made test models of tests/models/
into tests/unit/gen/.

    python3 tools/gen_model.py            regenerate everything
    python3 tools/gen_model.py --check    regenerate into a temporary folder
                                          and diff with the checked-in files
    python3 tools/gen_model.py --model FILE --name NAME --out DIR
                                          one model file (test fixtures)

The botocore version is pinned per source (SOURCES): another version is
refused unless --any-version is given, since the tables would change under
us. With --check, a missing or different botocore skips the services with one
line starting "skipped:" and exit status 0; the fixtures are still checked.

Python 3 standard library only.
"""

import argparse
import copy
import difflib
import gzip
import importlib.util
import json
import math
import os
import re
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN_DIR = "src/gen"
PATCH_DIR = "models/patches"
FIXTURE_MODEL_DIR = "tests/models"
FIXTURE_GEN_DIR = "tests/unit/gen"

# Where models come from. "python3": the botocore that the running python3
# imports (pyenv's, for the AWS CLI v1); a path: a botocore package folder.
# version: the only botocore version accepted without --any-version.
SOURCES = {
    "botocore": {"where": "python3", "version": "1.43.11"},
    # Debian's python3-botocore: SQS is still query there (see models/README.md).
    "debian": {"where": "/usr/lib/python3/dist-packages/botocore", "version": "1.29.27"},
}

# The services nimbus serves: (output name, botocore service folder, API
# version, source). The output name gives src/gen/<name>_model.[ch], the symbol
# nb_<name>_model and the patch file models/patches/<name>.json.
SERVICES = [
    ("dynamodb", "dynamodb", "2012-08-10", "botocore"),
    ("dynamodbstreams", "dynamodbstreams", "2012-08-10", "botocore"),
    ("ecr", "ecr", "2015-09-21", "botocore"),
    ("iam", "iam", "2010-05-08", "botocore"),
    ("kms", "kms", "2014-11-01", "botocore"),
    ("s3", "s3", "2006-03-01", "botocore"),
    ("sqs", "sqs", "2012-11-05", "botocore"),
    ("sqs_query", "sqs", "2012-11-05", "botocore"),
    ("ssm", "ssm", "2014-11-06", "botocore"),
    ("sts", "sts", "2011-06-15", "botocore"),
]

# Tables that serve a service's older query protocol beside its JSON one
# (SQS: models/README.md): output name -> (the JSON table it is built from,
# the source of the old query model). The query table takes shapes and
# operations from the JSON model (after its patch), the query names
# (member locationName, flattened, result wrappers, xmlNamespace) and error
# codes from the old model, then its own patch; the JSON table then takes
# the error blocks of the query table, so that its errors carry the query
# codes in x-amzn-query-error.
QUERY_TWINS = {
    # QueueUrl may come as the request path instead (POST /<account>/<name>
    # with Action=SendMessage, as older SDKs send it), so the query table
    # does not require it and the service checks it. A query request cannot
    # tell an empty list from none, so absent batch Entries reach the
    # service, which answers EmptyBatchRequest as for an empty JSON list.
    "sqs_query": ("sqs", "debian", ("QueueUrl", "Entries")),
}
QUERY_TRAITS = ("locationName", "flattened", "xmlNamespace")

# Hand-made models for the codec tests: tests/models/<name>.json ->
# tests/unit/gen/<name>_model.[ch], symbol nb_<name>_model.
FIXTURES = [
    "query_test",
    "json_test",
    "restjson_test",
    "restxml_test",
]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
COLS = 99  # longest line written

TYPES = {
    "structure": "NB_T_STRUCTURE",
    "list": "NB_T_LIST",
    "map": "NB_T_MAP",
    "string": "NB_T_STRING",
    "blob": "NB_T_BLOB",
    "boolean": "NB_T_BOOLEAN",
    "integer": "NB_T_INTEGER",
    "long": "NB_T_LONG",
    "float": "NB_T_FLOAT",
    "double": "NB_T_DOUBLE",
    "timestamp": "NB_T_TIMESTAMP",
}
TSFMTS = {
    "iso8601": "NB_TS_ISO8601",
    "rfc822": "NB_TS_RFC822",
    "unixTimestamp": "NB_TS_EPOCH",
}
LOCATIONS = {
    "uri": "NB_LOC_URI",
    "querystring": "NB_LOC_QUERY",
    "header": "NB_LOC_HEADER",
    "headers": "NB_LOC_HEADERS",
    "statusCode": "NB_LOC_STATUS",
}
PROTOCOLS = {
    "query": "NB_P_QUERY",
    "json": "NB_P_JSON",
    "rest-json": "NB_P_REST_JSON",
    "rest-xml": "NB_P_REST_XML",
    "ec2": "NB_P_EC2",
}


class GenError(Exception):
    """A model the generator cannot turn into tables, or a bad patch."""


class Skip(Exception):
    """A model source is missing or has another version (--check skips)."""


# ---------------------------------------------------------------------------
# Model sources


def botocore_dir(source):
    """The botocore package folder of a source, or None when absent."""
    where = SOURCES[source]["where"]
    if where == "python3":
        spec = importlib.util.find_spec("botocore")  # locates; runs nothing
        if spec is None or not spec.submodule_search_locations:
            return None
        return list(spec.submodule_search_locations)[0]
    return where if os.path.isdir(where) else None


def botocore_version(pkg):
    """__version__ read from botocore/__init__.py, without importing it."""
    try:
        with open(os.path.join(pkg, "__init__.py"), encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return None
    m = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", text, re.M)
    return m.group(1) if m else None


def open_source(source, any_version):
    """(data folder, version) of a source; raises Skip when unusable."""
    pkg = botocore_dir(source)
    if pkg is None:
        raise Skip("botocore (%s) not found" % source)
    version = botocore_version(pkg)
    want = SOURCES[source]["version"]
    if version != want and not any_version:
        raise Skip("botocore %s at %s, want %s (--any-version to use it)" % (version, pkg, want))
    return os.path.join(pkg, "data"), version


def read_json(path):
    """A JSON file, gzip-compressed when its name ends in .gz."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def load_service(data, service, api_version):
    """The parsed service-2.json of a botocore data folder (.gz or plain)."""
    base = os.path.join(data, service, api_version, "service-2.json")
    for path in (base + ".gz", base):
        if os.path.exists(path):
            return read_json(path), os.path.relpath(path, os.path.dirname(data))
    raise GenError("no model %s[.gz]" % base)


# ---------------------------------------------------------------------------
# JSON patches (RFC 6902: add, replace, remove; each op has a "reason")


def pointer_tokens(ptr):
    """The reference tokens of a JSON pointer (RFC 6901)."""
    if ptr == "":
        return []
    if not ptr.startswith("/"):
        raise GenError("bad JSON pointer %r" % ptr)
    return [t.replace("~1", "/").replace("~0", "~") for t in ptr[1:].split("/")]


def list_index(lst, tok, ptr, for_add=False):
    if for_add and tok == "-":
        return len(lst)
    if not re.fullmatch(r"0|[1-9][0-9]*", tok):
        raise GenError("bad array index %r in %s" % (tok, ptr))
    i = int(tok)
    if i > len(lst) or (i == len(lst) and not for_add):
        raise GenError("array index %d out of range in %s" % (i, ptr))
    return i


def resolve_parent(doc, ptr):
    """(parent container, last token) of ptr; the parent must exist."""
    toks = pointer_tokens(ptr)
    if not toks:
        raise GenError("cannot patch the whole document")
    node = doc
    for tok in toks[:-1]:
        if isinstance(node, dict) and tok in node:
            node = node[tok]
        elif isinstance(node, list):
            node = node[list_index(node, tok, ptr)]
        else:
            raise GenError("path %s does not exist" % ptr)
    return node, toks[-1]


def apply_patch(doc, ops, name):
    """Applies the patch operations ops to doc, in place."""
    if not isinstance(ops, list):
        raise GenError("%s: a patch is a JSON array of operations" % name)
    for n, op in enumerate(ops):
        where = "%s: operation %d" % (name, n)
        if not isinstance(op, dict) or not isinstance(op.get("path"), str):
            raise GenError("%s: needs op and path" % where)
        reason = op.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise GenError("%s: every operation says why in \"reason\"" % where)
        kind, ptr = op.get("op"), op["path"]
        if kind not in ("add", "replace", "remove"):
            raise GenError("%s: op %r not supported (add, replace, remove)" % (where, kind))
        if kind in ("add", "replace") and "value" not in op:
            raise GenError("%s: %s needs a value" % (where, kind))
        try:
            parent, tok = resolve_parent(doc, ptr)
            if isinstance(parent, dict):
                if kind in ("replace", "remove") and tok not in parent:
                    raise GenError("path %s does not exist" % ptr)
                if kind == "remove":
                    del parent[tok]
                else:
                    parent[tok] = op["value"]
            elif isinstance(parent, list):
                i = list_index(parent, tok, ptr, for_add=(kind == "add"))
                if kind == "add":
                    parent.insert(i, op["value"])
                elif kind == "replace":
                    parent[i] = op["value"]
                elif kind == "remove":
                    del parent[i]
            else:
                raise GenError("path %s: parent is not a container" % ptr)
        except GenError as e:
            raise GenError("%s: %s" % (where, e)) from None


def patch_model(model, name):
    """Applies models/patches/<name>.json when it exists."""
    path = os.path.join(ROOT, PATCH_DIR, name + ".json")
    if os.path.exists(path):
        apply_patch(model, read_json(path), os.path.relpath(path, ROOT))
    return model


# ---------------------------------------------------------------------------
# Model -> tables


def xmlns_of(obj):
    """(uri, prefix) of an xmlNamespace trait: a string or {uri, prefix}."""
    ns = obj.get("xmlNamespace")
    if ns is None:
        return None, None
    if isinstance(ns, str):
        return ns, None
    return ns.get("uri"), ns.get("prefix")


def int_bound(shape, key, sname):
    """min or max as an int64. Integral bounds are exact. A fractional bound
    (float/double shapes only) is rounded outward, min down and max up, so
    that the validator never rejects a value AWS accepts."""
    v = shape[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise GenError("shape %s: %s is not a number" % (sname, key))
    if isinstance(v, float):
        if not math.isfinite(v):
            raise GenError("shape %s: %s is not finite" % (sname, key))
        if v != int(v) and shape["type"] not in ("float", "double"):
            raise GenError("shape %s: fractional %s on %s" % (sname, key, shape["type"]))
        v = math.floor(v) if key == "min" else math.ceil(v)
    return max(INT64_MIN, min(INT64_MAX, v))


class Tables:
    """The tables of one model, in the order they are written."""

    def __init__(self, model, label):
        self.model = model
        self.label = label
        self.shapes_src = model.get("shapes", {})
        self.names = sorted(self.shapes_src, key=lambda s: s.encode())
        self.index = {n: i for i, n in enumerate(self.names)}
        self.shapes = []  # field lists, one per shape
        self.members = []  # (owner comment, field list)
        self.strings = []  # enum values
        self.enum_at = {}  # tuple of values -> index in strings
        self.ops = []
        self.errors = []  # (operation name, shape index)
        self.fold_op_traits()
        self.check_streaming()
        for n in self.names:
            self.add_shape(n)
        self.add_operations()

    def shape_ref(self, ref, where):
        name = ref.get("shape") if isinstance(ref, dict) else None
        if name not in self.index:
            raise GenError("%s: unknown shape %r" % (where, name))
        return self.index[name]

    def member_refs(self):
        """Every member reference: (owner, member name, ref dict)."""
        for sname in self.names:
            s = self.shapes_src[sname]
            if s.get("type") == "structure":
                for mname, ref in s.get("members", {}).items():
                    yield sname, mname, ref
            elif s.get("type") == "list":
                yield sname, "member", s.get("member", {})
            elif s.get("type") == "map":
                yield sname, "key", s.get("key", {})
                yield sname, "value", s.get("value", {})

    def fold_op_traits(self):
        """An operation's input may carry locationName and xmlNamespace (S3
        SelectObjectContent): botocore gives them to the input shape as its
        root element, so they become that shape's wire and xmlns, when no
        other reference could see the difference."""
        for oname, op in self.model.get("operations", {}).items():
            ref = op.get("input") or {}
            if "locationName" not in ref and "xmlNamespace" not in ref:
                continue
            sname = ref.get("shape")
            s = self.shapes_src.get(sname)
            if s is None:
                raise GenError("operation %s: unknown input shape %r" % (oname, sname))
            users = [o for o, v in self.model["operations"].items()
                     if sname in ((v.get("input") or {}).get("shape"),
                                  (v.get("output") or {}).get("shape"))]
            used = any(r.get("shape") == sname for _, _, r in self.member_refs())
            for key in ("locationName", "xmlNamespace"):
                if key not in ref:
                    continue
                if (key in s and s[key] != ref[key]) or used or users != [oname]:
                    raise GenError("operation %s: input %s on shared shape %s; add a patch"
                                   % (oname, key, sname))
                s[key] = ref[key]

    def check_streaming(self):
        """Member-level "streaming" (S3 Body) becomes the blob shape's flag,
        since model.h has no member flag for it. It only matters for a
        payload blob, which is sent raw either way; S3's Body is streaming
        wherever it is a payload, and also the payload of an event (not
        served)."""
        self.streaming = set()
        for owner, mname, ref in self.member_refs():
            if ref.get("streaming"):
                if self.shapes_src.get(ref.get("shape"), {}).get("type") != "blob":
                    raise GenError("shape %s member %s: streaming on a non-blob"
                                   % (owner, mname))
                self.streaming.add(ref["shape"])

    def enum_index(self, values, sname):
        if not all(isinstance(v, str) for v in values):
            raise GenError("shape %s: enum values must be strings" % sname)
        key = tuple(values)
        if key not in self.enum_at:
            self.enum_at[key] = len(self.strings)
            self.strings.extend(values)
        return self.enum_at[key]

    def add_shape(self, sname):
        s = self.shapes_src[sname]
        t = s.get("type")
        if t not in TYPES:
            raise GenError("shape %s: type %r not supported" % (sname, t))
        flags = []
        for key, flag in (("min", "NB_SF_HAS_MIN"), ("max", "NB_SF_HAS_MAX")):
            if key in s:
                flags.append(flag)
        if s.get("flattened"):
            flags.append("NB_SF_FLATTENED")
        if s.get("exception") or "error" in s:
            flags.append("NB_SF_EXCEPTION")
        if s.get("union"):
            flags.append("NB_SF_UNION")
        if s.get("sensitive"):
            flags.append("NB_SF_SENSITIVE")
        if s.get("streaming") or sname in self.streaming:
            flags.append("NB_SF_STREAMING")
        if s.get("eventstream"):
            flags.append("NB_SF_EVENTSTREAM")
        if s.get("document"):
            flags.append("NB_SF_DOCUMENT")
        if s.get("s3UnwrappedXmlOutput"):  # set by a patch: see NB_SF_UNWRAPPED
            flags.append("NB_SF_UNWRAPPED")
        err = s.get("error") or {}
        if err.get("senderFault"):
            flags.append("NB_SF_SENDER_FAULT")

        first = len(self.members)
        if t == "structure":
            self.add_struct_members(sname, s)
        elif t == "list":
            self.add_member(sname, "member", s.get("member"), set())
        elif t == "map":
            self.add_member(sname, "key", s.get("key"), set())
            self.add_member(sname, "value", s.get("value"), set())
        nmembers = len(self.members) - first
        if nmembers > 0xFFFF:
            raise GenError("shape %s: too many members" % sname)

        nenum, enums = 0, 0
        if "enum" in s:
            if t != "string":
                raise GenError("shape %s: enum on a %s" % (sname, t))
            nenum, enums = len(s["enum"]), self.enum_index(s["enum"], sname)
            if nenum > 0xFFFF:
                raise GenError("shape %s: too many enum values" % sname)

        uri, prefix = xmlns_of(s)
        code = err.get("code")
        status = err.get("httpStatusCode", 0)
        if not isinstance(status, int) or not 0 <= status <= 999:
            raise GenError("shape %s: bad httpStatusCode" % sname)
        self.shapes.append([
            c_str(sname),
            TYPES[t],
            tsfmt(s, sname),
            " | ".join(flags) or "0",
            str(nmembers),
            str(first if nmembers else 0),
            str(nenum),
            str(enums),
            c_int64(int_bound(s, "min", sname) if "min" in s else 0),
            c_int64(int_bound(s, "max", sname) if "max" in s else 0),
            c_str(s.get("locationName")),
            c_str(uri),
            c_str(prefix),
            c_str(code),
            str(status),
        ])

    def add_struct_members(self, sname, s):
        members = s.get("members", {})
        required = set(s.get("required", []))
        for r in sorted(required):
            if r not in members:
                raise GenError("shape %s: required member %s does not exist" % (sname, r))
        payload = s.get("payload")
        if payload is not None and payload not in members:
            raise GenError("shape %s: payload member %s does not exist" % (sname, payload))
        for mname, ref in members.items():
            flags = set()
            if mname in required:
                flags.add("NB_MF_REQUIRED")
            if mname == payload:
                flags.add("NB_MF_PAYLOAD")
            self.add_member(sname, mname, ref, flags)

    def add_member(self, owner, mname, ref, flags):
        where = "shape %s member %s" % (owner, mname)
        idx = self.shape_ref(ref, where)
        target = self.shapes_src[ref["shape"]]
        for key, flag in (
            ("flattened", "NB_MF_FLATTENED"),
            ("xmlAttribute", "NB_MF_XMLATTR"),
            ("idempotencyToken", "NB_MF_IDEMPOTENCY"),
            ("hostLabel", "NB_MF_HOSTLABEL"),
        ):
            if ref.get(key):
                flags.add(flag)
        if ref.get("jsonvalue") or target.get("jsonvalue"):
            flags.add("NB_MF_JSONVALUE")
        loc = ref.get("location")
        if loc is not None and loc not in LOCATIONS:
            raise GenError("%s: location %r not supported" % (where, loc))
        uri, prefix = xmlns_of(ref)
        order = ["NB_MF_REQUIRED", "NB_MF_FLATTENED", "NB_MF_XMLATTR", "NB_MF_PAYLOAD",
                 "NB_MF_IDEMPOTENCY", "NB_MF_HOSTLABEL", "NB_MF_JSONVALUE"]
        self.members.append((owner, [
            c_str(mname),
            c_str(ref.get("locationName")),
            c_str(uri),
            c_str(prefix),
            str(idx),
            LOCATIONS.get(loc, "0"),
            " | ".join(f for f in order if f in flags) or "0",
            tsfmt(ref, where),
        ]))

    def add_operations(self):
        def no_auth(op):
            # botocore marks operations callers may send unsigned both ways
            auth = op.get("auth")
            return op.get("authtype") == "none" or auth == ["smithy.api#noAuth"]

        ops = self.model.get("operations", {})
        for oname in sorted(ops, key=lambda s: s.encode()):
            op = ops[oname]
            where = "operation %s" % oname
            http = op.get("http", {})
            inp = op.get("input")
            out = op.get("output")
            status = http.get("responseCode", 200)
            if not isinstance(status, int) or not 100 <= status <= 999:
                raise GenError("%s: bad responseCode" % where)
            errs = [self.shape_ref(e, where) for e in op.get("errors", [])]
            if len(errs) > 0xFFFF:
                raise GenError("%s: too many errors" % where)
            first = len(self.errors)
            self.errors.extend((oname, e) for e in errs)
            self.ops.append([
                c_str(oname),
                c_str(http.get("method", "POST")),
                c_str(http.get("requestUri", "/")),
                str(self.shape_ref(inp, where)) if inp else "NB_NO_SHAPE",
                str(self.shape_ref(out, where)) if out else "NB_NO_SHAPE",
                c_str((out or {}).get("resultWrapper")),
                str(status),
                str(len(errs)),
                str(first if errs else 0),
                "NB_OF_NOAUTH" if no_auth(op) else "0",
            ])

    def metadata(self):
        """The nb_model fields other than the tables: (field, C value)."""
        md = self.model.get("metadata", {})
        proto = md.get("protocol")
        if proto not in PROTOCOLS:
            raise GenError("protocol %r not supported" % proto)
        ns = md.get("xmlNamespace")
        if isinstance(ns, dict):
            ns = ns.get("uri")
        for key in ("serviceId", "apiVersion", "endpointPrefix"):
            if not isinstance(md.get(key), str):
                raise GenError("metadata has no %s" % key)
        return [
            ("service_id", c_str(md["serviceId"])),
            ("api_version", c_str(md["apiVersion"])),
            ("protocol", PROTOCOLS[proto]),
            ("query_compatible", "1" if "awsQueryCompatible" in md else "0"),
            ("json_version", c_str(md.get("jsonVersion"))),
            ("endpoint_prefix", c_str(md["endpointPrefix"])),
            ("signing_name", c_str(md.get("signingName", md["endpointPrefix"]))),
            ("target_prefix", c_str(md.get("targetPrefix"))),
            ("xml_namespace", c_str(ns)),
            ("source", c_str(self.label)),
        ]


def tsfmt(obj, where):
    fmt = obj.get("timestampFormat")
    if fmt is None:
        return "0"
    if fmt not in TSFMTS:
        raise GenError("%s: timestampFormat %r not supported" % (where, fmt))
    return TSFMTS[fmt]


# ---------------------------------------------------------------------------
# C output


def c_str(s):
    """A C string literal for s (UTF-8; octal escapes), or NULL."""
    if s is None:
        return "NULL"
    if not isinstance(s, str):
        raise GenError("expected a string, got %r" % (s,))
    out = []
    for b in s.encode("utf-8"):
        c = chr(b)
        if c in "\\\"":
            out.append("\\" + c)
        elif c == "?" and out and out[-1] == "?":
            out.append("\\?")  # no trigraphs under -std=c11
        elif 0x20 <= b < 0x7F:
            out.append(c)
        else:
            out.append("\\%03o" % b)
    return '"' + "".join(out) + '"'


def c_int64(v):
    if v == INT64_MIN:
        return "INT64_MIN"
    return str(v)


def split_literal(lit, first, rest):
    """Splits the C string literal lit into adjacent literals, the first at
    most first columns wide and the others rest, never inside an escape,
    after a "/" when there is one (request URIs)."""
    atoms = re.findall(r'\\[0-7]{3}|\\.|[^\\]', lit[1:-1])
    pieces, cur, width = [], [], first
    for a in atoms:
        if cur and len("".join(cur)) + len(a) + 2 > width:
            cut = max((i + 1 for i, c in enumerate(cur) if c == "/"), default=len(cur))
            pieces.append('"%s"' % "".join(cur[:cut]))
            cur, width = cur[cut:], rest
        cur.append(a)
    pieces.append('"%s"' % "".join(cur))
    return pieces


def entry(fields, comment=None, split=None, indent="    "):
    """One initializer {a, b, ...}. The fields from index split on start a
    second line; any line is also wrapped at a field to stay within COLS,
    and a string too long for a line is cut into adjacent literals."""
    cont = indent + "    "
    lines = []
    line = indent + (comment + " " if comment else "") + "{"
    fresh = True  # nothing but indentation or the opening on this line yet
    for i, f in enumerate(fields):
        end = ", " if i + 1 < len(fields) else "},"
        tok = f + end
        if not fresh and (i == split or len(line) + len(tok.rstrip()) > COLS):
            lines.append(line.rstrip())
            line = cont
        if len(line) + len(tok.rstrip()) > COLS and f.startswith('"'):
            room = len(end.rstrip())
            pieces = split_literal(f, COLS - len(line) - room, COLS - len(cont) - room)
            for piece in pieces[:-1]:
                lines.append(line + piece)
                line = cont
            tok = pieces[-1] + end
        line += tok
        fresh = False
    lines.append(line.rstrip())
    return lines


def banner(what, source_lines, fixture):
    fix = "tests/models/" if fixture else "models/patches/"
    return [
        "/*",
        " * %s: generated by tools/gen_model.py from" % what,
    ] + [" * %s" % l for l in source_lines[:-1]] + [
        " * %s." % source_lines[-1],
        " * Do not edit: change %s or the generator, then run" % fix,
        " * `make gen` (see models/README.md).",
        " */",
    ]


def render(tables, name, source_lines, fixture):
    """(header text, C text) for the tables of model name."""
    sym = "nb_%s_model" % name
    guard = "NB_GEN_%s_MODEL_H" % name.upper()
    h = banner("%s_model.h" % name, source_lines, fixture) + [
        "#ifndef %s" % guard,
        "#define %s" % guard,
        "",
        '#include "core/model.h"',
        "",
        "extern const nb_model %s;" % sym,
        "",
        "#endif",
    ]

    c = banner("%s_model.c" % name, source_lines, fixture) + [
        '#include "%s_model.h"' % name,
        "",
        "/* clang-format off */",
        "",
        "/* name, type, tsfmt, flags,",
        " *     nmembers, members, nenum, enums, min, max, wire, xmlns, xmlns_prefix, err_code,",
        " *     err_status */",
        "static const nb_shape shapes[] = {",
    ]
    for i, fields in enumerate(tables.shapes):
        c += entry(fields, "/* %d */" % i, split=4)
    c += ["};", "", "/* name, wire, xmlns, xmlns_prefix, shape, loc, flags, tsfmt */"]
    if tables.members:
        c.append("static const nb_member members[] = {")
        owner = None
        for i, (o, fields) in enumerate(tables.members):
            if o != owner:
                c.append("    /* %d: %s */" % (i, o))
                owner = o
            lines = entry(fields)
            note = " /* %s */" % tables.names[int(fields[4])]
            if len(lines[-1]) + len(note) <= COLS:
                lines[-1] += note
            c += lines
        c += ["};", ""]
    c += ["/* name, method, uri, input, output, result_wrapper, http_status, nerrors,",
          " * errors */",
          "static const nb_operation ops[] = {"]
    for fields in tables.ops:
        c += entry(fields)
    c += ["};", ""]
    if tables.errors:
        c += ["/* error shapes of each operation */", "static const uint32_t errors[] = {"]
        op = None
        line = ""
        for oname, e in tables.errors:
            if oname != op:
                if line:
                    c.append(line.rstrip())
                c.append("    /* %s */" % oname)
                op, line = oname, "   "
            tok = " %d," % e
            if len(line) + len(tok) > COLS:
                c.append(line.rstrip())
                line = "   "
            line += tok
        c += [line.rstrip(), "};", ""]
    if tables.strings:
        c += ["/* enum values */", "static const char *const strings[] = {"]
        for s in tables.strings:
            c.append("    %s," % c_str(s))
        c += ["};", ""]
    c += ["/* clang-format on */", "", "const nb_model %s = {" % sym]
    for field, value in tables.metadata():
        c.append("    .%s = %s," % (field, value))
    c += [
        "    .shapes = shapes,",
        "    .nshapes = %d," % len(tables.shapes),
        "    .members = %s," % ("members" if tables.members else "NULL"),
        "    .nmembers = %d," % len(tables.members),
        "    .ops = ops,",
        "    .nops = %d," % len(tables.ops),
        "    .errors = %s," % ("errors" if tables.errors else "NULL"),
        "    .strings = %s," % ("strings" if tables.strings else "NULL"),
        "};",
    ]
    for text in h + c:
        if len(text) > COLS:
            raise GenError("%s: line over %d columns: %s" % (name, COLS, text))
    return "\n".join(h) + "\n", "\n".join(c) + "\n"


def generate(model, name, label, source_lines, out_dir, fixture=False):
    """Writes out_dir/<name>_model.[ch]; a file is rewritten only on change."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise GenError("name %r: use lower case letters, digits and _" % name)
    if not model.get("operations"):
        raise GenError("%s: the model has no operations" % name)
    header, body = render(Tables(model, label), name, source_lines, fixture)
    os.makedirs(out_dir, exist_ok=True)
    for ext, text in (("h", header), ("c", body)):
        path = os.path.join(out_dir, "%s_model.%s" % (name, ext))
        try:
            with open(path, encoding="utf-8") as f:
                if f.read() == text:
                    continue
        except OSError:
            pass
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


# ---------------------------------------------------------------------------
# Driver


def query_twin(model, old, optional):
    """The query view of a JSON model: its shapes and operations, with the
    query names, result wrappers, xmlNamespace and error blocks of old (the
    same service's older query model), matched by shape and member name;
    members named in optional lose "required"."""
    q = copy.deepcopy(model)
    md = q["metadata"]
    for key in ("jsonVersion", "targetPrefix", "awsQueryCompatible"):
        md.pop(key, None)
    md["protocol"] = "query"
    md["protocols"] = ["query"]
    md["xmlNamespace"] = old["metadata"]["xmlNamespace"]
    olds = old.get("shapes", {})
    for name, s in q["shapes"].items():
        o = olds.get(name)
        if o is not None and o.get("type") == s.get("type"):
            for key in QUERY_TRAITS:
                if key in o:
                    s[key] = o[key]
            if "error" in o:
                s["error"] = dict(o["error"])
            pairs = [(s[k], o.get(k)) for k in ("member", "key", "value") if k in s]
            pairs += [(r, o.get("members", {}).get(m)) for m, r in s.get("members", {}).items()]
            for ref, oref in pairs:
                for key in QUERY_TRAITS:
                    if oref and key in oref:
                        ref[key] = oref[key]
        if "required" in s:
            s["required"] = [m for m in s["required"] if m not in optional]
    # botocore gives a member its target shape's locationName when the member
    # has none (TagQueue's Tags go out as Tag.N.Key, after TagMap's "Tag").
    for s in q["shapes"].values():
        for ref in s.get("members", {}).values():
            target = q["shapes"].get(ref.get("shape"), {})
            if "locationName" not in ref and "locationName" in target:
                ref["locationName"] = target["locationName"]
    for oname, op in q["operations"].items():
        oo = old.get("operations", {}).get(oname, {})
        wrapper = (oo.get("output") or {}).get("resultWrapper")
        if wrapper and op.get("output"):
            op["output"]["resultWrapper"] = wrapper
    return q


def gen_services(out_dir, any_version):
    """Generates every entry of SERVICES into out_dir; raises Skip."""
    opened = {}
    for source in sorted({s[3] for s in SERVICES} | {t[1] for t in QUERY_TWINS.values()}):
        opened[source] = open_source(source, any_version)
    built = {}  # name -> (model, label, banner lines)
    for name, service, api_version, source in SERVICES:
        if name in QUERY_TWINS:
            continue
        data, version = opened[source]
        model, rel = load_service(data, service, api_version)
        label = "botocore %s" % version
        built[name] = (patch_model(model, name), label, ["%s %s" % (label, rel)])
    for name, (json_name, old_source, optional) in sorted(QUERY_TWINS.items()):
        entry_ = next(e for e in SERVICES if e[0] == name)
        model, label, lines = built[json_name]
        data, version = opened[old_source]
        old, rel = load_service(data, entry_[1], entry_[2])
        twin = patch_model(query_twin(model, old, optional), name)
        built[name] = (twin, "%s + %s" % (label, version),
                       lines + ["with query names and error codes from botocore %s %s"
                                % (version, rel)])
        for sname, s in twin["shapes"].items():
            if "error" in s and sname in model["shapes"]:
                model["shapes"][sname]["error"] = dict(s["error"])
        lines.append("with the error codes of %s_model.c" % name)
    for name, (model, label, lines) in sorted(built.items()):
        if os.path.exists(os.path.join(ROOT, PATCH_DIR, name + ".json")):
            lines = [l + "," for l in lines[:-1]] + [lines[-1] + ","]
            lines.append("patched by %s/%s.json" % (PATCH_DIR, name))
        else:
            lines = [l + "," for l in lines[:-1]] + lines[-1:]
        generate(model, name, label, lines, out_dir)


def gen_fixtures(out_dir):
    for name in FIXTURES:
        rel = "%s/%s.json" % (FIXTURE_MODEL_DIR, name)
        model = read_json(os.path.join(ROOT, rel))
        generate(model, name, rel, model_line(rel), out_dir, fixture=True)


def model_line(rel):
    """The banner's source line for a model file given by path."""
    return ["the model file " + rel]


def diff_dirs(want_dir, have_dir, shown):
    """Unified diff lines between the generated and the checked-in
    *_model.[ch] of a folder; a checked-in file not generated is stale."""
    out = []
    want = set(os.listdir(want_dir))
    have = set()
    if os.path.isdir(have_dir):
        have = {n for n in os.listdir(have_dir) if re.fullmatch(r".+_model\.[ch]", n)}
    for n in sorted(want | have):
        if n not in want:
            out.append("stale: %s/%s is not generated any more; remove it\n" % (shown, n))
            continue
        texts = []
        for d in (have_dir, want_dir):
            try:
                with open(os.path.join(d, n), encoding="utf-8") as f:
                    texts.append(f.read().splitlines(keepends=True))
            except FileNotFoundError:
                texts.append([])
        a = "a/%s/%s" % (shown, n) if n in have else "/dev/null"
        out.extend(difflib.unified_diff(texts[0], texts[1], a, "b/%s/%s" % (shown, n)))
    return out


def check(any_version):
    """Regenerates into a temporary folder and diffs; returns exit status."""
    lines = []
    tmp = tempfile.mkdtemp(prefix="gen_model.")
    try:
        fix = os.path.join(tmp, "fixtures")
        gen_fixtures(fix)
        lines += diff_dirs(fix, os.path.join(ROOT, FIXTURE_GEN_DIR), FIXTURE_GEN_DIR)
        svc = os.path.join(tmp, "services")
        try:
            gen_services(svc, any_version)
            lines += diff_dirs(svc, os.path.join(ROOT, GEN_DIR), GEN_DIR)
        except Skip as e:
            print("skipped: %s: %s not checked" % (e, GEN_DIR))
    finally:
        shutil.rmtree(tmp)
    if lines:
        sys.stdout.writelines(l if l.endswith("\n") else l + "\n" for l in lines)
        print("gen_model: generated tables differ; run `make gen`", file=sys.stderr)
        return 1
    return 0


def main(argv):
    p = argparse.ArgumentParser(description="AWS service models -> C tables (src/gen/).")
    p.add_argument("--check", action="store_true",
                   help="diff regenerated tables with the checked-in ones")
    p.add_argument("--any-version", action="store_true",
                   help="accept a botocore version other than the pinned one")
    p.add_argument("--model", metavar="FILE", help="generate this one service-2.json")
    p.add_argument("--name", help="with --model: output name (symbol nb_NAME_model)")
    p.add_argument("--out", metavar="DIR", help="with --model: output folder")
    a = p.parse_args(argv)
    try:
        if a.model:
            if not a.name or not a.out or a.check:
                p.error("--model needs --name and --out, and no --check")
            rel = os.path.relpath(os.path.abspath(a.model), ROOT)
            if rel.startswith(".."):
                rel = os.path.basename(a.model)
            generate(read_json(a.model), a.name, rel, model_line(rel), a.out, fixture=True)
            return 0
        if a.name or a.out:
            p.error("--name and --out go with --model")
        if a.check:
            return check(a.any_version)
        gen_fixtures(os.path.join(ROOT, FIXTURE_GEN_DIR))
        try:
            gen_services(os.path.join(ROOT, GEN_DIR), a.any_version)
        except Skip as e:
            print("gen_model: %s" % e, file=sys.stderr)
            return 1
        return 0
    except (GenError, OSError, ValueError) as e:
        print("gen_model: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
