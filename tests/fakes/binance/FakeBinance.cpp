#include "binance/FakeBinance.h"

#include "binance/FakeSpotExchange.h"
#include "binance/SignedRequest.h"
#include "binance/WsApiSession.h"

#include <Poco/Buffer.h>
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
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#ifndef BOURSE_FAKE_BINANCE_FIXTURES
#error "BOURSE_FAKE_BINANCE_FIXTURES must name the fixtures directory"
#endif

namespace bourse::fakes {

namespace {

using Clock = std::chrono::steady_clock;
using Poco::Net::WebSocket;

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Market {
    std::int64_t baseTicks;  ///< price in ticks around which it moves
    int scale;               ///< decimals of the tick size
};

const std::map<std::string, Market>& fixed() {
    static const std::map<std::string, Market> m = {
        {"BTCUSDT", {6'500'000, 2}}, {"ETHUSDT", {350'000, 2}}, {"BNBBTC", {9'000, 6}}, {"LUNAUSDT", {1'000, 4}}};
    return m;
}

/// "BENCH042USDT" → 42; -1 for anything else.
int syntheticIndex(const std::string& symbol) {
    if (symbol.size() != 12 || symbol.rfind("BENCH", 0) != 0 || symbol.substr(8) != "USDT") return -1;
    for (std::size_t i = 5; i < 8; ++i)
        if (!std::isdigit(static_cast<unsigned char>(symbol[i]))) return -1;
    return std::stoi(symbol.substr(5, 3));
}

std::string syntheticSymbol(int i) {
    std::string n = std::to_string(i);
    return "BENCH" + std::string(3 - n.size(), '0') + n + "USDT";
}

/// The market of a symbol this fake knows (fixture symbols and BENCHnnnUSDT), or null.
const Market* marketOf(const std::string& symbol) {
    if (const auto it = fixed().find(symbol); it != fixed().end()) return &it->second;
    static const Market bench{10'000 + 0, 2};
    return syntheticIndex(symbol) >= 0 ? &bench : nullptr;
}

std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

std::int64_t ticksAt(const std::string& symbol, std::int64_t ms) {
    const Market& m = *marketOf(symbol);
    const std::int64_t second = ms / 1000;
    const double wave = std::sin(static_cast<double>(second) / 300.0) * 0.004;
    const auto noise =
        static_cast<double>(mix(std::hash<std::string>{}(symbol) ^ static_cast<std::uint64_t>(second)) % 2001) /
            1000.0 -
        1.0;  // -1 .. 1
    const double ticks = static_cast<double>(m.baseTicks) * (1.0 + wave + noise * 0.0005);
    return std::max<std::int64_t>(1, std::llround(ticks));
}

std::string decimal(std::int64_t ticks, int scale) {
    std::string digits = std::to_string(ticks);
    if (static_cast<int>(digits.size()) <= scale)
        digits.insert(0, static_cast<std::size_t>(scale + 1) - digits.size(), '0');
    digits.insert(digits.size() - static_cast<std::size_t>(scale), ".");
    // Binance pads prices to 8 decimals.
    return digits + std::string(static_cast<std::size_t>(8 - scale), '0');
}

std::string stringify(const Poco::Dynamic::Var& v) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(v, out);
    return out.str();
}

std::string error(int code, const std::string& msg) {
    return R"({"code":)" + std::to_string(code) + R"(,"msg":")" + msg + R"("})";
}

std::int64_t intervalMs(const std::string& interval) {
    static const std::map<std::string, std::int64_t> ms = {
        {"1s", 1000},       {"1m", 60'000},    {"3m", 180'000},   {"5m", 300'000},    {"15m", 900'000},
        {"30m", 1'800'000}, {"1h", 3'600'000}, {"2h", 7'200'000}, {"4h", 14'400'000}, {"1d", 86'400'000}};
    const auto it = ms.find(interval);
    return it == ms.end() ? 0 : it->second;
}

}  // namespace

class FakeBinance::Impl {
public:
    explicit Impl(FakeBinanceOptions o) : options(o), weightLimit(o.weightLimitPerMinute) {
        std::ifstream in(std::string(BOURSE_FAKE_BINANCE_FIXTURES) + "/exchangeInfo.json");
        std::stringstream text;
        text << in.rdbuf();
        exchangeInfo = Poco::JSON::Parser().parse(text.str()).extract<Poco::JSON::Object::Ptr>();
        for (int i = 0; i < options.syntheticSymbols; ++i) {
            const std::string symbol = syntheticSymbol(i);
            exchangeInfo->getArray("symbols")->add(
                Poco::JSON::Parser()
                    .parse(R"({"symbol":")" + symbol + R"(","status":"TRADING","baseAsset":")" + symbol.substr(0, 8) +
                           R"(","quoteAsset":"USDT","filters":[{"filterType":"PRICE_FILTER",)"
                           R"("minPrice":"0.01000000","maxPrice":"1000000.00000000",)"
                           R"("tickSize":"0.01000000"}]})")
                    .extract<Poco::JSON::Object::Ptr>());
        }
        exchange = std::make_unique<FakeSpotExchange>(*exchangeInfo, options.commissionBps);
        exchange->addAccount(options.apiKey, options.secret);
        for (const auto& [asset, amount] : options.balances) {
            const auto units = parseUnits(amount);
            if (!units) throw std::invalid_argument("fake Binance: bad balance for " + asset + ": " + amount);
            exchange->setBalance(options.apiKey, asset, *units);
        }
        orderLimit = options.ordersPer10Seconds;
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", options.port));
        port = socket.address().port();
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(64);
        server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);
        server->start();
        matcher = std::thread([this] { matchLoop(); });
    }
    ~Impl() {
        {
            std::lock_guard lock(matchMutex);
            stopping = true;
        }
        matchWake.notify_all();
        matcher.join();
        server->stopAll(true);
    }

    /// The fake's clock: the system's, moved by setClockSkew().
    std::int64_t serverNow() const { return nowMs() + skewMs.load(); }

    /// What orders execute at now: a price set by a test, else the deterministic curve.
    Units currentUnits(const std::string& symbol) const {
        {
            std::lock_guard lock(priceMutex);
            if (const auto it = priceOverride.find(symbol); it != priceOverride.end()) return it->second;
        }
        const Market* m = marketOf(symbol);
        if (!m || !known(symbol)) return 0;
        return ticksAt(symbol, serverNow()) * tickUnits(symbol);
    }
    static Units tickUnits(const std::string& symbol) {
        Units u = 1;
        for (int i = marketOf(symbol)->scale; i < 8; ++i)
            u *= 10;
        return u;
    }

    // --- matching and user data ---
    void matchLoop() {
        std::unique_lock lock(matchMutex);
        while (!stopping) {
            matchWake.wait_for(lock, options.matchInterval, [this] { return stopping.load(); });
            if (stopping) break;
            lock.unlock();
            matchAll();
            lock.lock();
        }
    }
    void matchAll() {
        for (const auto& symbol : exchange->symbolsWithOpenOrders()) {
            std::vector<UserEvent> events;
            exchange->match(symbol, currentUnits(symbol), serverNow(), events);
            publish(events);
        }
    }
    void publish(const std::vector<UserEvent>& events) {
        if (events.empty()) return;
        std::lock_guard lock(sessionsMutex);
        for (auto* session : sessions)
            for (const auto& e : events)
                session->push(e);
    }

    /// A symbol this fake serves (options decide how many synthetic ones).
    bool known(const std::string& symbol) const {
        const int i = syntheticIndex(symbol);
        return fixed().count(symbol) || (i >= 0 && i < options.syntheticSymbols);
    }

    // --- REST ---
    void rest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
        ++restCount;
        if (const auto d = restDelayMs.load(); d > 0) std::this_thread::sleep_for(std::chrono::milliseconds(d));
        const Poco::URI uri(req.getURI());
        std::map<std::string, std::string> q;
        for (const auto& [k, v] : uri.getQueryParameters())
            q[k] = v;
        const std::string path = uri.getPath();
        const std::string method = req.getMethod();
        std::string rawBody;
        if (req.getContentLength() > 0 || req.getChunkedTransferEncoding()) {
            Poco::StreamCopier::copyToString(req.stream(), rawBody);
            if (rawBody.size() > 1 << 20) return send(resp, 413, error(-1000, "Request too large."), 0);
        }
        if (path.rfind("/_fake/", 0) == 0) return fakeControl(path, requestParams(uri.getRawQuery(), rawBody), resp);
        const bool trading = path == "/api/v3/order" || path == "/api/v3/openOrders" || path == "/api/v3/account";
        int status = 200;
        std::string body;
        const int weight = path == "/api/v3/exchangeInfo"                           ? 20
                           : (path == "/api/v3/ticker/price" && !q.count("symbol")) ? 4
                           : path == "/api/v3/klines"                               ? 2
                           : path == "/api/v3/account"                              ? 20
                           : path == "/api/v3/openOrders"                           ? (q.count("symbol") ? 6 : 80)
                           : (path == "/api/v3/order" && method == "GET")           ? 4
                                                                                    : 1;
        int used = 0;
        {
            std::lock_guard lock(mutex);
            const auto minute = serverNow() / 60'000;
            if (minute != weightMinute) {
                weightMinute = minute;
                weightUsed = 0;
            }
            const auto now = Clock::now();
            // Retry-After said when the used weight would allow calls again: once
            // it has passed (with no ban in force), the count starts afresh.
            if (retryUntil != Clock::time_point{} && now >= retryUntil && now >= bannedUntil) {
                retryUntil = {};
                weightUsed = 0;
            }
            if (now < bannedUntil) {
                bannedUntil = now + std::chrono::seconds(options.retryAfterSeconds);  // continuing extends the ban
                return send(resp, 418, error(-1003, "Way too many requests; IP banned until later."), 0);
            }
            if (now < retryUntil) {
                // Ignoring Retry-After gets the IP banned, as on Binance.
                bannedUntil = now + std::chrono::seconds(options.retryAfterSeconds);
                return send(resp, 418, error(-1003, "Way too many requests; IP banned until later."), 0);
            }
            weightUsed += weight;
            used = weightUsed;
            if (weightUsed > weightLimit) {
                retryUntil = now + std::chrono::seconds(options.retryAfterSeconds);
                return send(resp, 429,
                            error(-1003, "Too much request weight used; current limit is " +
                                             std::to_string(weightLimit) + " request weight per 1 MINUTE."),
                            used);
            }
            if (failCount > 0) {
                --failCount;
                return send(resp, failStatus, error(-1001, "Internal error; unable to process your request."), used);
            }
        }
        if (trading) return trade(req, resp, path, method, uri.getRawQuery(), rawBody, used);
        try {
            if (path == "/api/v3/ping")
                body = "{}";
            else if (path == "/api/v3/time")
                body = R"({"serverTime":)" + std::to_string(serverNow()) + "}";
            else if (path == "/api/v3/exchangeInfo")
                body = exchangeInfoFor(q, status);
            else if (path == "/api/v3/klines")
                body = klines(q, status);
            else if (path == "/api/v3/ticker/price")
                body = tickerPrice(q, status);
            else {
                status = 404;
                body = "<html><body><h2>404 Not found</h2></body></html>";
            }
        } catch (const std::exception&) {
            status = 400;
            body = error(-1102, "Mandatory parameter was not sent, was empty/null, or malformed.");
        }
        send(resp, status, body, used);
    }

    void send(Poco::Net::HTTPServerResponse& resp, int status, const std::string& body, int used,
              int retryAfter = -1) const {
        resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
        resp.setContentType(body.rfind("<html", 0) == 0 ? "text/html" : "application/json;charset=UTF-8");
        if (status == 429 || status == 418)
            resp.set("Retry-After", std::to_string(retryAfter >= 0 ? retryAfter : options.retryAfterSeconds));
        resp.set("X-MBX-USED-WEIGHT-1M", std::to_string(used));
        resp.setContentLength(static_cast<std::streamsize>(body.size()));
        resp.send() << body;
    }

    std::vector<std::string> symbolsParam(const std::map<std::string, std::string>& q) const {
        std::vector<std::string> out;
        if (q.count("symbol")) out.push_back(q.at("symbol"));
        if (q.count("symbols")) {
            const auto arr = Poco::JSON::Parser().parse(q.at("symbols")).extract<Poco::JSON::Array::Ptr>();
            for (std::size_t i = 0; i < arr->size(); ++i)
                out.push_back(arr->getElement<std::string>(static_cast<unsigned>(i)));
        }
        return out;
    }

    std::string exchangeInfoFor(const std::map<std::string, std::string>& q, int& status) const {
        const auto wanted = symbolsParam(q);
        Poco::JSON::Object out(*exchangeInfo);
        out.set("serverTime", serverNow());
        if (wanted.empty()) return stringify(out);
        Poco::JSON::Array::Ptr picked = new Poco::JSON::Array;
        const auto all = exchangeInfo->getArray("symbols");
        for (const auto& w : wanted) {
            bool found = false;
            for (std::size_t i = 0; i < all->size(); ++i)
                if (all->getObject(static_cast<unsigned>(i))->getValue<std::string>("symbol") == w) {
                    picked->add(all->getObject(static_cast<unsigned>(i)));
                    found = true;
                }
            if (!found) {
                status = 400;
                return error(-1121, "Invalid symbol.");
            }
        }
        out.set("symbols", picked);
        return stringify(out);
    }

    std::string klines(const std::map<std::string, std::string>& q, int& status) const {
        const std::string symbol = q.count("symbol") ? q.at("symbol") : "";
        if (symbol.empty()) {
            status = 400;
            return error(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
        }
        if (!known(symbol)) {
            status = 400;
            return error(-1121, "Invalid symbol.");
        }
        const std::int64_t step = intervalMs(q.count("interval") ? q.at("interval") : "");
        if (step == 0) {
            status = 400;
            return error(-1120, "Invalid interval.");
        }
        const int limit = q.count("limit") ? std::stoi(q.at("limit")) : 500;
        if (limit < 1 || limit > 1000) {
            status = 400;
            return error(-1130, "Data sent for parameter 'limit' is not valid.");
        }
        const std::int64_t now = serverNow();
        std::int64_t end = q.count("endTime") ? std::stoll(q.at("endTime")) : now;
        end = std::min(end, now);
        std::int64_t start =
            q.count("startTime") ? std::stoll(q.at("startTime")) / step * step : (end / step - (limit - 1)) * step;
        const int scale = marketOf(symbol)->scale;
        std::string out = "[";
        int rows = 0;
        for (std::int64_t open = start; open <= end && rows < limit; open += step, ++rows) {
            std::int64_t hi = 0, lo = INT64_MAX;
            const std::int64_t samples = std::min<std::int64_t>(step / 1000, 60);
            for (std::int64_t i = 0; i < std::max<std::int64_t>(samples, 1); ++i) {
                const auto t = ticksAt(symbol, open + i * (step / std::max<std::int64_t>(samples, 1)));
                hi = std::max(hi, t);
                lo = std::min(lo, t);
            }
            const auto o = ticksAt(symbol, open), c = ticksAt(symbol, std::min(open + step - 1000, now));
            hi = std::max({hi, o, c});
            lo = std::min({lo, o, c});
            if (rows) out += ",";
            out += "[" + std::to_string(open) + ",\"" + decimal(o, scale) + "\",\"" + decimal(hi, scale) + "\",\"" +
                   decimal(lo, scale) + "\",\"" + decimal(c, scale) + "\",\"12.34500000\"," +
                   std::to_string(open + step - 1) + ",\"1000.00000000\",42,\"6.00000000\",\"500.00000000\",\"0\"]";
        }
        return out + "]";
    }

    std::string tickerPrice(const std::map<std::string, std::string>& q, int& status) const {
        auto wanted = symbolsParam(q);
        const bool single = q.count("symbol") > 0;
        if (wanted.empty()) {
            for (const auto& [s, m] : fixed())
                wanted.push_back(s);
            for (int i = 0; i < options.syntheticSymbols; ++i)
                wanted.push_back(syntheticSymbol(i));
        }
        std::string out = single ? "" : "[";
        for (std::size_t i = 0; i < wanted.size(); ++i) {
            if (!known(wanted[i])) {
                status = 400;
                return error(-1121, "Invalid symbol.");
            }
            out += (i ? "," : "") + std::string(R"({"symbol":")") + wanted[i] + R"(","price":")" +
                   unitsText(currentUnits(wanted[i])) + "\"}";
        }
        return single ? out : out + "]";
    }

    // --- streams ---
    struct Stream {
        bool combined = false;
        std::set<std::string> names;  ///< e.g. "btcusdt@trade"
    };

    void stream(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
        const Poco::URI uri(req.getURI());
        Stream s;
        if (uri.getPath() == "/stream") {
            s.combined = true;
            for (const auto& [k, v] : uri.getQueryParameters())
                if (k == "streams") {
                    std::stringstream list(v);
                    for (std::string name; std::getline(list, name, '/');)
                        if (!name.empty()) s.names.insert(name);
                }
        } else if (uri.getPath().rfind("/ws/", 0) == 0) {
            s.names.insert(uri.getPath().substr(4));
        }
        WebSocket ws(req, resp);
        ++streamsOpened;
        ++streamsOpen;
        std::uint64_t myGeneration;
        {
            std::lock_guard lock(mutex);
            myGeneration = dropGeneration;
        }
        try {
            serve(ws, s, myGeneration);
        } catch (const Poco::Exception&) {
            // the client went away
        }
        --streamsOpen;
    }

    void serve(WebSocket& ws, Stream& s, std::uint64_t generation) {
        const auto period = std::chrono::microseconds(1'000'000 / std::max(1, options.tradesPerSecond));
        auto nextSend = Clock::now();
        auto nextPing = Clock::now() + options.pingInterval;
        auto unansweredSince = Clock::time_point::max();
        std::uint64_t tradeId = 1;
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
                    // Gone without a close frame: the client sees a reset, as when a network path dies.
                    ws.setLinger(true, 0);
                    ws.close();
                    return;
                }
            }
            if (shutdownPending()) {
                const std::string event = R"({"e":"serverShutdown","E":)" + std::to_string(serverNow()) + "}";
                const std::string msg = s.combined ? R"({"stream":"!serverShutdown","data":)" + event + "}" : event;
                ws.sendFrame(msg.data(), static_cast<int>(msg.size()), WebSocket::FRAME_TEXT);
                ws.shutdown(1001, "server shutdown");
                return;
            }
            const auto now = Clock::now();
            // Wait for client frames only until the next send is due (at least 100 µs: a zero timeout blocks).
            const auto wait =
                std::max(std::chrono::microseconds(100),
                         std::chrono::duration_cast<std::chrono::microseconds>(std::min(nextSend, nextPing) - now));
            ws.setReceiveTimeout(Poco::Timespan(static_cast<long>(wait.count())));
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
                if (op == WebSocket::FRAME_OP_PONG) {
                    ++pongs;
                    unansweredSince = Clock::time_point::max();
                } else if (op == WebSocket::FRAME_OP_TEXT) {
                    control(ws, s, std::string(frame.begin(), static_cast<std::size_t>(n)));
                }
            } catch (const Poco::TimeoutException&) {
            }
            if (stalled) continue;
            if (Clock::now() - unansweredSince > options.pongTimeout) {
                ws.shutdown(1008, "pong timeout");  // Binance disconnects clients that leave pings unanswered
                return;
            }
            if (Clock::now() >= nextPing) {
                const std::string payload = std::to_string(serverNow());
                ws.sendFrame(payload.data(), static_cast<int>(payload.size()),
                             static_cast<int>(WebSocket::FRAME_FLAG_FIN) | static_cast<int>(WebSocket::FRAME_OP_PING));
                if (unansweredSince == Clock::time_point::max()) unansweredSince = Clock::now();
                nextPing = Clock::now() + options.pingInterval;
            }
            if (Clock::now() < nextSend) continue;
            // Every batch due since the last one (catching up after a slow turn, up to a second's worth).
            int batches = 0;
            while (nextSend <= Clock::now() && batches < std::max(1, options.tradesPerSecond)) {
                nextSend += period;
                ++batches;
            }
            if (nextSend <= Clock::now()) nextSend = Clock::now() + period;
            {
                std::lock_guard lock(mutex);
                if (malformedGeneration != malformedSeen) {
                    malformedSeen = malformedGeneration;
                    const std::string bad = R"({"stream":"btcusdt@trade","data":{"e":"trade","p":)";
                    ws.sendFrame(bad.data(), static_cast<int>(bad.size()), WebSocket::FRAME_TEXT);
                    continue;
                }
            }
            for (int b = 0; b < batches; ++b)
                for (const auto& name : s.names) {
                    const std::string payload = event(name, tradeId++);
                    if (payload.empty()) continue;
                    const std::string msg =
                        s.combined ? R"({"stream":")" + name + R"(","data":)" + payload + "}" : payload;
                    ws.sendFrame(msg.data(), static_cast<int>(msg.size()), WebSocket::FRAME_TEXT);
                }
        }
    }

    /// One event of a stream ("" for a stream name this fake does not know).
    std::string event(const std::string& name, std::uint64_t id) const {
        const auto at = name.find('@');
        if (at == std::string::npos) return "";
        std::string symbol = name.substr(0, at);
        std::transform(symbol.begin(), symbol.end(), symbol.begin(), [](unsigned char c) { return std::toupper(c); });
        if (!marketOf(symbol)) return "";
        const std::string kind = name.substr(at + 1);
        const std::int64_t now = serverNow();
        const int scale = marketOf(symbol)->scale;
        const auto ticks = ticksAt(symbol, now);
        // Trades and the book follow a price a test set; klines stay on the curve (history).
        const Units price = known(symbol) ? currentUnits(symbol) : ticks * tickUnits(symbol);
        if (kind == "trade")
            return R"({"e":"trade","E":)" + std::to_string(now) + R"(,"s":")" + symbol + R"(","t":)" +
                   std::to_string(id) + R"(,"p":")" + unitsText(price) + R"(","q":"0.01000000","T":)" +
                   std::to_string(now) + R"(,"m":)" + (id % 2 ? "true" : "false") + R"(,"M":true})";
        if (kind == "bookTicker")
            return R"({"u":)" + std::to_string(id) + R"(,"s":")" + symbol + R"(","b":")" +
                   unitsText(price - tickUnits(symbol)) + R"(","B":"1.50000000","a":")" +
                   unitsText(price + tickUnits(symbol)) + R"(","A":"2.00000000"})";
        if (kind == "kline_1m") {
            const std::int64_t open = now / 60'000 * 60'000;
            return R"({"e":"kline","E":)" + std::to_string(now) + R"(,"s":")" + symbol + R"(","k":{"t":)" +
                   std::to_string(open) + R"(,"T":)" + std::to_string(open + 59'999) + R"(,"s":")" + symbol +
                   R"(","i":"1m","f":1,"L":2,"o":")" + decimal(ticksAt(symbol, open), scale) + R"(","c":")" +
                   decimal(ticks, scale) + R"(","h":")" + decimal(std::max(ticks, ticksAt(symbol, open)), scale) +
                   R"(","l":")" + decimal(std::min(ticks, ticksAt(symbol, open)), scale) +
                   R"(","v":"10.00000000","n":2,"x":false,"q":"100.00000000","V":"5.00000000","Q":"50.00000000","B":"0"}})";
        }
        return "";
    }

    void control(WebSocket& ws, Stream& s, const std::string& text) {
        std::string reply;
        try {
            const auto req = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
            const std::string method = req->optValue<std::string>("method", "");
            const std::string id = req->has("id") ? stringify(req->get("id")) : "null";
            if (method == "SUBSCRIBE" || method == "UNSUBSCRIBE") {
                const auto params = req->getArray("params");
                for (std::size_t i = 0; params && i < params->size(); ++i) {
                    const auto name = params->getElement<std::string>(static_cast<unsigned>(i));
                    if (method == "SUBSCRIBE")
                        s.names.insert(name);
                    else
                        s.names.erase(name);
                }
                reply = R"({"result":null,"id":)" + id + "}";
            } else if (method == "LIST_SUBSCRIPTIONS") {
                Poco::JSON::Array list;
                for (const auto& n : s.names)
                    list.add(n);
                reply = R"({"result":)" + stringify(list) + R"(,"id":)" + id + "}";
            } else {
                reply = R"({"code":2,"msg":"Invalid request: unknown method","id":)" + id + "}";
            }
        } catch (const Poco::Exception& e) {
            reply = R"({"code":3,"msg":"Invalid JSON: )" + e.message() + R"("})";
        }
        ws.sendFrame(reply.data(), static_cast<int>(reply.size()), WebSocket::FRAME_TEXT);
    }

    // --- trading ---
    void trade(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, const std::string& path,
               const std::string& method, const std::string& rawQuery, const std::string& rawBody, int used) {
        const auto params = requestParams(rawQuery, rawBody);
        const std::string key = req.get("X-MBX-APIKEY", "");
        const auto secretOf = [this](const std::string& k) { return exchange->secretOf(k); };
        if (auto bad = checkSignedRest(key, rawQuery, rawBody, params, serverNow(), secretOf)) {
            countRejection(bad->body);
            return send(resp, bad->status, bad->body, used);
        }
        std::vector<UserEvent> events;
        FakeReply reply;
        if (path == "/api/v3/order" && method == "POST") {
            ++ordersIn;
            int count = 0;
            {
                std::lock_guard lock(mutex);
                const std::int64_t window = serverNow() / 10'000;
                auto& [w, n] = orderCounts[key];
                if (w != window) {
                    w = window;
                    n = 0;
                }
                if (n >= orderLimit) {
                    const auto left = static_cast<int>((window + 1) * 10'000 - serverNow() + 999) / 1000;
                    resp.set("X-MBX-ORDER-COUNT-10S", std::to_string(n));
                    return send(resp, 429,
                                error(-1015, "Too many new orders; current limit is " + std::to_string(orderLimit) +
                                                 " orders per 10 SECOND."),
                                used, left);
                }
                count = ++n;
            }
            resp.set("X-MBX-ORDER-COUNT-10S", std::to_string(count));
            std::optional<InjectedError> injected;
            {
                std::lock_guard lock(mutex);
                injected.swap(nextOrderError);
            }
            const std::string symbol = params.count("symbol") ? params.at("symbol") : "";
            if (!injected || injected->executeAnyway)
                reply = exchange->placeOrder(key, params, currentUnits(symbol), serverNow(), events);
            if (injected) reply = {injected->status, error(injected->code, injected->msg)};
        } else if (path == "/api/v3/order" && method == "DELETE") {
            reply = exchange->cancelOrder(key, params, serverNow(), events);
        } else if (path == "/api/v3/order" && method == "GET") {
            reply = exchange->queryOrder(key, params);
        } else if (path == "/api/v3/openOrders" && method == "GET") {
            reply = exchange->openOrders(key, params);
        } else if (path == "/api/v3/account" && method == "GET") {
            reply = exchange->account(key, params, serverNow());
        } else {
            reply = {405, "<html><body><h2>405 Method Not Allowed</h2></body></html>"};
        }
        publish(events);
        if (reply.status != 200) countRejection(reply.body);
        send(resp, reply.status, reply.body, used);
    }

    void countRejection(const std::string& body) {
        try {
            const auto o = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
            std::lock_guard lock(mutex);
            ++rejections[o->getValue<int>("code")];
        } catch (const Poco::Exception&) {
        }
    }

    /// /_fake/... controls for the fake-binance program (tests use the C++ methods).
    void fakeControl(const std::string& path, const std::map<std::string, std::string>& p,
                     Poco::Net::HTTPServerResponse& resp) {
        const auto at = [&](const char* k) { return p.count(k) ? p.at(k) : std::string(); };
        try {
            if (path == "/_fake/account") {
                if (at("apiKey").empty() || at("secret").empty()) throw std::invalid_argument("apiKey and secret");
                exchange->addAccount(at("apiKey"), at("secret"));
            } else if (path == "/_fake/balance") {
                const auto units = parseUnits(at("free"));
                if (at("apiKey").empty() || at("asset").empty() || !units)
                    throw std::invalid_argument("apiKey, asset and free");
                exchange->setBalance(at("apiKey"), at("asset"), *units);
            } else if (path == "/_fake/price") {
                setPrice(at("symbol"), at("price"));
            } else if (path == "/_fake/clockSkew") {
                skewMs = std::stoll(at("ms"));
            } else if (path == "/_fake/liquidity") {
                const auto units = parseUnits(at("qty").empty() ? "0" : at("qty"));
                if (!units) throw std::invalid_argument("qty");
                exchange->setLiquidity(at("symbol"), *units);
            } else if (path == "/_fake/failNextOrder") {
                std::lock_guard lock(mutex);
                nextOrderError =
                    InjectedError{std::stoi(at("status")), std::stoi(at("code")), at("msg"), at("execute") == "true"};
            } else {
                return send(resp, 404, "<html><body><h2>404 Not found</h2></body></html>", 0);
            }
            send(resp, 200, "{}", 0);
        } catch (const std::exception& e) {
            send(resp, 400, R"({"error":"bad control parameters: )" + std::string(e.what()) + R"("})", 0);
        }
    }

    void setPrice(const std::string& symbol, const std::string& price) {
        if (!known(symbol)) throw std::invalid_argument("unknown symbol " + symbol);
        {
            std::lock_guard lock(priceMutex);
            if (price.empty()) {
                priceOverride.erase(symbol);
            } else {
                const auto units = parseUnits(price);
                if (!units || *units <= 0) throw std::invalid_argument("bad price " + price);
                priceOverride[symbol] = *units;
            }
        }
        matchAll();  // a test that moves the price sees its fills without waiting for the next round
    }

    // --- WebSocket API ---
    void wsApi(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
        WebSocket ws(req, resp);
        ++wsApiOpened;
        ++wsApiOpen;
        std::uint64_t generation;
        {
            std::lock_guard lock(mutex);
            generation = dropGeneration;
        }
        WsApiSession::Hooks hooks;
        hooks.secretOf = [this](const std::string& k) { return exchange->secretOf(k); };
        hooks.nowMs = [this] { return serverNow(); };
        hooks.dropNow = [this, generation] {
            std::lock_guard lock(mutex);
            return dropGeneration != generation;
        };
        hooks.shutdownNow = [this] {
            std::lock_guard lock(mutex);
            if (wsApiShutdownRequested == 0) return false;
            --wsApiShutdownRequested;
            return true;
        };
        hooks.stopping = [this] { return stopping.load(); };
        hooks.stalled = [this] { return stalled.load(); };
        hooks.pingInterval = options.pingInterval;
        hooks.pongTimeout = options.pongTimeout;
        WsApiSession session(hooks);
        {
            std::lock_guard lock(sessionsMutex);
            sessions.insert(&session);
        }
        try {
            session.serve(ws);
        } catch (const Poco::Exception&) {
            // the client went away
        }
        {
            std::lock_guard lock(sessionsMutex);
            sessions.erase(&session);
        }
        --wsApiOpen;
    }

    /// True once for each connection open when announceShutdown() was called.
    bool shutdownPending() {
        std::lock_guard lock(mutex);
        if (shutdownRequested == 0) return false;
        --shutdownRequested;
        return true;
    }

    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(Impl& impl) : _impl(impl) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
            if (Poco::icompare(req.get("Upgrade", ""), "websocket") == 0 &&
                Poco::URI(req.getURI()).getPath() == "/ws-api/v3")
                _impl.wsApi(req, resp);
            else if (Poco::icompare(req.get("Upgrade", ""), "websocket") == 0)
                _impl.stream(req, resp);
            else
                _impl.rest(req, resp);
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

    FakeBinanceOptions options;
    Poco::JSON::Object::Ptr exchangeInfo;
    std::uint16_t port = 0;
    std::unique_ptr<Poco::Net::HTTPServer> server;
    std::atomic<bool> stopping{false};
    std::atomic<bool> stalled{false};
    std::atomic<int> streamsOpened{0}, streamsOpen{0}, pongs{0}, restCount{0};
    std::atomic<long> restDelayMs{0};

    std::mutex mutex;  ///< guards what follows
    int weightLimit;
    std::int64_t weightMinute = 0;
    int weightUsed = 0;
    Clock::time_point retryUntil{}, bannedUntil{};
    int failStatus = 500, failCount = 0;
    std::uint64_t dropGeneration = 0, malformedGeneration = 0;
    int shutdownRequested = 0;
    int wsApiShutdownRequested = 0;
    int orderLimit = 100;
    std::map<std::string, std::pair<std::int64_t, int>> orderCounts;  ///< apiKey → (10 s window, orders in it)
    struct InjectedError {
        int status = 500, code = -1001;
        std::string msg;
        bool executeAnyway = false;
    };
    std::optional<InjectedError> nextOrderError;
    std::map<int, int> rejections;  ///< signed-call error code → how many

    // Trading state: the exchange locks itself.
    std::unique_ptr<FakeSpotExchange> exchange;
    std::atomic<long long> skewMs{0};
    std::atomic<int> ordersIn{0}, wsApiOpened{0}, wsApiOpen{0};
    mutable std::mutex priceMutex;
    std::map<std::string, Units> priceOverride;
    std::mutex sessionsMutex;
    std::set<WsApiSession*> sessions;
    std::mutex matchMutex;
    std::condition_variable matchWake;
    std::thread matcher;
};

