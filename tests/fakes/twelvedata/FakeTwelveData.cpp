#include "twelvedata/FakeTwelveData.h"

#include <Poco/Buffer.h>
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <list>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace bourse::fakes {

namespace {

using Steady = std::chrono::steady_clock;
using Poco::Net::WebSocket;

constexpr int kUnitScale = 6;  ///< the price path's resolution: millionths
constexpr std::int64_t kMinuteMs = 60'000, kDayMs = 86'400'000;

std::int64_t systemMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// "1.08" → 1080000 (millionths). Throws std::invalid_argument.
std::int64_t unitsOf(const std::string& decimal) {
    const auto dot = decimal.find('.');
    std::string whole = decimal.substr(0, dot), fraction = dot == std::string::npos ? "" : decimal.substr(dot + 1);
    if (whole.empty() || fraction.size() > static_cast<std::size_t>(kUnitScale) ||
        (whole + fraction).find_first_not_of("0123456789") != std::string::npos)
        throw std::invalid_argument("fake Twelve Data: bad base price '" + decimal + "'");
    fraction.append(static_cast<std::size_t>(kUnitScale) - fraction.size(), '0');
    return std::stoll(whole + fraction);
}

std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

/// Currency pairs and metals carry no volume on Twelve Data.
bool forexLike(const std::string& symbol) {
    static const std::set<std::string> currencies = {"EUR", "GBP", "USD", "JPY", "CHF",
                                                     "AUD", "CAD", "NZD", "XAU", "XAG"};
    const auto slash = symbol.find('/');
    return slash != std::string::npos && currencies.count(symbol.substr(0, slash));
}

/// millionths → text with dp decimals, rounded half-up (dp > 6 pads zeros).
std::string fixed(std::int64_t units, int dp) {
    std::int64_t v = units;
    if (dp < kUnitScale) {
        std::int64_t div = 1;
        for (int i = dp; i < kUnitScale; ++i)
            div *= 10;
        v = (units + div / 2) / div;
    }
    std::string digits = std::to_string(v);
    const int scale = std::min(dp, kUnitScale);
    if (static_cast<int>(digits.size()) <= scale)
        digits.insert(0, static_cast<std::size_t>(scale + 1) - digits.size(), '0');
    if (scale > 0) digits.insert(digits.size() - static_cast<std::size_t>(scale), ".");
    if (dp > kUnitScale) digits.append(static_cast<std::size_t>(dp - kUnitScale), '0');
    return digits;
}

/// millionths → a JSON number as the stream writes it: "1.081234", "60000.5", "2300".
std::string numberText(std::int64_t units) {
    std::string s = fixed(units, kUnitScale);
    while (s.back() == '0')
        s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

std::string stringify(const Poco::Dynamic::Var& v) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(v, out);
    return out.str();
}

std::string errorBody(int code, const std::string& message) {
    Poco::JSON::Object o;
    o.set("code", code);
    o.set("message", message);
    o.set("status", "error");
    return stringify(o);
}

/// Interval length in ms; -1 for an interval Twelve Data has but this fake does not serve; 0 for none.
std::int64_t stepOf(const std::string& interval) {
    static const std::map<std::string, std::int64_t> ms = {
        {"1min", 60'000},     {"5min", 300'000},    {"15min", 900'000}, {"30min", 1'800'000},
        {"45min", 2'700'000}, {"1h", 3'600'000},    {"2h", 7'200'000},  {"4h", 14'400'000},
        {"8h", 28'800'000},   {"1day", 86'400'000}, {"1week", -1},      {"1month", -1}};
    const auto it = ms.find(interval);
    return it == ms.end() ? 0 : it->second;
}

std::string utcText(std::int64_t ms, bool dateOnly) {
    const Poco::DateTime t{Poco::Timestamp(static_cast<Poco::Timestamp::TimeVal>(ms) * 1000)};
    return Poco::DateTimeFormatter::format(t, dateOnly ? "%Y-%m-%d" : "%Y-%m-%d %H:%M:%S");
}

/// "2026-08-10" or "2026-08-10 13:05:00" (UTC) → ms; nullopt when it is neither.
std::optional<std::int64_t> parseDate(const std::string& text) {
    Poco::DateTime t;
    int tzd = 0;
    const bool ok = text.size() == 10   ? Poco::DateTimeParser::tryParse("%Y-%m-%d", text, t, tzd)
                    : text.size() == 19 ? Poco::DateTimeParser::tryParse("%Y-%m-%d %H:%M:%S", text, t, tzd)
                                        : false;
    if (!ok) return std::nullopt;
    return t.timestamp().epochMicroseconds() / 1000;
}

std::vector<std::string> splitSymbols(const std::string& list) {
    std::vector<std::string> out;
    std::stringstream s(list);
    for (std::string item; std::getline(s, item, ',');) {
        item = Poco::trim(item);
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

const char* kBadKey =
    "**apikey** parameter is incorrect or not specified. You can get your free API key instantly following this "
    "link: https://twelvedata.com/pricing. If you believe that everything is correct, you can contact us at "
    "https://twelvedata.com/contact/customer";

std::string notFound(const std::string& symbol) {
    return "**symbol** not found: " + symbol + ". Please specify it correctly according to API Documentation.";
}

std::string notInPlan(const std::string& symbol) {
    return "**symbol** " + symbol +
           " is available exclusively with pro or higher plans. Consider upgrading your API Key now at "
           "https://twelvedata.com/pricing";
}

}  // namespace

class FakeTwelveData::Impl {
public:
    struct Market {
        std::int64_t baseUnits = 0;
        bool forex = false;
    };

    explicit Impl(FakeTwelveDataOptions o)
        : options(std::move(o)), perMinute(options.creditsPerMinute), perDay(options.creditsPerDay) {
        for (const auto& [symbol, base] : options.basePrices)
            markets[symbol] = Market{unitsOf(base), forexLike(symbol)};
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", options.port));
        port = socket.address().port();
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(64);
        server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);
        server->start();
    }
    ~Impl() {
        stopping = true;
        server->stopAll(true);
        // Poco does not join handlers already running (a scripted delay, a
        // stream): they use this object, so wait for them to notice.
        for (int i = 0; i < 1'000 && active.load() > 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }

    [[nodiscard]] std::int64_t now() const { return options.clock ? options.clock() : systemMs(); }

    [[nodiscard]] const Market* market(const std::string& symbol) const {
        const auto it = markets.find(symbol);
        return it == markets.end() ? nullptr : &it->second;
    }

    /// The price path: millionths at an instant, a slow wave plus per-second noise.
    [[nodiscard]] std::int64_t unitsAt(const std::string& symbol, std::int64_t ms) const {
        const Market& m = *market(symbol);
        const std::int64_t second = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
        const double wave = std::sin(static_cast<double>(second) / 300.0) * 0.004;
        const auto noise =
            static_cast<double>(mix(std::hash<std::string>{}(symbol) ^ static_cast<std::uint64_t>(second)) % 2001) /
                1000.0 -
            1.0;
        const double units = static_cast<double>(m.baseUnits) * (1.0 + wave + noise * 0.0005);
        return std::max<std::int64_t>(1, std::llround(units));
    }

    // ----- REST -----

    struct Answer {
        int status = 200;  ///< Twelve Data's code for errors
        std::string body;
        bool error = false;
    };

    static Answer fail(int code, const std::string& message) { return Answer{code, errorBody(code, message), true}; }

    void rest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
        const auto until = Steady::now() + std::chrono::milliseconds(delayMs.load());
        while (!stopping && Steady::now() < until)  // interruptible: the fake may be going away
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        const Poco::URI uri(req.getURI());
        FakeTwelveDataRequest rec;
        rec.atMs = now();
        rec.path = uri.getPath();
        rec.query = uri.getRawQuery();
        for (const auto& [k, v] : uri.getQueryParameters())
            rec.params[Poco::toLower(k)] = v;  // Twelve Data's parameter names are case-insensitive
        rec.authorization = req.get("Authorization", "");
        Answer a;
        bool malformed = false;
        std::string key = rec.params.count("apikey") ? rec.params.at("apikey") : "";
        if (Poco::icompare(rec.authorization.substr(0, 7), "apikey ") == 0)
            key = Poco::trim(rec.authorization.substr(7));
        if (key != options.apiKey) {
            a = fail(401, kBadKey);
        } else {
            std::lock_guard lock(mutex);
            if (failCount > 0) {
                --failCount;
                a = fail(failStatus,
                         failStatus >= 500 ? "Internal server error. Please try again later." : "Scripted failure.");
            } else if (malformedCount > 0) {
                --malformedCount;
                malformed = true;
                a.body = R"({"price":"1.0)";
            }
        }
        if (!a.error && !malformed) {
            if (rec.path == "/price")
                a = price(rec);
            else if (rec.path == "/time_series")
                a = timeSeries(rec);
            else
                a = fail(404, "This endpoint is not available.");
        }
        rec.code = a.error ? a.status : 0;
        rec.httpStatus = a.error && !http200.load() ? a.status : 200;
        rec.body = a.body;
        {
            std::lock_guard lock(mutex);
            log.push_back(rec);
        }
        resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(rec.httpStatus));
        resp.setContentType("application/json; charset=utf-8");
        resp.setContentLength(static_cast<std::streamsize>(a.body.size()));
        resp.send() << a.body;
    }

    /// Charges `cost` credits, or says why not (429, nothing charged).
    std::optional<Answer> charge(int cost, FakeTwelveDataRequest& rec) {
        std::lock_guard lock(mutex);
        roll(rec.atMs);
        if (dayUsed + cost > perDay)
            return fail(429, "You have run out of API credits for the day. " + std::to_string(dayUsed + cost) +
                                 " API credits were used, with the current limit being " + std::to_string(perDay) +
                                 ". Wait for the next day or consider switching to a higher tier plan at "
                                 "https://twelvedata.com/pricing");
        if (minuteUsed + cost > perMinute)
            return fail(429, "You have run out of API credits for the current minute. " +
                                 std::to_string(minuteUsed + cost) +
                                 " API credits were used, with the current limit being " + std::to_string(perMinute) +
                                 ". Wait for the next minute or consider switching to a higher tier plan at "
                                 "https://twelvedata.com/pricing");
        minuteUsed += cost;
        dayUsed += cost;
        rec.credits = cost;
        return std::nullopt;
    }

    void roll(std::int64_t ms) {
        if (ms / kMinuteMs != minute) {
            minute = ms / kMinuteMs;
            minuteUsed = 0;
        }
        if (ms / kDayMs != day) {
            day = ms / kDayMs;
            dayUsed = 0;
        }
    }

    static std::optional<int> dpOf(const FakeTwelveDataRequest& rec) {
        if (!rec.params.count("dp")) return 5;
        const std::string& v = rec.params.at("dp");
        if (v.empty() || v.size() > 2 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
        const int dp = std::stoi(v);
        return dp <= 11 ? std::optional<int>(dp) : std::nullopt;
    }

    Answer price(FakeTwelveDataRequest& rec) {
        const auto symbols = splitSymbols(rec.params.count("symbol") ? rec.params.at("symbol") : "");
        if (symbols.empty())
            return fail(400,
                        "**symbol** or **figi** parameter is missing or invalid. Please provide a valid symbol "
                        "according to API documentation: https://twelvedata.com/docs#reference-data");
        const auto dp = dpOf(rec);
        if (!dp) return fail(400, "**dp** parameter must be between 0 and 11.");
        if (auto refused = charge(static_cast<int>(symbols.size()), rec)) return *refused;
        const std::int64_t at = rec.atMs;
        const auto one = [&](const std::string& s) -> Answer {
            if (!market(s)) return fail(404, notFound(s));
            if (options.planRestricted.count(s)) return fail(403, notInPlan(s));
            return Answer{200, R"({"price":")" + fixed(unitsAt(s, at), *dp) + "\"}", false};
        };
        if (symbols.size() == 1) return one(symbols[0]);
        // A batch: one member per symbol, errors in place (the request itself succeeds).
        std::string body = "{";
        for (std::size_t i = 0; i < symbols.size(); ++i)
            body += (i ? "," : "") + stringify(symbols[i]) + ":" + one(symbols[i]).body;
        return Answer{200, body + "}", false};
    }

    Answer timeSeries(FakeTwelveDataRequest& rec) {
        const auto& p = rec.params;
        const std::string symbol = p.count("symbol") ? p.at("symbol") : "";
        if (symbol.empty())
            return fail(400,
                        "**symbol** or **figi** parameter is missing or invalid. Please provide a valid symbol "
                        "according to API documentation: https://twelvedata.com/docs#reference-data");
        if (symbol.find(',') != std::string::npos)
            return fail(400, "this fake serves /time_series for one symbol at a time");
        const std::string interval = p.count("interval") ? p.at("interval") : "";
        const std::int64_t step = stepOf(interval);
        if (step == 0)
            return fail(400, "Invalid **interval** provided: " + interval +
                                 ". Supported intervals: 1min, 5min, 15min, 30min, 45min, 1h, 2h, 4h, 8h, 1day, "
                                 "1week, 1month");
        if (step < 0) return fail(400, "**interval** " + interval + " is valid but not served by this fake");
        const bool dated = p.count("start_date") || p.count("end_date");
        int outputsize = dated ? 5000 : 30;
        if (p.count("outputsize")) {
            const std::string& v = p.at("outputsize");
            if (v.empty() || v.size() > 5 || v.find_first_not_of("0123456789") != std::string::npos ||
                std::stoi(v) < 1 || std::stoi(v) > 5000)
                return fail(400, "**outputsize** parameter must be between 1 and 5000.");
            outputsize = std::stoi(v);
        }
        std::optional<std::int64_t> start, end;
        if (p.count("start_date") && !(start = parseDate(p.at("start_date"))))
            return fail(400, "**start_date** parameter format is invalid. Use 2006-01-02 or 2006-01-02 15:04:05.");
        if (p.count("end_date") && !(end = parseDate(p.at("end_date"))))
            return fail(400, "**end_date** parameter format is invalid. Use 2006-01-02 or 2006-01-02 15:04:05.");
        const std::string tz = p.count("timezone") ? p.at("timezone") : "Exchange";
        if (tz != "UTC" && tz != "Exchange")  // forex and crypto trade in UTC: both mean UTC here
            return fail(400, "**timezone** " + tz + " is not served by this fake (UTC or Exchange)");
        const std::string order = p.count("order") ? Poco::toLower(p.at("order")) : "desc";
        if (order != "asc" && order != "desc") return fail(400, "**order** parameter must be asc or desc.");
        const auto dp = dpOf(rec);
        if (!dp) return fail(400, "**dp** parameter must be between 0 and 11.");
        if (!market(symbol)) return fail(404, notFound(symbol));
        if (options.planRestricted.count(symbol)) return fail(403, notInPlan(symbol));
        if (auto refused = charge(1, rec)) return *refused;

        const std::int64_t now = rec.atMs;
        const std::int64_t last = std::min(end.value_or(now), now) / step * step;  // the newest bar's open
        std::int64_t first = start ? (*start + step - 1) / step * step : last - (outputsize - 1) * step;
        if (first > last)
            return fail(400,
                        "No data is available on the specified dates. Try setting different "
                        "start/end dates.");
        if ((last - first) / step + 1 > outputsize) first = last - (outputsize - 1) * step;  // the latest rows

        std::vector<Poco::JSON::Object::Ptr> rows;
        for (std::int64_t open = first; open <= last; open += step) {
            const std::int64_t closeAt = std::min(open + step - 1000, now);
            std::int64_t hi = std::max(unitsAt(symbol, open), unitsAt(symbol, closeAt));
            std::int64_t lo = std::min(unitsAt(symbol, open), unitsAt(symbol, closeAt));
            const std::int64_t samples = std::min<std::int64_t>(step / 1000, 60);
            for (std::int64_t i = 1; i < samples; ++i) {
                const std::int64_t t = open + i * (step / samples);
                if (t > closeAt) break;
                hi = std::max(hi, unitsAt(symbol, t));
                lo = std::min(lo, unitsAt(symbol, t));
            }
            Poco::JSON::Object::Ptr row = new Poco::JSON::Object;
            row->set("datetime", utcText(open, step >= kDayMs));
            row->set("open", fixed(unitsAt(symbol, open), *dp));
            row->set("high", fixed(hi, *dp));
            row->set("low", fixed(lo, *dp));
            row->set("close", fixed(unitsAt(symbol, closeAt), *dp));
            if (!market(symbol)->forex)
                row->set("volume", std::to_string(mix(static_cast<std::uint64_t>(open)) % 100'000) + ".5");
            rows.push_back(row);
        }
        if (order == "desc") std::reverse(rows.begin(), rows.end());
        Poco::JSON::Array::Ptr values = new Poco::JSON::Array;
        for (const auto& row : rows)
            values->add(row);
        Poco::JSON::Object meta;
        meta.set("symbol", symbol);
        meta.set("interval", interval);
        const auto slash = symbol.find('/');
        if (slash != std::string::npos) {
            meta.set("currency_base", symbol.substr(0, slash));
            meta.set("currency_quote", symbol.substr(slash + 1));
        }
        meta.set("exchange_timezone", "UTC");
        meta.set("type", market(symbol)->forex ? "Physical Currency" : "Digital Currency");
        Poco::JSON::Object out;
        out.set("meta", meta);
        out.set("values", values);
        out.set("status", "ok");
        return Answer{200, stringify(out), false};
    }

    // ----- the price stream -----

    struct Conn {
        std::atomic<bool> kicked{false};
    };

    void stream(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
        const Poco::URI uri(req.getURI());
        std::string key = req.get("X-TD-APIKEY", "");
        for (const auto& [k, v] : uri.getQueryParameters())
            if (Poco::icompare(k, "apikey") == 0) key = v;
        {
            std::lock_guard lock(mutex);
            lastKey = key;
        }
        if (uri.getPath() != "/v1/quotes/price" || key != options.apiKey) {
            // Refused before the upgrade, with Twelve Data's error body.
            const int code = uri.getPath() != "/v1/quotes/price" ? 404 : 401;
            const std::string body = errorBody(code, code == 401 ? kBadKey : "This endpoint is not available.");
            resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(code));
            resp.setContentType("application/json; charset=utf-8");
            resp.setContentLength(static_cast<std::streamsize>(body.size()));
            resp.send() << body;
            return;
        }
        WebSocket ws(req, resp);
        auto me = std::make_shared<Conn>();
        std::uint64_t generation = 0;
        {
            std::lock_guard lock(mutex);
            // At most 3 connections per key: opening another closes the oldest.
            if (conns.size() >= 3) {
                conns.front()->kicked = true;
                conns.pop_front();
            }
            conns.push_back(me);
            generation = dropGeneration;
        }
        ++opened;
        ++openNow;
        try {
            serve(ws, *me, generation);
        } catch (const Poco::Exception&) {
            // the client went away
        }
        {
            std::lock_guard lock(mutex);
            conns.remove(me);
        }
        --openNow;
    }

    void sendText(WebSocket& ws, const std::string& text) {
        ws.sendFrame(text.data(), static_cast<int>(text.size()), WebSocket::FRAME_TEXT);
    }

    void serve(WebSocket& ws, Conn& me, std::uint64_t generation) {
        const auto period = std::chrono::microseconds(1'000'000 / std::max(1, options.pricesPerSecond));
        auto nextSend = Steady::now() + period;
        auto lastHeartbeat = Steady::now();
        std::set<std::string> subscribed;
        std::uint64_t malformedSeen;
        {
            std::lock_guard lock(mutex);
            malformedSeen = malformedGeneration;
        }
        Poco::Buffer<char> frame(0);
        while (!stopping) {
            {
                std::lock_guard lock(mutex);
                if (dropGeneration != generation) {
                    // Half a frame, then gone without a close frame: what a dying network path looks like.
                    const char half[] = {static_cast<char>(0x81), 0x7e, 0x01};
                    ws.sendBytes(half, sizeof half);
                    ws.setLinger(true, 0);
                    ws.close();
                    return;
                }
            }
            if (me.kicked) {
                ws.shutdown(1000, "connection limit: a newer connection with this key");
                return;
            }
            if (options.heartbeatTimeout.count() > 0 && Steady::now() - lastHeartbeat > options.heartbeatTimeout) {
                ws.shutdown(1001, "no heartbeat");
                return;
            }
            const auto wait = std::max(std::chrono::microseconds(100),
                                       std::chrono::duration_cast<std::chrono::microseconds>(nextSend - Steady::now()));
            ws.setReceiveTimeout(Poco::Timespan(static_cast<long>(std::min<std::int64_t>(wait.count(), 100'000))));
            int flags = 0;
            frame.resize(0);
            try {
                const int n = ws.receiveFrame(frame, flags);
                const int op = flags & WebSocket::FRAME_OP_BITMASK;
                if (n == 0 && flags == 0) return;
                if (op == WebSocket::FRAME_OP_CLOSE) {
                    ws.shutdown();
                    return;
                }
                if (op == WebSocket::FRAME_OP_TEXT) {
                    const std::string text(frame.begin(), static_cast<std::size_t>(n));
                    if (action(ws, text, subscribed)) lastHeartbeat = Steady::now();
                }
            } catch (const Poco::TimeoutException&) {
            }
            if (stalled || Steady::now() < nextSend) continue;
            nextSend += period;
            if (nextSend < Steady::now()) nextSend = Steady::now() + period;
            {
                std::lock_guard lock(mutex);
                if (malformedGeneration != malformedSeen) {
                    malformedSeen = malformedGeneration;
                    sendText(ws, R"({"event":"price","symbol":"EUR/USD","price":1.08)");
                    continue;
                }
            }
            const std::int64_t ms = now();
            for (const auto& s : subscribed)
                sendText(ws, priceEvent(s, ms));
        }
    }

    [[nodiscard]] std::string priceEvent(const std::string& symbol, std::int64_t ms) const {
        const std::int64_t units = unitsAt(symbol, ms);
        std::string e = R"({"event":"price","symbol":)" + stringify(symbol);
        const auto slash = symbol.find('/');
        if (slash != std::string::npos)
            e += R"(,"currency_base":)" + stringify(symbol.substr(0, slash)) + R"(,"currency_quote":)" +
                 stringify(symbol.substr(slash + 1));
        e += std::string(R"(,"exchange":)") + (market(symbol)->forex ? "\"Physical Currency\"" : "\"Binance\"");
        e += std::string(R"(,"type":)") + (market(symbol)->forex ? "\"Physical Currency\"" : "\"Digital Currency\"");
        e += R"(,"timestamp":)" + std::to_string(ms / 1000) + R"(,"price":)" + numberText(units);
        if (market(symbol)->forex) {
            const std::int64_t spread = std::max<std::int64_t>(1, units / 20'000);
            e += R"(,"bid":)" + numberText(units - spread) + R"(,"ask":)" + numberText(units + spread);
        }
        return e + "}";
    }

    /// Handles one client frame; true when it was a heartbeat.
    bool action(WebSocket& ws, const std::string& text, std::set<std::string>& subscribed) {
        {
            std::lock_guard lock(mutex);
            received.push_back(text);
        }
        Poco::JSON::Object::Ptr msg;
        try {
            msg = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
        } catch (const Poco::Exception&) {
            return false;  // ignored, as far as anyone knows
        }
        const std::string what = msg->optValue<std::string>("action", "");
        if (what == "heartbeat") {
            ++heartbeats;
            if (!ignoring && !stalled) sendText(ws, R"({"event":"heartbeat","status":"ok"})");
            return true;
        }
        if (what == "reset") {
            subscribed.clear();
            if (!stalled) sendText(ws, R"({"event":"reset-status","status":"ok"})");
            return false;
        }
        if (what != "subscribe" && what != "unsubscribe") return false;
        std::vector<std::string> symbols;
        const auto params = msg->getObject("params");
        if (params && params->has("symbols")) {
            const auto v = params->get("symbols");
            if (v.isString()) symbols = splitSymbols(v.convert<std::string>());
            if (const auto list = params->getArray("symbols"))
                for (std::size_t i = 0; i < list->size(); ++i) {
                    const auto item = list->get(static_cast<unsigned>(i));
                    if (item.isString())
                        symbols.push_back(item.convert<std::string>());
                    else if (const auto o = list->getObject(static_cast<unsigned>(i)))
                        symbols.push_back(o->optValue<std::string>("symbol", ""));
                }
        }
        Poco::JSON::Array success, fails;
        for (const auto& s : symbols) {
            const bool ok = market(s) && !options.planRestricted.count(s);
            if (ok && what == "subscribe") subscribed.insert(s);
            if (what == "unsubscribe") subscribed.erase(s);
            Poco::JSON::Object entry;
            entry.set("symbol", s);
            if (ok || what == "unsubscribe") {
                entry.set("exchange", market(s) && market(s)->forex ? "PHYSICAL CURRENCY" : "Binance");
                entry.set("type", market(s) && market(s)->forex ? "Physical Currency" : "Digital Currency");
                success.add(entry);
            } else {
                entry.set("message", market(s) ? notInPlan(s) : notFound(s));
                fails.add(entry);
            }
        }
        Poco::JSON::Object reply;
        reply.set("event", what + "-status");
        reply.set("status", fails.size() == 0 ? "ok" : (success.size() > 0 ? "warning" : "error"));
        reply.set("success", success);
        reply.set("fails", fails);
        if (!stalled) sendText(ws, stringify(reply));
        return false;
    }

    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(Impl& impl) : _impl(impl) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
            ++_impl.active;
            try {
                if (Poco::icompare(req.get("Upgrade", ""), "websocket") == 0)
                    _impl.stream(req, resp);
                else
                    _impl.rest(req, resp);
            } catch (...) {
                --_impl.active;
                throw;
            }
            --_impl.active;
        }

    private:
        Impl& _impl;
    };
    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(Impl& impl) : _impl(impl) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
            return new Handler(_impl);
        }

    private:
        Impl& _impl;
    };

    FakeTwelveDataOptions options;
    std::map<std::string, Market> markets;
    std::uint16_t port = 0;
    std::unique_ptr<Poco::Net::HTTPServer> server;
    std::atomic<bool> stopping{false}, stalled{false}, ignoring{false}, http200{false};
    std::atomic<int> opened{0}, openNow{0}, heartbeats{0};
    std::atomic<int> active{0};  ///< handlers running
    std::atomic<long> delayMs{0};

    mutable std::mutex mutex;  ///< guards what follows
    int perMinute, perDay;
    std::int64_t minute = -1, day = -1;
    int minuteUsed = 0, dayUsed = 0;
    int failStatus = 500, failCount = 0, malformedCount = 0;
    std::uint64_t dropGeneration = 0, malformedGeneration = 0;
    std::list<std::shared_ptr<Conn>> conns;
    std::vector<FakeTwelveDataRequest> log;
    std::vector<std::string> received;
    std::string lastKey;
};

FakeTwelveData::FakeTwelveData(FakeTwelveDataOptions options) : _impl(std::make_unique<Impl>(std::move(options))) {}
FakeTwelveData::~FakeTwelveData() = default;

std::string FakeTwelveData::restUrl() const {
    return "http://127.0.0.1:" + std::to_string(_impl->port);
}
std::string FakeTwelveData::wsUrl() const {
    return "ws://127.0.0.1:" + std::to_string(_impl->port);
}
std::int64_t FakeTwelveData::nowMs() const {
    return _impl->now();
}

std::string FakeTwelveData::priceAt(const std::string& symbol, std::int64_t ms, int dp) const {
    if (!_impl->market(symbol)) throw std::invalid_argument("fake Twelve Data does not serve " + symbol);
    return fixed(_impl->unitsAt(symbol, ms), dp);
}

void FakeTwelveData::failNext(int status, int count) {
    std::lock_guard lock(_impl->mutex);
    _impl->failStatus = status;
    _impl->failCount = count;
}
void FakeTwelveData::malformedNext(int count) {
    std::lock_guard lock(_impl->mutex);
    _impl->malformedCount = count;
}
void FakeTwelveData::setDelay(std::chrono::milliseconds delay) {
    _impl->delayMs = static_cast<long>(delay.count());
}
void FakeTwelveData::errorsWithHttp200(bool on) {
    _impl->http200 = on;
}
void FakeTwelveData::spendCredits(int credits) {
    std::lock_guard lock(_impl->mutex);
    _impl->roll(_impl->now());
    _impl->minuteUsed += credits;
    _impl->dayUsed += credits;
}
void FakeTwelveData::setCreditsPerMinute(int credits) {
    std::lock_guard lock(_impl->mutex);
    _impl->perMinute = credits;
}
void FakeTwelveData::setCreditsPerDay(int credits) {
    std::lock_guard lock(_impl->mutex);
    _impl->perDay = credits;
}
void FakeTwelveData::dropStreams() {
    std::lock_guard lock(_impl->mutex);
    ++_impl->dropGeneration;
}
void FakeTwelveData::stallStreams(bool on) {
    _impl->stalled = on;
}
void FakeTwelveData::ignoreHeartbeats(bool on) {
    _impl->ignoring = on;
}
void FakeTwelveData::sendMalformed() {
    std::lock_guard lock(_impl->mutex);
    ++_impl->malformedGeneration;
}

std::vector<FakeTwelveDataRequest> FakeTwelveData::requests() const {
    std::lock_guard lock(_impl->mutex);
    return _impl->log;
}
int FakeTwelveData::restRequests() const {
    std::lock_guard lock(_impl->mutex);
    return static_cast<int>(_impl->log.size());
}
int FakeTwelveData::creditsUsedThisMinute() const {
    std::lock_guard lock(_impl->mutex);
    return _impl->now() / kMinuteMs == _impl->minute ? _impl->minuteUsed : 0;
}
int FakeTwelveData::creditsUsedToday() const {
    std::lock_guard lock(_impl->mutex);
    return _impl->now() / kDayMs == _impl->day ? _impl->dayUsed : 0;
}
int FakeTwelveData::streamsOpened() const {
    return _impl->opened.load();
}
int FakeTwelveData::openStreams() const {
    return _impl->openNow.load();
}
int FakeTwelveData::heartbeatsReceived() const {
    return _impl->heartbeats.load();
}
std::vector<std::string> FakeTwelveData::streamMessages() const {
    std::lock_guard lock(_impl->mutex);
    return _impl->received;
}
std::string FakeTwelveData::lastStreamKey() const {
    std::lock_guard lock(_impl->mutex);
    return _impl->lastKey;
}

}  // namespace bourse::fakes
