/*
 * proto_rest_xml.c: the restXml codec (S3; the CloudFront and Route 53
 * style of XML REST services reads the same way). The operation comes
 * from method, path and query (rest_route.c), the HTTP-bound members from
 * proto_bind.c, and the rest from an XML body: the payload structure,
 * whose root element is the payload member's locationName, or the input
 * shape's unbound members under the input's own root element. Namespaces
 * are ignored on input (botocore sends them; S3 also accepts documents
 * without). Replies: status and headers by the bindings, then
 * <?xml version="1.0" encoding="UTF-8"?> and one root element named by
 * the payload member or the output shape (locationName, else shape name;
 * for an output marked unwrapped, NB_SF_UNWRAPPED, the root holds its one
 * member as text: S3 GetBucketLocation), with xmlns from the member, the
 * shape or the model's metadata, as botocore's RestXMLSerializer writes
 * requests (serialize.py
 * _serialize_type_structure, _add_xml_namespace); timestamps ISO 8601
 * with milliseconds ("2009-10-12T17:50:30.000Z", S3 ListObjects).
 *
 * Errors are S3's (docs.aws.amazon.com/AmazonS3/latest/API/
 * ErrorResponses.html): Content-Type application/xml and
 *   <Error><Code>NoSuchKey</Code><Message>...</Message><Key>k</Key>
 *   <RequestId>4442587FB7D0A2F9</RequestId><HostId>...</HostId></Error>
 * with the extra members the handler set (call->err_fields), any headers
 * it set for the error (call->err_headers: S3's x-amz-delete-marker on a
 * NoSuchKey), and the request id in x-amz-request-id and x-amz-id-2 on every reply, not
 * x-amzn-RequestId (botocore parsers.py _populate_response_metadata).
 * Route 53 and CloudFront wrap the same in <ErrorResponse>; botocore reads
 * both forms (RestXMLParser._do_error_parse), so one form serves all
 * until a model can say which it wants.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "base64.h"
#include "call.h"
#include "limits.h"
#include "log.h"
#include "model.h"
#include "proto.h"
#include "proto_bind.h"
#include "rest_route.h"
#include "timefmt.h"
#include "value.h"
#include "xml.h"

#define MALFORMED_XML_MSG                                                                          \
    "The XML you provided was not well-formed or did not validate against our published "          \
    "schema"

static const nb_shape *
shape_at(const nb_model *m, uint32_t idx)
{
    assert(idx < m->nshapes);
    return &m->shapes[idx];
}

static const nb_member *
member_at(const nb_model *m, const nb_shape *s, uint32_t i)
{
    return &m->members[s->members + i];
}

/* The local part of a wire name: "xsi:type" -> "type". */
static const char *
local_name(const char *wire)
{
    const char *c = strchr(wire, ':');
    return c ? c + 1 : wire;
}

static int
is_flat(const nb_member *mb, const nb_shape *s)
{
    return (mb->flags & NB_MF_FLATTENED) || (s->flags & NB_SF_FLATTENED);
}

/* The element name of a list's items: the item member's locationName,
 * else "member" (botocore serialize.py _serialize_type_list); in a
 * flattened list, the locationName else the list member's own name
 * (parsers.py _member_key_name). */
static const char *
item_name(const nb_member *item, const nb_member *list_mb, int flat)
{
    if (item->wire)
        return item->wire;
    return flat ? nb_member_wire(list_mb) : "member";
}

/* ---- Operation ------------------------------------------------------- */

/* S3's names for what a path addresses (MethodNotAllowed's ResourceType). */
static const char *
resource_type(const char *path)
{
    const char *p = path && path[0] == '/' ? path + 1 : "";
    const char *slash = strchr(p, '/');
    if (!*p)
        return "SERVICE";
    return slash && slash[1] ? "OBJECT" : "BUCKET";
}

/* Sets one extra member of the error (a new err_fields struct if none). */
static int
err_field(nb_call *call, const char *name, const char *value)
{
    if (!call->err_fields && !(call->err_fields = nb_value_struct(call->arena)))
        return NB_ENOMEM;
    return nb_set_str(call->err_fields, name, value ? value : "");
}

