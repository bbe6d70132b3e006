/*
 * s3_acl.c: access control lists (placeholder until the ACL slice).
 */
#include "core/call.h"
#include "s3_int.h"

int
s3_acl_from_request(nb_call *call, const nb_value *in, const char *owner, const char **json)
{
    *json = "";
    return NB_OK;
}
