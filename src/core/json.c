/*
 * json.c: the only user of jansson. The reader bounds the input (bytes,
 * then nesting, by a scan of the raw bytes before jansson allocates
 * anything) and hands out jansson's tree behind the opaque nb_json. The
 * writer is hand-made: it appends to an nb_buf, escaping strings in runs
 * so that plain text is copied with one memcpy per run, and formats
 * doubles in their shortest round-trip form. jansson allocates through
 * nb_malloc/nb_free, so memory bounds and the failing allocator of debug
 * builds cover it too.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "base64.h"
#include "json.h"
#include "limits.h"
#include "mem.h"
#include "timefmt.h"
#include "value.h"

/* nb_json is jansson's json_t; only this file knows it. */
#define J(j) ((json_t *)(j))
#define CJ(j) ((const json_t *)(j))

/* ---- Reader ---------------------------------------------------------- */

static void *
jalloc(size_t n)
{
    return nb_malloc(n);
}

static void
jfree(void *p)
{
    nb_free(p);
}

static void
use_nb_alloc(void)
{
    static int done; /* one thread owns nimbus (loop.c) */
    if (!done) {
        json_set_alloc_funcs(jalloc, jfree);
        done = 1;
    }
}

static void
set_err(nb_json_err *err, int code, size_t pos, const char *text)
{
    if (!err)
        return;
    err->code = code;
    err->line = 0;
    err->column = 0;
    err->position = pos;
    snprintf(err->text, sizeof(err->text), "%s", text);
}

/* Refuses nesting deeper than max before jansson allocates for it. Strings
 * are skipped (brackets in them do not count); anything malformed is left
 * for jansson to report. Returns the offset of the first bracket too deep,
 * or len. */
