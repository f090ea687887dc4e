// The bot kit's pieces on their own: how client params are read (and refused
// with the field's path), the kernel's pair and venue objects, intents as the
// kernel's orders, control requests, and backtest arguments. The plugins'
// tests cover BotProduct through the fake host.
#include <bourse/botkit/BacktestJson.h>
#include <bourse/botkit/Json.h>
#include <bourse/botkit/Market.h>
#include <bourse/botkit/Venue.h>

#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

using namespace bourse;
using namespace bourse::botkit;

namespace {

JsonObject json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<JsonObject>();
}

std::string messages(const bots::FieldErrors& errors) {
    std::string out;
    for (const auto& e : errors)
        out += e.field + ": " + e.message + "\n";
    return out;
}

}  // namespace

class BotKitTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(BotKitTest);
    CPPUNIT_TEST(testNumbersAreStringsOrIntegersNeverFloats);
    CPPUNIT_TEST(testMoneyKeepsToTheQuoteScale);
    CPPUNIT_TEST(testPathsNameNestedFields);
    CPPUNIT_TEST(testRefusalJoinsEveryField);
    CPPUNIT_TEST(testPairAndVenue);
    CPPUNIT_TEST(testIntentsBecomeKernelOrders);
    CPPUNIT_TEST(testControlRequests);
    CPPUNIT_TEST(testBacktestArguments);
    CPPUNIT_TEST(testStateReaderFailsAsInternal);
    CPPUNIT_TEST_SUITE_END();

