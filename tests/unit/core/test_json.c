/*
 * test_json.c: src/core/json.c. The reader: types and accessors, member
 * order, the depth, size and number bounds, malformed input and invalid
 * UTF-8. The writer: commas, escaping (RFC 8259 section 7), numbers
 * (expected strings are what JavaScript's JSON.stringify prints, checked
 * with node), base64 across chunk boundaries, and the sticky error.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/value.h"
#include "t.h"

static nb_json *
parse(const char *s, nb_json_err *err)
{
    nb_json *j = NULL;
    int rc = nb_json_parse(s, strlen(s), NB_DEPTH_MAX, &j, err);
    return rc == NB_OK ? j : NULL;
}

static int
parse_err(const char *s, size_t len)
{
    nb_json *j = NULL;
    nb_json_err err;
    memset(&err, 0, sizeof(err));
    int rc = nb_json_parse(s, len, NB_DEPTH_MAX, &j, &err);
    nb_json_free(j);
    return rc == NB_EINVAL ? err.code : rc == NB_OK ? 0 : -1;
}

static void
reader_types(void)
{
    nb_json_err err;
    nb_json *j = parse("{\"s\":\"h\\u00e9\\ud83d\\ude00\",\"i\":-42,\"r\":1.5e2,\"t\":true,"
                       "\"f\":false,\"n\":null,\"a\":[1,\"x\",[]],\"o\":{\"k\":\"v\"},"
                       "\"nul\":\"a\\u0000b\",\"big\":9223372036854775807}",
                       &err);
    t_ok(j != NULL, "object parses");
    if (!j)
        return;
    t_inteq(nb_json_type(j), NB_J_OBJECT, "root is an object");
    t_inteq(nb_json_len(j), 10, "ten members");
    nb_str s = nb_json_str(nb_json_get(j, "s", 1));
    t_ok(s.len == 7 && memcmp(s.p, "h\xc3\xa9\xf0\x9f\x98\x80", 7) == 0,
         "\\u escapes and surrogate pairs decode to UTF-8");
    t_inteq(nb_json_int(nb_json_get(j, "i", 1)), -42, "integer");
    t_inteq(nb_json_type(nb_json_get(j, "i", 1)), NB_J_INT, "integer type");
    t_inteq(nb_json_type(nb_json_get(j, "r", 1)), NB_J_REAL, "real type");
    t_ok(nb_json_num(nb_json_get(j, "r", 1)) == 150.0, "real value");
    t_ok(nb_json_num(nb_json_get(j, "i", 1)) == -42.0, "integer as a number");
    t_ok(nb_json_bool(nb_json_get(j, "t", 1)) == 1, "true");
    t_ok(nb_json_type(nb_json_get(j, "f", 1)) == NB_J_BOOL && !nb_json_bool(nb_json_get(j, "f", 1)),
         "false");
    t_inteq(nb_json_type(nb_json_get(j, "n", 1)), NB_J_NULL, "null");
    const nb_json *a = nb_json_get(j, "a", 1);
    t_ok(nb_json_type(a) == NB_J_ARRAY && nb_json_len(a) == 3, "array of three");
    t_streq(nb_json_str(nb_json_item(a, 1)).p, "x", "array item");
    t_ok(nb_json_item(a, 3) == NULL, "item past the end is NULL");
    t_streq(nb_json_str(nb_json_get(nb_json_get(j, "o", 1), "k", 1)).p, "v", "nested object");
    s = nb_json_str(nb_json_get(j, "nul", 3));
    t_ok(s.len == 3 && s.p[1] == '\0', "\\u0000 kept inside a string");
    t_ok(nb_json_int(nb_json_get(j, "big", 3)) == INT64_MAX, "INT64_MAX");
    t_ok(nb_json_get(j, "missing", 7) == NULL, "absent key");
    t_inteq(nb_json_len(nb_json_get(j, "s", 1)), 0, "len of a string is 0");
    t_streq(nb_json_str(nb_json_get(j, "i", 1)).p, "", "str of a number is empty");

    /* document order */
    const char *order[] = {"s", "i", "r", "t", "f", "n", "a", "o", "nul", "big"};
    nb_json_iter it = NB_JSON_ITER_INIT;
    nb_str k;
    const nb_json *v;
    size_t n = 0;
    int same = 1;
    while (nb_json_next(j, &it, &k, &v)) {
        same = same && n < 10 && nb_str_eqc(k, order[n]);
        n++;
    }
    t_ok(same && n == 10, "members walked in document order");
    t_ok(!nb_json_next(j, &it, &k, &v), "walk stays finished");
    nb_json_free(j);

    j = parse("  \"just a string\"\n", &err);
    t_ok(j && nb_json_type(j) == NB_J_STR, "any value at the top, whitespace around");
    nb_json_free(j);
    nb_json_free(NULL);
    t_ok(1, "nb_json_free(NULL) is a no-op");
}

