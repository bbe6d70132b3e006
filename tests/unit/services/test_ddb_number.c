/*
 * test_ddb_number.c: DynamoDB's decimal number type (ddb_number.c):
 * parsing with AWS's limits, canonical text, exact comparison and
 * addition. Limits: DynamoDB developer guide, "Number" data type (38
 * digits, magnitude 1E-130 to 9.99...E+125); error cases as dynalite's
 * tests recorded them against DynamoDB.
 */
#include "services/dynamodb/ddb_int.h"
#include "t.h"

static const char *
canon(const char *s)
{
    static char buf[200];
    ddb_num n;
    if (ddb_num_parse(s, strlen(s), &n))
        return "(error)";
    ddb_num_format(&n, buf, sizeof(buf));
    return buf;
}

static const char *
sum(const char *a, const char *b, int sub)
{
    static char buf[200];
    ddb_num x, y, r;
    ddb_num_parse(a, strlen(a), &x);
    ddb_num_parse(b, strlen(b), &y);
    int e = sub ? ddb_num_sub(&x, &y, &r) : ddb_num_add(&x, &y, &r);
    if (e)
        return e == DDB_NUM_EDIGITS ? "(digits)" : "(error)";
    ddb_num_format(&r, buf, sizeof(buf));
    return buf;
}

static int
cmp(const char *a, const char *b)
{
    ddb_num x, y;
    ddb_num_parse(a, strlen(a), &x);
    ddb_num_parse(b, strlen(b), &y);
    return ddb_num_cmp(&x, &y);
}

static int
perr(const char *s)
{
    ddb_num n;
    return ddb_num_parse(s, strlen(s), &n);
}

int
main(void)
{
    t_streq(canon("1"), "1", "integer");
    t_streq(canon("01.50"), "1.5", "leading and trailing zeros dropped");
    t_streq(canon("-0.000100"), "-0.0001", "small negative");
    t_streq(canon("1e3"), "1000", "exponent expanded");
    t_streq(canon("1.5E-2"), "0.015", "negative exponent");
    t_streq(canon("+7"), "7", "plus sign");
    t_streq(canon("-0"), "0", "negative zero is zero");
    t_streq(canon("0.0"), "0", "zero with a fraction");
    t_streq(canon("12345678901234567890123456789012345678"),
            "12345678901234567890123456789012345678", "38 digits exact");
    t_streq(canon("1000000000000000000000000000000000000000000"),
            "1000000000000000000000000000000000000000000", "many trailing zeros are fine");
    t_inteq(perr("123456789012345678901234567890123456789"), DDB_NUM_EDIGITS, "39 digits");
    t_inteq(perr("1e126"), DDB_NUM_EOVER, "1E+126 overflows");
    t_ok(perr("9.9999999999999999999999999999999999999e125") == DDB_NUM_OK, "largest");
    t_inteq(perr("1e-131"), DDB_NUM_EUNDER, "1E-131 underflows");
    t_ok(perr("1e-130") == DDB_NUM_OK, "smallest");
    t_inteq(perr("abc"), DDB_NUM_EINVAL, "not a number");
    t_inteq(perr("1.2.3"), DDB_NUM_EINVAL, "two points");
    t_inteq(perr("1e"), DDB_NUM_EINVAL, "bare exponent");
    t_inteq(perr(""), DDB_NUM_EINVAL, "empty");
    t_inteq(perr("."), DDB_NUM_EINVAL, "a point alone");
    t_streq(ddb_num_errmsg(DDB_NUM_EDIGITS),
            "Attempting to store more than 38 significant digits in a Number", "AWS message");

    t_streq(sum("0.1", "0.2", 0), "0.3", "0.1 + 0.2 is exactly 0.3");
    t_streq(sum("1", "-1", 0), "0", "to zero");
    t_streq(sum("-5", "3", 0), "-2", "negative result");
    t_streq(sum("99999999999999999999999999999999999999", "1", 0),
            "100000000000000000000000000000000000000", "a carry to 1E+38 is one digit");
    t_streq(sum("99999999999999999999999999999999999999", "0.1", 0), "(digits)",
            "a sum of 39 digits");
    t_streq(sum("1e100", "1", 0), "(digits)", "a sum needing 101 digits");
    t_streq(sum("1e100", "1e100", 0),
            "20000000000000000000000000000000000000000000000000000000"
            "000000000000000000000000000000000000000000000",
            "large exact");
    t_streq(sum("10", "0.001", 1), "9.999", "subtraction with borrow");
    t_streq(sum("-1.5", "-1.5", 1), "0", "equal negatives");

    t_ok(cmp("2", "10") < 0, "2 < 10");
    t_ok(cmp("-2", "-10") > 0, "-2 > -10");
    t_ok(cmp("1.50", "1.5") == 0, "1.50 = 1.5");
    t_ok(cmp("0", "-0.0001") > 0, "0 > -0.0001");
    t_ok(cmp("0.1", "0.10000000000000000000000000000000000001") < 0, "close values");
    return t_done();
}
