//
// Currencies.h — how many decimals one minor unit of a currency or asset has.
//
// The ledger counts every currency in integer minor units; this is the one
// place that says what a unit is: cents for most fiat money (ISO 4217), none
// for JPY/KRW-like currencies, satoshi-like 10^-8 for crypto assets, 10^-4 for
// metals. Bots need it for their base assets (EUR, BTC, XAU ...).
//
// Thread-safe (a constant table).
//
#pragma once

#include <string>

namespace bourse {

/// Decimals of `code`'s minor unit (2 when the code is not in the table).
int currencyDecimals(const std::string& code);

}  // namespace bourse
