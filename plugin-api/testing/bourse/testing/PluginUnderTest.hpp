//
// bourse/testing/PluginUnderTest.hpp — one plugin of a statically linked module,
// driven on a FakeHost through the C ABI exactly as the kernel drives it.
//
// The module is checked with the kernel's own rules (bourse::checkModule,
// bourse::checkDescriptor) and its descriptors registered; the plugin is then
// created, started, stopped and destroyed by id. Typed helpers wrap the calls
// (listInstruments, command, health, validate/open/settle, and for bots
// onTick/onFill/control inside a FakeHost::ProductCall ...) and record every
// breach of the calling contract they notice — a failed call that gave no
// message through set_error, a reply sent twice, timers started in create or
// still scheduled after stop — in violations(), which the conformance kit reads.
//
//   extern "C" const bourse_module bourse_module_entry;  // from <plugin>-static
//   FakeHost host;
//   PluginUnderTest p(bourse_module_entry, "otc", host);  // registers + creates
//   CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
//   auto [status, reply] = p.command("get_instruments", "{}");
//
// One instance per object; several objects may share one FakeHost (e.g. the old
// and the new instance of a reload): they share its clock, KV store and
// recorded events, while timers and requests stay per instance.
//
#ifndef BOURSE_TESTING_PLUGIN_UNDER_TEST_HPP
#define BOURSE_TESTING_PLUGIN_UNDER_TEST_HPP

#include <bourse/testing/FakeHost.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace bourse::testing {

/// Outcome of a call that replies: the reply JSON on success, otherwise the
/// error message (from set_error, or the reply's own message).
struct CallResult {
    bourse_status status = BOURSE_OK;
    std::string text;

    [[nodiscard]] bool ok() const { return status == BOURSE_OK; }
};

/// The descriptors a module registers, checked as the kernel checks them.
struct Registration {
    std::vector<const bourse_plugin_descriptor*> descriptors;
    std::string error;  ///< empty when the module and every descriptor are valid

    [[nodiscard]] const bourse_plugin_descriptor* find(const std::string& id) const {
        for (const auto* d : descriptors)
            if (id == d->id) return d;
        return nullptr;
    }
};

/// Runs the module's register function against a registrar that applies
/// checkModule/checkDescriptor and refuses duplicate ids, like the kernel's.
inline Registration registerModule(const bourse_module& module) {
    Registration out;
    if (std::string why = checkModule(module); !why.empty()) {
        out.error = why;
        return out;
    }
    const bourse_registrar r{
        sizeof(bourse_registrar), &out,
        [](void* c, const bourse_plugin_descriptor* d) {
            auto* reg = static_cast<Registration*>(c);
            if (std::string why = checkDescriptor(d); !why.empty()) {
                reg->error = why;
                return BOURSE_E_INVALID;
            }
            if (reg->find(d->id)) {
                reg->error = std::string("duplicate plugin id '") + d->id + "'";
                return BOURSE_E_INVALID;
            }
            reg->descriptors.push_back(d);
            return BOURSE_OK;
        },
        [](void* c, bourse_str m) { static_cast<Registration*>(c)->error = std::string(fromStr(m)); }};
    if (module.register_plugins(&r) != BOURSE_OK && out.error.empty()) out.error = "register_plugins failed";
    if (!out.error.empty()) out.error = "registration failed: " + out.error;
    return out;
}

class PluginUnderTest {
public:
    /// Pass as the last constructor argument to register without creating.
    struct DeferCreate {};

    /// Registers the module and creates plugin `id`. Throws std::runtime_error
    /// with the kernel-style reason if the module or the plugin is refused or
    /// create fails (the message then includes what the plugin reported).
    PluginUnderTest(const bourse_module& module, const std::string& id, FakeHost& host)
        : PluginUnderTest(module, id, host, DeferCreate{}) {
        if (create() != BOURSE_OK) throw std::runtime_error("create failed: " + _host.lastError);
    }
    PluginUnderTest(const bourse_module& module, const std::string& id, FakeHost& host, DeferCreate)
        : _host(host), _ctx(host.newContext()) {
        const Registration reg = registerModule(module);
        if (!reg.error.empty()) throw std::runtime_error(reg.error);
        _d = reg.find(id);
        if (!_d) throw std::runtime_error("module does not offer plugin '" + id + "'");
    }
    ~PluginUnderTest() { destroy(); }
    PluginUnderTest(const PluginUnderTest&) = delete;
    PluginUnderTest& operator=(const PluginUnderTest&) = delete;

