#include "stream/StreamRequest.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace bourse::stream {

namespace {

/// Client text echoed in an error, cut short so an error never amplifies input.
std::string quoted(const std::string& s) {
    return "'" + (s.size() > 64 ? s.substr(0, 64) + "..." : s) + "'";
}

std::string optString(const Poco::JSON::Object& o, const std::string& key) {
    const Poco::Dynamic::Var v = o.get(key);
    return v.isString() ? v.extract<std::string>() : std::string();
}

}  // namespace

std::variant<Request, std::string> parseRequest(const std::string& text) {
    Poco::JSON::Object::Ptr msg;
    try {
        Poco::JSON::Parser parser;
        const Poco::Dynamic::Var root = parser.parse(text);
        if (root.type() == typeid(Poco::JSON::Object::Ptr)) msg = root.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    if (!msg) return std::string(R"(invalid JSON: expected an object like {"op":"subscribe",...})");

    Request r;
    const std::string op = optString(*msg, "op");
    if (op == "ping") {
        r.op = Request::Op::Ping;
        return r;
    }
    if (op == "auth") {
        r.op = Request::Op::Auth;
        r.token = optString(*msg, "token");
        if (r.token.empty()) return std::string("auth: expected a \"token\" string");
        return r;
    }
    if (op == "subscribe")
        r.op = Request::Op::Subscribe;
    else if (op == "unsubscribe")
        r.op = Request::Op::Unsubscribe;
    else if (op.empty())
        return std::string("op: expected subscribe, unsubscribe, auth or ping");
    else
        return "unknown op " + quoted(op) + "; expected subscribe, unsubscribe, auth or ping";

    r.channel = optString(*msg, "channel");
    if (r.channel == "trades" || r.channel == "operator") return r;
    if (!r.isMarket()) {
        if (r.channel.empty()) return std::string("channel: expected ticks, candles, trades or operator");
        return "unknown channel " + quoted(r.channel) + "; expected ticks, candles, trades or operator";
    }
    if (r.channel == "candles") {
        r.interval = optString(*msg, "interval");
        if (r.interval != "1s" && r.interval != "1m" && r.interval != "5m" && r.interval != "1h")
            return std::string("interval: expected 1s, 1m, 5m or 1h");
    }
    const Poco::JSON::Array::Ptr symbols = msg->getArray("symbols");
    if (!symbols || symbols->size() == 0) return std::string("symbols: expected a non-empty array of symbol strings");
    for (std::size_t i = 0; i < symbols->size(); ++i) {
        const Poco::Dynamic::Var v = symbols->get(static_cast<unsigned>(i));
        if (!v.isString() || v.extract<std::string>().empty())
            return std::string("symbols: expected a non-empty array of symbol strings");
        r.symbols.push_back(v.extract<std::string>());
    }
    return r;
}

std::string marketKey(const Request& request, const std::string& symbol) {
    if (request.channel == "candles") return "candles:" + symbol + ":" + request.interval;
    return "ticks:" + symbol;
}

}  // namespace bourse::stream
