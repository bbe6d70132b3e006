/*
 * test_ddb_keyorder.c: the sortable key encoding (ddb_value.c
 * ddb_key_encode): comparing encodings bytewise (as SQLite compares
 * BLOBs) must give DynamoDB's order: S by UTF-8 bytes, B by bytes, N by
 * numeric value. AWS: DynamoDB developer guide, "Query" (sort key order).
 */
#include <stdlib.h>

#include "core/arena.h"
#include "core/value.h"
#include "services/dynamodb/ddb_int.h"
#include "t.h"

static nb_arena *A;

static int
enc_cmp(ddb_type t, const char *a, const char *b)
{
    nb_buf x, y;
    nb_buf_init(&x, 4096);
    nb_buf_init(&y, 4096);
    ddb_key_encode(ddb_av_str(A, t, a, strlen(a)), &x);
    ddb_key_encode(ddb_av_str(A, t, b, strlen(b)), &y);
    size_t n = x.len < y.len ? x.len : y.len;
    int c = n ? memcmp(x.p, y.p, n) : 0;
    if (!c)
        c = x.len == y.len ? 0 : x.len < y.len ? -1 : 1;
    nb_buf_free(&x);
    nb_buf_free(&y);
    return c < 0 ? -1 : c > 0;
}

int
main(void)
{
    static const char *const nums[] = {
        "-1e125", "-100", "-10", "-2.5", "-2", "-1.05", "-1", "-0.5", "-1e-130", "0",
        "1e-130", "0.5",  "1",   "1.05", "2",  "2.5",   "10", "100",  "1e125"};
    A = nb_arena_new(0);
    for (size_t i = 0; i + 1 < NB_ARRAY_LEN(nums); i++)
        for (size_t j = i + 1; j < NB_ARRAY_LEN(nums); j++) {
            char name[96];
            snprintf(name, sizeof(name), "N %s < %s", nums[i], nums[j]);
            if (j == i + 1 || enc_cmp(DDB_N, nums[i], nums[j]) != -1)
                t_inteq(enc_cmp(DDB_N, nums[i], nums[j]), -1, name);
        }
    t_inteq(enc_cmp(DDB_N, "1.50", "1.5"), 0, "equal numbers encode equally");
    t_inteq(enc_cmp(DDB_S, "Z", "a"), -1, "S: upper case first (bytes)");
    t_inteq(enc_cmp(DDB_S, "a", "a#1"), -1, "S: a prefix first");
    t_inteq(enc_cmp(DDB_S, "z", "\xc3\xa9"), -1, "S: UTF-8 bytes, not code units");
    t_inteq(enc_cmp(DDB_B, "\x01", "\x01\x01"), -1, "B: shorter first");
    t_inteq(enc_cmp(DDB_B, "\x7f", "\x80"), -1, "B: unsigned bytes");
    nb_arena_free(A);
    return t_done();
}
