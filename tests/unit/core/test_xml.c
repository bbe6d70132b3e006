/*
 * test_xml.c: the XML writer and reader (xml.c). Writer output is checked
 * byte for byte against XML 1.0's escaping rules (section 2.4, and 3.3.3
 * for attribute values, whose TAB/LF/CR a parser would normalise away
 * unless they are written as character references); reader cases include
 * the classic attacks (XXE, billion laughs), deep nesting, malformed
 * input and running out of memory.
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/xml.h"
#include "t.h"

static nb_buf b;

static const char *
out(void)
{
    return b.p ? b.p : "";
}

static void
test_writer(void)
{
    nb_buf_init(&b, 1 << 20);
    t_inteq(nb_xmlw_decl(&b), NB_OK, "decl");
    t_streq(out(), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "declaration");

    nb_buf_reset(&b);
    nb_xmlw_start(&b, "R", "https://sts.amazonaws.com/doc/2011-06-15/");
    nb_xmlw_leaf(&b, "A", "x", 1);
    nb_xmlw_start(&b, "B", NULL);
    nb_xmlw_end(&b, "B");
    nb_xmlw_end(&b, "R");
    t_streq(out(), "<R xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><A>x</A><B></B></R>",
            "start with xmlns, leaf, end");

    nb_buf_reset(&b);
    const char text[] = "a<b>&\"c\"'\t\n\rd";
    nb_xmlw_text(&b, text, sizeof(text) - 1);
    t_streq(out(), "a&lt;b&gt;&amp;\"c\"'\t\n&#13;d", "text escaping");

    nb_buf_reset(&b);
    nb_xmlw_open(&b, "Grantee");
    nb_xmlw_attr(&b, "xsi:type", "a<&\"\t\n\r'", 8);
    nb_xmlw_open_empty(&b);
    t_streq(out(), "<Grantee xsi:type=\"a&lt;&amp;&quot;&#9;&#10;&#13;'\"/>", "attribute escaping");

    nb_buf_reset(&b);
    nb_xmlw_open(&b, "E");
    nb_xmlw_open_end(&b);
    t_streq(out(), "<E>", "open then end");

    /* UTF-8: valid sequences of 2, 3 and 4 bytes pass; the rest, and
     * characters XML 1.0 cannot hold, become U+FFFD. */
    nb_buf_reset(&b);
    const char u[] = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    nb_xmlw_text(&b, u, sizeof(u) - 1);
    t_streq(out(), u, "valid UTF-8 is copied");
#define FFFD "\xEF\xBF\xBD"
    const struct {
        const char *in;  /* bytes */
        size_t len;      /* their length */
        const char *out; /* expected text */
        const char *name;
    } bad[] = {
        {"a\x01z", 3, "a" FFFD "z", "C0 control"},
        {"a\0z", 3, "a" FFFD "z", "NUL"},
        {"\xFF", 1, FFFD, "0xFF"},
        {"\xC0\x80", 2, FFFD FFFD, "overlong NUL"},
        {"\xC3", 1, FFFD, "truncated 2-byte"},
        {"\xE2\x82", 2, FFFD FFFD, "truncated 3-byte"},
        {"\xED\xA0\x80", 3, FFFD FFFD FFFD, "surrogate"},
        {"\xEF\xBF\xBE", 3, FFFD FFFD FFFD, "U+FFFE"},
        {"\xF4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD, "past U+10FFFF"},
        {"\x80x", 2, FFFD "x", "lone continuation"},
    };
    for (size_t i = 0; i < NB_ARRAY_LEN(bad); i++) {
        nb_buf_reset(&b);
        nb_xmlw_text(&b, bad[i].in, bad[i].len);
        t_streq(out(), bad[i].out, bad[i].name);
    }

    /* All or nothing at the bound. */
    nb_buf_free(&b);
    nb_buf_init(&b, 16);
    nb_xmlw_start(&b, "A", NULL);
    size_t before = b.len;
    t_inteq(nb_xmlw_leaf(&b, "Long", "0123456789", 10), NB_ENOMEM, "over the bound");
    t_inteq(b.len, before, "buffer left as it was");
    t_streq(out(), "<A>", "content left as it was");
    t_inteq(nb_xmlw_text(&b, "&&&&&&&&&&&&", 12), NB_ENOMEM, "escaping over the bound");
    t_streq(out(), "<A>", "still as it was");
    nb_buf_free(&b);
}

static const nb_xml_node *
parse(nb_arena *a, const char *s, int *rc, nb_xml_err *err)
{
    const nb_xml_node *root = NULL;
    *rc = nb_xml_parse(a, s, strlen(s), &root, err);
    return root;
}

