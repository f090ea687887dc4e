#include "Amounts.h"

#include <bourse/plugin.hpp>

#include <algorithm>
#include <set>

namespace bourse::razorpay {

bool threeDecimalCurrency(const std::string& currency) {
    static const std::set<std::string> three = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
    return three.count(currency) != 0;
}

void checkAmount(const Money& amount, const std::vector<std::string>& allowed) {
    const bool iso = amount.currency.size() == 3 && std::all_of(amount.currency.begin(), amount.currency.end(),
                                                                [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!iso) throw Error(BOURSE_E_INVALID, "invalid: currency '" + amount.currency + "' is not an ISO 4217 code");
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), amount.currency) == allowed.end()) {
        std::string list;
        for (const auto& c : allowed)
            list += (list.empty() ? "" : ", ") + c;
        throw Error(BOURSE_E_INVALID, "invalid: currency " + amount.currency +
                                          " is not enabled for Razorpay (config currencies: " + list + ")");
    }
    if (amount.minor < kMinimumAmount)
        throw Error(BOURSE_E_INVALID, "invalid: amount " + std::to_string(amount.minor) + " " + amount.currency +
                                          " minor units is below Razorpay's minimum of " +
                                          std::to_string(kMinimumAmount));
    if (threeDecimalCurrency(amount.currency) && amount.minor % 10 != 0)
        throw Error(BOURSE_E_INVALID, "invalid: " + amount.currency +
                                          " amounts must end in 0 (Razorpay settles three-decimal currencies to two)");
}

}  // namespace bourse::razorpay
