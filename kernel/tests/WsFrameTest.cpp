// RFC 6455 framing both ways: masked client frames and unmasked server frames,
// lengths across the 7/16/64-bit boundaries, many frames in one buffer, and the
// protocol errors each side must refuse.
#include "stream/WsFrame.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace bourse::ws;

class WsFrameTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WsFrameTest);
    CPPUNIT_TEST(testMaskedRoundTripAtEveryLengthForm);
    CPPUNIT_TEST(testServerFramesParsedByAClient);
    CPPUNIT_TEST(testManyFramesInOneBufferWithOffsets);
    CPPUNIT_TEST(testWrongMaskingIsAProtocolError);
    CPPUNIT_TEST(testPartialFramesWaitForMoreBytes);
    CPPUNIT_TEST_SUITE_END();

public:
    void testMaskedRoundTripAtEveryLengthForm() {
        FrameParser server(1 << 20, FrameParser::From::Client);
        for (const std::size_t n : {0u, 1u, 125u, 126u, 65535u, 65536u, 100000u}) {
            const std::string payload(n, 'x');
            std::string wire = encodeMasked(Text, payload, 0x12345678);
            if (n >= 16) CPPUNIT_ASSERT(wire.find(payload) == std::string::npos);  // masked on the wire
            std::uint16_t error = 0;
            const auto f = server.next(wire, error);
            CPPUNIT_ASSERT_MESSAGE(std::to_string(n), f.has_value());
            CPPUNIT_ASSERT_EQUAL(payload, f->payload);
            CPPUNIT_ASSERT(f->fin && f->opcode == Text);
            CPPUNIT_ASSERT(wire.empty());
        }
        std::string close = encodeMaskedClose(1001, 7);
        std::uint16_t error = 0;
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(1001), closeCode(server.next(close, error)->payload));
    }

    void testServerFramesParsedByAClient() {
        FrameParser client(1 << 20, FrameParser::From::Server);
        std::string wire = encode(Text, R"({"e":"trade"})") + encode(Ping, "p");
        std::uint16_t error = 0;
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"e":"trade"})"), client.next(wire, error)->payload);
        const auto ping = client.next(wire, error);
        CPPUNIT_ASSERT(ping->opcode == Ping);
        CPPUNIT_ASSERT_EQUAL(std::string("p"), ping->payload);
    }

    void testManyFramesInOneBufferWithOffsets() {
        FrameParser client(1 << 20, FrameParser::From::Server);
        std::string wire;
        for (int i = 0; i < 1000; ++i)
            wire += encode(Text, std::to_string(i));
        std::size_t pos = 0;
        std::uint16_t error = 0;
        for (int i = 0; i < 1000; ++i) {
            const auto f = client.next(wire, pos, error);
            CPPUNIT_ASSERT(f);
            CPPUNIT_ASSERT_EQUAL(std::to_string(i), f->payload);
        }
        CPPUNIT_ASSERT_EQUAL(wire.size(), pos);
        CPPUNIT_ASSERT(!client.next(wire, pos, error));
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0), error);
    }

    void testWrongMaskingIsAProtocolError() {
        std::uint16_t error = 0;
        std::string unmasked = encode(Text, "hi");
        CPPUNIT_ASSERT(!FrameParser(100, FrameParser::From::Client).next(unmasked, error));
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(1002), error);
        std::string masked = encodeMasked(Text, "hi", 1);
        CPPUNIT_ASSERT(!FrameParser(100, FrameParser::From::Server).next(masked, error));
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(1002), error);
        std::string big = encode(Text, std::string(101, 'x'));
        CPPUNIT_ASSERT(!FrameParser(100, FrameParser::From::Server).next(big, error));
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(1009), error);
    }

    void testPartialFramesWaitForMoreBytes() {
        FrameParser client(1 << 20, FrameParser::From::Server);
        const std::string whole = encode(Text, std::string(300, 'y'));
        std::uint16_t error = 0;
        for (std::size_t cut = 0; cut < whole.size(); cut += 37) {
            std::string part = whole.substr(0, cut);
            CPPUNIT_ASSERT(!client.next(part, error));
            CPPUNIT_ASSERT_EQUAL(std::uint16_t(0), error);
            CPPUNIT_ASSERT_EQUAL(cut, part.size());  // nothing consumed
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WsFrameTest);
