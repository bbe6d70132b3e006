/*
 * test_timefmt.c: timestamp formatting and parsing. Expected strings come
 * from AWS and RFC examples: "Tue, 29 Apr 2014 18:30:38 GMT" (botocore's
 * rfc822 form), "2009-10-12T17:50:30.000Z" (AWS S3 ListObjects example),
 * and RFC 7231 section 7.1.1.1's "Sun, 06 Nov 1994 08:49:37 GMT" in its
 * three forms. Epoch values were computed with Python's calendar.timegm.
 */
#include <math.h>

#include "core/model.h"
#include "core/timefmt.h"
#include "t.h"

static double
p(const char *s, int fmt, int *rc)
{
    double t = -12345;
    *rc = nb_time_parse(s, strlen(s), fmt, &t);
    return t;
}

static void
ok_parse(const char *s, int fmt, double want, const char *name)
{
    int rc;
    double t = p(s, fmt, &rc);
    t_ok(rc == 0 && fabs(t - want) < 0.0005, name);
    if (rc || fabs(t - want) >= 0.0005)
        printf("#   %s -> rc %d t %.3f want %.3f\n", s, rc, t, want);
}

static void
bad_parse(const char *s, int fmt, const char *name)
{
    int rc;
    p(s, fmt, &rc);
    t_inteq(rc, NB_EINVAL, name);
}

static void
test_format(void)
{
    char b[NB_TIME_STR_MAX];
    t_inteq(nb_time_rfc822(b, sizeof(b), 1398796238), 0, "rfc822 rc");
    t_streq(b, "Tue, 29 Apr 2014 18:30:38 GMT", "rfc822 botocore example");
    nb_time_rfc822(b, sizeof(b), 784111777.9);
    t_streq(b, "Sun, 06 Nov 1994 08:49:37 GMT", "rfc822 drops the fraction");
    nb_time_iso8601(b, sizeof(b), 1255369830);
    t_streq(b, "2009-10-12T17:50:30.000Z", "iso8601 S3 example");
    nb_time_iso8601(b, sizeof(b), 1398796238.123);
    t_streq(b, "2014-04-29T18:30:38.123Z", "iso8601 milliseconds");
    nb_time_iso8601(b, sizeof(b), 1398796238.9996);
    t_streq(b, "2014-04-29T18:30:39.000Z", "iso8601 rounds to ms");
    nb_time_iso8601(b, sizeof(b), -1);
    t_streq(b, "1969-12-31T23:59:59.000Z", "iso8601 before epoch");
    nb_time_iso8601(b, sizeof(b), 951782400);
    t_streq(b, "2000-02-29T00:00:00.000Z", "iso8601 leap day");
    nb_time_iso8601(b, sizeof(b), 253402300799);
    t_streq(b, "9999-12-31T23:59:59.000Z", "iso8601 last second");
    t_inteq(nb_time_iso8601(b, sizeof(b), 253402300800.0), NB_EINVAL, "year 10000 refused");
    t_inteq(nb_time_iso8601(b, sizeof(b), NAN), NB_EINVAL, "NaN refused");
    t_inteq(nb_time_iso8601(b, 10, 0), NB_EINVAL, "small buffer refused");
    nb_time_epoch(b, sizeof(b), 1398796238);
    t_streq(b, "1398796238", "epoch whole");
    nb_time_epoch(b, sizeof(b), 1398796238.5);
    t_streq(b, "1398796238.5", "epoch fraction trimmed");
    nb_time_epoch(b, sizeof(b), 1398796238.123);
    t_streq(b, "1398796238.123", "epoch ms");
    nb_time_epoch(b, sizeof(b), -0.25);
    t_streq(b, "-0.25", "epoch negative fraction");
    nb_time_format(b, sizeof(b), 0, NB_TS_DEFAULT);
    t_streq(b, "1970-01-01T00:00:00.000Z", "default is iso8601");
    nb_time_format(b, sizeof(b), 0, NB_TS_RFC822);
    t_streq(b, "Thu, 01 Jan 1970 00:00:00 GMT", "epoch day is a Thursday");
}