static void
test_reader(void)
{
    nb_arena *a = nb_arena_new(0);
    nb_xml_err err;
    int rc;
    const nb_xml_node *r =
        parse(a,
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
              "  <!-- a comment --><?pi ignored?>\n"
              "  <Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
              "xsi:type=\"CanonicalUser\"><ID>abc</ID></Grantee>"
              "<Permission>FULL_CONTROL</Permission></Grant>\n"
              "  <Note>a &amp; b &lt;c&gt; &#x41;&#66; <![CDATA[<raw> & ]]>end</Note>\n"
              "  <Empty/><Attr v=\"1 &amp; 2 &#38; &lt;3&gt; &quot;q&quot;\"/>\n"
              "</AccessControlPolicy>",
              &rc, &err);
    t_inteq(rc, NB_OK, "parse");
    t_streq(nb_xml_name(r), "AccessControlPolicy", "root name");
    t_streq(r ? r->ns : NULL, "http://s3.amazonaws.com/doc/2006-03-01/", "default namespace");
    t_inteq(r ? r->nchildren : 0, 4, "children, comments and PIs skipped");
    const nb_xml_node *g = nb_xml_child(r, "Grant");
    const nb_xml_node *ge = nb_xml_first_child(g);
    t_streq(nb_xml_name(ge), "Grantee", "first child");
    t_streq(nb_xml_attribute(ge, "type"), "CanonicalUser", "attribute by local name");
    t_ok(ge && ge->attrs && ge->attrs->prefix && strcmp(ge->attrs->prefix, "xsi") == 0 &&
             strcmp(ge->attrs->ns, "http://www.w3.org/2001/XMLSchema-instance") == 0,
         "attribute prefix and namespace");
    t_ok(!nb_xml_attribute(ge, "xsi"), "namespace declarations are not attributes");
    t_streq(nb_xml_text(nb_xml_child(ge, "ID")), "abc", "text");
    t_streq(nb_xml_name(nb_xml_next_sibling(ge)), "Permission", "next sibling");
    t_ok(nb_xml_next_sibling(nb_xml_next_sibling(ge)) == NULL, "last sibling");
    t_streq(nb_xml_text(nb_xml_child(r, "Note")), "a & b <c> AB <raw> & end",
            "references and CDATA");
    t_streq(nb_xml_text(nb_xml_child(r, "Empty")), "", "empty element");
    t_streq(nb_xml_attribute(nb_xml_child(r, "Attr"), "v"), "1 & 2 & <3> \"q\"",
            "references in attributes");
    t_ok(nb_xml_child(r, "Nope") == NULL && nb_xml_attribute(r, "nope") == NULL, "absent");
    t_ok(nb_xml_name(NULL) == NULL && nb_xml_first_child(NULL) == NULL &&
             strcmp(nb_xml_text(NULL), "") == 0 && nb_xml_child(NULL, "x") == NULL,
         "NULL-safe accessors");
    t_inteq(nb_xml_child(r, "Note")->parent == r, 1, "parent link");

    r = parse(a, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf\xE9</a>", &rc, &err);
    t_streq(nb_xml_text(r), "caf\xC3\xA9", "declared encoding becomes UTF-8");

    r = parse(a, "<a>\r\nx\r</a>", &rc, &err);
    t_streq(nb_xml_text(r), "\nx\n", "line ends normalised");
    nb_arena_free(a);
}

static void
expect_bad(const char *doc, const char *name)
{
    nb_arena *a = nb_arena_new(0);
    nb_xml_err err;
    int rc;
    const nb_xml_node *r = parse(a, doc, &rc, &err);
    t_inteq(rc, NB_EINVAL, name);
    t_ok(r == NULL && err.msg[0] != '\0', name);
    nb_arena_free(a);
}

static void
test_malformed(void)
{
    expect_bad("", "empty");
    expect_bad("   ", "blank");
    expect_bad("just text", "no element");
    expect_bad("<a>", "unclosed");
    expect_bad("<a></b>", "mismatched");
    expect_bad("<a><b></a></b>", "crossed");
    expect_bad("<a/><b/>", "two roots");
    expect_bad("<a>x</a>trailing", "text after the root");
    expect_bad("<a>&foo;</a>", "undeclared entity");
    expect_bad("<a>&#0;</a>", "reference to NUL");
    expect_bad("<a>&#xD800;</a>", "reference to a surrogate");
    expect_bad("<a>&amp</a>", "unterminated reference");
    expect_bad("<a x=\"1\" x=\"2\"/>", "repeated attribute");
    expect_bad("<a x=\"<\"/>", "'<' in an attribute");
    expect_bad("<a>\xFF</a>", "invalid UTF-8");
    expect_bad("<a>\x01</a>", "control character");
    expect_bad("<p:a/>", "unbound prefix");
    expect_bad("<a><![CDATA[x</a>", "unterminated CDATA");
    expect_bad("<a><!-- x</a>", "unterminated comment");

    /* A NUL inside the bytes ends nothing early: the parser sees it. */
    nb_arena *a = nb_arena_new(0);
    const nb_xml_node *r;
    nb_xml_err err;
    t_inteq(nb_xml_parse(a, "<a>x\0</a>", 9, &r, &err), NB_EINVAL, "NUL byte");
    nb_arena_free(a);
}

static void
test_attacks(void)
{
    nb_arena *a = nb_arena_new(0);
    nb_xml_err err;
    int rc;
    /* Billion laughs: refused at the DOCTYPE, nothing is expanded. */
    parse(a,
          "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
          "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
          "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
          "<lolz>&lol3;</lolz>",
          &rc, &err);
    t_inteq(rc, NB_EINVAL, "billion laughs refused");
    t_streq(err.msg, "DOCTYPE is not allowed", "because of its DOCTYPE");
    /* XXE: an external entity is never read. */
    parse(a, "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>", &rc, &err);
    t_inteq(rc, NB_EINVAL, "external entity refused");
    parse(a, "<!DOCTYPE r SYSTEM \"http://127.0.0.1:1/x.dtd\"><r/>", &rc, &err);
    t_inteq(rc, NB_EINVAL, "external DTD refused");
    parse(a,
          "<r xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"/etc/passwd\""
          " parse=\"text\"/></r>",
          &rc, &err);
    t_inteq(rc, NB_OK, "XInclude is just an element");
    nb_arena_free(a);
}

static char *
nested(int depth)
{
    char *s = nb_malloc((size_t)depth * 7 + 1);
    size_t n = 0;
    for (int i = 0; i < depth; i++)
        n += (size_t)snprintf(s + n, 4, "<a>");
    for (int i = 0; i < depth; i++)
        n += (size_t)snprintf(s + n, 5, "</a>");
    s[n] = '\0';
    return s;
}

static void
test_limits(void)
{
    nb_arena *a = nb_arena_new(0);
    nb_xml_err err;
    int rc;
    char *s = nested(NB_DEPTH_MAX);
    const nb_xml_node *r = parse(a, s, &rc, &err);
    t_inteq(rc, NB_OK, "NB_DEPTH_MAX levels");
    int d = 0;
    while (r) {
        d++;
        r = r->first;
    }
    t_inteq(d, NB_DEPTH_MAX, "all of them");
    nb_free(s);
    s = nested(NB_DEPTH_MAX + 1);
    parse(a, s, &rc, &err);
    t_inteq(rc, NB_EINVAL, "one level deeper");
    t_streq(err.msg, "elements nested too deeply", "depth message");
    nb_free(s);
    s = nested(100000);
    parse(a, s, &rc, &err);
    t_inteq(rc, NB_EINVAL, "very deep");
    nb_free(s);

    /* Many siblings. */
    size_t n = 20000;
    s = nb_malloc(n * 4 + 16);
    size_t len = (size_t)snprintf(s, 16, "<r>");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, 5, "<x/>");
    len += (size_t)snprintf(s + len, 5, "</r>");
    r = parse(a, s, &rc, &err);
    t_inteq(r ? r->nchildren : 0, n, "20000 siblings");
    nb_arena_free(a);

    /* The arena's bound holds. */
    a = nb_arena_new(64 * 1024);
    parse(a, s, &rc, &err);
    t_inteq(rc, NB_ENOMEM, "arena bound");
    nb_arena_free(a);
    nb_free(s);
}

