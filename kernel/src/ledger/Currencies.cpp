#include "ledger/Currencies.h"

#include <string_view>
#include <unordered_map>

namespace bourse {

int currencyDecimals(const std::string& code) {
    static const std::unordered_map<std::string_view, int> table = {
        // ISO 4217 currencies without minor units, and those with three.
        {"JPY", 0},
        {"KRW", 0},
        {"VND", 0},
        {"CLP", 0},
        {"ISK", 0},
        {"BHD", 3},
        {"KWD", 3},
        {"OMR", 3},
        {"JOD", 3},
        // Metals (troy ounces).
        {"XAU", 4},
        {"XAG", 4},
        {"XPT", 4},
        // Crypto assets and stablecoins: exchanges quote balances to 8 decimals.
        {"BTC", 8},
        {"ETH", 8},
        {"BNB", 8},
        {"SOL", 8},
        {"XRP", 8},
        {"ADA", 8},
        {"DOGE", 8},
        {"LTC", 8},
        {"USDT", 8},
        {"USDC", 8},
        {"FDUSD", 8},
        {"DAI", 8}};
    const auto it = table.find(code);
    return it == table.end() ? 2 : it->second;
}

}  // namespace bourse
