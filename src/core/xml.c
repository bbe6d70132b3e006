/*
 * xml.c: the XML writer and reader behind xml.h, and the only file that
 * includes libxml2 (checksrc LAYER).
 *
 * The writer escapes by table lookup and copies plain runs with one
 * memcpy each: query and REST-XML replies go through it on every call.
 *
 * The reader drives libxml2's SAX2 parser over the request bytes and
 * builds nb_xml_node trees straight into the caller's arena, so there is
 * no libxml2 tree to free and nothing outlives the parse but arena memory.
 * Safety: a DOCTYPE stops the parse at once (no DTD, so no entity can be
 * declared, expanded or fetched: XXE and "billion laughs" are impossible),
 * XML_PARSE_NONET is set and XML_PARSE_NOENT/DTDLOAD/HUGE never are, and
 * elements nested deeper than NB_DEPTH_MAX stop the parse. libxml2's own
 * allocations go through mem.c (xmlMemSetup) so they are counted and can
 * be failed on purpose like ours.
 *
 * libxml2 is loaded with dlopen() on the first parse rather than linked:
 * with it come ICU and libstdc++, whose symbol binding was a third of the
 * dynamic loader's work at every start, and whose pages an idle server
 * (or one that never reads an XML body, like most JSON clients) never
 * needs. The writer needs no library.
 */
#include <dlfcn.h>
#include <limits.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>

#include "arena.h"
#include "limits.h"
#include "log.h"
#include "mem.h"
#include "xml.h"

/* The libxml2 functions this file calls, found by xml_init(). */
static struct {
    __typeof__(&xmlMemSetup) MemSetup;
    __typeof__(&xmlInitParser) InitParser;
    __typeof__(&xmlSetGenericErrorFunc) SetGenericErrorFunc;
    __typeof__(&xmlCreateMemoryParserCtxt) CreateMemoryParserCtxt;
    __typeof__(&xmlCtxtUseOptions) CtxtUseOptions;
    __typeof__(&xmlParseDocument) ParseDocument;
    __typeof__(&xmlStopParser) StopParser;
    __typeof__(&xmlSAX2GetLineNumber) SAX2GetLineNumber;
    __typeof__(&xmlSAX2GetColumnNumber) SAX2GetColumnNumber;
    __typeof__(&xmlFreeDoc) FreeDoc;
    __typeof__(&xmlFreeParserCtxt) FreeParserCtxt;
} lx;

/* ---- Writer -------------------------------------------------------- */

/* Byte classes for escaping: 0 copies as is; others need a look. */
enum { C_PLAIN = 0, C_AMP, C_LT, C_GT, C_QUOT, C_TAB, C_LF, C_CR, C_BAD, C_HIGH };

static unsigned char cls[256];
static int cls_ready;

static void
cls_init(void)
{
    for (int c = 0; c < 0x20; c++)
        cls[c] = C_BAD; /* C0 controls: not allowed in XML 1.0 */
    for (int c = 0x80; c < 0x100; c++)
        cls[c] = C_HIGH;
    cls['&'] = C_AMP;
    cls['<'] = C_LT;
    cls['>'] = C_GT;
    cls['"'] = C_QUOT;
    cls['\t'] = C_TAB;
    cls['\n'] = C_LF;
    cls['\r'] = C_CR;
    cls_ready = 1;
}

