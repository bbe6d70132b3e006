/*
 * timefmt.h: the three timestamp forms AWS protocols put on the wire, both
 * ways. A time is epoch seconds as a double with millisecond precision, as
 * in nb_value (NB_V_TIME). Formatting writes into a caller's buffer of at
 * least NB_TIME_STR_MAX bytes; parsing reads a slice (not NUL-terminated)
 * and refuses anything it does not understand, so codecs can give AWS's
 * error for a bad date. Only years 0000 to 9999 are representable.
 *
 * Which form goes where (botocore serialize.py BaseRestSerializer:
 * HEADER_TIMESTAMP_FORMAT = 'rfc822', QUERY_STRING_TIMESTAMP_FORMAT =
 * 'iso8601'; rest-json bodies default to unixTimestamp, rest-xml and query
 * bodies to iso8601) is the codecs' business (proto_bind.h).
 */
#ifndef NB_TIMEFMT_H
#define NB_TIMEFMT_H

#include "nb.h"

/* Bytes a formatted time may need, NUL included. */
#define NB_TIME_STR_MAX 40

/* "2014-04-29T18:30:38.000Z": always milliseconds (S3 and the query
 * protocol answer that way: AWS ListObjects "2009-10-12T17:50:30.000Z"). */
int nb_time_iso8601(char *dst, size_t n, double t);
/* "Tue, 29 Apr 2014 18:30:38 GMT" (RFC 7231 IMF-fixdate), seconds only. */
int nb_time_rfc822(char *dst, size_t n, double t);
/* "1398796238" when whole, else "1398796238.123" (ms, trailing zeros cut). */
int nb_time_epoch(char *dst, size_t n, double t);
/* One of the above by enum nb_tsfmt (NB_TS_DEFAULT is treated as ISO 8601).
 * Each returns NB_OK, or NB_EINVAL when t is out of range or n too small. */
int nb_time_format(char *dst, size_t n, double t, int fmt);

/* ISO 8601 / RFC 3339: "YYYY-MM-DDTHH:MM:SS[.f+](Z|+hh:mm|-hhmm)", the
 * basic form "YYYYMMDDTHHMMSSZ" (x-amz-date), 't'/'z' in either case, and
 * a space for 'T'. A missing zone is read as UTC. */
int nb_time_parse_iso8601(const char *s, size_t len, double *t);
/* HTTP dates: IMF-fixdate "Tue, 29 Apr 2014 18:30:38 GMT", the weekday
 * optional and unchecked, zone "GMT", "UTC", "Z" or "+hhmm"; also RFC 850
 * ("Tuesday, 29-Apr-14 18:30:38 GMT") and asctime ("Tue Apr 29 18:30:38
 * 2014"), which RFC 7231 section 7.1.1.1 says recipients must accept. */
int nb_time_parse_rfc822(const char *s, size_t len, double *t);
/* Epoch seconds: "-"? digits ("." digits)? (e/E exponent)?. */
int nb_time_parse_epoch(const char *s, size_t len, double *t);
/* By enum nb_tsfmt; NB_TS_DEFAULT tries ISO 8601, then HTTP date, then
 * epoch seconds. Each returns NB_OK or NB_EINVAL. */
int nb_time_parse(const char *s, size_t len, int fmt, double *t);

/* Whole-second forms for SigV4 (sigv4_verify.c), for any t (a year past
 * 9999 is cut at the buffer): "20240101T000000Z", ISO 8601 basic format as
 * in X-Amz-Date and the credential scope, and "2024-01-01T00:00:00Z", the
 * extended form S3 puts in ServerTime and Expires. */
void nb_time_basic(char dst[32], int64_t t);
void nb_time_iso_seconds(char dst[32], int64_t t);

/* Seconds since the epoch for a UTC civil date (no range check). */
int64_t nb_time_from_civil(int64_t y, int mon, int day);

#endif