/* AWS (S3 Error responses): InvalidURI, 400, "Couldn't parse the
 * specified URI." with URI. */
static int
bad_uri(nb_call *call, const nb_http_req *req)
{
    int rc = nb_fail_status(call, 400, "InvalidURI", "Couldn't parse the specified URI.");
    return err_field(call, "URI", req->url) ? NB_ENOMEM : rc;
}

/* AWS (S3 Error responses): MethodNotAllowed, 405, "The specified method
 * is not allowed against this resource." with Method and ResourceType. */
static int
no_match(nb_call *call, const nb_http_req *req)
{
    int rc = nb_fail_status(call, 405, "MethodNotAllowed",
                            "The specified method is not allowed against this resource.");
    if (err_field(call, "Method", req->method) ||
        err_field(call, "ResourceType", resource_type(req->url)))
        return NB_ENOMEM;
    return rc;
}

/* ---- Decoding -------------------------------------------------------- */

typedef struct xdec {
    nb_call *call;     /* where errors go */
    const nb_model *m; /* the model */
    nb_arena *a;       /* the call's arena */
} xdec;

static int
malformed(xdec *d)
{
    return nb_fail_status(d->call, 400, "MalformedXML", MALFORMED_XML_MSG);
}

static int x_value(xdec *d, const nb_member *mb, uint32_t shape, const nb_xml_node *n,
                   nb_value **out);

/* Text of a scalar element; surrounding whitespace is dropped for
 * everything but strings. */
static int
x_scalar(xdec *d, const nb_member *mb, uint32_t shape, const char *p, size_t len, nb_value **out)
{
    if (shape_at(d->m, shape)->type != NB_T_STRING) {
        while (len && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            p++, len--;
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\n' ||
                       p[len - 1] == '\r'))
            len--;
    }
    int rc = nb_bind_parse_scalar(d->a, d->m, shape, nb_bind_tsfmt(d->m, mb, NB_TS_ISO8601), p, len,
                                  out);
    return rc == NB_EINVAL ? malformed(d) : rc;
}

/* <entry><key>k</key><value>v</value></entry> (or, flattened, the same
 * pair directly under the member's element). */
static int
x_entry(xdec *d, const nb_shape *ms, const nb_xml_node *e, nb_value *map)
{
    const nb_member *k = member_at(d->m, ms, 0), *vm = member_at(d->m, ms, 1);
    const nb_xml_node *kn = nb_xml_child(e, k->wire ? k->wire : "key");
    const nb_xml_node *vn = nb_xml_child(e, vm->wire ? vm->wire : "value");
    nb_value *v;
    if (!kn)
        return malformed(d);
    if (!vn)
        return NB_OK;
    int rc = x_value(d, vm, vm->shape, vn, &v);
    return rc ? rc : nb_value_put(map, kn->text, kn->text_len, v);
}

static int
x_list(xdec *d, const nb_shape *s, const nb_xml_node *n, nb_value **out)
{
    const nb_member *item = member_at(d->m, s, 0);
    nb_value *v = nb_value_list(d->a), *c;
    if (!v)
        return NB_ENOMEM;
    for (const nb_xml_node *e = nb_xml_first_child(n); e; e = e->next) {
        if (v->u.c.n >= NB_LIST_MAX)
            return malformed(d);
        int rc = x_value(d, item, item->shape, e, &c);
        if (rc || (rc = nb_value_append(v, c)))
            return rc;
    }
    *out = v;
    return NB_OK;
}

static int
x_map(xdec *d, const nb_shape *s, const nb_xml_node *n, nb_value **out)
{
    nb_value *v = nb_value_map(d->a);
    if (!v)
        return NB_ENOMEM;
    for (const nb_xml_node *e = nb_xml_first_child(n); e; e = e->next) {
        int rc = v->u.c.n >= NB_LIST_MAX ? malformed(d) : x_entry(d, s, e, v);
        if (rc)
            return rc;
    }
    *out = v;
    return NB_OK;
}

