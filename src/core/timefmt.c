/*
 * timefmt.c: timestamps to and from ISO 8601, HTTP dates and epoch seconds.
 * The calendar arithmetic is done here on integers (days from civil date
 * and back, proleptic Gregorian) rather than through gmtime/timegm, so the
 * result does not depend on the C library or on TZ, and every field of a
 * parsed date is range-checked before use.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "timefmt.h"

static const char *const wdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Largest time formatted: 9999-12-31T23:59:59.999Z. */
#define T_MAX 253402300799.999
#define T_MIN (-62167219200.0) /* 0000-01-01T00:00:00Z */

static int
leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(int64_t y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days from 1970-01-01 to y-m-d: the era method (400-year cycles). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int64_t
nb_time_from_civil(int64_t y, int mon, int day)
{
    return days_from_civil(y, mon, day) * 86400;
}

void
nb_time_basic(char dst[32], int64_t t)
{
    int64_t y, days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int m, d;
    int64_t r = t - days * 86400;
    civil_from_days(days, &y, &m, &d);
    snprintf(dst, 32, "%04lld%02d%02dT%02d%02d%02dZ", (long long)y, m, d, (int)(r / 3600),
             (int)(r / 60 % 60), (int)(r % 60));
}

void
nb_time_iso_seconds(char dst[32], int64_t t)
{
    char b[32];
    nb_time_basic(b, t);
    snprintf(dst, 32, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", b, b + 4, b + 6, b + 9, b + 11, b + 13);
}

/* Broken-down UTC time of t, rounded to the millisecond. */
typedef struct tparts {
    int64_t y;    /* year */
    int mon;      /* 1..12 */
    int day;      /* 1..31 */
    int h, mi, s; /* time of day */
    int ms;       /* milliseconds */
    int wday;     /* index in wdays[] */
} tparts;

static int
split(double t, tparts *p)
{
    if (!(t >= T_MIN && t <= T_MAX)) /* also refuses NaN */
        return NB_EINVAL;
    int64_t ms = (int64_t)floor(t * 1000.0 + 0.5);
    int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    p->ms = (int)(ms - secs * 1000);
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t sod = secs - days * 86400;
    civil_from_days(days, &p->y, &p->mon, &p->day);
    if (p->y > 9999)
        return NB_EINVAL;
    p->h = (int)(sod / 3600);
    p->mi = (int)(sod / 60 % 60);
    p->s = (int)(sod % 60);
    p->wday = (int)(((days % 7) + 7) % 7);
    return NB_OK;
}

int
nb_time_iso8601(char *dst, size_t n, double t)
{
    tparts p;
    if (split(t, &p))
        return NB_EINVAL;
    int w = snprintf(dst, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)p.y, p.mon, p.day, p.h,
                     p.mi, p.s, p.ms);
    return w > 0 && (size_t)w < n ? NB_OK : NB_EINVAL;
}

int
nb_time_rfc822(char *dst, size_t n, double t)
{
    tparts p;
    /* HTTP dates have whole seconds: drop the fraction (not round up). */
    if (split(floor(t), &p))
        return NB_EINVAL;
    int w = snprintf(dst, n, "%s, %02d %s %04d %02d:%02d:%02d GMT", wdays[p.wday], p.day,
                     months[p.mon - 1], (int)p.y, p.h, p.mi, p.s);
    return w > 0 && (size_t)w < n ? NB_OK : NB_EINVAL;
}

int
nb_time_epoch(char *dst, size_t n, double t)
{
    if (!(t >= T_MIN && t <= T_MAX))
        return NB_EINVAL;
    int64_t ms = (int64_t)floor(t * 1000.0 + 0.5);
    int64_t a = ms < 0 ? -ms : ms;
    int frac = (int)(a % 1000), w;
    if (frac == 0) {
        w = snprintf(dst, n, "%s%lld", ms < 0 ? "-" : "", (long long)(a / 1000));
    } else {
        int k = 3; /* fraction digits kept: trailing zeros are cut */
        while (frac % 10 == 0) {
            frac /= 10;
            k--;
        }
        w = snprintf(dst, n, "%s%lld.%0*d", ms < 0 ? "-" : "", (long long)(a / 1000), k, frac);
    }
    return w > 0 && (size_t)w < n ? NB_OK : NB_EINVAL;
}

int
nb_time_format(char *dst, size_t n, double t, int fmt)
{
    switch (fmt) {
    case NB_TS_RFC822:
        return nb_time_rfc822(dst, n, t);
    case NB_TS_EPOCH:
        return nb_time_epoch(dst, n, t);
    default:
        return nb_time_iso8601(dst, n, t);
    }
}

/* A cursor over the input slice. */
typedef struct rd {
    const char *p; /* next byte */
    const char *e; /* end */
} rd;

static int
isdig(int c)
{
    return c >= '0' && c <= '9';
}

/* Exactly n digits into *v. */
static int
digits(rd *r, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (r->p >= r->e || !isdig((unsigned char)*r->p))
            return -1;
        x = x * 10 + (*r->p++ - '0');
    }
    *v = x;
    return 0;
}

