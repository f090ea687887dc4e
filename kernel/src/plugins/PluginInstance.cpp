#include "plugins/PluginInstance.h"

#include <cstddef>
#include <future>
#include <regex>

namespace bourse {

namespace {

/// Collects a bourse_reply answered synchronously.
struct ReplyCapture {
    bool called = false;
    bourse_status status = BOURSE_E_INTERNAL;
    std::string json;

    bourse_reply reply() {
        return bourse_reply{this, [](void* c, bourse_status s, bourse_str j) {
                                auto* self = static_cast<ReplyCapture*>(c);
                                if (self->called) return;  // exactly once; ignore repeats
                                self->called = true;
                                self->status = s;
                                self->json.assign(j.data ? j.data : "", j.data ? j.len : 0);
                            }};
    }
};

std::string str(bourse_str s) {
    return s.data ? std::string(s.data, s.len) : std::string();
}

}  // namespace

std::optional<std::pair<bourse_status, std::string>> awaitReply(
    const std::function<void(std::function<void(bourse_status, const std::string&)>)>& start,
    std::chrono::milliseconds deadline) {
    // The promise outlives this call: a reply after the deadline lands in it unseen.
    auto promise = std::make_shared<std::promise<std::pair<bourse_status, std::string>>>();
    auto future = promise->get_future();
    start([promise](bourse_status s, const std::string& json) { promise->set_value({s, json}); });
    if (future.wait_for(deadline) != std::future_status::ready) return std::nullopt;
    return future.get();
}

PluginInstance::PluginInstance(std::shared_ptr<ModuleLibrary> library, const bourse_plugin_descriptor* descriptor,
                               std::string id)
    : _library(std::move(library)), _descriptor(descriptor), _id(std::move(id)) {}

std::shared_ptr<PluginInstance> PluginInstance::create(std::shared_ptr<ModuleLibrary> library,
                                                       const bourse_plugin_descriptor* descriptor,
                                                       const PluginConfig& config, HostServices& services) {
    std::shared_ptr<PluginInstance> self(new PluginInstance(std::move(library), descriptor, config.id));
    self->_ctx = std::make_shared<bourse_host_ctx>(config.id, services, config.configJson, config.secrets);
    std::lock_guard lock(self->_ctx->callMutex);
    void* instance = nullptr;
    bourse_status s = BOURSE_E_INTERNAL;
    try {
        s = descriptor->create(hostApi(), self->_ctx.get(), &instance);
    } catch (...) {
        self->_ctx->lastError = "exception crossed the plugin boundary";
    }
    if (s != BOURSE_OK || instance == nullptr) {
        self->_ctx->stopped = true;
        const std::string why = self->_ctx->lastError.empty() ? "no reason given" : self->_ctx->lastError;
        throw PluginError("plugin '" + config.id + "': create failed (" + statusName(s) + "): " + why,
                          s == BOURSE_OK ? BOURSE_E_INTERNAL : s);
    }
    self->_ctx->instance = instance;
    return self;
}

PluginInstance::~PluginInstance() {
    stop();
    std::lock_guard lock(_ctx->callMutex);
    if (_ctx->instance) {
        try {
            _descriptor->destroy(_ctx->instance);
        } catch (...) {
            // Nothing may escape a destructor; the instance is gone either way.
        }
        _ctx->instance = nullptr;
    }
    // Replies the plugin can no longer give: their callers still hear back once.
    std::map<PendingReply*, std::unique_ptr<PendingReply>> unanswered;
    {
        std::lock_guard replyLock(_replyMutex);
        unanswered.swap(_pending);
    }
    for (auto& [ptr, pending] : unanswered)
        pending->done(BOURSE_E_UNAVAILABLE, "plugin '" + _id + "' stopped before replying");
}

void PluginInstance::onReply(void* ctx, bourse_status status, bourse_str json) {
    auto* p = static_cast<PendingReply*>(ctx);
    PluginInstance* owner = p->owner;
    std::unique_ptr<PendingReply> mine;
    {
        std::lock_guard lock(owner->_replyMutex);
        const auto it = owner->_pending.find(p);
        if (it == owner->_pending.end()) return;  // answered already: exactly once
        if (p->inCall) {
            // Delivered once the call returns OK (a failed call voids the reply).
            if (!p->early) p->early.emplace(status, str(json));
            return;
        }
        mine = std::move(it->second);
        owner->_pending.erase(it);
    }
    mine->done(status, str(json));
}

void PluginInstance::fetchCandles(const std::string& symbol, int intervalS, std::int64_t fromNs, std::int64_t toNs,
                                  ReplyHandler done) {
    const auto* api = kind() == BOURSE_KIND_PRICE_SOURCE
                          ? static_cast<const bourse_price_source_api*>(_descriptor->kind_api)
                          : nullptr;
    if (!api || api->struct_size < offsetof(bourse_price_source_api, fetch_candles) + sizeof(api->fetch_candles) ||
        !api->fetch_candles) {
        done(BOURSE_E_UNSUPPORTED, "plugin '" + _id + "' offers no history");
        return;
    }
    callWithReply("fetch_candles", std::move(done), [&](void* i, bourse_reply reply) {
        return api->fetch_candles(i, bourse_str{symbol.data(), symbol.size()}, intervalS, fromNs, toNs, reply);
    });
}

template <class F>
void PluginInstance::callWithReply(const char* what, ReplyHandler done, F&& call) {
    auto owned = std::make_unique<PendingReply>(PendingReply{this, std::move(done), true, std::nullopt});
    PendingReply* p = owned.get();
    {
        std::lock_guard lock(_replyMutex);
        _pending.emplace(p, std::move(owned));
    }
    std::optional<std::pair<bourse_status, std::string>> outcome;
    try {
        invoke(what, [&](void* i) { return call(i, bourse_reply{p, &PluginInstance::onReply}); });
    } catch (const PluginError& e) {
        outcome.emplace(e.status(), e.what());
    }
    std::unique_ptr<PendingReply> finished;
    {
        std::lock_guard lock(_replyMutex);
        p->inCall = false;
        if (!outcome && p->early) outcome = std::move(p->early);
        if (outcome) {
            // A failed call voids the reply; an early answer is delivered now.
            finished = std::move(_pending.at(p));
            _pending.erase(p);
        }
    }
    if (finished) finished->done(outcome->first, outcome->second);
}

template <class F>
void PluginInstance::invoke(const char* what, F&& fn) {
    std::lock_guard lock(_ctx->callMutex);
    if (_ctx->stopped || !_ctx->instance)
        throw PluginError("plugin '" + _id + "': " + what + ": instance is stopped", BOURSE_E_UNAVAILABLE);
    _ctx->lastError.clear();
    bourse_status s = BOURSE_E_INTERNAL;
    try {
        s = fn(_ctx->instance);
    } catch (...) {
        _ctx->lastError = "exception crossed the plugin boundary";
    }
    if (s != BOURSE_OK) {
        const std::string why = _ctx->lastError.empty() ? "no reason given" : _ctx->lastError;
        throw PluginError("plugin '" + _id + "': " + what + " failed (" + statusName(s) + "): " + why, s);
    }
}

void PluginInstance::start() {
    if (!_descriptor->start) return;
    invoke("start", [&](void* i) { return _descriptor->start(i); });
}

void PluginInstance::checkHealth() {
    if (!_descriptor->health) return;
    invoke("health check", [&](void* i) { return _descriptor->health(i); });
}

void PluginInstance::stop() {
    {
        std::lock_guard lock(_ctx->callMutex);
        if (_ctx->stopped) return;
        _ctx->active.store(false);
        if (_descriptor->stop && _ctx->instance) {
            try {
                _descriptor->stop(_ctx->instance);
            } catch (...) {
                // Stopping continues: the host releases the resources below anyway.
            }
        }
        _ctx->stopped = true;
    }
    releaseHostResources(*_ctx);
}

bool PluginInstance::stopped() {
    std::lock_guard lock(_ctx->callMutex);
    return _ctx->stopped;
}

std::vector<InstrumentInfo> PluginInstance::instruments() {
    if (kind() != BOURSE_KIND_PRICE_SOURCE)
        throw PluginError("plugin '" + _id + "' is not a price source", BOURSE_E_UNSUPPORTED);
    const auto* api = static_cast<const bourse_price_source_api*>(_descriptor->kind_api);
    std::vector<InstrumentInfo> out;
    std::string bad;
    struct Sink {
        std::vector<InstrumentInfo>* out;
        std::string* bad;
    } sinkState{&out, &bad};
    invoke("list_instruments", [&](void* i) {
        return api->list_instruments(
            i, bourse_instrument_sink{&sinkState, [](void* c, const bourse_instrument* in) {
                                          auto* st = static_cast<Sink*>(c);
                                          if (!in || in->struct_size < sizeof(bourse_instrument)) {
                                              *st->bad = "instrument struct too small";
                                              return;
                                          }
                                          st->out->push_back(InstrumentInfo{str(in->symbol), str(in->name), "",
                                                                            in->price_scale, str(in->base_asset),
                                                                            str(in->quote_asset)});
                                      }});
    });
    static const std::regex symbolPattern("[A-Z0-9_]{1,32}");
    for (const auto& in : out) {
        if (!std::regex_match(in.symbol, symbolPattern))
            bad = "invalid symbol '" + in.symbol + "'";
        else if (in.priceScale < 0 || in.priceScale > 18)
            bad = "symbol " + in.symbol + ": price scale out of range";
    }
    // An empty list is allowed: a source may learn its instruments after start
    // (an exchange's symbol list) and say so with host->instruments_changed.
    if (!bad.empty()) throw PluginError("plugin '" + _id + "': list_instruments: " + bad, BOURSE_E_INVALID);
    return out;
}

std::string PluginInstance::command(const std::string& name, const std::string& argsJson) {
    if (!_descriptor->command) throw PluginError("plugin '" + _id + "' accepts no commands", BOURSE_E_NOT_FOUND);
    ReplyCapture capture;
    invoke("command", [&](void* i) {
        return _descriptor->command(i, bourse_str{name.data(), name.size()},
                                    bourse_str{argsJson.data(), argsJson.size()}, capture.reply());
    });
    if (!capture.called || capture.status != BOURSE_OK)
        throw PluginError("plugin '" + _id + "': command '" + name + "' did not reply", BOURSE_E_INTERNAL);
    return capture.json;
}

}  // namespace bourse

