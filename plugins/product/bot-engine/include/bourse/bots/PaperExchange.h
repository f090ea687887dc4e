//
// bourse/bots/PaperExchange.h — a deterministic paper fill model for one pair.
//
// Used for paper trading and by the backtest runner; both bots run against it
// unchanged. The model, fixed so results are reproducible:
//   * market orders fill completely at once at the last price moved against the
//     taker by slippage_bps (buy: up, sell: down; then to the tick, also against
//     the taker); a market buy by quote amount gets quote / price, down to the
//     lot step;
//   * a limit order that is marketable when placed (buy at or above the last
//     price, sell at or below) fills completely at once at the last price;
//   * resting limit orders fill completely, at their limit price, on the first
//     price that reaches them (buy: price ≤ limit; sell: price ≥ limit), in the
//     order they were placed;
//   * fees are fee_bps of the notional, rounded up, in quote minor units, for
//     every fill (maker or taker); notionals round as Pair.h says;
//   * a cancel of an open order confirms at once (a done report with qty 0);
//     a cancel of an unknown or finished id is ignored; a place with a used id,
//     or an order the model cannot fill (zero quantity), is rejected with a
//     done report with qty 0.
// The wallet is moved by every fill and is allowed to go negative, so tests can
// check that a bot never spends more than it was given.
//
// Threading: single-threaded. Errors: submit() before the first price throws
// std::logic_error.
//
#pragma once

#include <bourse/bots/Orders.h>
#include <bourse/bots/Pair.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bourse::bots {

struct PaperConfig {
    Decimal feeBps{0, 0};       ///< per fill, basis points of the notional
    Decimal slippageBps{0, 0};  ///< market orders only
};

struct Wallet {
    std::int64_t quote = 0;  ///< quote minor units
    Decimal base;            ///< base quantity at the lot scale
};

class PaperExchange {
public:
    /// Throws InvalidParams for a bad pair, std::invalid_argument for negative rates.
    PaperExchange(PairSpec pair, PaperConfig config, Wallet wallet);

    /// A new last price: fills the resting orders it reaches.
    std::vector<FillReport> onPrice(const Decimal& price, TimeNs ts);
    /// Places or cancels at the last price; returns the reports it causes.
    std::vector<FillReport> submit(const OrderIntent& intent, TimeNs ts);

    [[nodiscard]] const Wallet& wallet() const { return wallet_; }
    /// quote + base × price (the base valued as a sale, rounded down).
    [[nodiscard]] std::int64_t equity(const Decimal& price) const;
    [[nodiscard]] std::int64_t feesPaid() const { return fees_; }
    [[nodiscard]] std::size_t fills() const { return fills_; }
    [[nodiscard]] std::size_t openOrders() const { return resting_.size(); }
    [[nodiscard]] const std::optional<Decimal>& lastPrice() const { return last_; }
    [[nodiscard]] const Pair& pair() const { return pair_; }

private:
    struct Resting {
        std::string clientId;
        Side side = Side::Buy;
        Decimal price;
        Decimal qty;
    };
    FillReport execute(const std::string& clientId, Side side, const Decimal& price, const Decimal& qty, TimeNs ts);

    Pair pair_;
    PaperConfig config_;
    Wallet wallet_;
    std::optional<Decimal> last_;
    std::map<std::uint64_t, Resting> resting_;  ///< by placement sequence
    std::set<std::string> used_;
    std::uint64_t seq_ = 0;
    std::int64_t fees_ = 0;
    std::size_t fills_ = 0;
};

}  // namespace bourse::bots
