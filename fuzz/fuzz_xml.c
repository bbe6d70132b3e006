/*
 * fuzz_xml.c: libFuzzer target for the XML reader and writer (xml.c).
 * The input is parsed as a document and the tree walked; then the same
 * bytes are written as escaped text and attribute value inside an element,
 * and that output must parse: the writer may never produce XML the
 * reader refuses, whatever bytes it is given. Seeds: fuzz/corpus/xml/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
walk(const nb_xml_node *n, int depth)
{
    size_t count = 0;
    for (; n; n = n->next) {
        count += 1 + n->text_len;
        for (const nb_xml_attr *a = n->attrs; a; a = a->next)
            count += a->len;
        if (depth > NB_DEPTH_MAX)
            abort(); /* the reader's bound did not hold */
        count += walk(n->first, depth + 1);
    }
    return count;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const nb_xml_node *root;
    nb_xml_err err;
    nb_arena *a = nb_arena_new(0);
    nb_buf b;
    if (!a)
        return 0;
    if (nb_xml_parse(a, (const char *)data, size, &root, &err) == NB_OK)
        walk(root, 1);

    nb_buf_init(&b, 8 * size + 256);
    if (nb_xmlw_open(&b, "r") == NB_OK &&
        nb_xmlw_attr(&b, "v", (const char *)data, size) == NB_OK && nb_xmlw_open_end(&b) == NB_OK &&
        nb_xmlw_text(&b, (const char *)data, size) == NB_OK && nb_xmlw_end(&b, "r") == NB_OK) {
        if (nb_xml_parse(a, b.p, b.len, &root, &err) != NB_OK)
            abort(); /* the writer wrote something the reader refuses */
    }
    nb_buf_free(&b);
    nb_arena_free(a);
    return 0;
}
