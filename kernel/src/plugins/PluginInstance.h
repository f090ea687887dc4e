//
// PluginInstance.h — one created instance of a plugin: its library, its host
// context and the plugin's opaque instance pointer.
//
// Every call goes through invoke(), which serialises it with the instance's
// timers and callbacks, turns a non-OK status (or an exception that crossed
// the boundary against the rules) into a PluginError naming the plugin, the
// call and the plugin's own message. Destruction stops the instance, cancels
// its host resources, destroys it, and only then releases the library.
//
#pragma once

#include "config/Config.h"
#include "market/Candle.h"
#include "plugins/HostContext.h"
#include "plugins/ModuleLibrary.h"
#include "plugins/PluginError.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bourse {

/// The payment-gateway entries that answer through a reply (plugins/payment/README.md).
enum class PaymentCall { CreateDeposit, ConfirmDeposit, Payout, Refund, Query };

class PluginInstance;

/// Runs `start(done)` (an asynchronous call such as payment() or
/// startVerification()) and waits for its reply at most `deadline`: the reply's
/// status and JSON, or nullopt when none came in time (a later reply is dropped).
std::optional<std::pair<bourse_status, std::string>> awaitReply(
    const std::function<void(std::function<void(bourse_status, const std::string&)>)>& start,
    std::chrono::milliseconds deadline);

class PluginInstance {
public:
    /// Creates the instance (descriptor->create). Throws PluginError.
    static std::shared_ptr<PluginInstance> create(std::shared_ptr<ModuleLibrary> library,
                                                  const bourse_plugin_descriptor* descriptor,
                                                  const PluginConfig& config, HostServices& services);
    ~PluginInstance();
    PluginInstance(const PluginInstance&) = delete;
    PluginInstance& operator=(const PluginInstance&) = delete;

    void start();
    /// Throws PluginError when the plugin reports itself unhealthy.
    void checkHealth();
    /// Stops (idempotent): plugin stop hook, then every timer and request cancelled.
    void stop();

    /// Price sources: the instruments offered, validated. Throws PluginError.
    std::vector<InstrumentInfo> instruments();
    /// Called once with the plugin's reply: status and JSON (the message on failure).
    using ReplyHandler = std::function<void(bourse_status, const std::string& json)>;
    /// Price sources: history candles for [fromNs, toNs) (see plugin.h
    /// fetch_candles). Asynchronous: `done` runs exactly once — on the plugin's
    /// thread when it replies (never call into this instance from it), on this
    /// thread when the call fails, or with BOURSE_E_UNAVAILABLE when the
    /// instance is destroyed before replying.
    void fetchCandles(const std::string& symbol, int intervalS, std::int64_t fromNs, std::int64_t toNs,
                      ReplyHandler done);
    /// Payment gateways: one call of plugins/payment/README.md. Asynchronous like
    /// fetchCandles; an entry the plugin lacks (or another kind of plugin)
    /// answers BOURSE_E_UNSUPPORTED at once.
    void payment(PaymentCall call, const bourse_payment_request& request, ReplyHandler done);
    /// KYC providers: start a verification (asynchronous like fetchCandles).
    void startVerification(const bourse_kyc_request& request, ReplyHandler done);
    /// Payment gateways and KYC providers: the normalised event of an inbound
    /// webhook, synchronously. Throws PluginError with the plugin's status
    /// (BOURSE_E_SIGNATURE for a bad signature) and message.
    std::string verifyWebhook(const bourse_webhook& webhook);
    /// Operator command; returns the plugin's JSON reply. Throws PluginError.
    std::string command(const std::string& name, const std::string& argsJson);

    /// Trade products (throw PluginError, BOURSE_E_UNSUPPORTED for other kinds):
    /// the accepted terms JSON for a request,
    std::string validate(const bourse_open_request& request);
    /// the initial state JSON of a stored position,
    std::string open(const bourse_position& position, const bourse_tick* entry);
    /// the outcome at expiry (exit may be null when the user closes a bot).
    bourse_settlement settle(const bourse_position& position, const bourse_tick* exit);
    /// Open-ended positions (bots), each a no-op when the product lacks the entry:
    /// a tick for the position's symbol, an execution report, a lifecycle request
    /// ({"action": "pause"|"resume"|"stop", "close": bool}; BOURSE_E_UNSUPPORTED
    /// when the product has no control entry). Venue and state calls the product
    /// makes meanwhile go to the caller's ProductCallScope.
    void onTick(const bourse_position& position, const bourse_tick& tick);
    void onFill(const bourse_position& position, const bourse_fill& fill);
    void control(const bourse_position& position, const std::string& requestJson);

    void setActive(bool active) noexcept { _ctx->active.store(active); }
    /// The latest tick per symbol it published before it was active, once.
    std::map<std::string, PriceTick> takePendingTicks() {
        std::lock_guard lock(_ctx->resourceMutex);
        return std::exchange(_ctx->pendingTicks, {});
    }
    /// The source state it reported before it was active (host->source_state), once.
    std::optional<std::pair<FeedStatus, std::string>> takePendingSourceState() {
        std::lock_guard lock(_ctx->resourceMutex);
        return std::exchange(_ctx->pendingSourceState, std::nullopt);
    }
    /// True once after the instance said its instruments changed (host->instruments_changed).
    bool takeInstrumentsChanged() noexcept { return _ctx->instrumentsChanged.exchange(false); }
    [[nodiscard]] bool instrumentsChangedPending() const noexcept { return _ctx->instrumentsChanged.load(); }
    [[nodiscard]] bool stopped();

    [[nodiscard]] const std::string& id() const noexcept { return _id; }
    [[nodiscard]] bourse_kind kind() const noexcept { return _descriptor->kind; }
    [[nodiscard]] std::string version() const { return _descriptor->version; }
    [[nodiscard]] std::string description() const { return _descriptor->description ? _descriptor->description : ""; }
    [[nodiscard]] const ModuleLibrary& library() const noexcept { return *_library; }

private:
    PluginInstance(std::shared_ptr<ModuleLibrary> library, const bourse_plugin_descriptor* descriptor, std::string id);

    /// Runs fn(instance) under the call lock; throws PluginError on failure.
    template <class F>
    void invoke(const char* what, F&& fn);
    /// Runs call(instance, reply) for an entry that answers through a reply,
    /// delivering `done` exactly once (see fetchCandles).
    template <class F>
    void callWithReply(const char* what, ReplyHandler done, F&& call);
    const bourse_trade_product_api& productApi() const;

    /// A reply the plugin may answer later (fetch_candles).
    struct PendingReply {
        PluginInstance* owner;
        ReplyHandler done;
        bool inCall = true;                                          ///< the call that received it has not returned yet
        std::optional<std::pair<bourse_status, std::string>> early;  ///< answered during that call
    };
    static void onReply(void* ctx, bourse_status status, bourse_str json);

    std::mutex _replyMutex;  ///< guards _pending and the PendingReply fields
    std::map<PendingReply*, std::unique_ptr<PendingReply>> _pending;

    // Declared first so it is destroyed last: code stays mapped until the end.
    std::shared_ptr<ModuleLibrary> _library;
    const bourse_plugin_descriptor* _descriptor;
    std::string _id;
    std::shared_ptr<bourse_host_ctx> _ctx;
};

}  // namespace bourse