    [[nodiscard]] const bourse_plugin_descriptor& descriptor() const { return *_d; }
    [[nodiscard]] void* instance() const { return _instance; }
    [[nodiscard]] bourse_host_ctx* ctx() { return &_ctx; }
    [[nodiscard]] bool created() const { return _instance != nullptr; }
    /// The kind table, for calls without a typed helper.
    template <class Table>
    [[nodiscard]] const Table& kindApi() const {
        return *static_cast<const Table*>(_d->kind_api);
    }

    // ---- lifecycle ----

    /// Creates the instance (again, after destroy(): a reload over the same host).
    bourse_status create() {
        if (_instance) throw std::logic_error("PluginUnderTest::create: already created");
        const std::size_t requestsBefore = _host.requests.size();
        const bourse_status s = guard("create", [&] { return _d->create(_host.api(), &_ctx, &_instance); });
        if (s != BOURSE_OK) {
            if (_instance) violation("create returned " + std::to_string(s) + " but set an instance");
            _instance = nullptr;
            _host.releaseResources(&_ctx);
            return s;
        }
        if (!_instance) {
            violation("create returned OK without an instance");
            return BOURSE_E_INTERNAL;
        }
        if (_host.activeTimers(&_ctx) != 0) violation("create started timers (wait for start)");
        if (_host.requests.size() != requestsBefore) violation("create made HTTP requests (wait for start)");
        return s;
    }

    /// After a failed start the kernel destroys without calling stop; so does this.
    bourse_status start() {
        requireInstance("start");
        const bourse_status s = _d->start ? guard("start", [&] { return _d->start(_instance); }) : BOURSE_OK;
        _started = s == BOURSE_OK;
        return s;
    }

    /// Stops the plugin (if it started), then releases what it still holds as
    /// the kernel does. Timers still scheduled at that point are counted
    /// (timersLeftAtStop) and reported as a violation.
    void stop() {
        if (!_instance) return;
        const bool wasStarted = std::exchange(_started, false);
        if (wasStarted && _d->stop) _d->stop(_instance);
        const std::size_t left = _host.releaseResources(&_ctx);
        if (!wasStarted) return;  // a failed start is not asked to clean up
        _timersLeftAtStop = left;
        if (_timersLeftAtStop != 0)
            violation(std::to_string(_timersLeftAtStop) + " timer(s) still scheduled after stop");
    }

    /// Stops if started, then destroys. Safe to call twice.
    void destroy() {
        if (!_instance) return;
        stop();
        _d->destroy(_instance);
        _instance = nullptr;
    }

    bourse_status health() {
        requireInstance("health");
        return _d->health ? guard("health", [&] { return _d->health(_instance); }) : BOURSE_OK;
    }

    /// Operator command. An asynchronous reply is awaited by answering pending
    /// HTTP requests (host.runPending()) a few times.
    CallResult command(const std::string& name, const std::string& argsJson) {
        requireInstance("command");
        if (!_d->command) return {BOURSE_E_NOT_FOUND, "command: the plugin takes no commands"};
        auto box = newReply("command");
        const bourse_status s =
            guard("command", [&] { return _d->command(_instance, toStr(name), toStr(argsJson), box->c()); });
        return finish(s, *box);
    }

    // ---- price sources ----

    /// The instruments offered. Throws std::runtime_error if the call fails.
    std::vector<Instrument> listInstruments() {
        requireInstance("list_instruments");
        std::vector<Instrument> out;
        const bourse_instrument_sink sink{
            &out, [](void* c, const bourse_instrument* in) {
                static_cast<std::vector<Instrument>*>(c)->push_back(
                    {std::string(fromStr(in->symbol)), std::string(fromStr(in->name)), in->price_scale,
                     std::string(fromStr(in->base_asset)), std::string(fromStr(in->quote_asset))});
            }};
        const bourse_status s =
            guard("list_instruments", [&] { return priceSource().list_instruments(_instance, sink); });
        if (s != BOURSE_OK) throw std::runtime_error("list_instruments failed: " + _host.lastError);
        return out;
    }
    bourse_status subscribe(const std::string& symbol) {
        requireInstance("subscribe");
        const auto f = priceSource().subscribe;
        return f ? guard("subscribe", [&] { return f(_instance, toStr(symbol)); }) : BOURSE_OK;
    }
    bourse_status unsubscribe(const std::string& symbol) {
        requireInstance("unsubscribe");
        const auto f = priceSource().unsubscribe;
        return f ? guard("unsubscribe", [&] { return f(_instance, toStr(symbol)); }) : BOURSE_OK;
    }
    /// Historical candles (the reply JSON array), awaited like command().
    CallResult fetchCandles(const std::string& symbol, int intervalS, std::int64_t fromNs, std::int64_t toNs) {
        requireInstance("fetch_candles");
        const auto f = priceSource().fetch_candles;
        if (!f) return {BOURSE_E_UNSUPPORTED, "unsupported: historical candles"};
        auto box = newReply("fetch_candles");
        return finish(
            guard("fetch_candles", [&] { return f(_instance, toStr(symbol), intervalS, fromNs, toNs, box->c()); }),
            *box);
    }

