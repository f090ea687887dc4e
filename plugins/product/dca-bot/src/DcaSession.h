//
// DcaSession.h — one DCA bot in memory: the engine's DcaBot plus what the
// plugin adds to it (a stop asked for, a failure, archived deal totals).
//
// Control, as the plugin applies it to the engine:
//   pause   no new deals (DcaBot::setAcceptingDeals(false)); active deals run
//           on with their safety orders, take profit and stop loss;
//   resume  new deals again;
//   stop    no new deals, every active deal closed: its orders cancelled, then
//           what it holds sold at market with close: true, or kept (left in
//           the bot's account for the kernel to return) with close: false or
//           absent. Finished once no deal is left.
// pause and resume after a stop change nothing (the kernel does not send them
// then; refusing would put the bot in error for nothing).
//
// Threading: single-threaded (the host serialises calls). Errors: the
// constructors throw bots::InvalidParams or Error(BOURSE_E_INTERNAL);
// onFill throws std::invalid_argument for a report that contradicts a deal.
//
#pragma once

#include "DcaParamsJson.h"
#include "DcaStateJson.h"

#include <bourse/botkit/BotProduct.h>
#include <bourse/bots/DcaBot.h>

#include <memory>

namespace bourse::dca {

class DcaSession : public botkit::BotSession {
public:
    /// A bot that has not traded yet.
    explicit DcaSession(DcaTerms terms);
    /// A bot as it was saved.
    DcaSession(DcaTerms terms, DcaState state);

    [[nodiscard]] const bots::PairSpec& pair() const override { return _terms.params.pair; }
    void onTick(const Decimal& price, bots::TimeNs ts) override;
    bool onFill(const bots::FillReport& fill) override;
    void control(const botkit::ControlRequest& request, bots::TimeNs now) override;
    std::vector<bots::OrderIntent> takeIntents() override;
    void recordError(const std::string& message) override;
    [[nodiscard]] bool finished() const override { return _stopping && _bot->finished(); }
    [[nodiscard]] std::string stateJson(botkit::StateView view) const override;
    [[nodiscard]] std::optional<bots::QuietBand> quietBand() const override { return _bot->quietBand(); }

    [[nodiscard]] const bots::DcaBot& bot() const { return *_bot; }

private:
    /// Moves closed deals beyond kKeepClosedDeals into the archived totals.
    void archiveOldDeals();
    [[nodiscard]] DcaState state() const;

    DcaTerms _terms;
    std::unique_ptr<bots::DcaBot> _bot;
    std::vector<bots::OrderIntent> _carried;  ///< intents of an engine replaced by archiveOldDeals()
    Archived _archived;
    bool _stopping = false;
    std::string _error;
};

}  // namespace bourse::dca
