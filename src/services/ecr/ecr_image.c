/*
 * ecr_image.c: the image operations. nimbus has no image registry (no
 * Docker Registry HTTP API behind the repositoryUri), so no image is ever
 * pushed: these answer as ECR does for a repository that holds none,
 * after checking that the repository exists.
 *
 * AWS: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/
 * (API_DescribeImages.html, API_ListImages.html, API_BatchGetImage.html,
 * API_BatchDeleteImage.html, API_ImageFailure.html). The texts
 * ("Requested image not found", the ImageNotFoundException message with
 * 'null' for an absent digest or tag) are ECR's, as captured CLI output
 * and moto's tests show them.
 */
#include <string.h>

#include "core/call.h"
#include "core/value.h"
#include "ecr_int.h"

static const char *
or_null(const char *s)
{
    return s ? s : "null";
}

int
ecr_describe_images(nb_call *call, const nb_value *in, nb_value *out)
{
    ecr_repo r;
    const nb_value *id = nb_first(nb_get(in, "imageIds"));
    int rc = ecr_repo_get(call, in, nb_get_str(in, "repositoryName"), &r);
    if (rc)
        return rc;
    if (id)
        return nb_fail(call, "ImageNotFoundException",
                       "The image with imageId {imageDigest:'%s', imageTag:'%s'} does not exist "
                       "within the repository with name '%s' in the registry with id '%s'",
                       or_null(nb_get_str(id, "imageDigest")), or_null(nb_get_str(id, "imageTag")),
                       r.name, r.registry);
    return nb_set_list(out, "imageDetails") ? NB_OK : NB_ENOMEM;
}

int
ecr_list_images(nb_call *call, const nb_value *in, nb_value *out)
{
    ecr_repo r;
    int rc = ecr_repo_get(call, in, nb_get_str(in, "repositoryName"), &r);
    if (rc)
        return rc;
    return nb_set_list(out, "imageIds") ? NB_OK : NB_ENOMEM;
}

/* One ImageFailure per requested id: none of them exists. */
static int
failures(const nb_value *in, nb_value *list)
{
    for (const nb_value *id = nb_first(nb_get(in, "imageIds")); id; id = id->next) {
        const char *digest = nb_get_str(id, "imageDigest"), *tag = nb_get_str(id, "imageTag");
        nb_value *f = nb_list_add_struct(list);
        nb_value *fid = f ? nb_set_struct(f, "imageId") : NULL;
        int rc = fid ? NB_OK : NB_ENOMEM;
        if (!rc && digest)
            rc = nb_set_str(fid, "imageDigest", digest);
        if (!rc && tag)
            rc = nb_set_str(fid, "imageTag", tag);
        if (!rc && !digest && !tag) {
            rc = nb_set_str(f, "failureCode", "MissingDigestAndTag");
            rc = rc ? rc
                    : nb_set_str(f, "failureReason",
                                 "Invalid request parameters: both tag and digest cannot be null");
        } else if (!rc) {
            rc = nb_set_str(f, "failureCode", "ImageNotFound");
            rc = rc ? rc : nb_set_str(f, "failureReason", "Requested image not found");
        }
        if (rc)
            return rc;
    }
    return NB_OK;
}

int
ecr_batch_get_image(nb_call *call, const nb_value *in, nb_value *out)
{
    ecr_repo r;
    int rc = ecr_repo_get(call, in, nb_get_str(in, "repositoryName"), &r);
    if (rc)
        return rc;
    nb_value *images = nb_set_list(out, "images"), *fail = nb_set_list(out, "failures");
    return images && fail ? failures(in, fail) : NB_ENOMEM;
}

int
ecr_batch_delete_image(nb_call *call, const nb_value *in, nb_value *out)
{
    ecr_repo r;
    int rc = ecr_repo_get(call, in, nb_get_str(in, "repositoryName"), &r);
    if (rc)
        return rc;
    nb_value *ids = nb_set_list(out, "imageIds"), *fail = nb_set_list(out, "failures");
    return ids && fail ? failures(in, fail) : NB_ENOMEM;
}
