/*
 * test_rest_route.c: requestUri template matching. The model below is a
 * hand-made slice of real ones, with their templates as botocore 1.43.11
 * has them: S3 (s3/2006-03-01: several operations per template told apart
 * by query keys, required members and method), Lambda (lambda/2015-03-31:
 * ListFunctions "GET /2015-03-31/functions/" and CreateFunction "POST
 * /2015-03-31/functions"), and S3 Control's greedy label in mid-path
 * (s3control/2018-08-20 GetMultiRegionAccessPointPolicy
 * "/v20180820/mrap/instances/{name+}/policy").
 */
#include "core/arena.h"
#include "core/rest_route.h"
#include "core/service.h"
#include "t.h"

enum {
    S_STR,
    S_INT,
    S_EMPTY,
    S_BUCKET,
    S_OBJ,
    S_LISTPARTS,
    S_COPY,
    S_PART,
    S_PARTCOPY,
    S_FN,
    S_MRAP,
    S_ANALYTICS,
    S_LISTDIR
};

#define MB(n, w, s, l, f)                                                                          \
    {                                                                                              \
        .name = n, .wire = w, .shape = s, .loc = l, .flags = f                                     \
    }
#define RQ NB_MF_REQUIRED

static const nb_member members[] = {
    /* S_BUCKET 0 */
    MB("Bucket", "Bucket", S_STR, NB_LOC_URI, RQ),
    /* S_OBJ 1 */
    MB("Bucket", "Bucket", S_STR, NB_LOC_URI, RQ),
    MB("Key", "Key", S_STR, NB_LOC_URI, RQ),
    /* S_LISTPARTS 3 */
    MB("Bucket", "Bucket", S_STR, NB_LOC_URI, RQ),
    MB("Key", "Key", S_STR, NB_LOC_URI, RQ),
    MB("UploadId", "uploadId", S_STR, NB_LOC_QUERY, RQ),
    /* S_COPY 6 */
    MB("Bucket", "Bucket", S_STR, NB_LOC_URI, RQ),
    MB("CopySource", "x-amz-copy-source", S_STR, NB_LOC_HEADER, RQ),
    MB("Key", "Key", S_STR, NB_LOC_URI, RQ),
    /* S_PART 9 */
    MB("Bucket", "Bucket", S_STR, NB_LOC_URI, RQ),
    MB("Key", "Key", S_STR, NB_LOC_URI, RQ),
    MB("PartNumber", "partNumber", S_INT, NB_LOC_QUERY, RQ),
    MB("UploadId", "uploadId", S_STR, NB_LOC_QUERY, RQ),
    /* S_PARTCOPY 13 */
    MB("Bucket", "Bucket", S_STR, NB_LOC_URI, RQ),
    MB("CopySource", "x-amz-copy-source", S_STR, NB_LOC_HEADER, RQ),
    MB("Key", "Key", S_STR, NB_LOC_URI, RQ),
    MB("PartNumber", "partNumber", S_INT, NB_LOC_QUERY, RQ),
    MB("UploadId", "uploadId", S_STR, NB_LOC_QUERY, RQ),
    /* S_FN 18 */
    MB("FunctionName", "FunctionName", S_STR, NB_LOC_URI, RQ),
    /* S_MRAP 19 */
    MB("AccountId", "x-amz-account-id", S_STR, NB_LOC_HEADER, RQ),
    MB("Name", "name", S_STR, NB_LOC_URI, RQ),
    /* S_ANALYTICS 21 */
    MB("Bucket", "Bucket", S_STR, NB_LOC_URI, RQ),
    MB("Id", "id", S_STR, NB_LOC_QUERY, RQ),
    /* S_LISTDIR 23 */
    MB("MaxDirectoryBuckets", "max-directory-buckets", S_INT, NB_LOC_QUERY, 0),
};

#define SH(n, t, nm, m0)                                                                           \
    {                                                                                              \
        .name = n, .type = t, .nmembers = nm, .members = m0                                        \
    }
