#include "Wire.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>
#include <typeinfo>

namespace bourse::twelvedata {

namespace {

Poco::Dynamic::Var parse(const std::string& json) {
    try {
        return Poco::JSON::Parser().parse(json);
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("not JSON: " + e.message());
    }
}

Poco::JSON::Object::Ptr objectOf(const Poco::Dynamic::Var& v, const std::string& what) {
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw std::invalid_argument(what + ": expected a JSON object");
    return v.extract<Poco::JSON::Object::Ptr>();
}

bool isErrorObject(const Poco::JSON::Object::Ptr& o) {
    return o && o->has("status") && o->get("status").isString() && o->getValue<std::string>("status") == "error";
}

ApiError errorOf(const Poco::JSON::Object::Ptr& o, int fallbackCode) {
    ApiError e;
    e.code = fallbackCode;
    if (o->has("code") && o->get("code").isNumeric()) {
        try {
            e.code = o->get("code").convert<int>();
        } catch (const Poco::Exception&) {
        }
    }
    if (o->has("message") && o->get("message").isString()) e.message = o->getValue<std::string>("message");
    return e;
}

/// A decimal string member; nullopt for null or absent (no data), throws for anything else.
std::optional<std::string> decimalText(const Poco::JSON::Object::Ptr& o, const std::string& key,
                                       const std::string& where) {
    if (!o->has(key) || o->isNull(key)) return std::nullopt;
    const auto v = o->get(key);
    if (!v.isString()) throw std::invalid_argument(where + ": '" + key + "' must be a decimal string");
    return v.convert<std::string>();
}

bool contains(const std::string& text, const std::string& part) {
    const auto it = std::search(text.begin(), text.end(), part.begin(), part.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    return it != text.end();
}

std::string jsonString(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            static const char* hex = "0123456789abcdef";
            out += "\\u00";
            out += hex[(c >> 4) & 0xf];
            out += hex[c & 0xf];
        } else {
            out += c;
        }
    }
    return out + "\"";
}

/// Walks JSON text without building values: enough to find a member's raw text.
class Scanner {
public:
    explicit Scanner(std::string_view s) : _s(s) {}

    void space() {
        while (_i < _s.size() && (_s[_i] == ' ' || _s[_i] == '\t' || _s[_i] == '\n' || _s[_i] == '\r'))
            ++_i;
    }
    bool take(char c) {
        space();
        if (_i < _s.size() && _s[_i] == c) {
            ++_i;
            return true;
        }
        return false;
    }
    void expect(char c) {
        if (!take(c)) fail(std::string("expected '") + c + "'");
    }
    /// A string's content with the simple escapes decoded (\uXXXX kept as written).
    std::string string() {
        space();
        if (_i >= _s.size() || _s[_i] != '"') fail("expected a string");
        ++_i;
        std::string out;
        while (_i < _s.size() && _s[_i] != '"') {
            char c = _s[_i++];
            if (c == '\\') {
                if (_i >= _s.size()) break;
                c = _s[_i++];
                switch (c) {
                    case 'n':
                        out += '\n';
                        break;
                    case 't':
                        out += '\t';
                        break;
                    case 'r':
                        out += '\r';
                        break;
                    case 'b':
                        out += '\b';
                        break;
                    case 'f':
                        out += '\f';
                        break;
                    case 'u':
                        out += "\\u";
                        break;
                    default:
                        out += c;
                }
                continue;
            }
            out += c;
        }
        if (_i >= _s.size()) fail("unterminated string");
        ++_i;
        return out;
    }
    /// Skips one value; returns its raw text.
    std::string_view value() {
        space();
        const std::size_t start = _i;
        if (_i >= _s.size()) fail("expected a value");
        const char c = _s[_i];
        if (c == '"') {
            string();
        } else if (c == '{' || c == '[') {
            int depth = 0;
            while (_i < _s.size()) {
                const char d = _s[_i];
                if (d == '"') {
                    string();
                    continue;
                }
                ++_i;
                if (d == '{' || d == '[') ++depth;
                if ((d == '}' || d == ']') && --depth == 0) break;
            }
            if (depth != 0) fail("unbalanced brackets");
        } else {
            while (_i < _s.size() && std::string_view(",}] \t\r\n").find(_s[_i]) == std::string_view::npos)
                ++_i;
            if (_i == start) fail("expected a value");
        }
        return _s.substr(start, _i - start);
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw std::invalid_argument("JSON: " + what + " at offset " + std::to_string(_i));
    }
    std::string_view _s;
    std::size_t _i = 0;
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civilFromDays(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

std::string twoDigits(unsigned v) {
    return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10);
}

}  // namespace

std::optional<ApiError> replyError(int httpStatus, const std::string& body) {
    Poco::Dynamic::Var v;
    try {
        v = Poco::JSON::Parser().parse(body);
    } catch (const Poco::Exception& e) {
        if (httpStatus == 200) throw std::invalid_argument("not JSON: " + e.message());
        return ApiError{httpStatus, body.substr(0, 200)};
    }
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
        const auto o = v.extract<Poco::JSON::Object::Ptr>();
        if (isErrorObject(o)) return errorOf(o, httpStatus);
    } else if (httpStatus == 200) {
        throw std::invalid_argument("expected a JSON object");
    }
    if (httpStatus != 200) return ApiError{httpStatus, body.substr(0, 200)};
    return std::nullopt;
}

