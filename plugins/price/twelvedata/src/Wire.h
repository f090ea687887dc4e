//
// Wire.h — Twelve Data's wire format, as this plugin reads and writes it:
// error bodies (which may come with HTTP 200), GET /price (one symbol or a
// comma-separated batch), GET /time_series, WebSocket events of
// /v1/quotes/price, and the text helpers requests need (interval names, UTC
// date-times, query encoding). Pure functions, no I/O. Prices stay decimal
// text until they become a bourse::Decimal: REST sends strings, the WebSocket
// sends JSON numbers, whose text is read from the message itself (never
// through a double).
//
// Errors: parse functions throw std::invalid_argument saying what was wrong;
// callers decide whether that drops one message or fails a request.
//
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bourse::twelvedata {

/// {"code":N,"message":"...","status":"error"}.
struct ApiError {
    int code = 0;
    std::string message;
};

/// The error a reply carries: a top-level "status":"error" body whatever the
/// HTTP status (Twelve Data sends some errors with HTTP 200), else any HTTP
/// status other than 200 (the body's start as the message). nullopt for a
/// reply to use. Throws std::invalid_argument for an HTTP 200 reply that is
/// not a JSON object (cut short, an HTML page).
std::optional<ApiError> replyError(int httpStatus, const std::string& body);

/// "message (code N)", without the body's links and fluff trimmed to 200 characters.
std::string describe(const ApiError& error);

/// Twelve Data answers a range without rows with 400 "No data is available on
/// the specified dates": an empty result, not a failure.
bool isNoData(const ApiError& error);

/// A 429 that says the day's credits are spent (not just the minute's).
bool isDailyLimit(const ApiError& error);

/// An error about the symbol itself: 404 (not found), 403 (not in the plan),
/// or a 400 whose message names the symbol. Other 400s (a parameter the
/// plugin got wrong) must not condemn a symbol.
bool isSymbolError(const ApiError& error);

struct PriceQuote {
    std::string symbol;  ///< provider symbol, as asked
    std::string price;   ///< decimal text
};

struct PriceReply {
    std::vector<PriceQuote> prices;                        ///< in the order asked
    std::vector<std::pair<std::string, ApiError>> failed;  ///< per-symbol errors of a batch
    std::vector<std::string> missing;                      ///< asked for, absent from the reply
};

/// GET /price for the provider symbols `asked`: {"price":"1.08"} for one,
/// {"EUR/USD":{"price":".."},"NOPE":{"code":404,..,"status":"error"}} for
/// several. Call after replyError() found no error. Throws std::invalid_argument.
PriceReply parsePrices(const std::string& json, const std::vector<std::string>& asked);

struct Bar {
    std::int64_t openMs = 0;
    std::string open, high, low, close;  ///< decimal text
    std::string volume;                  ///< decimal text; "" when the instrument has none (forex)
};

/// GET /time_series: rows oldest first whatever `order` the reply used,
/// `datetime` read as UTC (requests say timezone=UTC; "2026-08-10" for daily
/// rows is midnight). Rows with a null or missing price are skipped (no data
/// for that bar), duplicates of a time keep the first. Throws std::invalid_argument.
std::vector<Bar> parseTimeSeries(const std::string& json);

struct StreamEvent {
    enum class Kind { Price, SubscribeStatus, Heartbeat, Other } kind = Kind::Other;
    std::string symbol;                                       ///< Price: provider symbol
    std::string price;                                        ///< Price: exact decimal text of the JSON number
    std::int64_t timestampS = 0;                              ///< Price: UNIX seconds, 0 when absent
    std::string status;                                       ///< SubscribeStatus, Heartbeat: "ok", "warning", "error"
    std::vector<std::string> subscribed;                      ///< SubscribeStatus: success[].symbol
    std::vector<std::pair<std::string, std::string>> failed;  ///< SubscribeStatus: fails[] (symbol, why)
    std::vector<std::string> messages;                        ///< SubscribeStatus "error": messages[]
};

/// One message of wss://ws.twelvedata.com/v1/quotes/price. Unknown events
/// (unsubscribe-status, reset-status, ...) are Kind::Other.
StreamEvent parseStreamMessage(const std::string& json);

/// {"action":"subscribe","params":{"symbols":"EUR/USD,BTC/USD"}}
std::string subscribeMessage(const std::vector<std::string>& symbols);
/// {"action":"unsubscribe","params":{"symbols":"SPX"}}
std::string unsubscribeMessage(const std::vector<std::string>& symbols);
/// {"action":"heartbeat"}
std::string heartbeatMessage();

/// The raw text of a top-level member's value in a JSON object text
/// ("342.0157" for "price":342.0157, "\"x\"" for a string), nullopt when the
/// object has no such member. Throws std::invalid_argument when the text is not
/// a JSON object.
std::optional<std::string> rawMember(std::string_view json, std::string_view key);

/// A JSON number's text as plain decimal text, exactly: "1925.18" → "1925.18",
/// "1.5e3" → "1500", "2E-2" → "0.02". Throws std::invalid_argument when the
/// text is not a JSON number (or its exponent is beyond ±40).
std::string decimalOfJsonNumber(std::string_view number);

/// Twelve Data's interval for a candle length in seconds ("1min" for 60,
/// "5min", "1h", "1day"), or "" for a length it has no interval for here.
std::string intervalName(int seconds);

/// "2026-08-10 13:05:00" for an epoch millisecond (UTC; the milliseconds are dropped).
std::string formatUtc(std::int64_t ms);
/// Epoch milliseconds of "2026-08-10 13:05:00" or "2026-08-10" (UTC). Throws std::invalid_argument.
std::int64_t parseUtc(std::string_view text);

/// Percent-encodes a query value (unreserved characters and ',' stay as they are).
std::string encodeQuery(std::string_view value);

/// "EUR/USD" → {"EUR", "USD"}; "AAPL" or "RY:TSX" → {"AAPL" / "RY", ""}.
std::pair<std::string, std::string> assetsOf(const std::string& providerSymbol);

}  // namespace bourse::twelvedata