public:
    void testNumbersAreStringsOrIntegersNeverFloats() {
        // A JSON float cannot carry 0.1 exactly: decimals come as strings.
        bots::FieldErrors errors;
        const ParamReader in(json(R"({"a":"1.50","b":2,"c":1.5,"d":true,"e":"7","f":"x7","g":-3})"), "", errors);
        CPPUNIT_ASSERT(in.decimal("a") == Decimal(150, 2));
        CPPUNIT_ASSERT_EQUAL(2, in.decimal("a")->scale);  // the scale written is kept
        CPPUNIT_ASSERT(in.decimal("b") == Decimal(2, 0));
        CPPUNIT_ASSERT(!in.decimal("c"));
        CPPUNIT_ASSERT(!in.decimal("d"));  // Poco counts a boolean as an integer: refused all the same
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), in.whole("e", 0, 10).value());
        CPPUNIT_ASSERT(!in.whole("f", 0, 10));
        CPPUNIT_ASSERT(!in.whole("g", 0, 10));
        CPPUNIT_ASSERT(!in.decimal("absent") && !in.whole("absent", 0, 1) && !in.flag("absent"));
        CPPUNIT_ASSERT(!in.flag("b"));
        CPPUNIT_ASSERT_EQUAL(std::string("c: expected a decimal string such as \"1.5\"\n"
                                         "d: expected a decimal string such as \"1.5\"\n"
                                         "f: expected a whole number 0..10\n"
                                         "g: expected a whole number 0..10\n"
                                         "b: expected true or false\n"),
                             messages(errors));
    }

    void testMoneyKeepsToTheQuoteScale() {
        bots::FieldErrors errors;
        const ParamReader in(json(R"({"a":"10.5","b":"10.005","c":"abc","d":12})"), "", errors);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1050), in.money("a", 2).value());
        CPPUNIT_ASSERT(!in.money("b", 2));
        CPPUNIT_ASSERT(!in.money("c", 2));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1200), in.money("d", 2).value());
        CPPUNIT_ASSERT_EQUAL(std::string("b: has more than the quote currency's 2 decimals"),
                             errors.at(0).field + ": " + errors.at(0).message);
        CPPUNIT_ASSERT_EQUAL(std::string("12.34"), money(1234, 2));
        CPPUNIT_ASSERT_EQUAL(std::string("-0.05"), money(-5, 2));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-5), parseMoney("-0.05", 2));
    }

    void testPathsNameNestedFields() {
        bots::FieldErrors errors;
        const ParamReader root(json(R"({"params":{"pair":{"tick_size":"x"},"odd":1},"list":5})"), "", errors);
        const ParamReader params = root.object("params");
        params.allowOnly({"pair"});
        (void)params.object("pair").decimal("tick_size");
        (void)root.array("list");
        params.add({{"price", "too high"}});
        CPPUNIT_ASSERT_EQUAL(std::string("params.odd: unknown parameter\n"
                                         "params.pair.tick_size: expected a decimal string such as \"1.5\" "
                                         "(not a number)\n"
                                         "list: expected a list\n"
                                         "params.price: too high\n"),
                             messages(errors));
    }

    void testRefusalJoinsEveryField() {
        try {
            refuseIfAny({{"a", "bad"}, {"b.c", "worse"}}, "params.");
            CPPUNIT_FAIL("refused nothing");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, e.status());
            CPPUNIT_ASSERT_EQUAL(std::string("params.a: bad; params.b.c: worse"), std::string(e.what()));
        }
        refuseIfAny({});  // nothing to say: no throw
    }

    void testPairAndVenue() {
        bots::FieldErrors errors;
        const ParamReader in(json(R"({"pair":{"symbol":"BTCUSDT","tick_size":"0.01","lot_step":"0.00001",)"
                                  R"("quote_scale":2,"min_notional":"5"},)"
                                  R"("venue":{"name":"paper","fee_bps":"7.5","id_prefix":"ab12"}})"),
                             "", errors);
        const bots::PairSpec pair = readPair(in);
        const VenueTerms venue = readVenue(in);
        CPPUNIT_ASSERT_EQUAL(std::string(), messages(errors));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(500), pair.minNotional);
        CPPUNIT_ASSERT(venue.feeBps == Decimal(75, 1));
        CPPUNIT_ASSERT_EQUAL(std::string("0.00001"), pairJson(pair)->getValue<std::string>("lot_step"));
        CPPUNIT_ASSERT_EQUAL(std::string("5.00"), pairJson(pair)->getValue<std::string>("min_notional"));

        const ParamReader bad(json(R"({"venue":{"fee_bps":"1000","id_prefix":"thirteen1234x"}})"), "", errors);
        (void)readPair(bad);
        (void)readVenue(bad);
        CPPUNIT_ASSERT_EQUAL(std::string("pair: required\n"
                                         "venue.fee_bps: must be at least 0 and below 1000\n"
                                         "venue.id_prefix: must be 1 to 12 of A-Z a-z 0-9\n"),
                             messages(errors));
        CPPUNIT_ASSERT(validVenuePrefix("b7k2m9q4x1ab") && !validVenuePrefix("b7_k") && !validVenuePrefix(""));
    }

    void testIntentsBecomeKernelOrders() {
        // The shapes the kernel accepts (kernel/src/bots/BotRunner.cpp): a limit has qty
        // and price; a market buy by quote has quote_amount and qty 0; unused amounts are
        // zero at their own scale.
        bots::PairSpec pair;
        pair.symbol = "BTCUSDT";
        pair.tickSize = Decimal(1, 2);
        pair.lotStep = Decimal(1, 5);
        pair.quoteScale = 2;
        const OrderRequest limit =
            orderFor(bots::placeLimit("p-s1", bots::Side::Buy, Decimal(9900, 2), Decimal(20202, 5)), "bot1", pair);
        CPPUNIT_ASSERT(limit.type == BOURSE_ORDER_LIMIT && limit.side == BOURSE_SIDE_BUY);
        CPPUNIT_ASSERT_EQUAL(std::string("bot1"), limit.positionId);
        CPPUNIT_ASSERT_EQUAL(std::string("BTCUSDT"), limit.symbol);
        CPPUNIT_ASSERT_EQUAL(
            std::string("99.00 0.20202 0.00"),
            limit.limitPrice.toString() + " " + limit.quantity.toString() + " " + limit.quoteAmount.toString());
        const OrderRequest byQuote = orderFor(bots::placeMarketBuyQuote("p-b", 1000), "bot1", pair);
        CPPUNIT_ASSERT_EQUAL(
            std::string("0.00 0.00000 10.00"),
            byQuote.limitPrice.toString() + " " + byQuote.quantity.toString() + " " + byQuote.quoteAmount.toString());
        const OrderRequest sell = orderFor(bots::placeMarket("p-x1", bots::Side::Sell, Decimal(3, 5)), "bot1", pair);
        CPPUNIT_ASSERT(sell.type == BOURSE_ORDER_MARKET && sell.side == BOURSE_SIDE_SELL);
        CPPUNIT_ASSERT_EQUAL(std::string("0.00003"), sell.quantity.toString());

        const bourse_fill f{sizeof(bourse_fill),
                            toStr("bot1"),
                            toStr("p-s1"),
                            toStr("v1"),
                            toStr("BTCUSDT"),
                            BOURSE_SIDE_BUY,
                            {20202, 5},
                            {9900, 2},
                            {20, "USD"},
                            77,
                            1};
        const bots::FillReport report = reportFor(f);
        CPPUNIT_ASSERT_EQUAL(std::string("p-s1"), report.clientId);
        CPPUNIT_ASSERT(report.qty == Decimal(20202, 5) && report.price == Decimal(99, 0));
        CPPUNIT_ASSERT(report.feeMinor == 20 && report.ts == 77 && report.done);
    }

    void testControlRequests() {
        CPPUNIT_ASSERT(parseControl(R"({"action":"pause"})").action == ControlRequest::Action::Pause);
        const ControlRequest stop = parseControl(R"({"action":"stop","close":true})");
        CPPUNIT_ASSERT(stop.action == ControlRequest::Action::Stop && stop.close == true);
        CPPUNIT_ASSERT(!parseControl(R"({"action":"resume"})").close.has_value());
        CPPUNIT_ASSERT_THROW(parseControl(R"({"close":true})"), Error);
        CPPUNIT_ASSERT_THROW(parseControl("[]"), Error);
        try {
            parseControl(R"({"action":"stop","force":true})");
            CPPUNIT_FAIL("accepted an unknown key");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(std::string("force: unknown parameter"), std::string(e.what()));
        }
    }

    void testBacktestArguments() {
        constexpr std::int64_t minute = 60'000'000'000;
        bots::FieldErrors errors;
        // The candle length comes from the smallest gap between candles (here the only one).
        const ParamReader in(json(R"({"candles":[[0,"100","101","99","100.5"],[300000000000,"100.5","102","100",)"
                                  R"("101",12.5]],"slippage_bps":"5"})"),
                             "", errors);
        const BacktestArgs args = readBacktestArgs(in, 10);
        CPPUNIT_ASSERT_EQUAL(std::string(), messages(errors));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), args.candles.size());
        CPPUNIT_ASSERT_EQUAL(5 * minute, args.candles[1].durationNs);
        CPPUNIT_ASSERT(args.slippageBps == Decimal(5, 0));
        CPPUNIT_ASSERT(args.candles[1].close == Decimal(101, 0));

        // A missing candle (a gap of two) is not taken for the candle length.
        const ParamReader gappy(json(R"({"candles":[[0,"1","1","1","1"],[120000000000,"1","1","1","1"],)"
                                     R"([180000000000,"1","1","1","1"]]})"),
                                "", errors);
        CPPUNIT_ASSERT_EQUAL(minute, readBacktestArgs(gappy, 10).candles[0].durationNs);
        CPPUNIT_ASSERT_EQUAL(std::string(), messages(errors));

        const auto refusal = [](const std::string& text, std::size_t max = 10) {
            bots::FieldErrors e;
            (void)readBacktestArgs(ParamReader(json(text), "", e), max);
            return messages(e);
        };
        CPPUNIT_ASSERT_EQUAL(std::string("candles: at most 1 candles\n"),
                             refusal(R"({"candles":[[0,"1","1","1","1"],[60000000000,"1","1","1","1"]]})", 1));
        CPPUNIT_ASSERT_EQUAL(std::string("candles[0]: close: expected a positive decimal string\n"),
                             refusal(R"({"candles":[[0,"1","1","1",1.5]]})"));
        CPPUNIT_ASSERT_EQUAL(std::string("candles[1]: starts before the previous candle ends (candles go oldest "
                                         "first, 60 s apart at least)\n"),
                             refusal(R"({"interval_s":60,"candles":[[0,"1","1","1","1"],[1,"1","1","1","1"]]})"));
        CPPUNIT_ASSERT_EQUAL(std::string("slippage_bps: must be at least 0 and below 1000\ncandles: required\n"),
                             refusal(R"({"slippage_bps":"-1"})"));
    }

    void testStateReaderFailsAsInternal() {
        // The plugin's own state does not read back: a bug or a corrupt row, never the client's fault.
        const StateReader in(json(R"({"a":{"b":"x"}})"), "");
        try {
            (void)in.object("a").whole("b");
            CPPUNIT_FAIL("read a word as a number");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(BOURSE_E_INTERNAL, e.status());
            CPPUNIT_ASSERT_EQUAL(std::string("state: a.b: expected a whole number"), std::string(e.what()));
        }
        CPPUNIT_ASSERT_THROW((void)in.text("missing"), Error);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BotKitTest);