static const char REPLACEMENT[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Length of the valid UTF-8 sequence at p (n bytes left) that XML 1.0
 * allows, or 0 when the bytes are invalid or a non-character U+FFFE/F. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* bounds of the second byte */
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4;
    else
        return 0;
    if (c == 0xE0)
        lo = 0xA0; /* overlong */
    else if (c == 0xED)
        hi = 0x9F; /* surrogates */
    else if (c == 0xF0)
        lo = 0x90; /* overlong */
    else if (c == 0xF4)
        hi = 0x8F; /* past U+10FFFF */
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    if (c == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
        return 0; /* U+FFFE, U+FFFF */
    return len;
}

/* Appends s escaped; in_attr also escapes '"', TAB and LF. */
static int
put_escaped(nb_buf *b, const char *s, size_t len, int in_attr)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0;
    int rc = NB_OK;
    if (!cls_ready)
        cls_init();
    while (i < len) {
        unsigned char k = cls[p[i]];
        if (k == C_PLAIN || (!in_attr && (k == C_QUOT || k == C_TAB || k == C_LF))) {
            i++;
            continue;
        }
        if (k == C_HIGH) {
            size_t n = utf8_len(p + i, len - i);
            if (n) {
                i += n;
                continue;
            }
        }
        rc = nb_buf_add(b, p + run, i - run);
        if (rc)
            return rc;
        switch (k) {
        case C_AMP:
            rc = nb_buf_add(b, "&amp;", 5);
            break;
        case C_LT:
            rc = nb_buf_add(b, "&lt;", 4);
            break;
        case C_GT:
            rc = nb_buf_add(b, "&gt;", 4);
            break;
        case C_QUOT:
            rc = nb_buf_add(b, "&quot;", 6);
            break;
        case C_TAB:
            rc = nb_buf_add(b, "&#9;", 4);
            break;
        case C_LF:
            rc = nb_buf_add(b, "&#10;", 5);
            break;
        case C_CR:
            rc = nb_buf_add(b, "&#13;", 5);
            break;
        default:
            rc = nb_buf_add(b, REPLACEMENT, 3);
            break; /* C_BAD, bad C_HIGH */
        }
        if (rc)
            return rc;
        i++;
        run = i;
    }
    return nb_buf_add(b, p + run, i - run);
}

/* On failure, cuts the buffer back to mark, so that each writer call
 * appends all or nothing. */
static int
undo(nb_buf *b, size_t mark, int rc)
{
    if (rc && b->p) {
        b->len = mark;
        b->p[mark] = '\0';
    }
    return rc;
}

int
nb_xmlw_decl(nb_buf *b)
{
    static const char d[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    return nb_buf_add(b, d, sizeof(d) - 1);
}

int
nb_xmlw_open(nb_buf *b, const char *name)
{
    size_t mark = b->len;
    int rc = nb_buf_addc(b, '<');
    if (!rc)
        rc = nb_buf_adds(b, name);
    return undo(b, mark, rc);
}

int
nb_xmlw_attr(nb_buf *b, const char *name, const char *value, size_t len)
{
    size_t mark = b->len;
    int rc = nb_buf_addc(b, ' ');
    if (!rc)
        rc = nb_buf_adds(b, name);
    if (!rc)
        rc = nb_buf_add(b, "=\"", 2);
    if (!rc)
        rc = put_escaped(b, value, len, 1);
    if (!rc)
        rc = nb_buf_addc(b, '"');
    return undo(b, mark, rc);
}

int
nb_xmlw_open_end(nb_buf *b)
{
    return nb_buf_addc(b, '>');
}

int
nb_xmlw_open_empty(nb_buf *b)
{
    return nb_buf_add(b, "/>", 2);
}

int
nb_xmlw_start(nb_buf *b, const char *name, const char *xmlns)
{
    size_t mark = b->len;
    int rc = nb_xmlw_open(b, name);
    if (!rc && xmlns)
        rc = nb_xmlw_attr(b, "xmlns", xmlns, strlen(xmlns));
    if (!rc)
        rc = nb_xmlw_open_end(b);
    return undo(b, mark, rc);
}

int
nb_xmlw_end(nb_buf *b, const char *name)
{
    size_t mark = b->len;
    int rc = nb_buf_add(b, "</", 2);
    if (!rc)
        rc = nb_buf_adds(b, name);
    if (!rc)
        rc = nb_buf_addc(b, '>');
    return undo(b, mark, rc);
}

int
nb_xmlw_text(nb_buf *b, const char *s, size_t len)
{
    size_t mark = b->len;
    return undo(b, mark, put_escaped(b, s, len, 0));
}

int
nb_xmlw_leaf(nb_buf *b, const char *name, const char *s, size_t len)
{
    size_t mark = b->len;
    int rc = nb_xmlw_start(b, name, NULL);
    if (!rc)
        rc = put_escaped(b, s, len, 0);
    if (!rc)
        rc = nb_xmlw_end(b, name);
    return undo(b, mark, rc);
}

/* ---- Reader -------------------------------------------------------- */

typedef struct parse_state {
    nb_arena *a;           /* where the tree goes */
    xmlParserCtxtPtr ctxt; /* the parser, to stop it */
    nb_xml_node *root;     /* document element, once seen */
    nb_xml_node *cur;      /* innermost open element, or NULL */
    int depth;             /* open elements */
    nb_buf text;           /* character data not yet given to cur */
    int rc;                /* first failure of ours, or NB_OK */
    nb_xml_err *err;       /* where to say why, or NULL */
} parse_state;

static void
set_err(parse_state *st, int rc, int line, int col, const char *msg)
{
    if (st->rc == NB_OK)
        st->rc = rc;
    if (st->err && st->err->msg[0] == '\0') {
        size_t n = strlen(msg);
        while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == ' '))
            n--;
        if (n >= sizeof(st->err->msg))
            n = sizeof(st->err->msg) - 1;
        for (size_t i = 0; i < n; i++) /* one line, for logs and messages */
            st->err->msg[i] = (msg[i] == '\n' || msg[i] == '\r') ? ' ' : msg[i];
        st->err->msg[n] = '\0';
        st->err->line = line;
        st->err->column = col;
    }
}

