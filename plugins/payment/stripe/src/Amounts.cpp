#include "Amounts.h"

#include <set>

namespace bourse::stripe {

bool zeroDecimal(const std::string& currency) {
    static const std::set<std::string> codes = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
                                                "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"};
    return codes.count(currency) != 0;
}

bool threeDecimal(const std::string& currency) {
    static const std::set<std::string> codes = {"BHD", "JOD", "KWD", "OMR", "TND"};
    return codes.count(currency) != 0;
}

const std::map<std::string, std::int64_t>& stripeMinimums() {
    // docs.stripe.com/currencies "Minimum and maximum charge amounts" (settlement
    // in the same currency). Currencies missing here need `minimum_minor` in config.
    static const std::map<std::string, std::int64_t> table = {
        {"USD", 50},    {"AED", 200},  {"AUD", 50},  {"BGN", 100},  {"BRL", 50},  {"CAD", 50},
        {"CHF", 50},    {"CZK", 1500}, {"DKK", 250}, {"EUR", 50},   {"GBP", 30},  {"HKD", 400},
        {"HUF", 17500}, {"INR", 50},   {"JPY", 50},  {"MXN", 1000}, {"MYR", 200}, {"NOK", 300},
        {"NZD", 50},    {"PLN", 200},  {"RON", 200}, {"SEK", 300},  {"SGD", 50},  {"THB", 1000}};
    return table;
}

namespace {

std::optional<std::string> common(std::int64_t minor, const std::string& currency) {
    if (minor <= 0) return "amount: " + std::to_string(minor) + " " + currency + " minor units is not positive";
    if (minor > kMaxAmount)
        return "amount: " + std::to_string(minor) + " " + currency + " minor units exceeds Stripe's 8-digit limit (" +
               std::to_string(kMaxAmount) + ")";
    if (threeDecimal(currency) && minor % 10 != 0)
        return "amount: " + std::to_string(minor) + " " + currency +
               " minor units: Stripe wants three-decimal currencies in multiples of 10";
    return std::nullopt;
}

}  // namespace

std::optional<std::string> chargeProblem(std::int64_t minor, const std::string& currency, std::int64_t minimum) {
    if (auto problem = common(minor, currency)) return problem;
    if (minor < minimum)
        return "amount: " + std::to_string(minor) + " " + currency + " minor units is below Stripe's minimum charge (" +
               std::to_string(minimum) + ")";
    return std::nullopt;
}

std::optional<std::string> refundProblem(std::int64_t minor, const std::string& currency) {
    return common(minor, currency);
}

}  // namespace bourse::stripe