static const nb_shape shapes[] = {
    SH("String", NB_T_STRING, 0, 0),         SH("Integer", NB_T_INTEGER, 0, 0),
    SH("Empty", NB_T_STRUCTURE, 0, 0),       SH("BucketIn", NB_T_STRUCTURE, 1, 0),
    SH("ObjIn", NB_T_STRUCTURE, 2, 1),       SH("ListPartsIn", NB_T_STRUCTURE, 3, 3),
    SH("CopyIn", NB_T_STRUCTURE, 3, 6),      SH("PartIn", NB_T_STRUCTURE, 4, 9),
    SH("PartCopyIn", NB_T_STRUCTURE, 5, 13), SH("FnIn", NB_T_STRUCTURE, 1, 18),
    SH("MrapIn", NB_T_STRUCTURE, 2, 19),     SH("AnalyticsIn", NB_T_STRUCTURE, 2, 21),
    SH("ListDirIn", NB_T_STRUCTURE, 1, 23),
};

#define OP(n, m, u, in)                                                                            \
    {                                                                                              \
        .name = n, .method = m, .uri = u, .input = in, .output = NB_NO_SHAPE, .http_status = 200   \
    }
/* Sorted by name, as the generator writes them. */
static const nb_operation ops[] = {
    OP("CopyObject", "PUT", "/{Bucket}/{Key+}", S_COPY),
    OP("CreateBucket", "PUT", "/{Bucket}", S_BUCKET),
    OP("CreateFunction", "POST", "/2015-03-31/functions", S_EMPTY),
    OP("CreateMultipartUpload", "POST", "/{Bucket}/{Key+}?uploads", S_OBJ),
    OP("DeleteObject", "DELETE", "/{Bucket}/{Key+}", S_OBJ),
    OP("GetBucketAnalyticsConfiguration", "GET", "/{Bucket}?analytics", S_ANALYTICS),
    OP("GetBucketLifecycle", "GET", "/{Bucket}?lifecycle", S_BUCKET),
    OP("GetBucketLifecycleConfiguration", "GET", "/{Bucket}?lifecycle", S_BUCKET),
    OP("GetMultiRegionAccessPointPolicy", "GET", "/v20180820/mrap/instances/{name+}/policy",
       S_MRAP),
    OP("GetObject", "GET", "/{Bucket}/{Key+}", S_OBJ),
    OP("HeadObject", "HEAD", "/{Bucket}/{Key+}", S_OBJ),
    OP("Invoke", "POST", "/2015-03-31/functions/{FunctionName}/invocations", S_FN),
    OP("ListBucketAnalyticsConfigurations", "GET", "/{Bucket}?analytics", S_BUCKET),
    OP("ListBuckets", "GET", "/", NB_NO_SHAPE),
    OP("ListDirectoryBuckets", "GET", "/", S_LISTDIR),
    OP("ListFunctions", "GET", "/2015-03-31/functions/", S_EMPTY),
    OP("ListMultipartUploads", "GET", "/{Bucket}?uploads", S_BUCKET),
    OP("ListObjects", "GET", "/{Bucket}", S_BUCKET),
    OP("ListObjectsV2", "GET", "/{Bucket}?list-type=2", S_BUCKET),
    OP("ListParts", "GET", "/{Bucket}/{Key+}", S_LISTPARTS),
    OP("PutObject", "PUT", "/{Bucket}/{Key+}", S_OBJ),
    OP("SelectObjectContent", "POST", "/{Bucket}/{Key+}?select&select-type=2", S_OBJ),
    OP("UploadPart", "PUT", "/{Bucket}/{Key+}", S_PART),
    OP("UploadPartCopy", "PUT", "/{Bucket}/{Key+}", S_PARTCOPY),
};

static const nb_model model = {
    .service_id = "RouteTest",
    .api_version = "2006-03-01",
    .protocol = NB_P_REST_XML,
    .shapes = shapes,
    .nshapes = NB_ARRAY_LEN(shapes),
    .members = members,
    .nmembers = NB_ARRAY_LEN(members),
    .ops = ops,
    .nops = NB_ARRAY_LEN(ops),
};

static nb_arena *arena;
static nb_rest_match mt;

