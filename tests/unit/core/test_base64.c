/*
 * test_base64.c: src/core/base64.c against the RFC 4648 section 10 test
 * vectors, and the strict decoder against each kind of bad input that
 * DynamoDB refuses (dynalite validations/index.js, Blob: length not a
 * multiple of 4, a byte outside the alphabet or '=' followed by another
 * byte, spare bits set before the padding).
 */
#include <string.h>

#include "core/base64.h"
#include "t.h"

static void
vectors(void)
{
    /* RFC 4648 section 10 */
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const coded[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
                                        "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    char enc[16], dec[16], name[64];
    size_t n;

    for (size_t i = 0; i < NB_ARRAY_LEN(plain); i++) {
        size_t len = nb_b64_encode(enc, plain[i], strlen(plain[i]));
        snprintf(name, sizeof(name), "encode \"%s\"", plain[i]);
        t_streq(enc, coded[i], name);
        t_inteq(len, strlen(coded[i]), "encoded length returned");
        t_inteq(nb_b64_enc_len(strlen(plain[i])), strlen(coded[i]), "nb_b64_enc_len");
        memset(dec, 0, sizeof(dec));
        int rc = nb_b64_decode(dec, &n, coded[i], strlen(coded[i]), NULL);
        snprintf(name, sizeof(name), "decode \"%s\"", coded[i]);
        t_inteq(rc, NB_B64_OK, name);
        t_inteq(n, strlen(plain[i]), "decoded length");
        t_ok(memcmp(dec, plain[i], n) == 0, "decoded bytes");
    }
}

static void
all_bytes(void)
{
    unsigned char src[256], back[256];
    char enc[400];
    size_t n = 0;

    for (int i = 0; i < 256; i++)
        src[i] = (unsigned char)i;
    for (size_t len = 250; len <= 256; len++) {
        size_t el = nb_b64_encode(enc, src, len);
        int rc = nb_b64_decode(back, &n, enc, el, NULL);
        t_ok(rc == NB_B64_OK && n == len && memcmp(src, back, len) == 0,
             "every byte value round-trips");
    }
    /* Python: base64.b64encode(bytes([0xff, 0xfe, 0xfd])) == b'//79' */
    nb_b64_encode(enc, "\xff\xfe\xfd", 3);
    t_streq(enc, "//79", "high bytes use '/'");
    nb_b64_encode(enc, "\xfb\xef", 2);
    t_streq(enc, "++8=", "and '+'");
}

static void
bad(const char *in, int want, size_t want_at, const char *name)
{
    unsigned char out[64];
    size_t n = 99, at = 99;
    int rc = nb_b64_decode(out, &n, in, strlen(in), &at);
    t_inteq(rc, want, name);
    if (want == NB_B64_E_CHAR)
        t_inteq(at, want_at, "offset of the bad byte");
    t_inteq(n, 0, "no length on failure");
}

static void
strict(void)
{
    bad("Zg=", NB_B64_E_LENGTH, 0, "length 3 refused");
    bad("Zm9vY", NB_B64_E_LENGTH, 0, "length 5 refused");
    bad("Zm9v\n", NB_B64_E_LENGTH, 0, "trailing newline refused");
    bad("Zg", NB_B64_E_LENGTH, 0, "missing padding refused");
    bad("Zm 9", NB_B64_E_CHAR, 2, "space refused");
    bad("Zm9$", NB_B64_E_CHAR, 3, "'$' refused");
    bad("Zm-_", NB_B64_E_CHAR, 2, "URL-safe alphabet refused");
    bad("====", NB_B64_E_CHAR, 0, "padding only refused");
    bad("Z===", NB_B64_E_CHAR, 1, "three '=' refused");
    bad("Zg=a", NB_B64_E_CHAR, 2, "'=' then a letter refused");
    bad("Zg==Zm9v", NB_B64_E_CHAR, 2, "'=' before the last group refused");
    bad("Zm9vYg==Zm9v", NB_B64_E_CHAR, 6, "'=' in the middle refused");
    bad("Zm9v\xc3\xa9Zm", NB_B64_E_CHAR, 4, "non-ASCII refused");
    bad("Zh==", NB_B64_E_BITS, 0, "spare bits before '==' refused");
    bad("Zm9=", NB_B64_E_BITS, 0, "spare bits before '=' refused");
    bad("Zm9vYh==", NB_B64_E_BITS, 0, "spare bits in a later group refused");
}

int
main(void)
{
    vectors();
    all_bytes();
    strict();
    t_inteq(nb_b64_dec_max(8), 6, "nb_b64_dec_max");
    return t_done();
}
