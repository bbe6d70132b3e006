/*
 * limits.h: every bound nimbus puts on input, in one place, each with the
 * AWS limit it mirrors where there is one. A bound that is hit gives the
 * AWS error for it, never an abort or a silent cut.
 */
#ifndef NB_LIMITS_H
#define NB_LIMITS_H

/* Largest request body accepted outside streaming uploads. AWS: API
 * Gateway and most JSON/query APIs refuse bodies over 10 MB with 413. */
#define NB_BODY_MAX (16u * 1024 * 1024)
/* A request body over this size is spooled to a file (server.c, under
 * the store's blob folder) rather than kept in memory; operations whose
 * payload is a streaming blob (S3 PutObject, UploadPart) take the file,
 * others read it back into memory up to NB_BODY_MAX. */
#define NB_SPOOL_MIN (1024u * 1024)
/* Largest request body accepted at all. AWS: S3 takes at most 5 GiB in one
 * PUT (EntityTooLarge above); aws-chunked framing adds under 1%. */
#define NB_UPLOAD_MAX (5ull * 1024 * 1024 * 1024 + 64ull * 1024 * 1024)
/* Largest arena one call may use: a few times the body bound, since the
 * decoded tree and the encoded reply both live there. */
#define NB_ARENA_MAX (96u * 1024 * 1024)
/* Nesting depth of JSON or XML documents and of decoded trees. */
#define NB_DEPTH_MAX 64
/* Number of headers in one request (libmicrohttpd bounds their bytes). */
#define NB_HEADERS_MAX 256
/* Number of entries in one decoded list or map, or of query parameters. */
#define NB_LIST_MAX 100000
/* Largest response body built in memory. */
#define NB_RESP_MAX (64u * 1024 * 1024)
/* Per-connection memory for the request line, headers and I/O buffers.
 * AWS front ends take about 16 KiB of headers (S3: 8 KiB of user
 * metadata); libmicrohttpd clears this pool between requests, so it is
 * kept small. */
#define NB_CONN_MEMORY (32u * 1024)
/* Simultaneous connections. */
#define NB_CONN_MAX 4096
/* Seconds an idle keep-alive connection is kept. */
#define NB_CONN_IDLE_S 120

#endif