/* Routes method + url (+ "?query") with up to two headers "name: value". */
static int
route(const char *method, const char *url, const char *h1, const char *h2)
{
    static nb_header hs[2];
    char path[512];
    const char *q = strchr(url, '?');
    size_t n = q ? (size_t)(q - url) : strlen(url);
    memcpy(path, url, n);
    path[n] = '\0';
    size_t nh = 0;
    const char *hv[2] = {h1, h2};
    for (int i = 0; i < 2; i++) {
        if (!hv[i])
            continue;
        const char *c = strchr(hv[i], ':');
        hs[nh].name = nb_arena_strndup(arena, hv[i], (size_t)(c - hv[i]));
        hs[nh].value = c + 2;
        nh++;
    }
    nb_http_req req = {.method = method,
                       .url = nb_arena_strdup(arena, path),
                       .query = q ? q + 1 : "",
                       .headers = hs,
                       .nheaders = nh};
    return nb_rest_route(arena, &model, &req, NULL, NULL, &mt);
}

static const char *
opname(void)
{
    return mt.op ? mt.op->name : "(none)";
}

static const char *
label(const char *name)
{
    const nb_rest_label *l = nb_rest_label_get(&mt, name);
    return l ? l->value : NULL;
}

#define ROUTE_IS(m, u, want, name)                                                                 \
    do {                                                                                           \
        route(m, u, NULL, NULL);                                                                   \
        t_streq(opname(), want, name);                                                             \
    } while (0)

static void
test_s3(void)
{
    ROUTE_IS("GET", "/", "ListBuckets", "GET / is ListBuckets");
    ROUTE_IS("GET", "/b", "ListObjects", "GET /b is ListObjects");
    t_streq(label("Bucket"), "b", "bucket label");
    ROUTE_IS("GET", "/b/", "ListObjects", "GET /b/ is ListObjects too");
    ROUTE_IS("GET", "/b?list-type=2&prefix=x", "ListObjectsV2", "list-type=2 picks V2");
    ROUTE_IS("GET", "/b?list-type=1", "ListObjects", "list-type=1 is not V2");
    ROUTE_IS("GET", "/b?uploads", "ListMultipartUploads", "bare ?uploads");
    ROUTE_IS("GET", "/b?uploads=", "ListMultipartUploads", "?uploads= counts as present");
    ROUTE_IS("PUT", "/b", "CreateBucket", "PUT /b");
    ROUTE_IS("GET", "/b/k", "GetObject", "GET object");
    t_streq(label("Key"), "k", "key label");
    ROUTE_IS("HEAD", "/b/k", "HeadObject", "HEAD object");
    ROUTE_IS("GET", "/b/k?uploadId=u1", "ListParts", "uploadId picks ListParts");
    ROUTE_IS("POST", "/b/a/b/c?uploads", "CreateMultipartUpload", "POST ?uploads");
    t_streq(label("Key"), "a/b/c", "greedy key keeps slashes");
    ROUTE_IS("PUT", "/b/k", "PutObject", "PUT object");
    route("PUT", "/b/k", "x-amz-copy-source: src/k", NULL);
    t_streq(opname(), "CopyObject", "copy source header picks CopyObject");
    ROUTE_IS("PUT", "/b/k?partNumber=1&uploadId=u", "UploadPart", "UploadPart by query");
    ROUTE_IS("PUT", "/b/k?uploadId=u", "PutObject", "half of UploadPart's keys: PutObject");
    route("PUT", "/b/k?partNumber=2&uploadId=u", "X-Amz-Copy-Source: a/b", NULL);
    t_streq(opname(), "UploadPartCopy", "query and header pick UploadPartCopy");
    ROUTE_IS("POST", "/b/k?select&select-type=2", "SelectObjectContent", "two query keys");
    route("POST", "/b/k?select", NULL, NULL);
    t_inteq(mt.miss, NB_REST_NO_METHOD, "?select alone: POST object has no other op");
    ROUTE_IS("DELETE", "/b/k", "DeleteObject", "DELETE object");
    ROUTE_IS("GET", "/b?analytics&id=a1", "GetBucketAnalyticsConfiguration",
             "required id picks Get");
    ROUTE_IS("GET", "/b?analytics", "ListBucketAnalyticsConfigurations", "no id: List");
    ROUTE_IS("GET", "/b?lifecycle", "GetBucketLifecycle", "same template: table order");
    ROUTE_IS("GET", "/?max-directory-buckets=5", "ListDirectoryBuckets",
             "an optional query member of one op breaks the tie");
    ROUTE_IS("GET", "/?x=1", "ListBuckets", "unknown query keys do not");
}