/* The items of a flattened list or map: every child of n named name. */
static int
x_flat(xdec *d, const nb_member *mb, const nb_shape *s, const nb_xml_node *n, nb_value *into)
{
    const nb_member *item = member_at(d->m, s, 0);
    const char *name = s->type == NB_T_LIST ? item_name(item, mb, 1) : nb_member_wire(mb);
    nb_value *c = NULL;
    for (const nb_xml_node *e = nb_xml_first_child(n); e; e = e->next) {
        if (strcmp(e->name, name) != 0)
            continue;
        if (!c &&
            !(c = s->type == NB_T_LIST ? nb_set_list(into, mb->name) : nb_set_map(into, mb->name)))
            return NB_ENOMEM;
        if (c->u.c.n >= NB_LIST_MAX)
            return malformed(d);
        nb_value *v = NULL;
        int rc = s->type == NB_T_LIST ? x_value(d, item, item->shape, e, &v) : x_entry(d, s, e, c);
        if (!rc && s->type == NB_T_LIST)
            rc = nb_value_append(c, v);
        if (rc)
            return rc;
    }
    return NB_OK;
}

/* Members of structure s from element n; with top set, body members
 * only. Unknown elements are ignored. */
static int
x_members(xdec *d, const nb_shape *s, const nb_xml_node *n, int top, nb_value *v)
{
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const nb_member *mb = member_at(d->m, s, i);
        const nb_shape *ms = shape_at(d->m, mb->shape);
        nb_value *c = NULL;
        int rc = NB_OK;
        if (top && (mb->loc != NB_LOC_BODY || (mb->flags & NB_MF_PAYLOAD)))
            continue;
        if (mb->flags & NB_MF_XMLATTR) {
            const char *a = nb_xml_attribute(n, local_name(nb_member_wire(mb)));
            if (a)
                rc = x_scalar(d, mb, mb->shape, a, strlen(a), &c);
        } else if ((ms->type == NB_T_LIST || ms->type == NB_T_MAP) && is_flat(mb, ms)) {
            rc = x_flat(d, mb, ms, n, v);
        } else {
            const nb_xml_node *e = nb_xml_child(n, nb_member_wire(mb));
            if (e)
                rc = x_value(d, mb, mb->shape, e, &c);
        }
        if (!rc && c)
            rc = nb_value_put(v, mb->name, strlen(mb->name), c);
        if (rc)
            return rc;
    }
    return NB_OK;
}

static int
x_value(xdec *d, const nb_member *mb, uint32_t shape, const nb_xml_node *n, nb_value **out)
{
    const nb_shape *s = shape_at(d->m, shape);
    *out = NULL;
    switch (s->type) {
    case NB_T_STRUCTURE: {
        nb_value *v = nb_value_struct(d->a);
        if (!v)
            return NB_ENOMEM;
        *out = v;
        return x_members(d, s, n, 0, v);
    }
    case NB_T_LIST:
        return x_list(d, s, n, out);
    case NB_T_MAP:
        return x_map(d, s, n, out);
    default:
        return x_scalar(d, mb, shape, n->text, n->text_len, out);
    }
}

/* S3: InvalidArgument with ArgumentName and ArgumentValue ("Provided
 * max-keys not an integer or within integer range", S3 ListObjects). A
 * conditional header that is not a date is ignored, as RFC 9110 sections
 * 13.1.3 and 13.1.4 require of If-Modified-Since and If-Unmodified-Since. */
static int
on_bad(nb_call *call, const nb_member *mb, const char *value, size_t len)
{
    const char *w = nb_member_wire(mb);
    int type = call->model->shapes[mb->shape].type;
    if (mb->loc == NB_LOC_HEADER && type == NB_T_TIMESTAMP && strncasecmp(w, "If-", 3) == 0)
        return NB_OK;
    int rc = type == NB_T_INTEGER || type == NB_T_LONG
                 ? nb_fail_status(call, 400, "InvalidArgument",
                                  "Provided %s not an integer or within integer range", w)
                 : nb_fail_status(call, 400, "InvalidArgument", "Invalid value for %s", w);
    char *v = nb_arena_strndup(call->arena, value, len);
    if (!v || err_field(call, "ArgumentName", w) || err_field(call, "ArgumentValue", v))
        return NB_ENOMEM;
    return rc;
}

