// The manual KYC provider through the C ABI, as the kernel drives it.
#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

extern "C" const bourse_module bourse_module_entry;

using bourse::KycRequest;
using bourse::testing::FakeHost;
using bourse::testing::PluginUnderTest;

class ManualKycTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ManualKycTest);
    CPPUNIT_TEST(opensOnePendingCasePerAttempt);
    CPPUNIT_TEST(refusesWebhooksAndBadConfig);
    CPPUNIT_TEST_SUITE_END();

public:
    void opensOnePendingCasePerAttempt() {
        FakeHost host;
        host.setConfig(R"({"instructions": "Passport please"})");
        PluginUnderTest p(bourse_module_entry, "manual", host);
        const auto first = p.startVerification(KycRequest{"u_1", "a@example.com", "Ann", "GB", "{}"});
        CPPUNIT_ASSERT_MESSAGE(first.text, first.ok());
        const auto o = Poco::JSON::Parser().parse(first.text).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), o->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("Passport please"), o->getValue<std::string>("instructions"));
        const std::string session = o->getValue<std::string>("session_id");
        CPPUNIT_ASSERT(session.rfind("manual-u_1-", 0) == 0);
        host.advance(std::chrono::milliseconds(5));
        const auto second = p.startVerification(KycRequest{"u_1", "a@example.com", "Ann", "GB", "{}"});
        CPPUNIT_ASSERT(second.text.find(session) == std::string::npos);
        // The kernel continuing an open case passes its session back.
        const auto resumed = p.startVerification(
            KycRequest{"u_1", "a@example.com", "Ann", "GB", R"({"session_id":")" + session + "\"}"});
        CPPUNIT_ASSERT(resumed.text.find(session) != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, p.startVerification(KycRequest{}).status);
    }

    void refusesWebhooksAndBadConfig() {
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "manual", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, p.verifyWebhook({"/api/v1/webhooks/manual", {}, "{}"}).status);
        FakeHost bad;
        bad.setConfig(R"({"instruction": "typo"})");
        PluginUnderTest q(bourse_module_entry, "manual", bad, PluginUnderTest::DeferCreate{});
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, q.create());
        CPPUNIT_ASSERT_MESSAGE(bad.lastError, bad.lastError.find("instruction: unknown key") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ManualKycTest);