static void
stop(parse_state *st, int rc, const char *msg)
{
    set_err(st, rc, lx.SAX2GetLineNumber(st->ctxt), lx.SAX2GetColumnNumber(st->ctxt), msg);
    lx.StopParser(st->ctxt);
}

static const char *
dup_or_null(parse_state *st, const xmlChar *s)
{
    if (!s)
        return NULL;
    const char *d = nb_arena_strdup(st->a, (const char *)s);
    if (!d)
        stop(st, NB_ENOMEM, "out of memory");
    return d;
}

/* Gives the pending character data to the innermost open element. */
static int
flush_text(parse_state *st)
{
    nb_xml_node *n = st->cur;
    if (st->text.len == 0)
        return NB_OK;
    if (!n) { /* text outside the root: libxml2 reports it already */
        nb_buf_reset(&st->text);
        return NB_OK;
    }
    size_t total = n->text_len + st->text.len;
    char *t = nb_arena_alloc(st->a, total + 1);
    if (!t) {
        stop(st, NB_ENOMEM, "out of memory");
        return NB_ENOMEM;
    }
    memcpy(t, n->text, n->text_len);
    memcpy(t + n->text_len, st->text.p, st->text.len);
    t[total] = '\0';
    n->text = t;
    n->text_len = total;
    nb_buf_reset(&st->text);
    return NB_OK;
}

static void
on_text(void *ud, const xmlChar *ch, int len)
{
    parse_state *st = ud;
    if (st->rc || len <= 0)
        return;
    if (nb_buf_add(&st->text, ch, (size_t)len))
        stop(st, NB_ENOMEM, "text too long");
}

/* An attribute value copied into the arena. Without entity substitution
 * libxml2 hands over each '&' of a value as the character reference
 * "&#38;" (for a tree builder to reparse); no other reference can remain,
 * since without a DTD only the predefined entities exist. */
static const char *
attr_value(nb_arena *a, const char *v, size_t vlen, size_t *len)
{
    char *d = nb_arena_alloc(a, vlen + 1);
    size_t j = 0;
    if (!d)
        return NULL;
    for (size_t i = 0; i < vlen; i++) {
        d[j++] = v[i];
        if (v[i] == '&' && vlen - i >= 5 && memcmp(v + i, "&#38;", 5) == 0)
            i += 4;
    }
    d[j] = '\0';
    *len = j;
    return d;
}