namespace bourse {

const bourse_trade_product_api& PluginInstance::productApi() const {
    if (kind() != BOURSE_KIND_TRADE_PRODUCT)
        throw PluginError("plugin '" + _id + "' is not a trade product", BOURSE_E_UNSUPPORTED);
    return *static_cast<const bourse_trade_product_api*>(_descriptor->kind_api);
}

std::string PluginInstance::validate(const bourse_open_request& request) {
    const auto& api = productApi();
    ReplyCapture capture;
    invoke("validate", [&](void* i) { return api.validate(i, &request, capture.reply()); });
    if (!capture.called || capture.status != BOURSE_OK)
        throw PluginError("plugin '" + _id + "': validate did not reply", BOURSE_E_INTERNAL);
    return capture.json;
}

std::string PluginInstance::open(const bourse_position& position, const bourse_tick* entry) {
    const auto& api = productApi();
    ReplyCapture capture;
    invoke("open", [&](void* i) { return api.open(i, &position, entry, capture.reply()); });
    return capture.called && capture.status == BOURSE_OK ? capture.json : "{}";
}

namespace {

const char* paymentCallName(PaymentCall call) {
    switch (call) {
        case PaymentCall::CreateDeposit:
            return "create_deposit";
        case PaymentCall::ConfirmDeposit:
            return "confirm_deposit";
        case PaymentCall::Payout:
            return "payout";
        case PaymentCall::Refund:
            return "refund";
        case PaymentCall::Query:
            break;
    }
    return "query";
}

}  // namespace

void PluginInstance::payment(PaymentCall call, const bourse_payment_request& request, ReplyHandler done) {
    const char* what = paymentCallName(call);
    using Entry = bourse_status (*)(void*, const bourse_payment_request*, bourse_reply);
    Entry entry = nullptr;
    if (kind() == BOURSE_KIND_PAYMENT_GATEWAY) {
        const auto* api = static_cast<const bourse_payment_gateway_api*>(_descriptor->kind_api);
        // Entries after the first four arrived in ABI 1.2: read them only if the table has them.
        auto has = [&](std::size_t offset) { return api->struct_size >= offset + sizeof(Entry); };
        switch (call) {
            case PaymentCall::CreateDeposit:
                entry = api->create_deposit;
                break;
            case PaymentCall::Payout:
                entry = api->payout;
                break;
            case PaymentCall::Refund:
                entry = api->refund;
                break;
            case PaymentCall::Query:
                entry = has(offsetof(bourse_payment_gateway_api, query)) ? api->query : nullptr;
                break;
            case PaymentCall::ConfirmDeposit:
                entry = has(offsetof(bourse_payment_gateway_api, confirm_deposit)) ? api->confirm_deposit : nullptr;
                break;
        }
    }
    if (!entry) {
        done(BOURSE_E_UNSUPPORTED, "plugin '" + _id + "' does not support " + what);
        return;
    }
    callWithReply(what, std::move(done), [&](void* i, bourse_reply reply) { return entry(i, &request, reply); });
}

void PluginInstance::startVerification(const bourse_kyc_request& request, ReplyHandler done) {
    if (kind() != BOURSE_KIND_KYC_PROVIDER) {
        done(BOURSE_E_UNSUPPORTED, "plugin '" + _id + "' is not a KYC provider");
        return;
    }
    const auto* api = static_cast<const bourse_kyc_provider_api*>(_descriptor->kind_api);
    callWithReply("start_verification", std::move(done),
                  [&](void* i, bourse_reply reply) { return api->start_verification(i, &request, reply); });
}

std::string PluginInstance::verifyWebhook(const bourse_webhook& webhook) {
    using Entry = bourse_status (*)(void*, const bourse_webhook*, bourse_reply);
    Entry entry = nullptr;
    if (kind() == BOURSE_KIND_PAYMENT_GATEWAY)
        entry = static_cast<const bourse_payment_gateway_api*>(_descriptor->kind_api)->verify_webhook;
    else if (kind() == BOURSE_KIND_KYC_PROVIDER)
        entry = static_cast<const bourse_kyc_provider_api*>(_descriptor->kind_api)->verify_webhook;
    if (!entry) throw PluginError("plugin '" + _id + "' takes no webhooks", BOURSE_E_UNSUPPORTED);
    ReplyCapture capture;
    invoke("verify_webhook", [&](void* i) { return entry(i, &webhook, capture.reply()); });
    if (!capture.called)
        throw PluginError("plugin '" + _id + "': verify_webhook did not reply synchronously", BOURSE_E_INTERNAL);
    if (capture.status != BOURSE_OK)
        throw PluginError("plugin '" + _id + "': verify_webhook: " + capture.json, capture.status);
    return capture.json;
}

bourse_settlement PluginInstance::settle(const bourse_position& position, const bourse_tick* exit) {
    const auto& api = productApi();
    bourse_settlement out{sizeof(bourse_settlement), BOURSE_OUTCOME_OPEN, {0, {0, 0, 0, 0}}};
    invoke("settle", [&](void* i) { return api.settle(i, &position, exit, &out); });
    return out;
}

void PluginInstance::onTick(const bourse_position& position, const bourse_tick& tick) {
    const auto& api = productApi();
    if (!api.on_tick) return;
    invoke("on_tick", [&](void* i) { return api.on_tick(i, &position, &tick); });
}

void PluginInstance::onFill(const bourse_position& position, const bourse_fill& fill) {
    const auto& api = productApi();
    if (!api.on_fill) return;
    invoke("on_fill", [&](void* i) { return api.on_fill(i, &position, &fill); });
}

void PluginInstance::control(const bourse_position& position, const std::string& requestJson) {
    const auto& api = productApi();
    // A product built against ABI 1.2 has a shorter table: it has no control entry.
    if (api.struct_size < offsetof(bourse_trade_product_api, control) + sizeof(api.control) || !api.control)
        throw PluginError("plugin '" + _id + "': control: not supported by this product", BOURSE_E_UNSUPPORTED);
    invoke("control", [&](void* i) { return api.control(i, &position, {requestJson.data(), requestJson.size()}); });
}

}  // namespace bourse