static int
prefer_cfg(const nb_operation *op, void *ud)
{
    NB_UNUSED(ud);
    return strcmp(op->name, "GetBucketLifecycleConfiguration") == 0;
}

static void
test_prefer(void)
{
    nb_http_req req = {.method = "GET", .url = "/b", .query = "lifecycle"};
    int rc = nb_rest_route(arena, &model, &req, prefer_cfg, NULL, &mt);
    t_inteq(rc, NB_OK, "prefer: found");
    t_streq(opname(), "GetBucketLifecycleConfiguration", "prefer breaks the tie");

    static const nb_op impl[] = {{"GetBucketLifecycleConfiguration", NULL}};
    static const nb_service svc = {.name = "test", .ops = impl, .nops = 1};
    rc = nb_rest_route(arena, &model, &req, nb_rest_prefer_implemented, (void *)&svc, &mt);
    t_streq(opname(), "GetBucketLifecycleConfiguration", "the implemented one wins");
    t_inteq(nb_rest_prefer_implemented(&ops[0], NULL), 0, "no service: no preference");
}

static void
test_labels(void)
{
    ROUTE_IS("GET", "/b/a%2Fb", "GetObject", "%2F in key");
    t_streq(label("Key"), "a/b", "%2F decodes to a slash");
    ROUTE_IS("GET", "/b/a+b", "GetObject", "plus in path");
    t_streq(label("Key"), "a+b", "'+' in a path stays a plus");
    ROUTE_IS("GET", "/b/a%20b", "GetObject", "space");
    t_streq(label("Key"), "a b", "%20 is a space");
    ROUTE_IS("GET", "/b/%E2%82%AC/%C3%A9", "GetObject", "unicode key");
    t_streq(label("Key"), "\xE2\x82\xAC/\xC3\xA9", "UTF-8 decoded");
    ROUTE_IS("GET", "/b/../k", "GetObject", "dot-dot kept literally");
    t_streq(label("Key"), "../k", "S3 keys may hold ..");
    ROUTE_IS("GET", "/b//k", "GetObject", "key with leading slash");
    t_streq(label("Key"), "/k", "empty segment belongs to the key");
    ROUTE_IS("GET", "/b/dir/", "GetObject", "trailing slash in a key");
    t_streq(label("Key"), "dir/", "trailing slash kept under a greedy label");
    ROUTE_IS("GET", "/b%2Fc", "ListObjects", "%2F in a single label");
    t_streq(label("Bucket"), "b/c", "single label decodes %2F");
    route("GET", "/b/a%zzb", NULL, NULL);
    t_inteq(mt.miss, NB_REST_BAD_URI, "bad escape in a label");
    t_ok(mt.op == NULL, "no op on bad escape");
    route("GET", "/b/a%4", NULL, NULL);
    t_inteq(mt.miss, NB_REST_BAD_URI, "truncated escape");
    route("GET", "/b?list-type=%G2", NULL, NULL);
    t_inteq(mt.miss, NB_REST_BAD_URI, "bad escape in the query");
    ROUTE_IS("GET", "/b?list%2Dtype=%32", "ListObjectsV2", "encoded query key and value");
    ROUTE_IS("GET", "/b/k%00x", "GetObject", "NUL byte");
    t_inteq(nb_rest_label_get(&mt, "Key")->len, 3, "NUL kept with its length");
}