static int
lit(rd *r, char c)
{
    if (r->p < r->e && *r->p == c) {
        r->p++;
        return 0;
    }
    return -1;
}

/* ".123456" -> 0.123456; at most 9 digits are significant, more ignored. */
static double
fraction(rd *r)
{
    double f = 0, scale = 0.1;
    int k = 0;
    while (r->p < r->e && isdig((unsigned char)*r->p)) {
        if (k++ < 9) {
            f += (*r->p - '0') * scale;
            scale /= 10;
        }
        r->p++;
    }
    return k ? f : -1;
}

/* Checked fields to seconds. */
static int
assemble(int64_t y, int mon, int d, int h, int mi, int s, double frac, int off_s, double *t)
{
    if (mon < 1 || mon > 12 || d < 1 || d > mdays(y, mon) || h > 23 || mi > 59 || s > 60)
        return NB_EINVAL;
    double v = (double)(days_from_civil(y, mon, d) * 86400 + h * 3600 + mi * 60 + s) + frac;
    *t = v - off_s;
    return NB_OK;
}

/* Zone: Z, +hh:mm, +hhmm, +hh, or nothing (UTC). */
static int
zone(rd *r, int *off)
{
    *off = 0;
    if (r->p == r->e)
        return 0;
    if (*r->p == 'Z' || *r->p == 'z') {
        r->p++;
        return 0;
    }
    if (*r->p != '+' && *r->p != '-')
        return -1;
    int sign = *r->p++ == '-' ? -1 : 1, hh, mm = 0;
    if (digits(r, 2, &hh))
        return -1;
    if (r->p < r->e) {
        lit(r, ':');
        if (digits(r, 2, &mm))
            return -1;
    }
    if (hh > 23 || mm > 59)
        return -1;
    *off = sign * (hh * 3600 + mm * 60);
    return 0;
}

int
nb_time_parse_iso8601(const char *s, size_t len, double *t)
{
    rd r = {s, s + len};
    int y, mon, d, h, mi, sec, off;
    double frac = 0;
    if (digits(&r, 4, &y))
        return NB_EINVAL;
    int basic = r.p < r.e && isdig((unsigned char)*r.p);
    if ((!basic && lit(&r, '-')) || digits(&r, 2, &mon) || (!basic && lit(&r, '-')) ||
        digits(&r, 2, &d))
        return NB_EINVAL;
    if (r.p == r.e || (*r.p != 'T' && *r.p != 't' && *r.p != ' '))
        return NB_EINVAL;
    r.p++;
    if (digits(&r, 2, &h) || (!basic && lit(&r, ':')) || digits(&r, 2, &mi) ||
        (!basic && lit(&r, ':')) || digits(&r, 2, &sec))
        return NB_EINVAL;
    if (r.p < r.e && (*r.p == '.' || *r.p == ',')) {
        r.p++;
        frac = fraction(&r);
        if (frac < 0)
            return NB_EINVAL;
    }
    if (zone(&r, &off) || r.p != r.e)
        return NB_EINVAL;
    return assemble(y, mon, d, h, mi, sec, frac, off, t);
}

static int
month_of(rd *r, int *mon)
{
    if (r->e - r->p < 3)
        return -1;
    for (int i = 0; i < 12; i++) {
        if (strncasecmp(r->p, months[i], 3) == 0) {
            *mon = i + 1;
            r->p += 3;
            return 0;
        }
    }
    return -1;
}

static void
spaces(rd *r)
{
    while (r->p < r->e && *r->p == ' ')
        r->p++;
}

/* 1 or 2 digits. */
static int
digits12(rd *r, int *v)
{
    if (digits(r, 1, v))
        return -1;
    if (r->p < r->e && isdig((unsigned char)*r->p))
        *v = *v * 10 + (*r->p++ - '0');
    return 0;
}

static int
hms(rd *r, int *h, int *mi, int *s)
{
    return digits(r, 2, h) || lit(r, ':') || digits(r, 2, mi) || lit(r, ':') || digits(r, 2, s);
}