    // ---- trade products ----

    /// Checks an open request; the reply is the accepted terms JSON.
    CallResult validate(const OpenRequest& q) {
        requireInstance("validate");
        const std::optional<bourse_tick> price = cTick(q.price);
        const bourse_open_request c{
            sizeof(bourse_open_request), toStr(q.userRef),          toStr(q.symbol),    q.stake.toC(),
            toStr(q.paramsJson),         price ? &*price : nullptr, q.userOpenPositions};
        auto box = newReply("validate");
        return finish(guard("validate", [&] { return tradeProduct().validate(_instance, &c, box->c()); }), *box);
    }
    /// A stored position was opened at `entry`; the reply is the initial state JSON.
    CallResult open(const Position& position, const std::optional<Tick>& entry) {
        requireInstance("open");
        const bourse_position pos = cPosition(position);
        const std::optional<bourse_tick> e = cTick(entry);
        auto box = newReply("open");
        return finish(guard("open", [&] { return tradeProduct().open(_instance, &pos, e ? &*e : nullptr, box->c()); }),
                      *box);
    }
    /// Decides a position's outcome at `exit`.
    std::pair<bourse_status, Settlement> settle(const Position& position, const std::optional<Tick>& exit) {
        requireInstance("settle");
        const bourse_position pos = cPosition(position);
        const std::optional<bourse_tick> e = cTick(exit);
        bourse_settlement out{sizeof(bourse_settlement), BOURSE_OUTCOME_CLOSED, {0, {0, 0, 0, 0}}};
        const bourse_status s =
            guard("settle", [&] { return tradeProduct().settle(_instance, &pos, e ? &*e : nullptr, &out); });
        return {s, Settlement{out.outcome, Money::fromC(out.payout)}};
    }

    // Bots: each of these opens a FakeHost::ProductCall for the position, so the
    // plugin may place and cancel orders and save state during it; they are
    // applied (host.venueOrders, host.savedState(...)) only when the call
    // returns BOURSE_OK. The position is passed as given: to continue from what
    // the plugin saved, set position.stateJson = *host.savedState(position.id)
    // (or use the *Saved variants, which do that when a state was saved).

    /// A tick for the position (on_tick). BOURSE_OK when the product has no on_tick.
    bourse_status onTick(const Position& position, const Tick& tick) {
        requireInstance("on_tick");
        const auto f = tradeProduct().on_tick;
        if (!f) return BOURSE_OK;
        const bourse_position pos = cPosition(position);
        const bourse_tick t{sizeof(bourse_tick), toStr(tick.symbol), tick.price.toC(), tick.tsNs};
        return productCall("on_tick", position.id, [&] { return f(_instance, &pos, &t); });
    }
    /// An execution report for one of the position's orders (on_fill).
    bourse_status onFill(const Position& position, const Fill& fill) {
        requireInstance("on_fill");
        const auto f = tradeProduct().on_fill;
        if (!f) return BOURSE_OK;
        const bourse_position pos = cPosition(position);
        const bourse_fill c = fill.toC();
        return productCall("on_fill", position.id, [&] { return f(_instance, &pos, &c); });
    }
    /// A lifecycle request (control, ABI 1.3): {"action": ..., "close": ...}.
    /// BOURSE_E_UNSUPPORTED when the product's table has no control entry.
    bourse_status control(const Position& position, const std::string& requestJson) {
        requireInstance("control");
        const auto& api = tradeProduct();
        if (api.struct_size < offsetof(bourse_trade_product_api, control) + sizeof(api.control) || !api.control)
            return BOURSE_E_UNSUPPORTED;
        const bourse_position pos = cPosition(position);
        return productCall("control", position.id, [&] { return api.control(_instance, &pos, toStr(requestJson)); });
    }
    /// The same three with position.stateJson replaced by the state the host
    /// last applied for the position (unchanged when none was saved yet).
    bourse_status onTickSaved(Position position, const Tick& tick) {
        return onTick(withSavedState(std::move(position)), tick);
    }
    bourse_status onFillSaved(Position position, const Fill& fill) {
        return onFill(withSavedState(std::move(position)), fill);
    }
    bourse_status controlSaved(Position position, const std::string& requestJson) {
        return control(withSavedState(std::move(position)), requestJson);
    }

