//
// Assertions.h — checks the integration tests share: API problems, wallet
// balances, and `bourse ledger verify` on a running server's database.
//
#pragma once

#include "BourseProcess.h"

#include <Poco/JSON/Array.h>

#include <cppunit/extensions/HelperMacros.h>

#include <string>

namespace bourse::test {

inline bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

/// "123.45" → 12345.
inline long long cents(const std::string& amount) {
    const auto dot = amount.find('.');
    return std::stoll(amount.substr(0, dot)) * 100 + std::stoll(amount.substr(dot + 1));
}

/// A problem+json answer with this status, a detail containing detailPart and (if given) this field.
inline void assertProblem(const HttpResult& r, int status, const std::string& detailPart,
                          const std::string& field = "") {
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, status, r.status);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, std::string("application/problem+json"), r.contentType);
    const auto p = r.json();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, status, p->getValue<int>("status"));
    CPPUNIT_ASSERT_MESSAGE(r.body, !p->getValue<std::string>("title").empty());
    CPPUNIT_ASSERT_MESSAGE(r.body, contains(p->getValue<std::string>("detail"), detailPart));
    if (!field.empty()) CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, field, r.json()->optValue<std::string>("field", ""));
}

/// `bourse ledger verify` on the server's config exits 0 and says OK.
inline void assertLedgerVerifies(const BourseProcess& b) {
    const auto r = runBourse({"ledger", "verify", "--config", b.configPath()});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, 0, r.exitCode);
    CPPUNIT_ASSERT(contains(r.out, "ledger verify: OK"));
}

struct Wallet {
    std::string available, locked, pendingWithdrawal;
};

/// The user's balances in `currency` (zero when the user has none in it).
inline Wallet wallet(const BourseProcess& b, const std::string& token, const std::string& currency = "USD") {
    const HttpResult r = b.get("/api/v1/wallet", token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    const auto balances = r.json()->getArray("balances");
    for (std::size_t i = 0; i < balances->size(); ++i) {
        const auto entry = balances->getObject(static_cast<unsigned>(i));
        if (entry->getValue<std::string>("currency") != currency) continue;
        return {entry->getValue<std::string>("available"), entry->getValue<std::string>("locked"),
                entry->optValue<std::string>("pending_withdrawal", "0.00")};
    }
    return {"0.00", "0.00", "0.00"};
}

}  // namespace bourse::test