/* HTTP zone: GMT, UTC, UT, Z or +hhmm/-hhmm. */
static int
http_zone(rd *r, int *off)
{
    *off = 0;
    size_t n = (size_t)(r->e - r->p);
    if (n == 3 && (strncasecmp(r->p, "GMT", 3) == 0 || strncasecmp(r->p, "UTC", 3) == 0)) {
        r->p += 3;
        return 0;
    }
    if ((n == 2 && strncasecmp(r->p, "UT", 2) == 0) || (n == 1 && (*r->p == 'Z'))) {
        r->p += n;
        return 0;
    }
    if (n == 5 && (*r->p == '+' || *r->p == '-')) {
        int sign = *r->p++ == '-' ? -1 : 1, hh, mm;
        if (digits(r, 2, &hh) || digits(r, 2, &mm) || hh > 23 || mm > 59)
            return -1;
        *off = sign * (hh * 3600 + mm * 60);
        return 0;
    }
    return -1;
}

/* asctime: "Tue Apr 29 18:30:38 2014" (after the weekday). */
static int
parse_asctime(rd *r, double *t)
{
    int mon, d, h, mi, s, y;
    spaces(r);
    if (month_of(r, &mon))
        return NB_EINVAL;
    spaces(r);
    if (digits12(r, &d))
        return NB_EINVAL;
    spaces(r);
    if (hms(r, &h, &mi, &s))
        return NB_EINVAL;
    spaces(r);
    if (digits(r, 4, &y) || r->p != r->e)
        return NB_EINVAL;
    return assemble(y, mon, d, h, mi, s, 0, 0, t);
}

int
nb_time_parse_rfc822(const char *s, size_t len, double *t)
{
    rd r = {s, s + len};
    int mon, d, h, mi, sec, y, off;
    spaces(&r);
    /* Optional weekday, any case and length ("Tue" or "Tuesday"). */
    const char *w = r.p;
    while (r.p < r.e && ((*r.p >= 'A' && *r.p <= 'Z') || (*r.p >= 'a' && *r.p <= 'z')))
        r.p++;
    if (r.p > w) {
        if (r.p < r.e && *r.p == ' ')
            return parse_asctime(&r, t);
        if (lit(&r, ','))
            return NB_EINVAL;
    }
    spaces(&r);
    if (digits12(&r, &d))
        return NB_EINVAL;
    int rfc850 = r.p < r.e && *r.p == '-';
    if (rfc850 ? lit(&r, '-') : (spaces(&r), 0))
        return NB_EINVAL;
    if (month_of(&r, &mon))
        return NB_EINVAL;
    if (rfc850 ? lit(&r, '-') : (spaces(&r), 0))
        return NB_EINVAL;
    if (rfc850) {
        /* Two-digit years: RFC 7231 7.1.1.1 says a year more than 50
         * years ahead is in the past century. */
        if (digits(&r, 2, &y))
            return NB_EINVAL;
        y += y < 70 ? 2000 : 1900;
    } else if (digits(&r, 4, &y)) {
        return NB_EINVAL;
    }
    spaces(&r);
    if (hms(&r, &h, &mi, &sec))
        return NB_EINVAL;
    spaces(&r);
    if (http_zone(&r, &off) || r.p != r.e)
        return NB_EINVAL;
    return assemble(y, mon, d, h, mi, sec, 0, off, t);
}

int
nb_time_parse_epoch(const char *s, size_t len, double *t)
{
    char tmp[64];
    size_t i = 0;
    if (len == 0 || len >= sizeof(tmp))
        return NB_EINVAL;
    if (s[0] == '-' || s[0] == '+')
        i++;
    size_t d0 = i;
    while (i < len && isdig((unsigned char)s[i]))
        i++;
    size_t nd = i - d0;
    if (i < len && s[i] == '.') {
        size_t f0 = ++i;
        while (i < len && isdig((unsigned char)s[i]))
            i++;
        nd += i - f0;
    }
    if (nd == 0)
        return NB_EINVAL;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t e0 = i;
        while (i < len && isdig((unsigned char)s[i]))
            i++;
        if (i == e0)
            return NB_EINVAL;
    }
    if (i != len)
        return NB_EINVAL;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    double v = strtod(tmp, NULL);
    if (!(v >= T_MIN && v <= T_MAX))
        return NB_EINVAL;
    *t = v;
    return NB_OK;
}

int
nb_time_parse(const char *s, size_t len, int fmt, double *t)
{
    switch (fmt) {
    case NB_TS_ISO8601:
        return nb_time_parse_iso8601(s, len, t);
    case NB_TS_RFC822:
        return nb_time_parse_rfc822(s, len, t);
    case NB_TS_EPOCH:
        return nb_time_parse_epoch(s, len, t);
    default:
        if (nb_time_parse_iso8601(s, len, t) == NB_OK)
            return NB_OK;
        if (nb_time_parse_rfc822(s, len, t) == NB_OK)
            return NB_OK;
        return nb_time_parse_epoch(s, len, t);
    }
}
