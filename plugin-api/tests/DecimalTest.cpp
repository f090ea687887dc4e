// bourse/decimal.hpp: prices cross the ABI as exact fixed-point values and both
// sides parse and print them with this code, so its edge cases are the
// product's ("exit equals entry" must be decidable, INT64 limits must not wrap).
#include <bourse/decimal.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <limits>
#include <stdexcept>
#include <string>

using bourse::Decimal;
using bourse::Money;

namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

/// The message of the exception parse() throws, or "" if it parses.
std::string parseError(const std::string& text, int maxScale = Decimal::kMaxScale) {
    try {
        (void)Decimal::parse(text, maxScale);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

template <class E, class F>
std::string errorOf(F fn) {
    try {
        fn();
    } catch (const E& e) {
        return e.what();
    }
    return "";
}

}  // namespace

class DecimalTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DecimalTest);
    CPPUNIT_TEST(testParse);
    CPPUNIT_TEST(testParseErrors);
    CPPUNIT_TEST(testFormat);
    CPPUNIT_TEST(testRescale);
    CPPUNIT_TEST(testRound);
    CPPUNIT_TEST(testCompare);
    CPPUNIT_TEST(testCConversions);
    CPPUNIT_TEST_SUITE_END();

public:
    void testParse() {
        const Decimal d = Decimal::parse("1.08500");
        CPPUNIT_ASSERT_EQUAL(std::int64_t(108500), d.mantissa);
        CPPUNIT_ASSERT_EQUAL(std::int32_t(5), d.scale);  // trailing zeros keep their scale
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-5), Decimal::parse("-0.05").mantissa);
        CPPUNIT_ASSERT_EQUAL(std::int32_t(0), Decimal::parse("42").scale);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), Decimal::parse("-0").mantissa);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), Decimal::parse("007").mantissa);
        CPPUNIT_ASSERT_EQUAL(kMax, Decimal::parse("9223372036854775807").mantissa);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), Decimal::parse("0.000000000000000001").mantissa);  // 18 decimals
        CPPUNIT_ASSERT_EQUAL(std::int32_t(2), Decimal::parse("1.25", 2).scale);
    }

    void testParseErrors() {
        CPPUNIT_ASSERT_EQUAL(std::string("empty number"), parseError(""));
        for (const char* bad : {"-", "1.", ".5", "1e5", "+1", " 1", "1 ", "1,5", "1.2.3", "abc", "--1", "-.5", "0x10"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, std::string("not a number"), parseError(bad));
        CPPUNIT_ASSERT_EQUAL(std::string("too many decimals"), parseError("1.001", 2));
        CPPUNIT_ASSERT_EQUAL(std::string("too many decimals"), parseError("0.0000000000000000001"));  // 19
        CPPUNIT_ASSERT_EQUAL(std::string("number too large"), parseError("9223372036854775808"));
        CPPUNIT_ASSERT_EQUAL(std::string("number too large"), parseError("99999999999999999999.5"));
    }

    void testFormat() {
        CPPUNIT_ASSERT_EQUAL(std::string("1.08500"), Decimal(108500, 5).toString());
        CPPUNIT_ASSERT_EQUAL(std::string("-0.05"), Decimal(-5, 2).toString());
        CPPUNIT_ASSERT_EQUAL(std::string("0.000001"), Decimal(1, 6).toString());
        CPPUNIT_ASSERT_EQUAL(std::string("0.00"), Decimal(0, 2).toString());
        CPPUNIT_ASSERT_EQUAL(std::string("42"), Decimal(42, 0).toString());
        CPPUNIT_ASSERT_EQUAL(std::string("-9223372036854775808"), Decimal(kMin, 0).toString());
        CPPUNIT_ASSERT_EQUAL(std::string("-9.223372036854775808"), Decimal(kMin, 18).toString());
        CPPUNIT_ASSERT_EQUAL(std::string("0.000000000000000001"), Decimal(1, 18).toString());
        // Parsing what we print gives the same value back.
        for (const Decimal d : {Decimal(108500, 5), Decimal(-5, 2), Decimal(kMax, 18), Decimal(7, 0)})
            CPPUNIT_ASSERT_EQUAL(d.toString(), Decimal::parse(d.toString()).toString());
    }

    void testRescale() {
        CPPUNIT_ASSERT_EQUAL(std::int64_t(150), Decimal(15, 1).rescaled(2).mantissa);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(15), Decimal(1500, 3).rescaled(1).mantissa);  // exact: zeros only
        CPPUNIT_ASSERT_EQUAL(std::int32_t(3), Decimal(15, 3).rescaled(3).scale);
        CPPUNIT_ASSERT_EQUAL(std::string("too many decimals"),
                             errorOf<std::invalid_argument>([] { (void)Decimal(105, 2).rescaled(1); }));
        CPPUNIT_ASSERT_EQUAL(std::string("decimal overflow"),
                             errorOf<std::overflow_error>([] { (void)Decimal(kMax, 0).rescaled(2); }));
        CPPUNIT_ASSERT_EQUAL(std::string("scale out of range"),
                             errorOf<std::invalid_argument>([] { (void)Decimal(1, 2).rescaled(19); }));
        CPPUNIT_ASSERT_EQUAL(std::string("scale out of range"),
                             errorOf<std::invalid_argument>([] { (void)Decimal(1, 2).rescaled(-1); }));
        // A value from a foreign module may carry any scale: refused, never UB.
        CPPUNIT_ASSERT_EQUAL(std::string("scale out of range"),
                             errorOf<std::invalid_argument>([] { (void)Decimal(1, 40).rescaled(2); }));
    }

    void testRound() {
        CPPUNIT_ASSERT_EQUAL(std::int64_t(11), Decimal(105, 2).rounded(1).mantissa);  // half away from zero
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-11), Decimal(-105, 2).rounded(1).mantissa);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10), Decimal(104, 2).rounded(1).mantissa);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-10), Decimal(-104, 2).rounded(1).mantissa);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), Decimal(5, 1).rounded(0).mantissa);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), Decimal(4, 1).rounded(0).mantissa);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(9), Decimal(kMax, 18).rounded(0).mantissa);  // 9.22... -> 9
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-9), Decimal(kMin, 18).rounded(0).mantissa);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1500), Decimal(15, 1).rounded(3).mantissa);  // widening is exact
        CPPUNIT_ASSERT_EQUAL(std::string("scale out of range"),
                             errorOf<std::invalid_argument>([] { (void)Decimal(105, 2).rounded(-1); }));
        CPPUNIT_ASSERT_EQUAL(std::string("scale out of range"),
                             errorOf<std::invalid_argument>([] { (void)Decimal(105, 30).rounded(2); }));
    }

    void testCompare() {
        CPPUNIT_ASSERT(Decimal(150, 2) == Decimal(15, 1));  // same number, other scale
        CPPUNIT_ASSERT(Decimal(149, 2) < Decimal(15, 1));
        CPPUNIT_ASSERT(Decimal(-1, 0) < Decimal(0, 5));
        CPPUNIT_ASSERT(Decimal(0, 0) == Decimal(0, 18));
        CPPUNIT_ASSERT_EQUAL(1, Decimal(2, 0).compare(Decimal(19, 1)));
        // Far apart scales compare exactly instead of overflowing.
        CPPUNIT_ASSERT(Decimal(9'000'000'000, 0) > Decimal(1, 18));
        CPPUNIT_ASSERT(Decimal(kMax, 0) > Decimal(kMax, 18));
        CPPUNIT_ASSERT(Decimal(kMin, 0) < Decimal(kMin, 18));
        CPPUNIT_ASSERT(!(Decimal(kMax, 0) == Decimal(kMax, 1)));
        CPPUNIT_ASSERT_EQUAL(std::string("scale out of range"),
                             errorOf<std::invalid_argument>([] { (void)(Decimal(1, 19) == Decimal(1, 2)); }));
    }

    void testCConversions() {
        const bourse_decimal c = Decimal(108500, 5).toC();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(108500), c.mantissa);
        CPPUNIT_ASSERT_EQUAL(std::int32_t(5), c.scale);
        CPPUNIT_ASSERT(Decimal(c) == Decimal(1085, 3));
        const bourse_money m = Money{1250, "USD"}.toC();
        CPPUNIT_ASSERT_EQUAL(std::string("USD"), std::string(m.currency));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1250), Money::fromC(m).minor);
        // A code longer than three letters is cut, and the C string stays terminated.
        const bourse_money cut = Money{1, "EURO"}.toC();
        CPPUNIT_ASSERT_EQUAL(std::string("EUR"), std::string(cut.currency));
        const bourse_money unterminated{5, {'G', 'B', 'P', 'X'}};
        CPPUNIT_ASSERT_EQUAL(std::string("GBP"), Money::fromC(unterminated).currency);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DecimalTest);