static void
test_parse(void)
{
    ok_parse("2014-04-29T18:30:38Z", NB_TS_ISO8601, 1398796238, "iso no fraction");
    ok_parse("2014-04-29T18:30:38.000Z", NB_TS_ISO8601, 1398796238, "iso ms");
    ok_parse("2014-04-29T18:30:38.123456Z", NB_TS_ISO8601, 1398796238.123456, "iso us");
    ok_parse("2014-04-29T20:30:38+02:00", NB_TS_ISO8601, 1398796238, "iso offset");
    ok_parse("2014-04-29T17:30:38-0100", NB_TS_ISO8601, 1398796238, "iso offset basic");
    ok_parse("2014-04-29t18:30:38z", NB_TS_ISO8601, 1398796238, "iso lower case");
    ok_parse("2014-04-29T18:30:38", NB_TS_ISO8601, 1398796238, "iso no zone is UTC");
    ok_parse("20140429T183038Z", NB_TS_ISO8601, 1398796238, "iso basic (x-amz-date)");
    ok_parse("2000-02-29T00:00:00Z", NB_TS_ISO8601, 951782400, "iso leap day");
    bad_parse("2001-02-29T00:00:00Z", NB_TS_ISO8601, "iso not a leap year");
    bad_parse("2014-13-01T00:00:00Z", NB_TS_ISO8601, "iso month 13");
    bad_parse("2014-04-29T24:00:00Z", NB_TS_ISO8601, "iso hour 24");
    bad_parse("2014-04-29", NB_TS_ISO8601, "iso date only");
    bad_parse("2014-04-29T18:30:38.Z", NB_TS_ISO8601, "iso empty fraction");
    bad_parse("2014-04-29T18:30:38Zjunk", NB_TS_ISO8601, "iso trailing junk");
    bad_parse("2014-4-29T18:30:38Z", NB_TS_ISO8601, "iso short month");
    bad_parse("", NB_TS_ISO8601, "iso empty");

    ok_parse("Tue, 29 Apr 2014 18:30:38 GMT", NB_TS_RFC822, 1398796238, "http date");
    ok_parse("Sun, 06 Nov 1994 08:49:37 GMT", NB_TS_RFC822, 784111777, "RFC 7231 fixdate");
    ok_parse("Sunday, 06-Nov-94 08:49:37 GMT", NB_TS_RFC822, 784111777, "RFC 850 date");
    ok_parse("Sun Nov  6 08:49:37 1994", NB_TS_RFC822, 784111777, "asctime date");
    ok_parse("06 Nov 1994 08:49:37 GMT", NB_TS_RFC822, 784111777, "no weekday");
    ok_parse("Sun, 06 Nov 1994 09:49:37 +0100", NB_TS_RFC822, 784111777, "numeric zone");
    ok_parse("Sun, 6 Nov 1994 08:49:37 UTC", NB_TS_RFC822, 784111777, "one-digit day, UTC");
    bad_parse("Sun, 06 Foo 1994 08:49:37 GMT", NB_TS_RFC822, "bad month");
    bad_parse("Sun, 31 Nov 1994 08:49:37 GMT", NB_TS_RFC822, "Nov 31");
    bad_parse("Sun, 06 Nov 1994 08:49 GMT", NB_TS_RFC822, "no seconds");
    bad_parse("Sun, 06 Nov 1994 08:49:37 PST", NB_TS_RFC822, "zone name");
    bad_parse("Sun 06 Nov 1994 08:49:37 GMT", NB_TS_RFC822, "no comma");
    bad_parse("1398796238", NB_TS_RFC822, "epoch is not a date");

    ok_parse("1398796238", NB_TS_EPOCH, 1398796238, "epoch");
    ok_parse("1398796238.123", NB_TS_EPOCH, 1398796238.123, "epoch fraction");
    ok_parse("1.398796238E9", NB_TS_EPOCH, 1398796238, "epoch exponent");
    ok_parse("-1", NB_TS_EPOCH, -1, "epoch negative");
    bad_parse("12abc", NB_TS_EPOCH, "epoch junk");
    bad_parse("0x10", NB_TS_EPOCH, "epoch hex");
    bad_parse("inf", NB_TS_EPOCH, "epoch inf");
    bad_parse("1e400", NB_TS_EPOCH, "epoch overflow");
    bad_parse(".", NB_TS_EPOCH, "epoch dot");
    bad_parse("1e", NB_TS_EPOCH, "epoch bare exponent");

    ok_parse("2014-04-29T18:30:38Z", NB_TS_DEFAULT, 1398796238, "any: iso");
    ok_parse("Tue, 29 Apr 2014 18:30:38 GMT", NB_TS_DEFAULT, 1398796238, "any: http");
    ok_parse("1398796238", NB_TS_DEFAULT, 1398796238, "any: epoch");
    bad_parse("yesterday", NB_TS_DEFAULT, "any: junk");

    /* Slices need no NUL: parse only the first 20 bytes. */
    double t = 0;
    t_inteq(nb_time_parse_iso8601("2014-04-29T18:30:38Zxyz", 20, &t), 0, "slice parse");
    t_inteq(nb_time_from_civil(1970, 1, 1), 0, "civil epoch");
}

static void
test_roundtrip(void)
{
    char b[NB_TIME_STR_MAX];
    int bad = 0;
    for (double t = -62167219200.0; t < 253402300799.0; t += 86400.0 * 97 + 3661.123) {
        double u = 0;
        nb_time_iso8601(b, sizeof(b), t);
        if (nb_time_parse_iso8601(b, strlen(b), &u) || fabs(u - t) > 0.0006)
            bad++;
        nb_time_rfc822(b, sizeof(b), t);
        if (nb_time_parse_rfc822(b, strlen(b), &u) || fabs(u - floor(t)) > 0.0006)
            bad++;
    }
    t_inteq(bad, 0, "round trips over years 0000-9999");
}

int
main(void)
{
    test_format();
    test_parse();
    test_roundtrip();
    return t_done();
}
