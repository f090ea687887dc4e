#include "binance/FakeBinance.h"

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
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>
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
        int status = 200;
        std::string body;
        const int weight = path == "/api/v3/exchangeInfo"                           ? 20
                           : (path == "/api/v3/ticker/price" && !q.count("symbol")) ? 4
                           : path == "/api/v3/klines"                               ? 2
                                                                                    : 1;
        int used = 0;
        {
            std::lock_guard lock(mutex);
            const auto minute = nowMs() / 60'000;
            if (minute != weightMinute) {
                weightMinute = minute;
                weightUsed = 0;
            }
            const auto now = Clock::now();
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
        try {
            if (path == "/api/v3/ping")
                body = "{}";
            else if (path == "/api/v3/time")
                body = R"({"serverTime":)" + std::to_string(nowMs()) + "}";
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

    void send(Poco::Net::HTTPServerResponse& resp, int status, const std::string& body, int used) const {
        resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
        resp.setContentType(body.rfind("<html", 0) == 0 ? "text/html" : "application/json;charset=UTF-8");
        if (status == 429 || status == 418) resp.set("Retry-After", std::to_string(options.retryAfterSeconds));
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
        out.set("serverTime", nowMs());
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
        const std::int64_t now = nowMs();
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
                   FakeBinance::priceAt(wanted[i], nowMs()) + "\"}";
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
                const std::string event = R"({"e":"serverShutdown","E":)" + std::to_string(nowMs()) + "}";
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
                const std::string payload = std::to_string(nowMs());
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
    static std::string event(const std::string& name, std::uint64_t id) {
        const auto at = name.find('@');
        if (at == std::string::npos) return "";
        std::string symbol = name.substr(0, at);
        std::transform(symbol.begin(), symbol.end(), symbol.begin(), [](unsigned char c) { return std::toupper(c); });
        if (!marketOf(symbol)) return "";
        const std::string kind = name.substr(at + 1);
        const std::int64_t now = nowMs();
        const int scale = marketOf(symbol)->scale;
        const auto ticks = ticksAt(symbol, now);
        if (kind == "trade")
            return R"({"e":"trade","E":)" + std::to_string(now) + R"(,"s":")" + symbol + R"(","t":)" +
                   std::to_string(id) + R"(,"p":")" + decimal(ticks, scale) + R"(","q":"0.01000000","T":)" +
                   std::to_string(now) + R"(,"m":)" + (id % 2 ? "true" : "false") + R"(,"M":true})";
        if (kind == "bookTicker")
            return R"({"u":)" + std::to_string(id) + R"(,"s":")" + symbol + R"(","b":")" + decimal(ticks - 1, scale) +
                   R"(","B":"1.50000000","a":")" + decimal(ticks + 1, scale) + R"(","A":"2.00000000"})";
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
            if (Poco::icompare(req.get("Upgrade", ""), "websocket") == 0)
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
};

FakeBinance::FakeBinance(FakeBinanceOptions options) : _impl(std::make_unique<Impl>(options)) {}
FakeBinance::~FakeBinance() = default;

std::string FakeBinance::restUrl() const {
    return "http://127.0.0.1:" + std::to_string(_impl->port);
}
std::string FakeBinance::wsUrl() const {
    return "ws://127.0.0.1:" + std::to_string(_impl->port);
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

}  // namespace bourse::fakes