/* The body: the payload structure, or the unbound members under the
 * input's root element. S3 (Error responses): MissingRequestBodyError,
 * 400, "Request body is empty." when a required payload has no body. */
static int
decode_body(nb_call *call, const nb_http_req *req, const nb_shape *s, nb_value *in)
{
    xdec dd = {call, call->model, call->arena}, *d = &dd;
    const nb_member *pl = nb_bind_payload(d->m, s);
    const nb_xml_node *root;
    nb_xml_err err;
    if (pl && nb_bind_payload_is_raw(d->m, pl))
        return NB_OK;
    if (!pl && !nb_bind_has_body_members(d->m, s))
        return NB_OK;
    if (req->body_len == 0) {
        if (pl && (pl->flags & NB_MF_REQUIRED))
            return nb_fail_status(d->call, 400, "MissingRequestBodyError",
                                  "Request body is empty.");
        return NB_OK;
    }
    int rc = nb_xml_parse(d->a, req->body, req->body_len, &root, &err);
    if (rc == NB_EINVAL) {
        nb_debug("%s: malformed XML at %d:%d: %s", d->call->request_id, err.line, err.column,
                 err.msg);
        return malformed(d);
    }
    if (rc)
        return rc;
    if (!pl)
        return x_members(d, s, root, 1, in);
    nb_value *v;
    rc = x_value(d, pl, pl->shape, root, &v);
    return rc ? rc : nb_value_put(in, pl->name, strlen(pl->name), v);
}

/* An aws-chunked body (SigV4 streaming) was undone by the server as it
 * came in (core/chunked.c), its trailers added to the headers; a body
 * whose coding was broken or cut short is refused here, as S3 does. */
static int
unwrap(nb_call *call, const nb_http_req **req, nb_http_req *plain)
{
    NB_UNUSED(plain);
    if (!(*req)->body_bad)
        return NB_OK;
    return nb_fail_status(call, 400, "IncompleteBody",
                          "You did not provide the number of bytes specified by the "
                          "Content-Length HTTP header.");
}

/* ---- Encoding -------------------------------------------------------- */

typedef struct xenc {
    nb_buf *b;         /* the response body */
    nb_call *call;     /* arena, model */
    const nb_model *m; /* the model */
    int rc;            /* first error; later writes are skipped */
} xenc;

static void
x_chk(xenc *e, int rc)
{
    if (!e->rc)
        e->rc = rc;
}

/* xmlns="uri", or xmlns:prefix="uri" (botocore _add_xml_namespace). */
static void
x_ns(xenc *e, const char *uri, const char *prefix)
{
    if (!uri || e->rc)
        return;
    if (!prefix) {
        x_chk(e, nb_xmlw_attr(e->b, "xmlns", uri, strlen(uri)));
        return;
    }
    char *n = nb_arena_printf(e->call->arena, "xmlns:%s", prefix);
    x_chk(e, n ? nb_xmlw_attr(e->b, n, uri, strlen(uri)) : NB_ENOMEM);
}

static int
x_text_of(xenc *e, const nb_member *mb, uint32_t shape, const nb_value *v, const char **s,
          size_t *n)
{
    int rc = nb_bind_format_scalar(e->call->arena, e->m, shape,
                                   nb_bind_tsfmt(e->m, mb, NB_TS_ISO8601), v, s, n);
    if (rc == NB_EINVAL) {
        nb_warn("%s: member %s has a value of the wrong type", e->call->request_id,
                mb ? mb->name : "?");
        *s = "";
        *n = 0;
        return NB_OK;
    }
    return rc;
}

static void x_elem(xenc *e, const nb_member *mb, uint32_t shape, const char *name, const char *ns,
                   const char *nsp, const nb_value *v);

/* Attributes of structure s from v (xmlAttribute members). */
static void
x_attrs(xenc *e, const nb_shape *s, const nb_value *v)
{
    for (uint32_t i = 0; i < s->nmembers && !e->rc; i++) {
        const nb_member *mb = member_at(e->m, s, i);
        const nb_value *c = (mb->flags & NB_MF_XMLATTR) ? nb_get(v, mb->name) : NULL;
        const char *t;
        size_t n;
        if (!c || c->type == NB_V_NULL)
            continue;
        x_chk(e, x_text_of(e, mb, mb->shape, c, &t, &n));
        if (!e->rc)
            x_chk(e, nb_xmlw_attr(e->b, nb_member_wire(mb), t, n));
    }
}