static void
test_lambda(void)
{
    ROUTE_IS("GET", "/2015-03-31/functions/", "ListFunctions", "ListFunctions");
    ROUTE_IS("GET", "/2015-03-31/functions", "ListFunctions", "without trailing slash");
    ROUTE_IS("POST", "/2015-03-31/functions", "CreateFunction", "CreateFunction");
    ROUTE_IS("POST", "/2015-03-31/functions/", "CreateFunction", "with trailing slash");
    ROUTE_IS("POST", "/2015-03-31/functions/f1/invocations", "Invoke", "Invoke");
    t_streq(label("FunctionName"), "f1", "function label");
    ROUTE_IS("POST",
             "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af/invocations",
             "Invoke", "Invoke by ARN");
    t_streq(label("FunctionName"), "arn:aws:lambda:us-east-1:1:function:f", "ARN decoded");
    route("POST", "/2015-03-31/functions//invocations", NULL, NULL);
    t_ok(strcmp(opname(), "Invoke") != 0, "empty label does not match");
    route("GET", "/2015-03-31/functions/f1/invocations", NULL, NULL);
    t_streq(opname(), "GetObject", "GET on Invoke's path falls to S3's greedy template");
    route("PUT", "/2015-03-31/functions/f1/invocations", "x-amz-copy-source: a", NULL);
    t_streq(opname(), "CopyObject", "likewise PUT");
}

static void
test_greedy_mid(void)
{
    ROUTE_IS("GET", "/v20180820/mrap/instances/a/b/policy", "GetMultiRegionAccessPointPolicy",
             "greedy in mid path");
    t_streq(label("name"), "a/b", "greedy mid value");
    route("GET", "/v20180820/mrap/instances/policy", NULL, NULL);
    t_ok(strcmp(opname(), "GetMultiRegionAccessPointPolicy") != 0, "empty greedy refused");
    ROUTE_IS("GET", "/v20180820/mrap/instances/x/policy", "GetMultiRegionAccessPointPolicy",
             "one segment greedy");
    t_streq(label("name"), "x", "one segment value");
}

static void
test_misses(void)
{
    nb_http_req req = {.method = "PATCH", .url = "/b", .query = ""};
    int rc = nb_rest_route(arena, &model, &req, NULL, NULL, &mt);
    t_inteq(rc, NB_ENOTFOUND, "PATCH: not found");
    t_inteq(mt.miss, NB_REST_NO_METHOD, "PATCH /b: path known, method not");
    req.url = "relative";
    rc = nb_rest_route(arena, &model, &req, NULL, NULL, &mt);
    t_inteq(mt.miss, NB_REST_NO_PATH, "path without leading slash");
    req.method = "GET";
    req.url = "";
    rc = nb_rest_route(arena, &model, &req, NULL, NULL, &mt);
    t_inteq(rc, NB_ENOTFOUND, "empty path");
    req.url = "/b";
    req.query = "&&&list-type=2&&";
    rc = nb_rest_route(arena, &model, &req, NULL, NULL, &mt);
    t_streq(opname(), "ListObjectsV2", "empty query pieces skipped");
    t_inteq(mt.nquery, 1, "one pair parsed");
}

static int
score(const char *path)
{
    return nb_rest_path_score(&model, path, strlen(path));
}

static void
test_score(void)
{
    t_inteq(score("/2015-03-31/functions/f/invocations"), 3, "Lambda path scores its literals");
    t_inteq(score("/bucket/key"), 0, "S3 path scores 0");
    t_inteq(score("/"), 0, "root");
    t_inteq(score("x"), -1, "no match");
    t_inteq(score("/v20180820/mrap/instances/a/b/policy"), 4, "greedy mid scores its literals");
}

static void
test_query_parse(void)
{
    nb_rest_qparam *qp;
    size_t n;
    int rc = nb_rest_query_parse(arena, "a=1&b&c=x+y%2B&=v&d=", &qp, &n);
    t_inteq(rc, NB_OK, "query parse");
    t_inteq(n, 5, "five pairs");
    t_ok(n == 5 && qp[1].bare && !qp[4].bare, "bare flags");
    t_streq(n == 5 ? qp[2].val : NULL, "x y+", "plus is space, %2B is plus");
    t_streq(n == 5 ? qp[3].key : NULL, "", "empty key");
    t_inteq(nb_rest_query_parse(arena, "a=%", &qp, &n), NB_EINVAL, "bad escape");
}

int
main(void)
{
    arena = nb_arena_new(0);
    test_s3();
    test_prefer();
    test_labels();
    test_lambda();
    test_greedy_mid();
    test_misses();
    test_score();
    test_query_parse();
    nb_arena_free(arena);
    nb_rest_route_cleanup();
    return t_done();
}