std::string describe(const ApiError& error) {
    // Twelve Data's messages end in sales links; the first sentences say what went wrong.
    std::string m = error.message;
    if (m.size() > 200) m.replace(197, std::string::npos, "...");
    return (m.empty() ? std::string("error") : m) + " (code " + std::to_string(error.code) + ")";
}

bool isNoData(const ApiError& error) {
    return error.code == 400 && contains(error.message, "no data is available");
}

bool isDailyLimit(const ApiError& error) {
    return error.code == 429 && (contains(error.message, "for the day") || contains(error.message, "daily"));
}

bool isSymbolError(const ApiError& error) {
    return error.code == 404 || error.code == 403 || (error.code == 400 && contains(error.message, "symbol"));
}

PriceReply parsePrices(const std::string& json, const std::vector<std::string>& asked) {
    const auto root = objectOf(parse(json), "price");
    PriceReply out;
    if (asked.size() == 1) {
        // One symbol: the bare {"price": ".."} (its errors are top-level, see replyError).
        const auto price = decimalText(root, "price", "price");
        if (!price) throw std::invalid_argument("price: missing 'price'");
        out.prices.push_back({asked[0], *price});
        return out;
    }
    for (const auto& symbol : asked) {
        if (!root->has(symbol)) {
            out.missing.push_back(symbol);
            continue;
        }
        const auto entry = objectOf(root->get(symbol), "price[" + symbol + "]");
        if (isErrorObject(entry)) {
            out.failed.emplace_back(symbol, errorOf(entry, 0));
            continue;
        }
        const auto price = decimalText(entry, "price", "price[" + symbol + "]");
        if (!price) throw std::invalid_argument("price[" + symbol + "]: missing 'price'");
        out.prices.push_back({symbol, *price});
    }
    return out;
}

std::vector<Bar> parseTimeSeries(const std::string& json) {
    const auto root = objectOf(parse(json), "time_series");
    if (!root->has("values") || root->isNull("values")) throw std::invalid_argument("time_series: no 'values'");
    const auto values = root->getArray("values");
    if (!values) throw std::invalid_argument("time_series: 'values' must be an array");
    std::map<std::int64_t, Bar> rows;  // by time: oldest first whatever the order
    for (std::size_t i = 0; i < values->size(); ++i) {
        const std::string where = "time_series.values[" + std::to_string(i) + "]";
        const auto row = objectOf(values->get(static_cast<unsigned>(i)), where);
        if (!row->has("datetime") || !row->get("datetime").isString())
            throw std::invalid_argument(where + ": missing 'datetime'");
        Bar b;
        try {
            b.openMs = parseUtc(row->getValue<std::string>("datetime"));
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(where + ": " + e.what());
        }
        const auto open = decimalText(row, "open", where), high = decimalText(row, "high", where),
                   low = decimalText(row, "low", where), close = decimalText(row, "close", where);
        if (!open || !high || !low || !close) continue;  // a bar without data
        b.open = *open;
        b.high = *high;
        b.low = *low;
        b.close = *close;
        b.volume = decimalText(row, "volume", where).value_or("");
        rows.emplace(b.openMs, std::move(b));
    }
    std::vector<Bar> out;
    out.reserve(rows.size());
    for (auto& [t, b] : rows)
        out.push_back(std::move(b));
    return out;
}