FakeBinance::FakeBinance(FakeBinanceOptions options) : _impl(std::make_unique<Impl>(options)) {}
FakeBinance::~FakeBinance() = default;

std::string FakeBinance::restUrl() const {
    return "http://127.0.0.1:" + std::to_string(_impl->port);
}
std::string FakeBinance::wsUrl() const {
    return "ws://127.0.0.1:" + std::to_string(_impl->port);
}
std::string FakeBinance::wsApiUrl() const {
    return wsUrl() + "/ws-api/v3";
}

std::string FakeBinance::priceAt(const std::string& symbol, std::int64_t ms) {
    return decimal(ticksAt(symbol, ms), marketOf(symbol)->scale);
}

void FakeBinance::dropStreams() {
    std::lock_guard lock(_impl->mutex);
    ++_impl->dropGeneration;
}
void FakeBinance::stallStreams(bool on) {
    _impl->stalled = on;
}
void FakeBinance::sendMalformed() {
    std::lock_guard lock(_impl->mutex);
    ++_impl->malformedGeneration;
}
void FakeBinance::announceShutdown() {
    std::lock_guard lock(_impl->mutex);
    _impl->shutdownRequested = _impl->streamsOpen.load();
    _impl->wsApiShutdownRequested = _impl->wsApiOpen.load();
}
void FakeBinance::failRest(int status, int count) {
    std::lock_guard lock(_impl->mutex);
    _impl->failStatus = status;
    _impl->failCount = count;
}
void FakeBinance::setWeightLimit(int perMinute) {
    std::lock_guard lock(_impl->mutex);
    _impl->weightLimit = perMinute;
}
void FakeBinance::setRestDelay(std::chrono::milliseconds delay) {
    _impl->restDelayMs = static_cast<long>(delay.count());
}