/* Every allocation failing in turn: no crash, no leak, a clean code. */
static void
test_oom(void)
{
    const char *doc = "<a x=\"1\"><b>text &amp; more</b><c y=\"2\"/><![CDATA[z]]></a>";
    int bad = 0, ok = 0;
    for (unsigned long i = 1; i < 400; i++) {
        nb_arena *a = nb_arena_new(0);
        const nb_xml_node *r;
        if (!a)
            continue;
        nb_mem_fail_at(i);
        int rc = nb_xml_parse(a, doc, strlen(doc), &r, NULL);
        nb_mem_fail_at(0);
        if (rc == NB_OK)
            ok++;
        else if (rc != NB_ENOMEM && rc != NB_EINVAL)
            bad++;
        nb_arena_free(a);
    }
    t_inteq(bad, 0, "only NB_ENOMEM or NB_EINVAL under failing allocations");
    t_ok(ok > 0, "and success once allocations succeed");
}

/* What the writer writes, the reader reads back the same. */
static void
test_round_trip(void)
{
    const char text[] = "x<y>&z\"'\t\n\r]]>\xC3\xA9\xF0\x9F\x98\x80 end";
    nb_arena *a = nb_arena_new(0);
    nb_xml_err err;
    const nb_xml_node *r;
    nb_buf_init(&b, 1 << 20);
    nb_xmlw_decl(&b);
    nb_xmlw_open(&b, "R");
    nb_xmlw_attr(&b, "v", text, sizeof(text) - 1);
    nb_xmlw_open_end(&b);
    nb_xmlw_text(&b, text, sizeof(text) - 1);
    nb_xmlw_end(&b, "R");
    t_inteq(nb_xml_parse(a, b.p, b.len, &r, &err), NB_OK, "writer output parses");
    t_streq(nb_xml_text(r), text, "text round trip");
    t_streq(nb_xml_attribute(r, "v"), text, "attribute round trip");
    nb_buf_free(&b);
    nb_arena_free(a);
}

int
main(void)
{
    test_writer();
    test_reader();
    test_malformed();
    test_attacks();
    test_limits();
    test_oom();
    test_round_trip();
    return t_done();
}
