/*
 * sts_int.h: private to src/services/sts/: the operation handlers.
 */
#ifndef NB_STS_INT_H
#define NB_STS_INT_H

#include "core/nb.h"

int sts_assume_role(nb_call *call, const nb_value *in, nb_value *out);
int sts_assume_role_with_web_identity(nb_call *call, const nb_value *in, nb_value *out);
int sts_get_access_key_info(nb_call *call, const nb_value *in, nb_value *out);
int sts_get_caller_identity(nb_call *call, const nb_value *in, nb_value *out);
int sts_get_federation_token(nb_call *call, const nb_value *in, nb_value *out);
int sts_get_session_token(nb_call *call, const nb_value *in, nb_value *out);

#endif