static void
reader_errors(void)
{
    char deep[300];
    size_t n;

    t_inteq(parse_err("{\"a\":\"b\"", 8), NB_JSON_E_SYNTAX, "truncated object");
    t_inteq(parse_err("{\"a\":}", 6), NB_JSON_E_SYNTAX, "missing value");
    t_inteq(parse_err("{} x", 4), NB_JSON_E_SYNTAX, "trailing bytes");
    t_inteq(parse_err("{'a':1}", 7), NB_JSON_E_SYNTAX, "single quotes");
    t_inteq(parse_err("{\"a\":01}", 8), NB_JSON_E_SYNTAX, "leading zero");
    t_inteq(parse_err("{\"a\":NaN}", 9), NB_JSON_E_SYNTAX, "bare NaN");
    t_inteq(parse_err("[1,]", 4), NB_JSON_E_SYNTAX, "trailing comma");
    t_inteq(parse_err("\"\\x\"", 4), NB_JSON_E_SYNTAX, "bad escape");
    t_inteq(parse_err("\"a\nb\"", 5), NB_JSON_E_SYNTAX, "raw control char in a string");
    t_inteq(parse_err("", 0), NB_JSON_E_SYNTAX, "empty input");
    t_inteq(parse_err("{\"a\":\"\xff\"}", 9), NB_JSON_E_UTF8, "invalid UTF-8 byte");
    t_inteq(parse_err("{\"a\":\"\xc0\xaf\"}", 10), NB_JSON_E_UTF8, "overlong UTF-8");
    t_inteq(parse_err("{\"a\":\"\xed\xa0\x80\"}", 11), NB_JSON_E_UTF8, "UTF-8 surrogate");
    t_inteq(parse_err("[9223372036854775808]", 21), NB_JSON_E_RANGE, "integer past int64");
    t_inteq(parse_err("[-9223372036854775809]", 22), NB_JSON_E_RANGE, "integer below int64");
    t_inteq(parse_err("[1e400]", 7), NB_JSON_E_RANGE, "real past double");
    t_inteq(parse_err("{", (size_t)NB_BODY_MAX + 1), NB_JSON_E_SIZE,
            "more than NB_BODY_MAX bytes refused before reading");

    /* depth: NB_DEPTH_MAX containers pass, one more does not */
    for (n = 0; n < NB_DEPTH_MAX; n++)
        deep[n] = '[';
    for (size_t i = 0; i < NB_DEPTH_MAX; i++)
        deep[n++] = ']';
    t_inteq(parse_err(deep, n), 0, "NB_DEPTH_MAX levels accepted");
    for (n = 0; n <= NB_DEPTH_MAX; n++)
        deep[n] = '[';
    for (size_t i = 0; i <= NB_DEPTH_MAX; i++)
        deep[n++] = ']';
    t_inteq(parse_err(deep, n), NB_JSON_E_DEPTH, "NB_DEPTH_MAX + 1 levels refused");
    for (n = 0; n <= NB_DEPTH_MAX; n++)
        deep[n] = '{';
    t_inteq(parse_err(deep, n), NB_JSON_E_DEPTH, "unclosed deep input refused as too deep");
    n = (size_t)snprintf(deep, sizeof(deep), "{\"a\":\"%s\"}",
                         "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
    t_inteq(parse_err(deep, n), 0, "brackets inside strings do not count");
    n = (size_t)snprintf(deep, sizeof(deep), "[\"\\\"[\",[]]");
    t_inteq(parse_err(deep, n), 0, "escaped quote does not end the string");

    nb_json_err err;
    memset(&err, 0, sizeof(err));
    nb_json *j = NULL;
    t_inteq(nb_json_parse("[1,", 3, NB_DEPTH_MAX, &j, &err), NB_EINVAL, "NB_EINVAL on error");
    t_ok(j == NULL && err.text[0] != '\0', "no document, a reason for the log");
    t_inteq(nb_json_parse("[1]", 3, NB_DEPTH_MAX, &j, NULL), NB_OK, "err may be NULL");
    nb_json_free(j);
}

static void
to_value(void)
{
    nb_arena *a = nb_arena_new(0);
    nb_value *v = NULL;
    nb_json_err err;
    const char *doc = "{\"b\":[1,2.5,\"x\",true,null],\"a\":{},\"z\":{\"k\":-1}}";

    t_inteq(nb_json_parse_value(a, doc, strlen(doc), &v, &err), NB_OK, "parse_value");
    t_ok(v && v->type == NB_V_MAP && v->u.c.n == 3, "object becomes a map of 3");
    const nb_value *b = nb_get(v, "b");
    t_ok(b && b->type == NB_V_LIST && b->u.c.n == 5, "array becomes a list");
    const nb_value *c = b ? b->u.c.first : NULL;
    t_ok(c && c->type == NB_V_INT && c->u.i == 1, "integer item");
    c = c ? c->next : NULL;
    t_ok(c && c->type == NB_V_DOUBLE && c->u.d == 2.5, "real item");
    c = c ? c->next : NULL;
    t_ok(c && c->type == NB_V_STR && strcmp(c->u.s.p, "x") == 0, "string item");
    c = c ? c->next : NULL;
    t_ok(c && c->type == NB_V_BOOL && c->u.b == 1, "bool item");
    c = c ? c->next : NULL;
    t_ok(c && c->type == NB_V_NULL, "null item kept in a document");
    t_ok(v && strcmp(v->u.c.first->key, "b") == 0 && strcmp(v->u.c.last->key, "z") == 0,
         "map keeps document order");
    t_inteq(nb_get_int(nb_get(v, "z"), "k", 0), -1, "nested value");

    /* the writer gives back the same text */
    nb_buf out;
    nb_jw w;
    nb_buf_init(&out, 1024);
    nb_jw_init(&w, &out);
    nb_jw_value(&w, v);
    t_streq(out.p, "{\"b\":[1,2.5,\"x\",true,null],\"a\":{},\"z\":{\"k\":-1}}",
            "nb_jw_value writes the tree back");
    nb_buf_free(&out);

    t_inteq(nb_json_parse_value(a, "{\"a\":", 5, &v, &err), NB_EINVAL, "bad text: NB_EINVAL");
    t_inteq(err.code, NB_JSON_E_SYNTAX, "with the reason");
    nb_arena_free(a);
}

/* Writes one value with call and compares the bytes (an error fails). */
#define W_ONE(call, want, name)                                                                    \
    do {                                                                                           \
        nb_buf b_;                                                                                 \
        nb_jw w_;                                                                                  \
        nb_buf_init(&b_, 1 << 20);                                                                 \
        nb_jw_init(&w_, &b_);                                                                      \
        int rc_ = call;                                                                            \
        t_streq(rc_ != NB_OK ? "(error)" : b_.p ? b_.p : "", want, name);                          \
        nb_buf_free(&b_);                                                                          \
    } while (0)

static void
writer_strings(void)
{
    /* RFC 8259 section 7: '"', '\\' and U+0000..U+001F must be escaped;
     * JSON.stringify uses \b \f \n \r \t and \u00xx for the rest, and
     * leaves '/' and non-ASCII alone. */
    W_ONE(nb_jw_str(&w_, "a\"b\\c/d", 7), "\"a\\\"b\\\\c/d\"", "quote, backslash, slash");
    W_ONE(nb_jw_str(&w_, "\b\f\n\r\t", 5), "\"\\b\\f\\n\\r\\t\"", "short escapes");
    W_ONE(nb_jw_str(&w_, "\x01\x1f\x7f", 3), "\"\\u0001\\u001f\x7f\"", "other controls, DEL kept");
    W_ONE(nb_jw_str(&w_, "a\0b", 3), "\"a\\u0000b\"", "NUL byte");
    W_ONE(nb_jw_str(&w_, "h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 12),
          "\"h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", "UTF-8 kept as is");
    W_ONE(nb_jw_str(&w_, "a\377b", 3), "\"a\357\277\275b\"", "bad byte becomes U+FFFD");
    W_ONE(nb_jw_str(&w_, "\xe2\x82", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\"", "truncated sequence");
    W_ONE(nb_jw_str(&w_, "\xc0\xaf", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\"", "overlong refused");
    W_ONE(nb_jw_str(&w_, "\xed\xa0\x80", 3), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
          "surrogate refused");
    W_ONE(nb_jw_str(&w_, "\xf4\x90\x80\x80", 4),
          "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", "past U+10FFFF refused");
    W_ONE(nb_jw_str(&w_, "", 0), "\"\"", "empty string");

    /* Strings of 8 bytes and more are scanned 8 at a time (json.c
     * plain8): each byte that needs an escape, and its neighbours that do
     * not, at every position of a 24-byte string. */
    static const struct {
        char c;
        const char *out;
    } one[] = {
        {'\0', "\\u0000"}, {'\x1f', "\\u001f"}, {' ', " "},    {'!', "!"},
        {'"', "\\\""},     {'#', "#"},           {'[', "["},    {'\\', "\\\\"},
        {']', "]"},         {'\x7f', "\x7f"},     {'\x80', "\xef\xbf\xbd"},
    };
    for (size_t k = 0; k < sizeof(one) / sizeof(one[0]); k++)
        for (size_t i = 0; i < 24; i++) {
            char in[24], want[64], name[64];
            memset(in, 'a', sizeof(in));
            in[i] = one[k].c;
            snprintf(want, sizeof(want), "\"%.*s%s%.*s\"", (int)i, in, one[k].out, (int)(23 - i),
                     in + i + 1);
            snprintf(name, sizeof(name), "byte 0x%02x at %zu of 24", (unsigned char)one[k].c, i);
            W_ONE(nb_jw_str(&w_, in, sizeof(in)), want, name);
        }
}

static void
writer_numbers(void)
{
    /* Expected strings: node -e 'console.log(JSON.stringify(d))', except
     * whole numbers from 2^63 up, which take the exponent form (Python's
     * repr) so that they read back into int64 readers (json.c). */
    static const struct {
        double d;
        const char *want;
    } cases[] = {
        {0.1, "0.1"},
        {1.5, "1.5"},
        {1e21, "1e+21"},
        {1e-7, "1e-7"},
        {123456789012345680000.0, "1.2345678901234568e+20"},
        {9223372036854774784.0, "9223372036854775000"},   /* largest below 2^63 */
        {9223372036854775808.0, "9.223372036854776e+18"}, /* 2^63 */
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {5e-324, "5e-324"},
        {0.000001, "0.000001"},
        {1e15, "1000000000000000"},
        {1e16, "10000000000000000"},
        {123.456, "123.456"},
        {-0.5, "-0.5"},
        {9007199254740994.0, "9007199254740994"},
        {1700000000.123, "1700000000.123"},
        {100, "100"},
        {1e20, "1e+20"},
        {0.30000000000000004, "0.30000000000000004"},
        {4.35, "4.35"},
        {1.0 / 3.0, "0.3333333333333333"},
        {-1e-7, "-1e-7"},
        {0.0, "0"},
        {-0.0, "0"},
        {3.0, "3"},
        {-3.0, "-3"},
    };
    char name[80];
    for (size_t i = 0; i < NB_ARRAY_LEN(cases); i++) {
        snprintf(name, sizeof(name), "double %s", cases[i].want);
        W_ONE(nb_jw_double(&w_, cases[i].d), cases[i].want, name);
    }
    W_ONE(nb_jw_double(&w_, NAN), "\"NaN\"", "NaN as a string (Smithy)");
    W_ONE(nb_jw_double(&w_, INFINITY), "\"Infinity\"", "Infinity as a string");
    W_ONE(nb_jw_double(&w_, -INFINITY), "\"-Infinity\"", "-Infinity as a string");
    W_ONE(nb_jw_int(&w_, INT64_MIN), "-9223372036854775808", "INT64_MIN");
    W_ONE(nb_jw_int(&w_, INT64_MAX), "9223372036854775807", "INT64_MAX");
    W_ONE(nb_jw_bool(&w_, 7), "true", "bool");
    W_ONE(nb_jw_null(&w_), "null", "null");

    char num[NB_JSON_NUM_MAX];
    t_inteq(nb_json_fmt_double(num, NAN), 0, "fmt_double refuses NaN");
    t_inteq(nb_json_fmt_double(num, -1.7976931348623157e308), 24, "longest form fits");
}

static void
writer_structure(void)
{
    nb_buf b;
    nb_jw w;

    nb_buf_init(&b, 4096);
    nb_jw_init(&w, &b);
    nb_jw_obj_begin(&w);
    nb_jw_keyc(&w, "a");
    nb_jw_arr_begin(&w);
    nb_jw_int(&w, 1);
    nb_jw_arr_begin(&w);
    nb_jw_arr_end(&w);
    nb_jw_obj_begin(&w);
    nb_jw_obj_end(&w);
    nb_jw_str(&w, "x", 1);
    nb_jw_arr_end(&w);
    nb_jw_keyc(&w, "k\"ey");
    nb_jw_obj_begin(&w);
    nb_jw_keyc(&w, "n");
    nb_jw_null(&w);
    nb_jw_keyc(&w, "b");
    nb_jw_bool(&w, 0);
    nb_jw_obj_end(&w);
    nb_jw_keyc(&w, "r");
    nb_jw_raw(&w, "1.25", 4);
    t_inteq(nb_jw_obj_end(&w), NB_OK, "nested writes succeed");
    t_streq(b.p, "{\"a\":[1,[],{},\"x\"],\"k\\\"ey\":{\"n\":null,\"b\":false},\"r\":1.25}",
            "commas and colons in the right places");
    nb_buf_free(&b);

    /* base64 straight into the buffer, across the 768-byte chunks */
    static unsigned char src[2000];
    static char want[3000], got[3000];
    for (size_t i = 0; i < sizeof(src); i++)
        src[i] = (unsigned char)(i * 7 + 3);
    size_t sizes[] = {0, 1, 767, 768, 769, 1536, 2000};
    for (size_t i = 0; i < NB_ARRAY_LEN(sizes); i++) {
        want[0] = '"';
        size_t n = nb_b64_encode(want + 1, src, sizes[i]);
        want[n + 1] = '"';
        want[n + 2] = '\0';
        nb_buf_init(&b, 8192);
        nb_jw_init(&w, &b);
        nb_jw_b64(&w, src, sizes[i]);
        snprintf(got, sizeof(got), "%s", b.p ? b.p : "");
        t_streq(got, want, "nb_jw_b64 equals nb_b64_encode in quotes");
        nb_buf_free(&b);
    }

    /* misuse */
    nb_buf_init(&b, 4096);
    nb_jw_init(&w, &b);
    t_inteq(nb_jw_keyc(&w, "a"), NB_EINVAL, "a key outside an object");
    nb_jw_init(&w, &b);
    t_inteq(nb_jw_obj_end(&w), NB_EINVAL, "an end without a begin");
    nb_jw_init(&w, &b);
    nb_jw_obj_begin(&w);
    nb_jw_keyc(&w, "a");
    t_inteq(nb_jw_obj_end(&w), NB_EINVAL, "an end after a key");
    nb_jw_init(&w, &b);
    int rc = NB_OK;
    for (int i = 0; i < NB_JW_DEPTH_MAX + 5 && !rc; i++)
        rc = nb_jw_arr_begin(&w);
    t_inteq(rc, NB_EINVAL, "nesting bounded by NB_JW_DEPTH_MAX");
    nb_buf_free(&b);

    /* the buffer's bound: first error sticks, buffer keeps what fitted */
    nb_buf_init(&b, 10);
    nb_jw_init(&w, &b);
    nb_jw_obj_begin(&w);
    nb_jw_keyc(&w, "abc");
    t_inteq(nb_jw_str(&w, "0123456789", 10), NB_ENOMEM, "over the bound: NB_ENOMEM");
    t_inteq(nb_jw_int(&w, 1), NB_ENOMEM, "and it sticks");
    t_inteq(nb_jw_obj_end(&w), NB_ENOMEM, "to the end");
    t_ok(b.len <= 10, "nothing past the bound");
    nb_buf_free(&b);
}

static void
out_of_memory(void)
{
    /* jansson allocates through nb_malloc: failing allocations give
     * NB_ENOMEM, never a crash or a leak (ASan checks). */
    const char *doc = "{\"a\":[1,2,{\"b\":\"c\"}],\"d\":\"e\"}";
    int saw_nomem = 0, ok = 0;
    for (unsigned long n = 1; n < 40; n++) {
        nb_json *j = NULL;
        nb_mem_fail_at(n);
        int rc = nb_json_parse(doc, strlen(doc), NB_DEPTH_MAX, &j, NULL);
        nb_mem_fail_at(0);
        saw_nomem |= rc == NB_ENOMEM || rc == NB_EINVAL;
        ok |= rc == NB_OK;
        nb_json_free(j);
    }
    t_ok(saw_nomem && ok, "allocation failures inside jansson are survived");
}

int
main(void)
{
    reader_types();
    reader_errors();
    to_value();
    writer_strings();
    writer_numbers();
    writer_structure();
    out_of_memory();
    return t_done();
}
