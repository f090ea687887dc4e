// The OTC price source through the C ABI on a fake host: config validation,
// determinism, volatility scale, bias, continuity across reloads, operator
// commands that persist, and the conformance kit.
#include "OtcConfig.h"
#include "PriceModel.h"

#include <bourse/testing/Conformance.hpp>
#include <bourse/testing/FakeHost.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <cmath>
#include <fstream>
#include <sstream>

extern "C" const bourse_module bourse_module_entry;

using namespace bourse;
using namespace bourse::testing;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(BOURSE_OTC_FIXTURES) + "/" + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string oneInstrument(const std::string& volatility, double bias, std::uint64_t seed = 11) {
    return R"({"seed":)" + std::to_string(seed) + R"(,"tick_interval_ms":10,"instruments":[{"symbol":"OTC_X","name":"X",)" +
           R"("base_price":"1000.00000","price_scale":5,"volatility":")" + volatility + R"(","bias":)" +
           std::to_string(bias) + "}]}";
}

std::string configError(const std::string& json) {
    try {
        otc::parseConfig(json);
    } catch (const Error& e) {
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, e.status());
        return e.what();
    }
    return "";
}

/// Standard deviation of relative tick-to-tick returns.
double stddevOfReturns(const std::vector<PublishedTick>& ticks) {
    std::vector<double> r;
    for (std::size_t i = 1; i < ticks.size(); ++i)
        r.push_back(static_cast<double>(ticks[i].price.mantissa - ticks[i - 1].price.mantissa) /
                    static_cast<double>(ticks[i - 1].price.mantissa));
    double mean = 0;
    for (double x : r) mean += x;
    mean /= static_cast<double>(r.size());
    double var = 0;
    for (double x : r) var += (x - mean) * (x - mean);
    return std::sqrt(var / static_cast<double>(r.size()));
}

std::vector<PublishedTick> run(const std::string& config, std::chrono::milliseconds howLong) {
    FakeHost host;
    host.setConfig(config);
    PluginUnderTest p(bourse_module_entry, "otc", host);
    CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
    host.advance(howLong);
    return host.ticks;
}

} // namespace

class OtcPluginTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OtcPluginTest);
    CPPUNIT_TEST(testConfigErrorsNameThePath);
    CPPUNIT_TEST(testInstrumentsFromConfig);
    CPPUNIT_TEST(testSameSeedSameTicks);
    CPPUNIT_TEST(testVolatilityScale);
    CPPUNIT_TEST(testSpikeJumps);
    CPPUNIT_TEST(testBiasDrifts);
    CPPUNIT_TEST(testContinuesFromLastPrice);
    CPPUNIT_TEST(testCommandsPersistAcrossReload);
    CPPUNIT_TEST(testBadCommands);
    CPPUNIT_TEST(testFactoryRefusesBadConfig);
    CPPUNIT_TEST(testConformance);
    CPPUNIT_TEST_SUITE_END();

