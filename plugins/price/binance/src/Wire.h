//
// Wire.h — Binance Spot's wire format, as this plugin reads it: exchangeInfo
// (instruments and their price scale from PRICE_FILTER.tickSize), combined
// market-stream messages (@trade, @kline_<i>, @bookTicker, serverShutdown),
// ticker/price replies and error bodies. Pure functions, no I/O; every price
// stays a decimal string until it becomes a bourse::Decimal.
//
// Errors: parse functions throw std::invalid_argument with what was wrong;
// callers decide whether that drops one message or fails a request.
//
#pragma once

#include <bourse/plugin.hpp>

#include <optional>
#include <string>
#include <vector>

namespace bourse::binance {

/// Instruments of the symbols in `wanted` that are TRADING, in the order asked.
/// Symbols missing from the reply (or not trading) are listed in `missing`.
std::vector<Instrument> parseExchangeInfo(const std::string& json, const std::vector<std::string>& wanted,
                                          std::vector<std::string>& missing);

/// "0.01000000" → 2, "1.00000000" → 0 (decimals of a tick size).
int scaleOfTickSize(const std::string& tickSize);

struct StreamEvent {
    enum class Kind { Price, Shutdown, Other } kind = Kind::Other;
    std::string symbol;       ///< uppercase, for Price
    std::string price;        ///< decimal string, for Price
    std::int64_t timeMs = 0;  ///< event time; 0 if the stream gives none (bookTicker)
};

/// One combined-stream message ({"stream":..,"data":..}); replies to control
/// requests ({"result":..}) are Kind::Other. bookTicker yields the mid price.
StreamEvent parseStreamMessage(const std::string& json);

struct TickerPrice {
    std::string symbol, price;
};
/// GET /api/v3/ticker/price with symbols=[...]: an array of {symbol, price}.
std::vector<TickerPrice> parseTickerPrices(const std::string& json);

struct Kline {
    std::int64_t openMs = 0;
    std::string open, high, low, close, volume;  ///< decimal strings
};
/// GET /api/v3/klines: [[open_time, "o", "h", "l", "c", "v", close_time, ...], ...], oldest first.
std::vector<Kline> parseKlines(const std::string& json);

/// Binance's interval name for a length in seconds ("1m" for 60), or "" if it has none.
std::string klineInterval(int seconds);

/// "Invalid symbol. (code -1121)" from {"code":-1121,"msg":"Invalid symbol."}; the raw body otherwise.
std::string describeError(int status, const std::string& body);

}  // namespace bourse::binance