    // ---- payment gateways ----

    /// Each awaited like command(); the reply is the documented JSON object.
    CallResult createDeposit(const PaymentRequest& q) {
        return paymentCall("create_deposit", q, paymentGateway().create_deposit);
    }
    CallResult payout(const PaymentRequest& q) { return paymentCall("payout", q, paymentGateway().payout); }
    CallResult refund(const PaymentRequest& q) { return paymentCall("refund", q, paymentGateway().refund); }
    CallResult query(const PaymentRequest& q) { return paymentCall("query", q, paymentGateway().query); }
    CallResult confirmDeposit(const PaymentRequest& q) {
        return paymentCall("confirm_deposit", q, paymentGateway().confirm_deposit);
    }
    /// Verifies a webhook (raw body and headers as received) for a payment
    /// gateway or a KYC provider; the reply is the normalised event.
    CallResult verifyWebhook(const Webhook& w) {
        requireInstance("verify_webhook");
        std::vector<bourse_http_header> headers;
        for (const auto& [name, value] : w.headers)
            headers.push_back(bourse_http_header{toStr(name), toStr(value)});
        const bourse_webhook c{sizeof(bourse_webhook), toStr(w.path), headers.data(), headers.size(), toStr(w.body)};
        auto entry =
            _d->kind == BOURSE_KIND_KYC_PROVIDER ? kycProvider().verify_webhook : paymentGateway().verify_webhook;
        if (!entry) return {BOURSE_E_UNSUPPORTED, "unsupported: verify_webhook"};
        auto box = newReply("verify_webhook");
        return finish(guard("verify_webhook", [&] { return entry(_instance, &c, box->c()); }), *box);
    }

    // ---- KYC providers ----

    CallResult startVerification(const KycRequest& q) {
        requireInstance("start_verification");
        const bourse_kyc_request c{sizeof(bourse_kyc_request), toStr(q.userRef), toStr(q.email),
                                   toStr(q.fullName),          toStr(q.country), toStr(q.metadataJson)};
        auto box = newReply("start_verification");
        return finish(
            guard("start_verification", [&] { return kycProvider().start_verification(_instance, &c, box->c()); }),
            *box);
    }

    // ---- what the helper noticed ----

    /// Breaches of the calling contract seen so far, one line each.
    [[nodiscard]] const std::vector<std::string>& violations() const { return _violations; }
    [[nodiscard]] std::size_t timersLeftAtStop() const { return _timersLeftAtStop; }

private:
    /// Where a reply lands; kept alive by the helper because a plugin may
    /// answer later (from a timer or an HTTP callback).
    struct ReplyBox {
        PluginUnderTest* owner;
        std::string call;
        int calls = 0;
        bourse_status status = BOURSE_OK;
        std::string json;

        bourse_reply c() {
            return bourse_reply{this, [](void* ctx, bourse_status s, bourse_str j) {
                                    auto* box = static_cast<ReplyBox*>(ctx);
                                    if (++box->calls > 1) box->owner->violation(box->call + ": reply sent twice");
                                    box->status = s;
                                    box->json = std::string(fromStr(j));
                                }};
        }
    };

    std::shared_ptr<ReplyBox> newReply(const std::string& call) {
        auto box = std::make_shared<ReplyBox>();
        box->owner = this;
        box->call = call;
        _replies.push_back(box);
        return box;
    }

    CallResult finish(bourse_status s, ReplyBox& box) {
        if (s != BOURSE_OK) return {s, _host.lastError};  // the host ignores the reply then
        for (int i = 0; i < 10 && box.calls == 0; ++i)
            _host.runPending();
        if (box.calls == 0) {
            violation(box.call + ": returned OK but never replied");
            return {BOURSE_E_INTERNAL, box.call + ": no reply"};
        }
        if (box.status != BOURSE_OK && box.json.empty()) violation(box.call + ": failed reply without a message");
        return {box.status, box.json};
    }