StreamEvent parseStreamMessage(const std::string& json) {
    const auto root = objectOf(parse(json), "event");
    StreamEvent ev;
    const std::string event = root->optValue<std::string>("event", "");
    if (event == "price") {
        if (!root->has("symbol") || !root->get("symbol").isString())
            throw std::invalid_argument("price event without 'symbol'");
        ev.symbol = root->getValue<std::string>("symbol");
        if (!root->has("price") || root->isNull("price")) throw std::invalid_argument("price event without 'price'");
        // Poco holds JSON numbers as doubles: read the digits from the message instead.
        if (root->get("price").isString())
            ev.price = root->getValue<std::string>("price");
        else
            ev.price = decimalOfJsonNumber(rawMember(json, "price").value_or(""));
        if (root->has("timestamp") && root->get("timestamp").isNumeric())
            ev.timestampS = root->get("timestamp").convert<std::int64_t>();
        ev.kind = StreamEvent::Kind::Price;
        return ev;
    }
    if (event == "subscribe-status") {
        ev.kind = StreamEvent::Kind::SubscribeStatus;
        ev.status = root->optValue<std::string>("status", "");
        const auto symbolOf = [](const Poco::Dynamic::Var& v) -> std::string {
            if (v.isString()) return v.convert<std::string>();
            if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
                const auto o = v.extract<Poco::JSON::Object::Ptr>();
                return o->optValue<std::string>("symbol", "");
            }
            return "";
        };
        if (const auto success = root->getArray("success"))
            for (std::size_t i = 0; i < success->size(); ++i)
                ev.subscribed.push_back(symbolOf(success->get(static_cast<unsigned>(i))));
        if (const auto fails = root->getArray("fails"))
            for (std::size_t i = 0; i < fails->size(); ++i) {
                const auto f = fails->get(static_cast<unsigned>(i));
                std::string why;
                if (f.type() == typeid(Poco::JSON::Object::Ptr))
                    why = f.extract<Poco::JSON::Object::Ptr>()->optValue<std::string>("message", "");
                ev.failed.emplace_back(symbolOf(f), why);
            }
        if (const auto messages = root->getArray("messages"))
            for (std::size_t i = 0; i < messages->size(); ++i)
                ev.messages.push_back(messages->get(static_cast<unsigned>(i)).toString());
        return ev;
    }
    if (event == "heartbeat") {
        ev.kind = StreamEvent::Kind::Heartbeat;
        ev.status = root->optValue<std::string>("status", "");
    }
    return ev;
}

namespace {
std::string symbolsAction(const std::string& action, const std::vector<std::string>& symbols) {
    std::string list;
    for (const auto& s : symbols)
        list += (list.empty() ? "" : ",") + s;
    return R"({"action":")" + action + R"(","params":{"symbols":)" + jsonString(list) + "}}";
}
}  // namespace

std::string subscribeMessage(const std::vector<std::string>& symbols) {
    return symbolsAction("subscribe", symbols);
}

std::string unsubscribeMessage(const std::vector<std::string>& symbols) {
    return symbolsAction("unsubscribe", symbols);
}

std::string heartbeatMessage() {
    return R"({"action":"heartbeat"})";
}

std::optional<std::string> rawMember(std::string_view json, std::string_view key) {
    Scanner s(json);
    s.expect('{');
    if (s.take('}')) return std::nullopt;
    do {
        const std::string name = s.string();
        s.expect(':');
        const std::string_view value = s.value();
        if (name == key) return std::string(value);
    } while (s.take(','));
    s.expect('}');
    return std::nullopt;
}

