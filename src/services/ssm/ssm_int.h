/*
 * ssm_int.h: private to src/services/ssm/: the stored form of a parameter
 * version, the helpers the handler files share, and the handlers.
 *
 * A parameter is a head row (ssm_params: its latest version) and one row
 * per version (ssm_versions: value and attributes as they were then), with
 * labels (ssm_labels) and tags (ssm_tags) beside; all keyed by account,
 * region and name.
 */
#ifndef NB_SSM_INT_H
#define NB_SSM_INT_H

#include "core/nb.h"
#include "services/tags.h"

/* One version of a parameter, strings in the call's arena. */
typedef struct ssm_ver {
    const char *name;            /* full name, "/a/b" or "MyParam" */
    int64_t version;             /* 1, 2, ... */
    const char *type;            /* String, StringList, SecureString */
    const char *value;           /* plain value (SecureString too) */
    const char *description;     /* or "" */
    const char *key_id;          /* SecureString KMS key, or "" */
    const char *allowed_pattern; /* or "" */
    const char *tier;            /* Standard, Advanced */
    const char *data_type;       /* text, aws:ec2:image, aws:ssm:integration */
    const char *policies;        /* the Policies JSON text, or "" */
    double modified;             /* when this version was written */
    const char *user;            /* ARN of who wrote it */
} ssm_ver;

/* The name a request means: an ARN (arn:aws:ssm:...:parameter/a/b) is
 * turned into its name ("/a/b"); anything else is as given. */
const char *ssm_name_of(nb_call *call, const char *name);
/* The parameter's ARN. */
const char *ssm_arn(nb_call *call, const char *name);
/* Loads version (0: the latest) of name. NB_OK, NB_ENOTFOUND (nothing
 * raised), or an error. */
int ssm_load(nb_call *call, const char *name, int64_t version, ssm_ver *out);
/* Latest version of name, or 0 when there is no such parameter. */
int64_t ssm_latest(nb_call *call, const char *name);
/* Fills a Parameter structure (selector: ":3", ":label" or NULL). */
int ssm_parameter_out(nb_call *call, nb_value *p, const ssm_ver *v, const char *selector,
                      int decrypt);
/* Fills a ParameterMetadata structure. */
int ssm_metadata_out(nb_call *call, nb_value *p, const ssm_ver *v);
/* The value as a client sees it: SecureString values are shown
 * "encrypted" unless decrypt is set. */
const char *ssm_shown_value(nb_call *call, const ssm_ver *v, int decrypt);
/* Opaque page tokens: the last name (or number) of a page. */
const char *ssm_token_make(nb_call *call, const char *last);
const char *ssm_token_read(nb_call *call, const char *token);
/* The tag rows of parameters (services/tags.h). */
extern const nb_tag_sql ssm_tag_sql;
/* Whether the parameter has a tag key equal to value (value NULL: any). */
int ssm_has_tag(nb_call *call, const char *name, const char *key, const nb_value *values);
/* Whether some version of the parameter carries label. */
int ssm_has_label(nb_call *call, const char *name, const nb_value *labels);

int ssm_put_parameter(nb_call *call, const nb_value *in, nb_value *out);
int ssm_get_parameter(nb_call *call, const nb_value *in, nb_value *out);
int ssm_get_parameters(nb_call *call, const nb_value *in, nb_value *out);
int ssm_delete_parameter(nb_call *call, const nb_value *in, nb_value *out);
int ssm_delete_parameters(nb_call *call, const nb_value *in, nb_value *out);
int ssm_get_parameter_history(nb_call *call, const nb_value *in, nb_value *out);
int ssm_get_parameters_by_path(nb_call *call, const nb_value *in, nb_value *out);
int ssm_describe_parameters(nb_call *call, const nb_value *in, nb_value *out);
int ssm_label_parameter_version(nb_call *call, const nb_value *in, nb_value *out);
int ssm_unlabel_parameter_version(nb_call *call, const nb_value *in, nb_value *out);
int ssm_add_tags_to_resource(nb_call *call, const nb_value *in, nb_value *out);
int ssm_list_tags_for_resource(nb_call *call, const nb_value *in, nb_value *out);
int ssm_remove_tags_from_resource(nb_call *call, const nb_value *in, nb_value *out);

#endif
