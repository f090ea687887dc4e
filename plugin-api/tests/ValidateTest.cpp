// bourse/validate.hpp: the module and descriptor rules the kernel applies at
// load time (and the test kit applies in plugin unit tests). The messages are
// asserted verbatim because operators see them in the plugin list.
#include <bourse/validate.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <cstring>
#include <string>

class ValidateTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ValidateTest);
    CPPUNIT_TEST(testPluginIds);
    CPPUNIT_TEST(testSemver);
    CPPUNIT_TEST(testModuleVersions);
    CPPUNIT_TEST(testDescriptors);
    CPPUNIT_TEST(testHeaderSizes);
    CPPUNIT_TEST(testKindNames);
    CPPUNIT_TEST_SUITE_END();

public:
    void testPluginIds() {
        for (const char* ok : {"otc", "price.binance", "grid-bot", "a1_b"})
            CPPUNIT_ASSERT(bourse::isValidPluginId(ok));
        for (const char* bad : std::initializer_list<const char*>{"", "Otc", "-otc", "has space", "\xc3\xbc", nullptr})
            CPPUNIT_ASSERT(!bourse::isValidPluginId(bad));
        CPPUNIT_ASSERT(!bourse::isValidPluginId(std::string(65, 'a').c_str()));
        CPPUNIT_ASSERT(bourse::isValidPluginId(std::string(64, 'a').c_str()));  // the limit itself
        CPPUNIT_ASSERT(bourse::isValidPluginId("9lives"));
        CPPUNIT_ASSERT(!bourse::isValidPluginId("Bad Id!"));
    }

    void testSemver() {
        for (const char* ok : {"1.0.0", "0.12.3", "2.0.0-rc.1", "1.2.3+build.5"})
            CPPUNIT_ASSERT(bourse::isValidSemver(ok));
        for (const char* bad :
             std::initializer_list<const char*>{"1.0", "1.0.0.0", "01.0.0", "v1.0.0", "1.a.0", "", nullptr})
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

    // A module from another major may lay out everything after the versions
    // differently: 12 bytes are enough to refuse it by name. Within our major
    // the whole header must be there before register_plugins is read.
    void testHeaderSizes() {
        auto reg = [](const bourse_registrar*) { return BOURSE_OK; };
        bourse_module m{sizeof(bourse_module), 99, 0, 99, 0, "x", reg};
        m.struct_size = 12;
        CPPUNIT_ASSERT_EQUAL(std::string("ABI major 99 is not supported (host ABI 1.0)"), bourse::checkModule(m, 1, 0));
        m.abi_major = m.min_host_major = 1;
        CPPUNIT_ASSERT_EQUAL(std::string("module header too small (12 bytes)"), bourse::checkModule(m, 1, 0));
        m.struct_size = 8;
        CPPUNIT_ASSERT_EQUAL(std::string("module header too small (8 bytes)"), bourse::checkModule(m, 1, 0));

        bourse_plugin_descriptor d{};
        d.struct_size = 16;
        CPPUNIT_ASSERT_EQUAL(std::string("descriptor too small (16 bytes)"), bourse::checkDescriptor(&d));
        d.struct_size = sizeof d;
        d.id = nullptr;
        CPPUNIT_ASSERT_EQUAL(std::string("invalid plugin id '(null)' (expected [a-z0-9][a-z0-9._-]{0,63})"),
                             bourse::checkDescriptor(&d));
        d.id = "Bad Id!";
        CPPUNIT_ASSERT_EQUAL(std::string("invalid plugin id 'Bad Id!' (expected [a-z0-9][a-z0-9._-]{0,63})"),
                             bourse::checkDescriptor(&d));

        // A kind table shorter than its required entries is refused, not read past.
        static const bourse_price_source_api tiny{sizeof(std::uint32_t), nullptr, nullptr, nullptr, nullptr};
        d.id = "src";
        d.version = "1.0.0";
        d.kind = BOURSE_KIND_PRICE_SOURCE;
        d.create = [](const bourse_host_api*, bourse_host_ctx*, void**) { return BOURSE_OK; };
        d.destroy = [](void*) {};
        d.kind_api = &tiny;
        CPPUNIT_ASSERT_EQUAL(std::string("plugin 'src': price source requires list_instruments"),
                             bourse::checkDescriptor(&d));
        d.kind_api = nullptr;
        CPPUNIT_ASSERT_EQUAL(std::string("plugin 'src': kind_api is required"), bourse::checkDescriptor(&d));
    }

    void testKindNames() {
        CPPUNIT_ASSERT_EQUAL(std::string("price_source"), std::string(bourse::kindName(BOURSE_KIND_PRICE_SOURCE)));
        CPPUNIT_ASSERT_EQUAL(std::string("payment_gateway"),
                             std::string(bourse::kindName(BOURSE_KIND_PAYMENT_GATEWAY)));
        CPPUNIT_ASSERT_EQUAL(std::string("trade_product"), std::string(bourse::kindName(BOURSE_KIND_TRADE_PRODUCT)));
        CPPUNIT_ASSERT_EQUAL(std::string("kyc_provider"), std::string(bourse::kindName(BOURSE_KIND_KYC_PROVIDER)));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ValidateTest);
