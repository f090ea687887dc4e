// The conformance kit must pass a well-behaved plugin and name each way a
// plugin breaks the contract; a kit that passes everything proves nothing.
#include <bourse/plugin.hpp>
#include <bourse/testing/Conformance.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

using namespace bourse;
using namespace bourse::testing;
using namespace std::chrono_literals;

namespace {

/// What each test variant gets wrong.
enum class Flaw {
    None,
    BadSymbol,
    BadScale,
    NoInstruments,
    WrongTickScale,
    UnknownTickSymbol,
    ZeroPrice,
    Silent,
    TimersAfterStop,
    TimerInCreate,
    CommandAlwaysOk,
    StartFails,
    UnshapedError,
};

template <Flaw F>
class Source : public PriceSource {
public:
    explicit Source(Host& h) : PriceSource(h) {
        if constexpr (F == Flaw::TimerInCreate) host().every(1s, [] {});
    }
    std::vector<Instrument> instruments() override {
        if constexpr (F == Flaw::NoInstruments) return {};
        if constexpr (F == Flaw::BadSymbol) return {{"eur/usd", "lower case", 2, "", ""}};
        if constexpr (F == Flaw::BadScale) return {{"C_A", "too fine", 19, "", ""}};
        return {{"C_A", "A", 2, "", "USD"}};
    }
    void start() override {
        if constexpr (F == Flaw::StartFails) throw Error(BOURSE_E_UNAVAILABLE, "upstream: down");
        if constexpr (F == Flaw::UnshapedError) throw Error(BOURSE_E_UNAVAILABLE, "Upstream is down!");
        if constexpr (F != Flaw::Silent) _timer = host().every(1s, [this] { publish(); });
    }
    void stop() override {
        if constexpr (F != Flaw::TimersAfterStop) host().cancel(_timer);
    }
    std::string command(const std::string& name, const std::string& args) override {
        if constexpr (F == Flaw::CommandAlwaysOk) return "{}";
        return PriceSource::command(name, args);
    }

private:
    void publish() {
        if constexpr (F == Flaw::WrongTickScale)
            host().publishTick("C_A", Decimal(1000, 3));
        else if constexpr (F == Flaw::UnknownTickSymbol)
            host().publishTick("C_B", Decimal(100, 2));
        else if constexpr (F == Flaw::ZeroPrice)
            host().publishTick("C_A", Decimal(0, 2));
        else
            host().publishTick("C_A", Decimal(100, 2));
    }
    Host::TimerId _timer = 0;
};

/// A module offering Source<F> as plugin "source".
template <Flaw F>
struct ModuleOf {
    static inline const bourse_price_source_api api = bourse::detail::kindApiFor<Source<F>>();
    static inline const bourse_plugin_descriptor descriptor =
        bourse::detail::makeDescriptor<Source<F>>("source", "1.0.0", "conformance test", &api);
    static bourse_status registerPlugins(const bourse_registrar* r) {
        const bourse_plugin_descriptor* const list[] = {&descriptor};
        return bourse::detail::registerAll(r, list, 1);
    }
    static inline const bourse_module module{
        sizeof(bourse_module), BOURSE_ABI_MAJOR, BOURSE_ABI_MINOR, BOURSE_ABI_MAJOR, 0,
        "conformance test",    &registerPlugins};
};

template <Flaw F>
std::vector<std::string> check() {
    FakeHost host;
    return checkConformance(ModuleOf<F>::module, "source", host);
}

/// True if some line contains `part` (the kit's lines say which round, too).
bool mentions(const std::vector<std::string>& lines, const std::string& part) {
    for (const auto& l : lines)
        if (l.find(part) != std::string::npos) return true;
    return false;
}

#define ASSERT_FLAGGED(flaw, text)                                                              \
    do {                                                                                        \
        const auto problems = check<flaw>();                                                    \
        CPPUNIT_ASSERT_MESSAGE(#flaw " should report '" text "', got:\n" + joinLines(problems), \
                               mentions(problems, text));                                       \
    } while (false)

// A plain C plugin that fails without saying why (no set_error).
bourse_status mutePlugins(const bourse_registrar* r) {
    static const bourse_price_source_api api{sizeof(bourse_price_source_api),
                                             [](void*, bourse_instrument_sink) { return BOURSE_OK; }, nullptr, nullptr,
                                             nullptr};
    static bourse_plugin_descriptor d = [] {
        bourse_plugin_descriptor x{};
        x.struct_size = sizeof x;
        x.kind = BOURSE_KIND_PRICE_SOURCE;
        x.id = "mute";
        x.version = "1.0.0";
        x.create = [](const bourse_host_api*, bourse_host_ctx*, void** out) {
            static int instance;
            *out = &instance;
            return BOURSE_OK;
        };
        x.destroy = [](void*) {};
        x.start = [](void*) { return BOURSE_E_UNAVAILABLE; };
        x.kind_api = &api;
        return x;
    }();
    return r->add(r->ctx, &d);
}
const bourse_module muteModule{sizeof(bourse_module), BOURSE_ABI_MAJOR, BOURSE_ABI_MINOR, BOURSE_ABI_MAJOR, 0, "mute",
                               &mutePlugins};

}  // namespace

class ConformanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConformanceTest);
    CPPUNIT_TEST(testGoodPluginConforms);
    CPPUNIT_TEST(testInstrumentFlaws);
    CPPUNIT_TEST(testTickFlaws);
    CPPUNIT_TEST(testLifecycleFlaws);
    CPPUNIT_TEST(testErrorReporting);
    CPPUNIT_TEST(testModuleRefused);
    CPPUNIT_TEST(testOptions);
    CPPUNIT_TEST_SUITE_END();

public:
    void testGoodPluginConforms() {
        const auto problems = check<Flaw::None>();
        CPPUNIT_ASSERT_MESSAGE(joinLines(problems), problems.empty());
    }

    void testInstrumentFlaws() {
        ASSERT_FLAGGED(Flaw::BadSymbol, "instrument symbol 'eur/usd' does not match [A-Z0-9_]{1,32}");
        ASSERT_FLAGGED(Flaw::BadScale, "C_A: price scale 19 not in 0..18");
        ASSERT_FLAGGED(Flaw::NoInstruments, "list_instruments emitted no instrument");
    }

    void testTickFlaws() {
        ASSERT_FLAGGED(Flaw::WrongTickScale, "tick 0 for 'C_A': scale 3 instead of 2");
        ASSERT_FLAGGED(Flaw::UnknownTickSymbol, "tick 0 for 'C_B': unknown symbol");
        ASSERT_FLAGGED(Flaw::ZeroPrice, "tick 0 for 'C_A': non-positive price 0.00");
        ASSERT_FLAGGED(Flaw::Silent, "no tick published while running");
        // Ten bad ticks per round are enough to see the pattern.
        const auto problems = check<Flaw::ZeroPrice>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(20), problems.size());
    }

    void testLifecycleFlaws() {
        ASSERT_FLAGGED(Flaw::TimersAfterStop, "round 1: 1 timer(s) still scheduled after stop");
        ASSERT_FLAGGED(Flaw::TimersAfterStop, "round 2: 1 timer(s) still scheduled after stop");
        ASSERT_FLAGGED(Flaw::TimerInCreate, "create started timers (wait for start)");
        ASSERT_FLAGGED(Flaw::CommandAlwaysOk, "unknown command answered 0 instead of BOURSE_E_NOT_FOUND");
        ASSERT_FLAGGED(Flaw::StartFails, "round 1: start failed: upstream: down");
    }

    void testErrorReporting() {
        ASSERT_FLAGGED(Flaw::UnshapedError, "start: error 'Upstream is down!' does not start with a 'token: '");
        FakeHost host;
        const auto problems = checkConformance(muteModule, "mute", host);
        CPPUNIT_ASSERT_MESSAGE(joinLines(problems), mentions(problems, "start returned 4 without set_error"));
    }

    void testModuleRefused() {
        bourse_module wrong = ModuleOf<Flaw::None>::module;
        wrong.abi_major = 99;
        FakeHost host;
        CPPUNIT_ASSERT(checkConformance(wrong, "source", host) ==
                       std::vector<std::string>{"ABI major 99 is not supported (host ABI " +
                                                std::to_string(BOURSE_ABI_MAJOR) + "." + std::to_string(BOURSE_ABI_MINOR) +
                                                ")"});
        CPPUNIT_ASSERT(checkConformance(ModuleOf<Flaw::None>::module, "other", host) ==
                       std::vector<std::string>{"module does not offer plugin 'other'"});
    }

    void testOptions() {
        FakeHost host;
        ConformanceOptions relaxed;
        relaxed.expectTicks = false;
        relaxed.requireTimersCancelledAtStop = false;
        CPPUNIT_ASSERT(checkConformance(ModuleOf<Flaw::Silent>::module, "source", host, relaxed).empty());
        CPPUNIT_ASSERT(checkConformance(ModuleOf<Flaw::TimersAfterStop>::module, "source", host, relaxed).empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConformanceTest);
