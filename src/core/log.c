/*
 * log.c: leveled log lines on stderr, each with a UTC timestamp and level.
 * Writes are unbuffered single fprintf calls so lines do not interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "log.h"

int nb_log_level = NB_LOG_INFO;

static const char *const names[] = {"debug", "info", "warn", "error", "off"};

int
nb_log_parse_level(const char *s)
{
    for (size_t i = 0; i < NB_ARRAY_LEN(names); i++)
        if (strcmp(s, names[i]) == 0)
            return (int)i;
    if (strcmp(s, "warning") == 0)
        return NB_LOG_WARN;
    return -1;
}

void
nb_log(int level, const char *fmt, ...)
{
    if (level < nb_log_level || level >= NB_LOG_OFF)
        return;
    char line[2048];
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    int n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %-5s ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     (int)(tv.tv_usec / 1000), names[level]);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof(line))
        vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", line);
}