    /// Makes one call into the plugin; a failure must leave a message (set_error).
    template <class F>
    bourse_status guard(const char* call, F&& fn) {
        _host.lastError.clear();
        const bourse_status s = fn();
        if (s != BOURSE_OK && _host.lastError.empty())
            violation(std::string(call) + " returned " + std::to_string(s) + " without set_error");
        else if (s != BOURSE_OK && !isErrorMessage(_host.lastError))
            violation(std::string(call) + ": error '" + _host.lastError + "' does not start with a 'token: '");
        return s;
    }

    /// "config: ...", "upstream: ...", "internal: ..." (plugin.h, Errors).
    static bool isErrorMessage(const std::string& m) {
        static const std::regex shape(R"([a-z][a-z0-9_.-]*: [\s\S]+)");
        return std::regex_match(m, shape);
    }

    /// One on_tick / on_fill / control: venue and state calls are applied only if it succeeds.
    template <class F>
    bourse_status productCall(const char* call, const std::string& positionId, F&& fn) {
        FakeHost::ProductCall scope(_host, positionId);
        const bourse_status s = guard(call, std::forward<F>(fn));
        if (s == BOURSE_OK) scope.commit();
        return s;
    }
    Position withSavedState(Position position) const {
        if (auto saved = _host.savedState(position.id)) position.stateJson = std::move(*saved);
        return position;
    }

    void requireInstance(const char* call) const {
        if (!_instance)
            throw std::logic_error(std::string("PluginUnderTest::") + call + ": no instance (create first)");
    }
    void violation(const std::string& what) { _violations.push_back(what); }

    const bourse_price_source_api& priceSource() const {
        if (_d->kind != BOURSE_KIND_PRICE_SOURCE) throw std::logic_error("PluginUnderTest: not a price source");
        return kindApi<bourse_price_source_api>();
    }
    const bourse_payment_gateway_api& paymentGateway() const {
        if (_d->kind != BOURSE_KIND_PAYMENT_GATEWAY) throw std::logic_error("PluginUnderTest: not a payment gateway");
        return kindApi<bourse_payment_gateway_api>();
    }
    template <class Fn>
    CallResult paymentCall(const char* what, const PaymentRequest& q, Fn fn) {
        requireInstance(what);
        if (!fn) return {BOURSE_E_UNSUPPORTED, std::string("unsupported: ") + what};
        const bourse_payment_request c{sizeof(bourse_payment_request),
                                       toStr(q.idempotencyKey),
                                       toStr(q.userRef),
                                       q.amount.toC(),
                                       toStr(q.reference),
                                       toStr(q.metadataJson)};
        auto box = newReply(what);
        return finish(guard(what, [&] { return fn(_instance, &c, box->c()); }), *box);
    }
    const bourse_kyc_provider_api& kycProvider() const {
        if (_d->kind != BOURSE_KIND_KYC_PROVIDER) throw std::logic_error("PluginUnderTest: not a KYC provider");
        return kindApi<bourse_kyc_provider_api>();
    }
    const bourse_trade_product_api& tradeProduct() const {
        if (_d->kind != BOURSE_KIND_TRADE_PRODUCT) throw std::logic_error("PluginUnderTest: not a trade product");
        return kindApi<bourse_trade_product_api>();
    }

    // C views of C++ values; they borrow the strings of their argument.
    static std::optional<bourse_tick> cTick(const std::optional<Tick>& t) {
        if (!t) return std::nullopt;
        return bourse_tick{sizeof(bourse_tick), toStr(t->symbol), t->price.toC(), t->tsNs};
    }
    static bourse_position cPosition(const Position& p) {
        return bourse_position{sizeof(bourse_position), toStr(p.id),         toStr(p.userRef),
                               toStr(p.symbol),         p.stake.toC(),       p.openedAtNs,
                               p.expiresAtNs,           toStr(p.paramsJson), toStr(p.stateJson),
                               p.stateVersion};
    }

    FakeHost& _host;
    bourse_host_ctx _ctx;
    const bourse_plugin_descriptor* _d = nullptr;
    void* _instance = nullptr;
    bool _started = false;
    std::size_t _timersLeftAtStop = 0;
    std::vector<std::shared_ptr<ReplyBox>> _replies;
    std::vector<std::string> _violations;
};

}  // namespace bourse::testing

#endif  // BOURSE_TESTING_PLUGIN_UNDER_TEST_HPP
