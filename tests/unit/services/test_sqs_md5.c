/*
 * test_sqs_md5.c: MD5OfMessageAttributes as SQS computes it
 * (sqs_md5_attrs). Expected digests are AWS's own answers, recorded
 * against real SQS by LocalStack's snapshot tests
 * (localstack/localstack tests/aws/services/sqs/test_sqs.snapshot.json:
 * test_receive_message_attribute_names_filters, test_dead_letter_queue_
 * message_attributes, test_receive_message_message_attribute_names_filters,
 * test_send_message_with_binary_attributes). The SDK for Java and the AWS
 * SDK for .NET check these digests; the algorithm is the SQS Developer
 * Guide's "Calculating the MD5 message digest for message attributes".
 */
#include <string.h>

#include "core/arena.h"
#include "core/value.h"
#include "services/sqs/sqs_int.h"
#include "t.h"

static void
add(nb_value *m, const char *name, const char *type, const char *s, const void *bin, size_t n)
{
    nb_value *v = nb_value_struct(nb_value_arena(m));
    nb_set_str(v, "DataType", type);
    if (bin)
        nb_set_blob(v, "BinaryValue", bin, n);
    else
        nb_set_str(v, "StringValue", s);
    nb_value_put(m, name, strlen(name), v);
}

int
main(void)
{
    nb_arena *a = nb_arena_new(0);
    char hex[33];

    nb_value *m = nb_value_map(a);
    add(m, "Foo", "String", "Bar", NULL, 0);
    t_ok(sqs_md5_attrs(a, m, hex) == NB_OK, "one string attribute");
    t_streq(hex, "ae7155c6026991b6d54b11589678bf9c", "Foo=Bar (AWS)");

    m = nb_value_map(a);
    add(m, "MyAttribute", "String", "foobar", NULL, 0);
    sqs_md5_attrs(a, m, hex);
    t_streq(hex, "adb59cd4678ea5a855436b949cd07ab6", "MyAttribute=foobar (AWS)");

    /* names are sorted before digesting: insertion order must not matter */
    m = nb_value_map(a);
    add(m, "Help.Me", "String", "Me", NULL, 0);
    add(m, "Hello", "String", "There", NULL, 0);
    add(m, "General", "String", "Kenobi", NULL, 0);
    sqs_md5_attrs(a, m, hex);
    t_streq(hex, "4c360f3fdafd970e05fae2f149d997f5", "three attributes, unsorted input (AWS)");

    m = nb_value_map(a);
    add(m, "Hello", "String", "There", NULL, 0);
    add(m, "General", "String", "Kenobi", NULL, 0);
    sqs_md5_attrs(a, m, hex);
    t_streq(hex, "fca026605781cb4126a1e9044df24232", "two attributes (AWS)");

    static const char tp[] = "traceparent\x1e"
                             "00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01";
    m = nb_value_map(a);
    add(m, "attr1", "Binary", NULL, tp, sizeof(tp) - 1);
    sqs_md5_attrs(a, m, hex);
    t_streq(hex, "8cbe4db156db8a94db8b801b7addb984", "binary attribute (AWS)");

    nb_arena_free(a);
    return t_done();
}
