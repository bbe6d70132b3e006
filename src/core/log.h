/*
 * log.h: leveled logging to stderr. One line per request at info level;
 * bodies at debug. The level is set once at start.
 */
#ifndef NB_LOG_H
#define NB_LOG_H

#include "nb.h"

enum nb_log_level { NB_LOG_DEBUG = 0, NB_LOG_INFO, NB_LOG_WARN, NB_LOG_ERROR, NB_LOG_OFF };

extern int nb_log_level;

/* Parses "debug", "info", "warn", "error", "off"; -1 when unknown. */
int nb_log_parse_level(const char *s);
void nb_log(int level, const char *fmt, ...) NB_PRINTF(2, 3);

#define nb_debug(...) (nb_log_level <= NB_LOG_DEBUG ? nb_log(NB_LOG_DEBUG, __VA_ARGS__) : (void)0)
#define nb_info(...) (nb_log_level <= NB_LOG_INFO ? nb_log(NB_LOG_INFO, __VA_ARGS__) : (void)0)
#define nb_warn(...) nb_log(NB_LOG_WARN, __VA_ARGS__)
#define nb_error(...) nb_log(NB_LOG_ERROR, __VA_ARGS__)

#endif