static int
add_attrs(parse_state *st, nb_xml_node *n, int nattr, const xmlChar **at)
{
    nb_xml_attr **tail = &n->attrs;
    /* libxml2's SAX2 passes 5 pointers per attribute: local name,
     * prefix, URI, value start, value end. */
    for (int i = 0; i < nattr; i++, at += 5) {
        nb_xml_attr *x = nb_arena_zalloc(st->a, sizeof(*x));
        if (!x)
            return NB_ENOMEM;
        size_t vlen = (size_t)(at[4] - at[3]);
        x->name = dup_or_null(st, at[0]);
        x->prefix = dup_or_null(st, at[1]);
        x->ns = dup_or_null(st, at[2]);
        x->value = attr_value(st->a, (const char *)at[3], vlen, &x->len);
        if (!x->name || !x->value || (at[1] && !x->prefix) || (at[2] && !x->ns))
            return NB_ENOMEM;
        *tail = x;
        tail = &x->next;
    }
    return NB_OK;
}

static void
on_start(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nns,
         const xmlChar **ns, int nattr, int ndefaulted, const xmlChar **attrs)
{
    parse_state *st = ud;
    NB_UNUSED(nns);
    NB_UNUSED(ns);
    NB_UNUSED(ndefaulted);
    if (st->rc || flush_text(st))
        return;
    if (++st->depth > NB_DEPTH_MAX) {
        stop(st, NB_EINVAL, "elements nested too deeply");
        return;
    }
    nb_xml_node *n = nb_arena_zalloc(st->a, sizeof(*n));
    if (!n) {
        stop(st, NB_ENOMEM, "out of memory");
        return;
    }
    n->name = dup_or_null(st, local);
    n->prefix = dup_or_null(st, prefix);
    n->ns = dup_or_null(st, uri);
    n->text = "";
    n->line = lx.SAX2GetLineNumber(st->ctxt);
    if (st->rc)
        return;
    if (add_attrs(st, n, nattr, attrs)) {
        stop(st, NB_ENOMEM, "out of memory");
        return;
    }
    n->parent = st->cur;
    if (st->cur) {
        if (st->cur->last)
            st->cur->last->next = n;
        else
            st->cur->first = n;
        st->cur->last = n;
        st->cur->nchildren++;
    } else {
        st->root = n;
    }
    st->cur = n;
}

static void
on_end(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    parse_state *st = ud;
    NB_UNUSED(local);
    NB_UNUSED(prefix);
    NB_UNUSED(uri);
    if (st->rc || flush_text(st))
        return;
    if (NB_ALWAYS(st->cur))
        st->cur = st->cur->parent;
    st->depth--;
}

static void
on_doctype(void *ud, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    NB_UNUSED(name);
    NB_UNUSED(ext);
    NB_UNUSED(sys);
    stop(ud, NB_EINVAL, "DOCTYPE is not allowed");
}

static void
on_error(void *ud, xmlErrorPtr e)
{
    parse_state *st = ud;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    set_err(st, e->code == XML_ERR_NO_MEMORY ? NB_ENOMEM : NB_EINVAL, e->line, e->int2,
            e->message ? e->message : "malformed XML");
    /* Stop at the first error: libxml2 would otherwise read on with its
     * callbacks off, through whatever DTD follows. */
    lx.StopParser(st->ctxt);
}

/* libxml2's messages from outside a parse (say, out of memory while
 * making the parser) go nowhere: errors reach the caller as codes. */
static void
on_generic_error(void *ud, const char *fmt, ...)
{
    NB_UNUSED(ud);
    NB_UNUSED(fmt);
}

/* The library's file name: its soname, which the ABI version fixes (the
 * name -lxml2 links to on Debian). */
#define LIBXML2_SONAME "libxml2.so.2"

/* Copies a symbol's address into a function pointer (POSIX guarantees a
 * data pointer from dlsym converts; memcpy says so without a cast). */