static void
x_entry_out(xenc *e, const nb_shape *ms, const char *name, const nb_value *c)
{
    const nb_member *k = member_at(e->m, ms, 0), *vm = member_at(e->m, ms, 1);
    x_chk(e, nb_xmlw_start(e->b, name, NULL));
    if (!e->rc)
        x_chk(e, nb_xmlw_leaf(e->b, k->wire ? k->wire : "key", c->key, c->klen));
    x_elem(e, vm, vm->shape, vm->wire ? vm->wire : "value", vm->xmlns, vm->xmlns_prefix, c);
    if (!e->rc)
        x_chk(e, nb_xmlw_end(e->b, name));
}

/* Members of s present in v, in the shape's order; top: body only. */
static void
x_children(xenc *e, const nb_shape *s, const nb_value *v, int top)
{
    for (uint32_t i = 0; i < s->nmembers && !e->rc; i++) {
        const nb_member *mb = member_at(e->m, s, i);
        const nb_shape *ms = shape_at(e->m, mb->shape);
        const nb_value *c = nb_get(v, mb->name);
        if (!c || c->type == NB_V_NULL || (mb->flags & NB_MF_XMLATTR))
            continue;
        if (top && (mb->loc != NB_LOC_BODY || (mb->flags & NB_MF_PAYLOAD)))
            continue;
        if (ms->type == NB_T_LIST && is_flat(mb, ms) && c->type == NB_V_LIST) {
            const nb_member *item = member_at(e->m, ms, 0);
            const char *iname = item_name(item, mb, 1);
            for (const nb_value *it = nb_first(c); it && !e->rc; it = it->next)
                x_elem(e, item, item->shape, iname, item->xmlns, item->xmlns_prefix, it);
        } else if (ms->type == NB_T_MAP && is_flat(mb, ms)) {
            for (const nb_value *it = nb_first(c); it && !e->rc; it = it->next)
                x_entry_out(e, ms, nb_member_wire(mb), it);
        } else {
            x_elem(e, mb, mb->shape, nb_member_wire(mb), mb->xmlns, mb->xmlns_prefix, c);
        }
    }
}

/* One element: name, the namespace given (or the shape's), then the
 * value by its shape. */
static void
x_elem(xenc *e, const nb_member *mb, uint32_t shape, const char *name, const char *ns,
       const char *nsp, const nb_value *v)
{
    const nb_shape *s = shape_at(e->m, shape);
    if (e->rc)
        return;
    if (!ns) {
        ns = s->xmlns;
        nsp = s->xmlns_prefix;
    }
    x_chk(e, nb_xmlw_open(e->b, name));
    x_ns(e, ns, nsp);
    if (s->type == NB_T_STRUCTURE && v->type == NB_V_STRUCT)
        x_attrs(e, s, v);
    if (!e->rc)
        x_chk(e, nb_xmlw_open_end(e->b));
    if (s->type == NB_T_STRUCTURE && v->type == NB_V_STRUCT) {
        x_children(e, s, v, 0);
    } else if (s->type == NB_T_LIST && v->type == NB_V_LIST) {
        const nb_member *item = member_at(e->m, s, 0);
        const char *iname = item_name(item, mb, 0);
        for (const nb_value *it = nb_first(v); it && !e->rc; it = it->next)
            x_elem(e, item, item->shape, iname, item->xmlns, item->xmlns_prefix, it);
    } else if (s->type == NB_T_MAP && (v->type == NB_V_MAP || v->type == NB_V_STRUCT)) {
        for (const nb_value *it = nb_first(v); it && !e->rc; it = it->next)
            x_entry_out(e, s, "entry", it);
    } else if (s->type != NB_T_STRUCTURE && s->type != NB_T_LIST && s->type != NB_T_MAP) {
        const char *t;
        size_t n;
        x_chk(e, x_text_of(e, mb, shape, v, &t, &n));
        if (!e->rc)
            x_chk(e, nb_xmlw_text(e->b, t, n));
    }
    if (!e->rc)
        x_chk(e, nb_xmlw_end(e->b, name));
}