int FakeBinance::openStreams() const {
    return _impl->streamsOpen.load();
}
int FakeBinance::streamsOpened() const {
    return _impl->streamsOpened.load();
}
int FakeBinance::pongsReceived() const {
    return _impl->pongs.load();
}
int FakeBinance::restRequests() const {
    return _impl->restCount.load();
}

// --- trading ---

void FakeBinance::addAccount(const std::string& apiKey, const std::string& secret) {
    _impl->exchange->addAccount(apiKey, secret);
}
void FakeBinance::setBalance(const std::string& apiKey, const std::string& asset, const std::string& free) {
    const auto units = parseUnits(free);
    if (!units) throw std::invalid_argument("fake Binance: bad amount " + free);
    _impl->exchange->setBalance(apiKey, asset, *units);
}
std::string FakeBinance::freeBalance(const std::string& apiKey, const std::string& asset) const {
    return unitsText(_impl->exchange->freeBalance(apiKey, asset));
}
std::string FakeBinance::lockedBalance(const std::string& apiKey, const std::string& asset) const {
    return unitsText(_impl->exchange->lockedBalance(apiKey, asset));
}
void FakeBinance::setPrice(const std::string& symbol, const std::string& price) {
    _impl->setPrice(symbol, price);
}
std::string FakeBinance::currentPrice(const std::string& symbol) const {
    return unitsText(_impl->currentUnits(symbol));
}
void FakeBinance::setLiquidity(const std::string& symbol, const std::string& qty) {
    const auto units = parseUnits(qty.empty() ? "0" : qty);
    if (!units) throw std::invalid_argument("fake Binance: bad quantity " + qty);
    _impl->exchange->setLiquidity(symbol, *units);
}
void FakeBinance::setClockSkew(std::chrono::milliseconds skew) {
    _impl->skewMs = static_cast<long long>(skew.count());
}
std::int64_t FakeBinance::serverTimeMs() const {
    return _impl->serverNow();
}
void FakeBinance::failNextOrder(int status, int code, const std::string& msg, bool executeAnyway) {
    std::lock_guard lock(_impl->mutex);
    _impl->nextOrderError = Impl::InjectedError{status, code, msg, executeAnyway};
}
void FakeBinance::setOrderLimit(int per10Seconds) {
    std::lock_guard lock(_impl->mutex);
    _impl->orderLimit = per10Seconds;
}
void FakeBinance::terminateUserDataStreams() {
    std::lock_guard lock(_impl->sessionsMutex);
    for (auto* s : _impl->sessions)
        s->terminateSubscriptions();
}
int FakeBinance::openOrders() const {
    return _impl->exchange->openOrderCount();
}
int FakeBinance::wsApiSessionsOpened() const {
    return _impl->wsApiOpened.load();
}
int FakeBinance::userDataSubscriptions() const {
    std::lock_guard lock(_impl->sessionsMutex);
    int n = 0;
    for (const auto* s : _impl->sessions)
        n += s->subscriptions();
    return n;
}
int FakeBinance::signedRejections(int code) const {
    std::lock_guard lock(_impl->mutex);
    const auto it = _impl->rejections.find(code);
    return it == _impl->rejections.end() ? 0 : it->second;
}
int FakeBinance::ordersReceived() const {
    return _impl->ordersIn.load();
}

}  // namespace bourse::fakes