public:
    void testConfigErrorsNameThePath() {
        CPPUNIT_ASSERT_EQUAL(std::string("config: instruments: is required"), configError("{}"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: speed: unknown key"), configError(R"({"speed":1,"instruments":[]})"));
        const std::string base = R"({"instruments":[{"symbol":"A","base_price":"1.00"},{"symbol":"B","base_price":"1.00",)";
        CPPUNIT_ASSERT_EQUAL(std::string("config: instruments[1].volatility: expected LOW, MEDIUM, HIGH or SPIKE"),
                             configError(base + R"("volatility":"WILD"}]})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: instruments[1].bias: must be between -1 and 1"),
                             configError(base + R"("bias":2}]})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: instruments[1].colour: unknown key"),
                             configError(base + R"("colour":"red"}]})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: instruments[1].symbol: duplicate symbol A"),
                             configError(R"({"instruments":[{"symbol":"A","base_price":"1"},{"symbol":"A","base_price":"1"}]})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: instruments[0].symbol: expected [A-Z0-9_]{1,32}, got 'eur/usd'"),
                             configError(R"({"instruments":[{"symbol":"eur/usd","base_price":"1"}]})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: instruments[0].base_price: must be positive"),
                             configError(R"({"instruments":[{"symbol":"A","base_price":"0"}]})"));
        CPPUNIT_ASSERT(configError(R"({"instruments":[{"symbol":"A","base_price":"1.123","price_scale":2}]})")
                           .find("config: instruments[0].base_price: '1.123' is not a price with at most 2 decimals") == 0);
    }

    void testInstrumentsFromConfig() {
        FakeHost host;
        host.setConfig(fixture("two_instruments.json"));
        PluginUnderTest p(bourse_module_entry, "otc", host);
        const auto list = p.instruments();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), list.size());
        CPPUNIT_ASSERT_EQUAL(std::string("OTC_EUR_USD"), list[0].symbol);
        CPPUNIT_ASSERT_EQUAL(5, list[0].priceScale);
        CPPUNIT_ASSERT_EQUAL(std::string("EUR"), list[0].baseAsset);
        // Per-instrument intervals: in one second, 10 ticks at 100 ms and 20 at 50 ms.
        p.start();
        host.advance(std::chrono::seconds(1));
        int eur = 0, spike = 0;
        for (const auto& t : host.ticks) (t.symbol == "OTC_EUR_USD" ? eur : spike)++;
        CPPUNIT_ASSERT_EQUAL(10, eur);
        CPPUNIT_ASSERT_EQUAL(20, spike);
    }

    void testSameSeedSameTicks() {
        const auto a = run(oneInstrument("HIGH", 0, 5), std::chrono::seconds(2));
        const auto b = run(oneInstrument("HIGH", 0, 5), std::chrono::seconds(2));
        const auto c = run(oneInstrument("HIGH", 0, 6), std::chrono::seconds(2));
        CPPUNIT_ASSERT_EQUAL(std::size_t(200), a.size());
        bool sameAsB = true, sameAsC = true;
        for (std::size_t i = 0; i < a.size(); ++i) {
            sameAsB = sameAsB && a[i].price == b[i].price && a[i].tsNs == b[i].tsNs;
            sameAsC = sameAsC && a[i].price == c[i].price;
        }
        CPPUNIT_ASSERT(sameAsB);
        CPPUNIT_ASSERT(!sameAsC);
        // The model alone: a seed fixes the path (mt19937_64 and our Box–Muller are
        // specified exactly, unlike std::normal_distribution).
        otc::PriceModel m(42, Decimal(100000, 3));
        CPPUNIT_ASSERT_EQUAL(std::string("100.000"), m.price().toString());
        const Decimal first = m.step(otc::Volatility::High, 0);
        otc::PriceModel again(42, Decimal(100000, 3));
        CPPUNIT_ASSERT(first == again.step(otc::Volatility::High, 0));
    }

    void testVolatilityScale() {
        for (const auto& [name, mult] : {std::pair{"LOW", 0.0001}, {"MEDIUM", 0.0005}, {"HIGH", 0.001}}) {
            const auto ticks = run(oneInstrument(name, 0), std::chrono::seconds(200));  // 20,000 ticks
            const double sd = stddevOfReturns(ticks);
            CPPUNIT_ASSERT_MESSAGE(std::string(name) + " sd " + std::to_string(sd), std::abs(sd - mult) / mult < 0.1);
        }
    }

    void testSpikeJumps() {
        const auto ticks = run(oneInstrument("SPIKE", 0), std::chrono::seconds(200));
        // Without jumps a 6-sigma move would almost never happen in 20,000 ticks; with
        // 2 % of ticks tripled, dozens do.
        int big = 0;
        for (std::size_t i = 1; i < ticks.size(); ++i) {
            const double r = static_cast<double>(ticks[i].price.mantissa - ticks[i - 1].price.mantissa) /
                             static_cast<double>(ticks[i - 1].price.mantissa);
            if (std::abs(r) > 6 * 0.003) ++big;
        }
        CPPUNIT_ASSERT_MESSAGE(std::to_string(big) + " jumps", big > 20);
    }

    void testBiasDrifts() {
        const auto up = run(oneInstrument("MEDIUM", 0.5), std::chrono::seconds(10));
        const auto down = run(oneInstrument("MEDIUM", -0.5), std::chrono::seconds(10));
        // 1,000 ticks × 0.5 × 0.0005 ≈ +28 % expected drift (compounded); noise is ~1.6 %.
        CPPUNIT_ASSERT(up.back().price.mantissa > 110'000'000);
        CPPUNIT_ASSERT(down.back().price.mantissa < 90'000'000);
    }

    void testContinuesFromLastPrice() {
        FakeHost host;
        host.setConfig(oneInstrument("LOW", 0));
        host.setLastTick("OTC_X", Decimal(123456789, 5), host.now());  // the market is at 1234.56789
        PluginUnderTest p(bourse_module_entry, "otc", host);
        p.start();
        host.advance(std::chrono::milliseconds(10));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), host.ticks.size());
        const double first = static_cast<double>(host.ticks[0].price.mantissa);
        CPPUNIT_ASSERT(std::abs(first - 123456789.0) / 123456789.0 < 0.001);
    }

    void testCommandsPersistAcrossReload() {
        FakeHost host;
        host.setConfig(oneInstrument("LOW", 0));
        {
            PluginUnderTest p(bourse_module_entry, "otc", host);
            const auto [s1, r1] = p.command("set_volatility", R"({"symbol":"OTC_X","volatility":"HIGH"})");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r1, BOURSE_OK, s1);
            const auto [s2, r2] = p.command("set_bias", R"({"symbol":"OTC_X","bias":-0.25})");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r2, BOURSE_OK, s2);
            CPPUNIT_ASSERT(host.kv.count("instrument/OTC_X"));
        }
        // A new instance (a reload) over the same key-value store keeps the settings.
        PluginUnderTest reloaded(bourse_module_entry, "otc", host);
        const auto [s, reply] = reloaded.command("get_instruments", "{}");
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, s);
        CPPUNIT_ASSERT_MESSAGE(reply, reply.find(R"("volatility":"HIGH")") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(reply, reply.find(R"("bias":-0.25)") != std::string::npos);
    }

    void testBadCommands() {
        FakeHost host;
        host.setConfig(oneInstrument("LOW", 0));
        PluginUnderTest p(bourse_module_entry, "otc", host);
        const auto unknownSymbol = p.command("set_volatility", R"({"symbol":"NOPE","volatility":"HIGH"})");
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_NOT_FOUND, unknownSymbol.first);
        CPPUNIT_ASSERT_EQUAL(std::string("symbol: unknown symbol 'NOPE'"), unknownSymbol.second);
        const auto badLevel = p.command("set_volatility", R"({"symbol":"OTC_X","volatility":"WILD"})");
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, badLevel.first);
        CPPUNIT_ASSERT_EQUAL(std::string("volatility: expected LOW, MEDIUM, HIGH or SPIKE"), badLevel.second);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, p.command("set_bias", R"({"symbol":"OTC_X","bias":3})").first);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, p.command("set_bias", "not json").first);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_NOT_FOUND, p.command("explode", "{}").first);
        CPPUNIT_ASSERT(host.kv.empty());  // nothing was stored by refused commands
    }

    void testFactoryRefusesBadConfig() {
        FakeHost host;
        host.setConfig(R"({"instruments":[]})");
        try {
            PluginUnderTest p(bourse_module_entry, "otc", host);
            CPPUNIT_FAIL("an empty instrument list must be refused");
        } catch (const std::runtime_error& e) {
            CPPUNIT_ASSERT_EQUAL(std::string("create failed: config: instruments: expected a non-empty list"),
                                 std::string(e.what()));
        }
    }

    void testConformance() {
        const auto problems = checkConformance(bourse_module_entry, "otc", fixture("two_instruments.json"));
        std::string all;
        for (const auto& p : problems) all += p + "\n";
        CPPUNIT_ASSERT_MESSAGE(all, problems.empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OtcPluginTest);
