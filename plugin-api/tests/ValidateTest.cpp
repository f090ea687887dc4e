// The SDK's header-only helpers: exact decimals and the module/descriptor rules
// the kernel applies at load time.
#include <bourse/decimal.hpp>
#include <bourse/validate.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <cstring>
#include <limits>

using bourse::Decimal;

class ValidateTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ValidateTest);
    CPPUNIT_TEST(testDecimalParseAndPrint);
    CPPUNIT_TEST(testDecimalErrors);
    CPPUNIT_TEST(testDecimalScaleAndCompare);
    CPPUNIT_TEST(testPluginIds);
    CPPUNIT_TEST(testSemver);
    CPPUNIT_TEST(testModuleVersions);
    CPPUNIT_TEST(testDescriptors);
    CPPUNIT_TEST_SUITE_END();

public:
    void testDecimalParseAndPrint() {
        CPPUNIT_ASSERT_EQUAL(std::string("1.08500"), Decimal::parse("1.08500").toString());
        CPPUNIT_ASSERT_EQUAL(std::string("-0.05"), Decimal::parse("-0.05").toString());
        CPPUNIT_ASSERT_EQUAL(std::string("42"), Decimal::parse("42").toString());
        CPPUNIT_ASSERT_EQUAL(std::string("0.000001"), Decimal(1, 6).toString());
        CPPUNIT_ASSERT_EQUAL(std::string("-9223372036854775808"),
                             Decimal(std::numeric_limits<std::int64_t>::min(), 0).toString());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(108500), Decimal::parse("1.08500").mantissa);
    }

    void testDecimalErrors() {
        for (const char* bad : {"", "-", "1.", ".5", "1e5", "+1", " 1", "1,5", "1.2.3", "abc"})
            CPPUNIT_ASSERT_THROW_MESSAGE(bad, Decimal::parse(bad), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(Decimal::parse("1.001", 2), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(Decimal::parse("99999999999999999999"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW((void)Decimal(1, 2).rescaled(19), std::invalid_argument);
        CPPUNIT_ASSERT_THROW((void)Decimal(std::numeric_limits<std::int64_t>::max(), 0).rescaled(2), std::overflow_error);
        CPPUNIT_ASSERT_THROW((void)Decimal(105, 2).rescaled(1), std::invalid_argument);  // would lose a digit
    }

    void testDecimalScaleAndCompare() {
        CPPUNIT_ASSERT_EQUAL(std::int64_t(150), Decimal(15, 1).rescaled(2).mantissa);
        CPPUNIT_ASSERT(Decimal(150, 2) == Decimal(15, 1));
        CPPUNIT_ASSERT(Decimal(149, 2) < Decimal(15, 1));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(11), Decimal(105, 2).rounded(1).mantissa);    // half away from zero
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-11), Decimal(-105, 2).rounded(1).mantissa);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10), Decimal(104, 2).rounded(1).mantissa);
    }

    void testPluginIds() {
        for (const char* ok : {"otc", "price.binance", "grid-bot", "a1_b"}) CPPUNIT_ASSERT(bourse::isValidPluginId(ok));
        for (const char* bad : std::initializer_list<const char*>{"", "Otc", "-otc", "has space", "\xc3\xbc", nullptr})
            CPPUNIT_ASSERT(!bourse::isValidPluginId(bad));
        CPPUNIT_ASSERT(!bourse::isValidPluginId(std::string(65, 'a').c_str()));
    }

    void testSemver() {
        for (const char* ok : {"1.0.0", "0.12.3", "2.0.0-rc.1", "1.2.3+build.5"}) CPPUNIT_ASSERT(bourse::isValidSemver(ok));
        for (const char* bad : std::initializer_list<const char*>{"1.0", "1.0.0.0", "01.0.0", "v1.0.0", "1.a.0", "", nullptr})
            CPPUNIT_ASSERT(!bourse::isValidSemver(bad));
    }

    void testModuleVersions() {
        auto reg = [](const bourse_registrar*) { return BOURSE_OK; };
        bourse_module m{sizeof(bourse_module), BOURSE_ABI_MAJOR, BOURSE_ABI_MINOR, 1, 0, "x", reg};
        CPPUNIT_ASSERT_EQUAL(std::string(), bourse::checkModule(m));
        m.abi_major = 2;
        CPPUNIT_ASSERT_EQUAL(std::string("ABI major 2 is not supported (host ABI 1.0)"), bourse::checkModule(m, 1, 0));
        m.abi_major = 1;
        m.min_host_minor = 3;
        CPPUNIT_ASSERT_EQUAL(std::string("needs host API 1.3 or newer (this host provides 1.0)"),
                             bourse::checkModule(m, 1, 0));
        CPPUNIT_ASSERT_EQUAL(std::string(), bourse::checkModule(m, 1, 3));  // a newer host accepts it
        m.register_plugins = nullptr;
        CPPUNIT_ASSERT_EQUAL(std::string("module has no register_plugins function"), bourse::checkModule(m, 1, 3));
    }

    void testDescriptors() {
        static const bourse_price_source_api api{sizeof(bourse_price_source_api),
                                                 [](void*, bourse_instrument_sink) { return BOURSE_OK; }, nullptr,
                                                 nullptr, nullptr};
        bourse_plugin_descriptor d{};
        d.struct_size = sizeof d;
        d.kind = BOURSE_KIND_PRICE_SOURCE;
        d.id = "src";
        d.version = "1.0.0";
        d.create = [](const bourse_host_api*, bourse_host_ctx*, void**) { return BOURSE_OK; };
        d.destroy = [](void*) {};
        d.kind_api = &api;
        CPPUNIT_ASSERT_EQUAL(std::string(), bourse::checkDescriptor(&d));
        d.version = "1";
        CPPUNIT_ASSERT_EQUAL(std::string("plugin 'src': invalid version '1' (expected MAJOR.MINOR.PATCH)"),
                             bourse::checkDescriptor(&d));
        d.version = "1.0.0";
        d.kind = BOURSE_KIND_TRADE_PRODUCT;  // the table does not fit the kind
        CPPUNIT_ASSERT_EQUAL(std::string("plugin 'src': trade product requires validate, open and settle"),
                             bourse::checkDescriptor(&d));
        const std::int32_t unknownKind = 42;  // as a foreign module could send it
        std::memcpy(&d.kind, &unknownKind, sizeof unknownKind);
        CPPUNIT_ASSERT_EQUAL(std::string("plugin 'src': unknown kind 42"), bourse::checkDescriptor(&d));
        d.create = nullptr;
        CPPUNIT_ASSERT_EQUAL(std::string("plugin 'src': create and destroy are required"), bourse::checkDescriptor(&d));
        CPPUNIT_ASSERT_EQUAL(std::string("null descriptor"), bourse::checkDescriptor(nullptr));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ValidateTest);
