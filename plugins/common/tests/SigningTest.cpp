// The shared HMAC helper against the reference test vectors
// (../shared/reference/wire-formats.md §8): one per algorithm and provider scheme.
#include "bourse/plugins/Signing.h"

#include <cctype>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

using bourse::plugins::constantTimeEquals;
using bourse::plugins::Hmac;
using bourse::plugins::hmacHex;
using bourse::plugins::hmacSha256Hex;
using bourse::plugins::verifyHmacHex;

class SigningTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SigningTest);
    CPPUNIT_TEST(binanceRequestSignature);
    CPPUNIT_TEST(razorpayWebhookAndCheckout);
    CPPUNIT_TEST(stripeSignedPayload);
    CPPUNIT_TEST(sumsubDigestAlgorithms);
    CPPUNIT_TEST(verificationIsExact);
    CPPUNIT_TEST_SUITE_END();

public:
    void binanceRequestSignature() {  // B-U1
        CPPUNIT_ASSERT_EQUAL(
            std::string("c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"),
            hmacSha256Hex("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
                          "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&"
                          "timestamp=1499827319559"));
    }

    void razorpayWebhookAndCheckout() {
        // R-U1: webhook body; RP-U1: checkout "order|payment" under key_secret.
        CPPUNIT_ASSERT_EQUAL(std::string("2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc"),
                             hmacSha256Hex("123456", R"({"a":1,"b":2,"c":{"d":3}})"));
        CPPUNIT_ASSERT_EQUAL(std::string("b2335e3b0801106b84a7faff035df56ecffde06918c9ddd1f0fafbb37a51cc89"),
                             hmacSha256Hex("key_secret", "fake_order_id|fake_payment_id"));
    }

    void stripeSignedPayload() {  // S-C1: "t" "." raw body under the whole whsec_ string
        CPPUNIT_ASSERT_EQUAL(
            std::string("d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990"),
            hmacSha256Hex("whsec_test_secret", R"(1700000000.{"id":"evt_test_webhook","object":"event"})"));
    }

    void sumsubDigestAlgorithms() {  // SW-C1..3 and SW-X1
        const std::string body =
            R"({"applicantId":"5cb744200a975a67ed1798a4","inspectionId":"5cb744200a975a67ed1798a5","correlationId":"req-fa94263f-0b23-42d7-9393-ab10b28ef42d","externalUserId":"user-123","levelName":"basic-kyc-level","type":"applicantReviewed","reviewResult":{"reviewAnswer":"GREEN"},"reviewStatus":"completed","createdAtMs":"2020-02-21 13:23:19.321"})";
        const std::string secret = "sumsub_webhook_secret_42";
        CPPUNIT_ASSERT_EQUAL(std::string("68b9cc8d2fc6efc4ddc9bcf76335157a61387ae02f766690b0b468c0e2630dba"),
                             hmacHex(Hmac::Sha256, secret, body));
        CPPUNIT_ASSERT_EQUAL(
            std::string("06c9149f0817ac70a81ba44054ce413a5d1714f7d7062d82e3c6d0e45aabb6d40a50b24b6fe8f40"
                        "ccee92a2b2add5b2bafe59efce091ce167fbf6dde6cd31453"),
            hmacHex(Hmac::Sha512, secret, body));
        CPPUNIT_ASSERT_EQUAL(std::string("0fe27bce1d096c8b8a2383d0bfd489deb63daa75"),
                             hmacHex(Hmac::Sha1, secret, body));
        CPPUNIT_ASSERT_EQUAL(std::string("9598d33f25adcb236ea2d82ee50d9c010fa19d7a"),
                             hmacHex(Hmac::Sha1, "ddd", "payload"));
    }

    void verificationIsExact() {
        const std::string good = "2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc";
        const std::string body = R"({"a":1,"b":2,"c":{"d":3}})";
        CPPUNIT_ASSERT(verifyHmacHex(Hmac::Sha256, "123456", body, good));
        std::string upper = good;
        for (char& c : upper)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        CPPUNIT_ASSERT(verifyHmacHex(Hmac::Sha256, "123456", body, upper));
        // Same JSON value, other bytes; a flipped digit; a truncated or empty signature; another key.
        CPPUNIT_ASSERT(!verifyHmacHex(Hmac::Sha256, "123456", R"({"a":1, "b":2,"c":{"d":3}})", good));
        CPPUNIT_ASSERT(!verifyHmacHex(Hmac::Sha256, "123456", body, "3" + good.substr(1)));
        CPPUNIT_ASSERT(!verifyHmacHex(Hmac::Sha256, "123456", body, good.substr(0, 63)));
        CPPUNIT_ASSERT(!verifyHmacHex(Hmac::Sha256, "123456", body, ""));
        CPPUNIT_ASSERT(!verifyHmacHex(Hmac::Sha256, "123456 ", body, good));
        CPPUNIT_ASSERT(constantTimeEquals("", ""));
        CPPUNIT_ASSERT(!constantTimeEquals("abc", "abd"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SigningTest);
