/*
 * xml.h: XML for the codecs, in two halves. The writer appends escaped
 * XML to an nb_buf by hand (no library: it is on every query and REST-XML
 * reply). The reader parses a request body with libxml2 into a small
 * read-only tree that lives in an arena. xml.c is the only file that
 * includes libxml2 (checksrc LAYER); nothing here knows about AWS errors,
 * so the caller picks the error code (MalformedXML, ...).
 */
#ifndef NB_XML_H
#define NB_XML_H

#include "buf.h"
#include "nb.h"
#include "str.h"

/* ---- Writer ----------------------------------------------------------
 * Each function appends to b and returns NB_OK, or NB_ENOMEM when the
 * buffer's bound is hit (b is then left as it was before that call, so a
 * caller may stop at the first error). Element and attribute names are
 * trusted (they come from the model); text and attribute values are
 * escaped: & < > always, " and whitespace controls in attributes, CR as
 * &#13; so that it survives parsing, and bytes XML 1.0 cannot carry
 * (C0 controls other than TAB/LF/CR, invalid UTF-8, U+FFFE/U+FFFF) become
 * U+FFFD. */

/* <?xml version="1.0" encoding="UTF-8"?> */
int nb_xmlw_decl(nb_buf *b);
/* <name> or <name xmlns="xmlns"> when xmlns is not NULL. */
int nb_xmlw_start(nb_buf *b, const char *name, const char *xmlns);
/* "<name": the start tag left open for nb_xmlw_attr; close it with
 * nb_xmlw_open_end (">") or nb_xmlw_open_empty ("/>"). */
int nb_xmlw_open(nb_buf *b, const char *name);
/* ` name="value"` with value escaped (len bytes). */
int nb_xmlw_attr(nb_buf *b, const char *name, const char *value, size_t len);
int nb_xmlw_open_end(nb_buf *b);
int nb_xmlw_open_empty(nb_buf *b);
/* </name> */
int nb_xmlw_end(nb_buf *b, const char *name);
/* Escaped character data (len bytes). */
int nb_xmlw_text(nb_buf *b, const char *s, size_t len);
/* <name>escaped s</name> */
int nb_xmlw_leaf(nb_buf *b, const char *name, const char *s, size_t len);

/* ---- Reader ----------------------------------------------------------
 * A parsed document is a tree of nb_xml_node in the arena given to
 * nb_xml_parse; it is freed with that arena and never on its own. The
 * tree is read-only to its users. Names are local names (no prefix);
 * namespace URIs are kept beside them. Text is the element's own
 * character data (CDATA included, entity and character references
 * resolved), concatenated, untrimmed; for an element with children it is
 * usually just the whitespace between them. */

typedef struct nb_xml_attr {
    const char *name;         /* local name */
    const char *prefix;       /* namespace prefix ("xsi"), or NULL */
    const char *ns;           /* namespace URI, or NULL */
    const char *value;        /* value, NUL-terminated */
    size_t len;               /* bytes in value */
    struct nb_xml_attr *next; /* next attribute of the element, or NULL */
} nb_xml_attr;

typedef struct nb_xml_node {
    const char *name;           /* local name */
    const char *prefix;         /* namespace prefix, or NULL */
    const char *ns;             /* namespace URI, or NULL */
    const char *text;           /* own character data, NUL-terminated; "" if none */
    size_t text_len;            /* bytes in text */
    nb_xml_attr *attrs;         /* first attribute, or NULL */
    struct nb_xml_node *parent; /* enclosing element, or NULL for the root */
    struct nb_xml_node *first;  /* first child element, or NULL */
    struct nb_xml_node *last;   /* last child element, or NULL */
    struct nb_xml_node *next;   /* next sibling element, or NULL */
    size_t nchildren;           /* number of child elements */
    int line;                   /* line of the start tag (for messages) */
} nb_xml_node;

/* Why a parse failed, for the caller's error message. */
typedef struct nb_xml_err {
    int line;      /* line of the first error, or 0 */
    int column;    /* its column, or 0 */
    char msg[160]; /* libxml2's (or our) description, without newline */
} nb_xml_err;

/* Parses len bytes of XML into a tree in arena a. On success *root is the
 * document element. Returns NB_OK; NB_EINVAL when the bytes are not
 * well-formed XML, declare a DTD (refused outright: no external entities,
 * no entity expansion), or nest deeper than NB_DEPTH_MAX (err says why;
 * err may be NULL); NB_ENOMEM when memory or the arena's bound runs out.
 * The network is never used. The bytes are borrowed and may be freed
 * after the call. */
int nb_xml_parse(nb_arena *a, const char *bytes, size_t len, const nb_xml_node **root,
                 nb_xml_err *err);

/* Accessors; each accepts NULL and then returns NULL (or "" for text). */
static inline const char *
nb_xml_name(const nb_xml_node *n)
{
    return n ? n->name : NULL;
}

static inline const char *
nb_xml_text(const nb_xml_node *n)
{
    return n ? n->text : "";
}

static inline const nb_xml_node *
nb_xml_first_child(const nb_xml_node *n)
{
    return n ? n->first : NULL;
}

static inline const nb_xml_node *
nb_xml_next_sibling(const nb_xml_node *n)
{
    return n ? n->next : NULL;
}

/* The first child element with local name `name`, or NULL. */
const nb_xml_node *nb_xml_child(const nb_xml_node *n, const char *name);
/* The value of the attribute with local name `name` (any namespace), or
 * NULL. */
const char *nb_xml_attribute(const nb_xml_node *n, const char *name);

#endif