/* S3's request ids are 16 upper-case hex digits ("4442587FB7D0A2F9");
 * ours come from the call's UUID. x-amz-id-2 (HostId) is opaque base64;
 * here the base64 of the UUID. */
static int
amz_ids(nb_call *call, const char **rid, const char **hid)
{
    char *r = nb_arena_alloc(call->arena, 17);
    size_t n = 0;
    if (!r)
        return NB_ENOMEM;
    for (const char *p = call->request_id; *p && n < 16; p++)
        if (*p != '-')
            r[n++] = (char)(*p >= 'a' && *p <= 'f' ? *p - 'a' + 'A' : *p);
    r[n] = '\0';
    size_t len = strlen(call->request_id);
    char *h = nb_arena_alloc(call->arena, nb_b64_enc_len(len) + 1);
    if (!h)
        return NB_ENOMEM;
    nb_b64_encode(h, call->request_id, len);
    *rid = r;
    *hid = h;
    return NB_OK;
}

static int
id_headers(nb_call *call, nb_http_resp *resp, const char **rid, const char **hid)
{
    int rc = amz_ids(call, rid, hid);
    if (!rc)
        rc = nb_resp_header(call->arena, resp, "x-amz-request-id", *rid);
    if (!rc)
        rc = nb_resp_header(call->arena, resp, "x-amz-id-2", *hid);
    return rc;
}

/* The id_headers step (nb_bind_codec). */
static int
reply_ids(nb_call *call, nb_http_resp *resp)
{
    const char *rid, *hid;
    return id_headers(call, resp, &rid, &hid);
}

/* The XML body of a reply, when the output has one. */
static int
encode_body(nb_call *call, const nb_value *out, nb_http_resp *resp)
{
    const nb_model *m = call->model;
    const nb_shape *s = shape_at(m, call->op->output);
    const nb_member *pl = nb_bind_payload(m, s);
    xenc e = {&resp->body, call, m, NB_OK};
    if (pl) {
        const nb_value *v = nb_get(out, pl->name);
        const nb_shape *ps = shape_at(m, pl->shape);
        if (!v || v->type == NB_V_NULL)
            return NB_OK;
        const char *ns = pl->xmlns ? pl->xmlns : ps->xmlns ? ps->xmlns : m->xml_namespace;
        const char *nsp = pl->xmlns ? pl->xmlns_prefix : ps->xmlns ? ps->xmlns_prefix : NULL;
        x_chk(&e, nb_xmlw_decl(e.b));
        x_chk(&e, nb_buf_addc(e.b, '\n'));
        x_elem(&e, pl, pl->shape, pl->wire ? pl->wire : ps->wire ? ps->wire : ps->name, ns, nsp, v);
    } else if ((s->flags & NB_SF_UNWRAPPED) && s->nmembers == 1) {
        /* The member's value is the root's text; absent, an empty root
         * (S3: <LocationConstraint xmlns="..."/> for us-east-1). */
        const nb_member *mb = member_at(m, s, 0);
        const nb_value *v = nb_get(out, mb->name);
        const char *name = s->wire ? s->wire : s->name;
        const char *ns = s->xmlns ? s->xmlns : m->xml_namespace;
        const char *nsp = s->xmlns ? s->xmlns_prefix : NULL;
        x_chk(&e, nb_xmlw_decl(e.b));
        x_chk(&e, nb_buf_addc(e.b, '\n'));
        if (v && v->type != NB_V_NULL) {
            x_elem(&e, mb, mb->shape, name, ns, nsp, v);
        } else {
            x_chk(&e, nb_xmlw_open(e.b, name));
            x_ns(&e, ns, nsp);
            if (!e.rc)
                x_chk(&e, nb_xmlw_open_empty(e.b));
        }
    } else if (nb_bind_has_body_members(m, s)) {
        const char *name = s->wire ? s->wire : s->name;
        x_chk(&e, nb_xmlw_decl(e.b));
        x_chk(&e, nb_buf_addc(e.b, '\n'));
        x_chk(&e, nb_xmlw_open(e.b, name));
        x_ns(&e, s->xmlns ? s->xmlns : m->xml_namespace, s->xmlns ? s->xmlns_prefix : NULL);
        x_attrs(&e, s, out);
        if (!e.rc)
            x_chk(&e, nb_xmlw_open_end(e.b));
        x_children(&e, s, out, 1);
        if (!e.rc)
            x_chk(&e, nb_xmlw_end(e.b, name));
    } else {
        return NB_OK;
    }
    resp->content_type = "application/xml";
    return e.rc;
}