#define LX_LOAD(h, f)                                                                              \
    do {                                                                                           \
        void *p_ = dlsym(h, "xml" #f);                                                             \
        if (!p_)                                                                                   \
            ok = 0;                                                                                \
        memcpy(&lx.f, &p_, sizeof(p_));                                                            \
    } while (0)

/* Loads libxml2 and sets it up, once. NB_OK, or NB_EIO (logged) when the
 * library or one of its functions is missing. */
static int
xml_init(void)
{
    static int done, rc;
    if (done)
        return rc;
    done = 1;
    void *h = dlopen(LIBXML2_SONAME, RTLD_NOW | RTLD_LOCAL);
    int ok = h != NULL;
    if (h) {
        LX_LOAD(h, MemSetup);
        LX_LOAD(h, InitParser);
        LX_LOAD(h, SetGenericErrorFunc);
        LX_LOAD(h, CreateMemoryParserCtxt);
        LX_LOAD(h, CtxtUseOptions);
        LX_LOAD(h, ParseDocument);
        LX_LOAD(h, StopParser);
        LX_LOAD(h, SAX2GetLineNumber);
        LX_LOAD(h, SAX2GetColumnNumber);
        LX_LOAD(h, FreeDoc);
        LX_LOAD(h, FreeParserCtxt);
    }
    if (!ok) {
        nb_error("xml: cannot load %s: %s", LIBXML2_SONAME, dlerror());
        rc = NB_EIO;
        return rc;
    }
    /* The handle stays open for the life of the process. */
    lx.MemSetup(nb_free, nb_malloc, nb_realloc, nb_strdup);
    lx.InitParser();
    lx.SetGenericErrorFunc(NULL, on_generic_error);
    return NB_OK;
}

/* Our SAX2 handler: elements, text, CDATA; a DOCTYPE stops the parse;
 * comments and processing instructions are skipped. */
static void
make_sax(xmlSAXHandler *h)
{
    memset(h, 0, sizeof(*h));
    h->initialized = XML_SAX2_MAGIC;
    h->startElementNs = on_start;
    h->endElementNs = on_end;
    h->characters = on_text;
    h->ignorableWhitespace = on_text;
    h->cdataBlock = on_text;
    h->internalSubset = on_doctype;
    h->serror = on_error;
}

int
nb_xml_parse(nb_arena *a, const char *bytes, size_t len, const nb_xml_node **root, nb_xml_err *err)
{
    parse_state st;
    xmlSAXHandler sax;
    xmlSAXHandlerPtr old_sax = NULL;

    *root = NULL;
    if (err)
        memset(err, 0, sizeof(*err));
    memset(&st, 0, sizeof(st));
    st.a = a;
    st.err = err;
    nb_buf_init(&st.text, NB_BODY_MAX);
    if (len == 0 || len > (size_t)INT_MAX || len > NB_BODY_MAX) {
        set_err(&st, NB_EINVAL, 0, 0, len ? "document too large" : "document is empty");
        goto out;
    }
    if ((st.rc = xml_init()))
        goto out;
    make_sax(&sax);
    st.ctxt = lx.CreateMemoryParserCtxt(bytes, (int)len);
    if (!st.ctxt) {
        st.rc = NB_ENOMEM;
        goto out;
    }
    /* Never XML_PARSE_NOENT, DTDLOAD, DTDATTR, XINCLUDE or HUGE. */
    lx.CtxtUseOptions(st.ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    old_sax = st.ctxt->sax;
    st.ctxt->sax = &sax;
    st.ctxt->userData = &st;
    lx.ParseDocument(st.ctxt);
    if (!st.rc && !st.ctxt->wellFormed)
        set_err(&st, NB_EINVAL, 0, 0, "malformed XML");
    if (!st.rc && !st.root)
        set_err(&st, NB_EINVAL, 0, 0, "no root element");
out:
    if (st.ctxt) {
        st.ctxt->sax = old_sax; /* xmlFreeParserCtxt frees its own handler */
        if (st.ctxt->myDoc)     /* libxml2 may start a document of its own for a DTD */
            lx.FreeDoc(st.ctxt->myDoc);
        st.ctxt->myDoc = NULL;
        lx.FreeParserCtxt(st.ctxt);
    }
    nb_buf_free(&st.text);
    if (st.rc == NB_OK)
        *root = st.root;
    return st.rc;
}

const nb_xml_node *
nb_xml_child(const nb_xml_node *n, const char *name)
{
    for (const nb_xml_node *c = n ? n->first : NULL; c; c = c->next)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

const char *
nb_xml_attribute(const nb_xml_node *n, const char *name)
{
    for (const nb_xml_attr *x = n ? n->attrs : NULL; x; x = x->next)
        if (strcmp(x->name, name) == 0)
            return x->value;
    return NULL;
}