std::string decimalOfJsonNumber(std::string_view n) {
    const auto bad = [&] { return std::invalid_argument("not a JSON number: '" + std::string(n.substr(0, 40)) + "'"); };
    std::size_t i = 0;
    const bool negative = i < n.size() && n[i] == '-';
    if (negative) ++i;
    const auto digits = [&] {
        const std::size_t start = i;
        while (i < n.size() && std::isdigit(static_cast<unsigned char>(n[i])))
            ++i;
        return std::string(n.substr(start, i - start));
    };
    const std::string whole = digits();
    if (whole.empty() || (whole.size() > 1 && whole[0] == '0')) throw bad();
    std::string fraction;
    if (i < n.size() && n[i] == '.') {
        ++i;
        fraction = digits();
        if (fraction.empty()) throw bad();
    }
    long exponent = 0;
    if (i < n.size() && (n[i] == 'e' || n[i] == 'E')) {
        ++i;
        bool minus = false;
        if (i < n.size() && (n[i] == '+' || n[i] == '-')) minus = n[i++] == '-';
        const std::string e = digits();
        if (e.empty()) throw bad();
        if (e.size() > 3 || std::stol(e) > 40) throw std::invalid_argument("JSON number: exponent out of range");
        exponent = minus ? -std::stol(e) : std::stol(e);
    }
    if (i != n.size()) throw bad();
    // Shift the point by the exponent over the digits, then trim the padding.
    std::string all = whole + fraction;
    long point = static_cast<long>(whole.size()) + exponent;
    if (point <= 0) {
        all.insert(0, static_cast<std::size_t>(1 - point), '0');
        point = 1;
    } else if (point > static_cast<long>(all.size())) {
        all.append(static_cast<std::size_t>(point) - all.size(), '0');
    }
    std::string intPart = all.substr(0, static_cast<std::size_t>(point));
    std::string fracPart = all.substr(static_cast<std::size_t>(point));
    intPart.erase(0, std::min(intPart.find_first_not_of('0'), intPart.size() - 1));
    if (exponent != 0)
        while (!fracPart.empty() && fracPart.back() == '0')
            fracPart.pop_back();
    std::string out = intPart + (fracPart.empty() ? "" : "." + fracPart);
    const bool zero = out.find_first_not_of("0.") == std::string::npos;
    return negative && !zero ? "-" + out : out;
}

std::string intervalName(int seconds) {
    switch (seconds) {
        case 60:
            return "1min";
        case 300:
            return "5min";
        case 900:
            return "15min";
        case 1800:
            return "30min";
        case 3600:
            return "1h";
        case 7200:
            return "2h";
        case 14400:
            return "4h";
        case 86400:
            return "1day";
        default:
            return "";
    }
}

std::string formatUtc(std::int64_t ms) {
    constexpr std::int64_t kDayMs = 86'400'000;
    const std::int64_t days = ms >= 0 ? ms / kDayMs : -((-ms + kDayMs - 1) / kDayMs);
    const std::int64_t inDay = (ms - days * kDayMs) / 1000;
    std::int64_t y = 0;
    unsigned m = 0, d = 0;
    civilFromDays(days, y, m, d);
    const auto hh = static_cast<unsigned>(inDay / 3600), mm = static_cast<unsigned>(inDay / 60 % 60),
               ss = static_cast<unsigned>(inDay % 60);
    std::string year = std::to_string(y);
    if (year.size() < 4) year.insert(0, 4 - year.size(), '0');
    return year + "-" + twoDigits(m) + "-" + twoDigits(d) + " " + twoDigits(hh) + ":" + twoDigits(mm) + ":" +
           twoDigits(ss);
}

std::int64_t parseUtc(std::string_view text) {
    const auto bad = [&] {
        return std::invalid_argument("expected YYYY-MM-DD[ HH:MM:SS], got '" + std::string(text.substr(0, 40)) + "'");
    };
    const auto number = [&](std::size_t at, std::size_t len) {
        if (at + len > text.size()) throw bad();
        unsigned v = 0;
        for (std::size_t k = at; k < at + len; ++k) {
            if (!std::isdigit(static_cast<unsigned char>(text[k]))) throw bad();
            v = v * 10 + static_cast<unsigned>(text[k] - '0');
        }
        return v;
    };
    if (text.size() != 10 && text.size() != 19) throw bad();
    const unsigned y = number(0, 4), m = number(5, 2), d = number(8, 2);
    if (text[4] != '-' || text[7] != '-' || m < 1 || m > 12 || d < 1 || d > 31) throw bad();
    std::int64_t seconds = 0;
    if (text.size() == 19) {
        if ((text[10] != ' ' && text[10] != 'T') || text[13] != ':' || text[16] != ':') throw bad();
        const unsigned hh = number(11, 2), mm = number(14, 2), ss = number(17, 2);
        if (hh > 23 || mm > 59 || ss > 59) throw bad();
        seconds = hh * 3600 + mm * 60 + ss;
    }
    return (daysFromCivil(y, m, d) * 86'400 + seconds) * 1000;
}

std::string encodeQuery(std::string_view value) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~' || c == ',') {
            out += c;
        } else {
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 0xf];
        }
    }
    return out;
}

std::pair<std::string, std::string> assetsOf(const std::string& providerSymbol) {
    const std::string symbol = providerSymbol.substr(0, providerSymbol.find(':'));
    const auto slash = symbol.find('/');
    if (slash == std::string::npos) return {symbol, ""};
    return {symbol.substr(0, slash), symbol.substr(slash + 1)};
}

}  // namespace bourse::twelvedata