/* Extra error members: scalars only, in the order the handler set them. */
static void
err_fields_out(xenc *e)
{
    for (const nb_value *c = nb_first(e->call->err_fields); c && !e->rc; c = c->next) {
        const char *t;
        size_t n;
        if (c->type == NB_V_NULL || c->type == NB_V_STRUCT || c->type == NB_V_LIST ||
            c->type == NB_V_MAP || !c->key)
            continue;
        if (strcmp(c->key, "Code") == 0 || strcmp(c->key, "Message") == 0 ||
            strcmp(c->key, "RequestId") == 0 || strcmp(c->key, "HostId") == 0)
            continue;
        x_chk(e,
              nb_bind_format_scalar(e->call->arena, e->m, NB_NO_SHAPE, NB_TS_ISO8601, c, &t, &n));
        if (!e->rc)
            x_chk(e, nb_xmlw_leaf(e->b, c->key, t, n));
    }
}

static int
encode_error(nb_call *call, nb_http_resp *resp)
{
    const char *code, *rid, *hid;
    int status, sender;
    xenc e = {&resp->body, call, call->model, NB_OK};
    nb_proto_error_info(call, &status, &code, &sender);
    nb_bind_body_reset(resp);
    int rc = id_headers(call, resp, &rid, &hid);
    for (const nb_value *c = nb_first(call->err_headers); c && !rc; c = c->next)
        if (c->type == NB_V_STR && c->key)
            rc = nb_resp_header(call->arena, resp, c->key, c->u.s.p);
    if (rc)
        return rc;
    resp->status = status;
    if (nb_bind_is_head(call)) { /* S3: HEAD errors carry no body */
        resp->content_type = NULL;
        return NB_OK;
    }
    x_chk(&e, nb_xmlw_decl(e.b));
    x_chk(&e, nb_buf_addc(e.b, '\n'));
    x_chk(&e, nb_xmlw_start(e.b, "Error", NULL));
    x_chk(&e, nb_xmlw_leaf(e.b, "Code", code, strlen(code)));
    if (call->err_msg)
        x_chk(&e, nb_xmlw_leaf(e.b, "Message", call->err_msg, strlen(call->err_msg)));
    err_fields_out(&e);
    x_chk(&e, nb_xmlw_leaf(e.b, "RequestId", rid, strlen(rid)));
    x_chk(&e, nb_xmlw_leaf(e.b, "HostId", hid, strlen(hid)));
    x_chk(&e, nb_xmlw_end(e.b, "Error"));
    resp->content_type = "application/xml";
    return e.rc;
}

/* ---- Codec ----------------------------------------------------------- */

static const nb_bind_codec rest_xml = {
    .bad_uri = bad_uri,
    .no_match = no_match,
    .bad_value = on_bad,
    .unwrap = unwrap,
    .decode_body = decode_body,
    .id_headers = reply_ids,
    .encode_body = encode_body,
};

static int
resolve(nb_call *call, const nb_model *m, const nb_http_req *req, const nb_operation **op)
{
    return nb_bind_resolve(&rest_xml, call, m, req, op);
}

static int
decode(nb_call *call, const nb_http_req *req, nb_value **in)
{
    return nb_bind_request(&rest_xml, call, req, in);
}

static int
encode(nb_call *call, const nb_value *out, nb_http_resp *resp)
{
    return nb_bind_reply(&rest_xml, call, out, resp);
}

const nb_proto nb_proto_rest_xml = {
    .name = "restXml",
    .resolve = resolve,
    .decode = decode,
    .encode = encode,
    .encode_error = encode_error,
};