static size_t
too_deep(const char *p, size_t len, int max)
{
    int depth = 0;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (c == '"') {
            /* to the closing quote: the next one not escaped, i.e. not
             * after an odd run of backslashes (memchr: bodies are long) */
            size_t start = ++i;
            for (;;) {
                const char *q = memchr(p + i, '"', len - i);
                if (!q) {
                    i = len;
                    break;
                }
                size_t k = (size_t)(q - p), b = k;
                while (b > start && p[b - 1] == '\\')
                    b--;
                i = k;
                if ((k - b) % 2 == 0)
                    break;
                i++;
            }
        } else if (c == '{' || c == '[') {
            if (++depth > max)
                return i;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return len;
}

static int
jansson_code(const json_error_t *je)
{
    switch (json_error_code(je)) {
    case json_error_numeric_overflow:
        return NB_JSON_E_RANGE;
    case json_error_invalid_utf8:
        return NB_JSON_E_UTF8;
    case json_error_stack_overflow:
        return NB_JSON_E_DEPTH;
    default:
        return NB_JSON_E_SYNTAX;
    }
}

int
nb_json_parse(const char *p, size_t len, int max_depth, nb_json **out, nb_json_err *err)
{
    json_error_t je;
    size_t at;

    *out = NULL;
    if (len > NB_BODY_MAX) {
        set_err(err, NB_JSON_E_SIZE, 0, "document too large");
        return NB_EINVAL;
    }
    at = too_deep(p, len, max_depth);
    if (at < len) {
        set_err(err, NB_JSON_E_DEPTH, at, "maximum nesting depth exceeded");
        return NB_EINVAL;
    }
    use_nb_alloc();
    json_t *root = json_loadb(p, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (!root) {
        if (json_error_code(&je) == json_error_out_of_memory)
            return NB_ENOMEM;
        if (err) {
            set_err(err, jansson_code(&je), (size_t)je.position, je.text);
            err->line = je.line;
            err->column = je.column;
        }
        return NB_EINVAL;
    }
    *out = (nb_json *)root;
    return NB_OK;
}

void
nb_json_free(nb_json *root)
{
    if (root)
        json_decref(J(root));
}

int
nb_json_type(const nb_json *j)
{
    switch (json_typeof(CJ(j))) {
    case JSON_TRUE:
    case JSON_FALSE:
        return NB_J_BOOL;
    case JSON_INTEGER:
        return NB_J_INT;
    case JSON_REAL:
        return NB_J_REAL;
    case JSON_STRING:
        return NB_J_STR;
    case JSON_ARRAY:
        return NB_J_ARRAY;
    case JSON_OBJECT:
        return NB_J_OBJECT;
    default:
        return NB_J_NULL;
    }
}

int
nb_json_bool(const nb_json *j)
{
    return json_is_true(CJ(j));
}

int64_t
nb_json_int(const nb_json *j)
{
    return (int64_t)json_integer_value(CJ(j));
}

double
nb_json_num(const nb_json *j)
{
    return json_number_value(CJ(j));
}

nb_str
nb_json_str(const nb_json *j)
{
    if (!json_is_string(CJ(j)))
        return NB_STR("");
    return (nb_str){json_string_value(CJ(j)), json_string_length(CJ(j))};
}

size_t
nb_json_len(const nb_json *j)
{
    if (json_is_array(CJ(j)))
        return json_array_size(CJ(j));
    if (json_is_object(CJ(j)))
        return json_object_size(CJ(j));
    return 0;
}

const nb_json *
nb_json_item(const nb_json *arr, size_t i)
{
    return (const nb_json *)json_array_get(CJ(arr), i);
}

const nb_json *
nb_json_get(const nb_json *obj, const char *key, size_t klen)
{
    return (const nb_json *)json_object_getn(CJ(obj), key, klen);
}

int
nb_json_next(const nb_json *obj, nb_json_iter *it, nb_str *key, const nb_json **val)
{
    json_t *o = J((nb_json *)obj); /* jansson's iterator API is not const */

    if (it->state == 2 || !json_is_object(o))
        return 0;
    it->it = it->state == 0 ? json_object_iter(o) : json_object_iter_next(o, it->it);
    it->state = 1;
    if (!it->it) {
        it->state = 2;
        return 0;
    }
    key->p = json_object_iter_key(it->it);
    key->len = json_object_iter_key_len(it->it);
    *val = (const nb_json *)json_object_iter_value(it->it);
    return 1;
}

int
nb_json_to_value(nb_arena *a, const nb_json *j, nb_value **out)
{
    nb_value *v = NULL, *c;
    const nb_json *item;
    nb_json_iter it = NB_JSON_ITER_INIT;
    nb_str k, s;
    int rc = NB_OK;

    *out = NULL;
    switch (nb_json_type(j)) {
    case NB_J_BOOL:
        v = nb_value_bool(a, nb_json_bool(j));
        break;
    case NB_J_INT:
        v = nb_value_int(a, nb_json_int(j));
        break;
    case NB_J_REAL:
        v = nb_value_double(a, nb_json_num(j));
        break;
    case NB_J_STR:
        s = nb_json_str(j);
        v = nb_value_str(a, s.p, s.len);
        break;
    case NB_J_ARRAY:
        if (nb_json_len(j) > NB_LIST_MAX)
            return NB_ENOMEM;
        v = nb_value_list(a);
        for (size_t i = 0; v && i < nb_json_len(j); i++) {
            rc = nb_json_to_value(a, nb_json_item(j, i), &c);
            if (rc || (rc = nb_value_append(v, c)))
                goto out;
        }
        break;
    case NB_J_OBJECT:
        if (nb_json_len(j) > NB_LIST_MAX)
            return NB_ENOMEM;
        v = nb_value_map(a);
        while (v && nb_json_next(j, &it, &k, &item)) {
            rc = nb_json_to_value(a, item, &c);
            if (rc || (rc = nb_value_put(v, k.p, k.len, c)))
                goto out;
        }
        break;
    default:
        v = nb_value_null(a);
        break;
    }
    if (!v)
        rc = NB_ENOMEM;
out:
    if (rc == NB_OK)
        *out = v;
    return rc;
}

int
nb_json_parse_value(nb_arena *a, const char *p, size_t len, nb_value **out, nb_json_err *err)
{
    nb_json *doc = NULL;
    int rc = nb_json_parse(p, len, NB_DEPTH_MAX, &doc, err);
    if (rc)
        goto out;
    rc = nb_json_to_value(a, doc, out);
out:
    nb_json_free(doc);
    return rc;
}

/* ---- Writer ---------------------------------------------------------- */

void
nb_jw_init(nb_jw *w, nb_buf *b)
{
    memset(w, 0, sizeof(*w));
    w->b = b;
}

static int
fail(nb_jw *w, int rc)
{
    if (rc && w->rc == NB_OK)
        w->rc = rc;
    return w->rc;
}

/* Whether n bytes and the NUL after them fit in b as it is, within its
 * bound. */
static inline int
fits(const nb_buf *b, size_t n)
{
    return n < b->cap - b->len && n <= b->max - b->len;
}

/* Appends n bytes. A Query's reply of 100 items is some 10,000 of these
 * calls, most of one to three bytes: when the buffer has room (and the
 * bound allows them, as nb_buf_add checks) they are copied in place. */
static inline int
add(nb_jw *w, const void *p, size_t n)
{
    nb_buf *b = w->b;
    if (fits(b, n)) {
        memcpy(b->p + b->len, p, n);
        b->len += n;
        b->p[b->len] = '\0';
        return w->rc;
    }
    return fail(w, nb_buf_add(b, p, n));
}

/* Before any value or key: the comma that separates it from the previous
 * one at this level. */
static int
sep(nb_jw *w)
{
    if (w->rc)
        return w->rc;
    if (w->after_key) {
        w->after_key = 0;
        return NB_OK;
    }
    if (w->depth == 0)
        return NB_OK;
    uint64_t *word = &w->more[w->depth / 64], bit = (uint64_t)1 << (w->depth % 64);
    if (*word & bit)
        return add(w, ",", 1);
    *word |= bit;
    return NB_OK;
}

static int
open_c(nb_jw *w, char c)
{
    if (sep(w))
        return w->rc;
    if (w->depth + 1 >= NB_JW_DEPTH_MAX)
        return fail(w, NB_EINVAL);
    if (add(w, &c, 1))
        return w->rc;
    w->depth++;
    w->more[w->depth / 64] &= ~((uint64_t)1 << (w->depth % 64));
    return NB_OK;
}

static int
close_c(nb_jw *w, char c)
{
    if (w->rc)
        return w->rc;
    if (w->depth == 0 || w->after_key)
        return fail(w, NB_EINVAL);
    if (add(w, &c, 1))
        return w->rc;
    w->depth--;
    return NB_OK;
}

int
nb_jw_obj_begin(nb_jw *w)
{
    return open_c(w, '{');
}

int
nb_jw_obj_end(nb_jw *w)
{
    return close_c(w, '}');
}

int
nb_jw_arr_begin(nb_jw *w)
{
    return open_c(w, '[');
}

int
nb_jw_arr_end(nb_jw *w)
{
    return close_c(w, ']');
}

/* Length of the valid UTF-8 sequence at s[0..n) that starts with a byte
 * >= 0x80, or 0 when it is not valid (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF). */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf; /* bounds of the second byte */

    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return len;
}

/* Escape for byte c (< 0x20, '"' or '\\') into e; returns its length. */
static size_t
escape(char *e, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    e[0] = '\\';
    switch (c) {
    case '"':
    case '\\':
        e[1] = (char)c;
        return 2;
    case '\b':
        e[1] = 'b';
        return 2;
    case '\f':
        e[1] = 'f';
        return 2;
    case '\n':
        e[1] = 'n';
        return 2;
    case '\r':
        e[1] = 'r';
        return 2;
    case '\t':
        e[1] = 't';
        return 2;
    default:
        memcpy(e + 1, "u00", 3);
        e[4] = hex[c >> 4];
        e[5] = hex[c & 15];
        return 6;
    }
}

/* Is byte c printable ASCII other than '"' and '\\' (copied as it is)? */
static inline int
plain1(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* Are the 8 bytes of x all printable ASCII other than '"' and '\\' (so
 * copied as they are)? Byte-parallel ("SWAR") tests: a subtraction's high
 * bit marks a byte below 0x20 or equal to '"' or '\\' once x has no high
 * bit itself; a borrow can only mark bytes above one already marked, so
 * "yes" is exact and "no" sends the word to the byte loop. */
static inline int
plain8(const unsigned char *s)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t x;
    memcpy(&x, s, 8);
    uint64_t t = x | (x - ones * 0x20) | ((x ^ (ones * '"')) - ones) | ((x ^ (ones * '\\')) - ones);
    return (t & high) == 0;
}

/* s[0..n) as the body of a JSON string (no quotes). */
static int
str_body(nb_jw *w, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t run = 0, i = 0;
    char e[8];

    while (i < n) {
        if (n - i >= 8 && plain8(s + i)) {
            i += 8;
            continue;
        }
        unsigned char c = s[i];
        if (plain1(c)) {
            i++;
            continue;
        }
        size_t seq = c >= 0x80 ? utf8_seq(s + i, n - i) : 0;
        if (seq) {
            i += seq;
            continue;
        }
        if (i > run && add(w, s + run, i - run))
            return w->rc;
        if (c >= 0x80) {
            if (add(w, "\xef\xbf\xbd", 3)) /* U+FFFD for a bad byte */
                return w->rc;
        } else if (add(w, e, escape(e, c))) {
            return w->rc;
        }
        run = ++i;
    }
    if (i > run)
        add(w, s + run, i - run);
    return w->rc;
}

/* Whether s[0..n) needs no escape: printable ASCII, no quote, no
 * backslash. */
static int
plain(const unsigned char *s, size_t n)
{
    size_t i = 0;
    for (; n - i >= 8; i += 8)
        if (!plain8(s + i))
            return 0;
    for (; i < n; i++)
        if (!plain1(s[i]))
            return 0;
    return 1;
}

static int
quoted(nb_jw *w, const char *s, size_t n)
{
    nb_buf *b = w->b;
    /* Most strings (names, ids, ASCII values) need no escape: one copy
     * with their quotes when the buffer has room, instead of three. */
    if (!w->rc && fits(b, n + 2) && plain((const unsigned char *)s, n)) {
        char *d = b->p + b->len;
        d[0] = '"';
        memcpy(d + 1, s, n);
        d[n + 1] = '"';
        d[n + 2] = '\0';
        b->len += n + 2;
        return NB_OK;
    }
    if (add(w, "\"", 1) || str_body(w, s, n) || add(w, "\"", 1))
        return w->rc;
    return NB_OK;
}

int
nb_jw_key(nb_jw *w, const char *k, size_t len)
{
    if (sep(w))
        return w->rc;
    if (w->after_key || w->depth == 0)
        return fail(w, NB_EINVAL);
    if (quoted(w, k, len) || add(w, ":", 1))
        return w->rc;
    w->after_key = 1;
    return NB_OK;
}

int
nb_jw_str(nb_jw *w, const char *s, size_t len)
{
    if (sep(w))
        return w->rc;
    return quoted(w, s, len);
}

int
nb_jw_int(nb_jw *w, int64_t i)
{
    char num[24];
    int n = snprintf(num, sizeof(num), "%lld", (long long)i);
    if (sep(w))
        return w->rc;
    return add(w, num, (size_t)n);
}

/* Shortest decimal digits of finite d > 0 that read back as d: the digits
 * (no dot, no trailing zeros) into dig (at least 18 bytes), and the decimal
 * exponent n such that d = 0.DIGITS * 10^n. Returns the number of digits.
 * Up to 17 tries of printf and strtod: doubles are rare in AWS replies,
 * and the common whole numbers never get here. */
static int
shortest(double d, char *dig, int *n)
{
    char tmp[40];
    const char *p;
    int k = 0;

    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    /* tmp is "D.DDDDe[+-]XX" or "De[+-]XX" */
    for (p = tmp; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            dig[k++] = *p;
    while (k > 1 && dig[k - 1] == '0')
        k--;
    dig[k] = '\0';
    *n = (int)strtol(p + 1, NULL, 10) + 1;
    return k;
}

/* The ECMAScript Number::toString layout (ECMA-262 section 6.1.6.1.20):
 * plain digits up to 21 integer digits, "0.000ddd" down to 1e-6, else
 * "d.ddde+x". JavaScript, and so the AWS SDK for JavaScript, prints
 * numbers that way. One change: a whole number of 2^63 or more takes the
 * exponent form ("1e+20", as Python prints it), since written plainly it
 * would read back as an integer too large for int64, which jansson (and
 * our own reader) refuses. */
size_t
nb_json_fmt_double(char *dst, double d)
{
    char dig[24], *o = dst;
    int n, k;

    if (!isfinite(d)) {
        dst[0] = '\0';
        return 0;
    }
    if (d == 0) /* -0 too, as JSON.stringify(-0) gives "0" */
        return (size_t)snprintf(dst, NB_JSON_NUM_MAX, "0");
    if (d == floor(d) && fabs(d) < 1e15)
        return (size_t)snprintf(dst, NB_JSON_NUM_MAX, "%lld", (long long)d);
    if (d < 0) {
        *o++ = '-';
        d = -d;
    }
    k = shortest(d, dig, &n);
    if (k <= n && n <= 21 && d < 9223372036854775808.0) {
        memcpy(o, dig, (size_t)k);
        memset(o + k, '0', (size_t)(n - k));
        o += n;
    } else if (n > 0 && n < k && n <= 21) {
        memcpy(o, dig, (size_t)n);
        o[n] = '.';
        memcpy(o + n + 1, dig + n, (size_t)(k - n));
        o += k + 1;
    } else if (n > -6 && n <= 0) {
        memcpy(o, "0.", 2);
        memset(o + 2, '0', (size_t)-n);
        memcpy(o + 2 - n, dig, (size_t)k);
        o += 2 - n + k;
    } else {
        *o++ = dig[0];
        if (k > 1) {
            *o++ = '.';
            memcpy(o, dig + 1, (size_t)(k - 1));
            o += k - 1;
        }
        o += snprintf(o, 8, "e%c%d", n - 1 >= 0 ? '+' : '-', n - 1 >= 0 ? n - 1 : 1 - n);
    }
    *o = '\0';
    return (size_t)(o - dst);
}

int
nb_jw_double(nb_jw *w, double d)
{
    char num[NB_JSON_NUM_MAX];
    size_t n;

    if (isnan(d))
        return nb_jw_str(w, "NaN", 3);
    if (isinf(d))
        return d > 0 ? nb_jw_str(w, "Infinity", 8) : nb_jw_str(w, "-Infinity", 9);
    n = nb_json_fmt_double(num, d);
    if (sep(w))
        return w->rc;
    return add(w, num, n);
}

int
nb_jw_bool(nb_jw *w, int b)
{
    if (sep(w))
        return w->rc;
    return b ? add(w, "true", 4) : add(w, "false", 5);
}

int
nb_jw_null(nb_jw *w)
{
    if (sep(w))
        return w->rc;
    return add(w, "null", 4);
}

int
nb_jw_b64(nb_jw *w, const void *p, size_t n)
{
    const unsigned char *s = p;
    char chunk[1024 + 1]; /* the encoding of 768 bytes, and its NUL */

    if (sep(w) || add(w, "\"", 1))
        return w->rc;
    for (size_t i = 0; i < n; i += 768) {
        size_t m = n - i < 768 ? n - i : 768;
        if (add(w, chunk, nb_b64_encode(chunk, s + i, m)))
            return w->rc;
    }
    return add(w, "\"", 1);
}

int
nb_jw_raw(nb_jw *w, const char *s, size_t len)
{
    if (sep(w))
        return w->rc;
    return add(w, s, len);
}

static int
time_value(nb_jw *w, double t)
{
    char num[NB_TIME_STR_MAX];
    if (nb_time_epoch(num, sizeof(num), t) != NB_OK)
        return nb_jw_double(w, t); /* outside years 0..9999: still a number */
    return nb_jw_raw(w, num, strlen(num));
}

int
nb_jw_value(nb_jw *w, const nb_value *v)
{
    switch (v->type) {
    case NB_V_BOOL:
        return nb_jw_bool(w, v->u.b);
    case NB_V_INT:
        return nb_jw_int(w, v->u.i);
    case NB_V_DOUBLE:
        return nb_jw_double(w, v->u.d);
    case NB_V_STR:
        return nb_jw_str(w, v->u.s.p, v->u.s.len);
    case NB_V_BLOB:
        return nb_jw_b64(w, v->u.s.p, v->u.s.len);
    case NB_V_TIME:
        return time_value(w, v->u.d);
    case NB_V_STRUCT:
    case NB_V_MAP:
        nb_jw_obj_begin(w);
        for (const nb_value *c = v->u.c.first; c && !w->rc; c = c->next) {
            nb_jw_key(w, c->key ? c->key : "", c->key ? c->klen : 0);
            nb_jw_value(w, c);
        }
        return nb_jw_obj_end(w);
    case NB_V_LIST:
        nb_jw_arr_begin(w);
        for (const nb_value *c = v->u.c.first; c && !w->rc; c = c->next)
            nb_jw_value(w, c);
        return nb_jw_arr_end(w);
    default:
        return nb_jw_null(w);
    }
}
