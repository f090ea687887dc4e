// The shared config reader: what each reading takes, and the exact message each
// refusal gives, with the key's path from the top of the config.
#include "bourse/plugins/ConfigReader.h"

#include <bourse/plugin.hpp>

#include <algorithm>
#include <cctype>
#include <functional>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

using bourse::plugins::ConfigList;
using bourse::plugins::ConfigReader;

namespace {

/// The message `read` throws with (a BOURSE_E_CONFIG error), "" when it throws nothing.
std::string refusal(const std::function<void()>& read) {
    try {
        read();
    } catch (const bourse::Error& e) {
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, e.status());
        return e.what();
    }
    return "";
}

/// The message reading `json` with `read` gives.
std::string refusal(const std::string& json, const std::function<void(const ConfigReader&)>& read) {
    return refusal([&] { read(ConfigReader::parse(json)); });
}

}  // namespace

class ConfigReaderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConfigReaderTest);
    CPPUNIT_TEST(testParse);
    CPPUNIT_TEST(testKeys);
    CPPUNIT_TEST(testText);
    CPPUNIT_TEST(testWholeNumbers);
    CPPUNIT_TEST(testFlags);
    CPPUNIT_TEST(testUrls);
    CPPUNIT_TEST(testStrings);
    CPPUNIT_TEST(testNestedPaths);
    CPPUNIT_TEST_SUITE_END();

public:
    void testParse() {
        CPPUNIT_ASSERT_EQUAL(std::string("config: not a JSON object"), refusal([] { ConfigReader::parse("[1,2]"); }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: not a JSON object"), refusal([] { ConfigReader::parse("[]"); }));
        CPPUNIT_ASSERT(refusal([] { ConfigReader::parse("{nope"); }).rfind("config: not a JSON object: ", 0) == 0);
        CPPUNIT_ASSERT(ConfigReader::parse("{}").keys().empty());
    }

    void testKeys() {
        const auto r = ConfigReader::parse(R"({"a":1,"b":null})");
        CPPUNIT_ASSERT(r.has("a") && r.has("b") && !r.has("c"));
        CPPUNIT_ASSERT((r.keys() == std::vector<std::string>{"a", "b"}));
        CPPUNIT_ASSERT(r.value("c").isEmpty());
        CPPUNIT_ASSERT_EQUAL(1, r.value("a").convert<int>());
        r.allowOnly({"a", "b", "c"});
        CPPUNIT_ASSERT_EQUAL(std::string("config: b: unknown key"), refusal([&] { r.allowOnly({"a"}); }));
        r.require("a");
        CPPUNIT_ASSERT_EQUAL(std::string("config: c: required"), refusal([&] { r.require("c"); }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: c: required (the key id)"),
                             refusal([&] { r.require("c", "required (the key id)"); }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: a: odd"), refusal([&] { r.fail("a", "odd"); }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: a[2]: odd"), refusal([&] { r.fail("a", 2, "odd"); }));
    }

    void testText() {
        const auto r = ConfigReader::parse(R"({"name":"Acme","empty":"","number":42,"none":null})");
        CPPUNIT_ASSERT_EQUAL(std::string("Acme"), r.text("name", "x"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), r.text("empty", "x"));
        CPPUNIT_ASSERT_EQUAL(std::string("x"), r.text("absent", "x"));
        CPPUNIT_ASSERT(!r.optionalText("absent"));
        CPPUNIT_ASSERT_EQUAL(std::string("Acme"), r.optionalText("name").value_or(""));
        CPPUNIT_ASSERT_EQUAL(std::string("config: number: expected a string"),
                             refusal([&] { (void)r.text("number", ""); }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: none: expected a string"),
                             refusal([&] { (void)r.optionalText("none"); }));
    }

    void testWholeNumbers() {
        const auto r = ConfigReader::parse(
            R"({"n":300,"quoted":"300","float":5.0,"zero":0,"big":"999999999999999","huge":18446744073709551615})");
        CPPUNIT_ASSERT_EQUAL(std::int64_t(300), r.whole("n", 1, 0, 1000));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(300), r.whole("quoted", 1, 0, 1000));  // YAML may quote numbers
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), r.whole("float", 1, 0, 11));       // YAML 5.0
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), r.whole("zero", 1, 0, 1));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), r.whole("absent", 7, 0, 1));  // the fallback is not checked
        CPPUNIT_ASSERT_EQUAL(std::int64_t(999'999'999'999'999), r.whole("big", 0, 0, 1'000'000'000'000'000));
        const std::string rule = "config: x: expected a whole number 1..86400";
        for (const char* bad : {"0", "86401", "-5", "2.5", "true", "false", "null", R"("")", R"("ten")", R"("-5")",
                                R"("1e3")", R"(" 5")", R"("5.0")", R"("1234567890123456")", "[5]", "{}", "1e300"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, rule, refusal(std::string(R"({"x":)") + bad + "}", [](const auto& c) {
                                             (void)c.whole("x", 1, 1, 86'400);
                                         }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: huge: expected a whole number 0..10"),
                             refusal([&] { (void)r.whole("huge", 0, 0, 10); }));
    }

    void testFlags() {
        const auto r = ConfigReader::parse(R"({"t":true,"f":false,"ts":"true","fs":"false","one":1,"yes":"yes"})");
        CPPUNIT_ASSERT(r.flag("t", false) && r.flag("ts", false));
        CPPUNIT_ASSERT(!r.flag("f", true) && !r.flag("fs", true));
        CPPUNIT_ASSERT(r.flag("absent", true));
        CPPUNIT_ASSERT_EQUAL(std::string("config: one: expected true or false"),
                             refusal([&] { (void)r.flag("one", false); }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: yes: expected true or false"),
                             refusal([&] { (void)r.flag("yes", false); }));
    }

    void testUrls() {
        const auto r = ConfigReader::parse(
            R"({"api":"http://127.0.0.1:9//","page":"https://x.test/done/","ws":"wss://x.test/","ftp":"ftp://x",)"
            R"("bare":"x.test","empty":"","half":"https:/x"})");
        CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:9"), r.baseUrl("api", "https://default"));
        CPPUNIT_ASSERT_EQUAL(std::string("https://default/"), r.url("absent", "https://default/"));
        CPPUNIT_ASSERT_EQUAL(std::string("https://x.test/done/"), r.url("page", ""));  // kept as written
        CPPUNIT_ASSERT_EQUAL(std::string("wss://x.test"), r.baseUrl("ws", "", {"ws", "wss"}));
        CPPUNIT_ASSERT_EQUAL(std::string(""), r.optionalUrl("absent"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), r.optionalUrl("empty"));
        CPPUNIT_ASSERT_EQUAL(std::string("https://x.test/done/"), r.optionalUrl("page"));
        for (const char* bad : {"ftp", "bare", "empty", "half"})
            CPPUNIT_ASSERT_EQUAL(std::string("config: ") + bad + ": must start with http:// or https://",
                                 refusal([&] { (void)r.url(bad, "https://default"); }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: ftp: must start with http:// or https://"),
                             refusal([&] { (void)r.optionalUrl("ftp"); }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: api: must start with ws:// or wss://"), refusal([&] {
                                 (void)r.baseUrl("api", "", {"ws", "wss"});
                             }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: ftp: must start with a://, b:// or c://"), refusal([&] {
                                 (void)r.url("ftp", "", {"a", "b", "c"});
                             }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: bare: expected a string"),
                             refusal(R"({"bare":7})", [](const auto& c) { (void)c.url("bare", ""); }));
    }

    void testStrings() {
        const auto upper = [](const std::string& s) {
            return s.size() == 3 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isupper(c); })
                       ? std::string()
                       : "'" + s + "' is not a code";
        };
        const auto codes = [&](const std::string& json) {
            return refusal(json, [&](const auto& c) { (void)c.strings("c", "a list such as [INR]", "code", upper); });
        };
        const auto r = ConfigReader::parse(R"({"c":["INR","USD"]})");
        CPPUNIT_ASSERT((r.strings("c", "a list", "code", upper) == std::vector<std::string>{"INR", "USD"}));
        CPPUNIT_ASSERT((r.strings("c", "a list", "code") == std::vector<std::string>{"INR", "USD"}));
        CPPUNIT_ASSERT_EQUAL(std::string("config: c: expected a list such as [INR]"), codes(R"({"c":"INR"})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: c: expected a list such as [INR]"), codes("{}"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: c: list at least one code"), codes(R"({"c":[]})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: c[1]: expected a string"), codes(R"({"c":["INR",356]})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: c[1]: 'usd' is not a code"), codes(R"({"c":["INR","usd"]})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: c[2]: 'INR' is listed twice"), codes(R"({"c":["INR","USD","INR"]})"));
    }

    void testNestedPaths() {
        const auto r = ConfigReader::parse(
            R"({"payout":{"mode":"IMPS","queue":"maybe"},"symbols":[{"symbol":"A","price_scale":5},)"
            R"({"symbol":"B","price_scale":12}],"bad":[1],"map":{"EUR":0}})");
        const ConfigReader payout = r.object("payout", "an object {mode: IMPS}");
        CPPUNIT_ASSERT_EQUAL(std::string("payout.mode"), payout.path("mode"));
        CPPUNIT_ASSERT_EQUAL(std::string("IMPS"), payout.text("mode", ""));
        CPPUNIT_ASSERT_EQUAL(std::string("config: payout.queue: expected true or false"),
                             refusal([&] { (void)payout.flag("queue", true); }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: payout.fee: unknown key"),
                             refusal(R"({"payout":{"fee":1}})",
                                     [](const auto& c) { c.object("payout", "an object").allowOnly({"mode"}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: symbols: expected an object {mode: IMPS}"),
                             refusal([&] { (void)r.object("symbols", "an object {mode: IMPS}"); }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: absent: expected an object"),
                             refusal([&] { (void)r.object("absent", "an object"); }));

        const ConfigList symbols = r.list("symbols", "a list of symbols", "symbol");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), symbols.size());
        CPPUNIT_ASSERT_EQUAL(std::string("symbols[1]"), symbols.path(1));
        const ConfigReader second = symbols.object(1, "an object");
        CPPUNIT_ASSERT_EQUAL(std::string("B"), second.text("symbol", ""));
        CPPUNIT_ASSERT_EQUAL(std::string("config: symbols[1].price_scale: expected a whole number 0..11"),
                             refusal([&] { (void)second.whole("price_scale", 0, 0, 11); }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: symbols[1].symbol: taken"),
                             refusal([&] { second.fail("symbol", "taken"); }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: symbols[0]: expected a string"),
                             refusal([&] { (void)symbols.text(0); }));
        const ConfigList bad = r.list("bad", "a list", "entry");
        CPPUNIT_ASSERT_EQUAL(std::string("config: bad[0]: expected an object {symbol: A}"),
                             refusal([&] { (void)bad.object(0, "an object {symbol: A}"); }));
        CPPUNIT_ASSERT_EQUAL(std::string("config: bad[0]: odd"), refusal([&] { bad.fail(0, "odd"); }));

        const ConfigReader map = r.object("map", "a map");
        CPPUNIT_ASSERT_EQUAL(std::string("config: map.EUR: expected a whole number 1..99"),
                             refusal([&] { (void)map.whole(map.keys().front(), 0, 1, 99); }));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigReaderTest);
