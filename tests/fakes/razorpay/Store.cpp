#include "Store.h"

#include "Json.h"

#include <algorithm>
#include <regex>

namespace bourse::fakes::razorpay {

Answer errorAnswer(int http, const std::string& code, const std::string& description, const std::string& field,
                   const std::string& reason, const std::string& source, const std::string& step) {
    auto e = object();
    e->set("code", code);
    e->set("description", description);
    e->set("source", source.empty() ? "NA" : source);
    e->set("step", step.empty() ? "NA" : step);
    e->set("reason", reason.empty() ? "NA" : reason);
    e->set("metadata", object());
    if (!field.empty()) e->set("field", field);
    auto body = object();
    body->set("error", e);
    return Answer{http, stringify(body)};
}

Store::Store(Options options) : _options(std::move(options)), _random(_options.seed), _balance(_options.balance) {}

std::string Store::newId(const std::string& prefix) {
    // Razorpay ids: a prefix and 14 base62 characters.
    static constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    while (true) {
        std::string id = prefix;
        for (int i = 0; i < 14; ++i)
            id += kAlphabet[_random() % 62];
        if (!_entities.count(id)) return id;
    }
}

std::int64_t Store::now() const {
    return _options.nowSeconds();
}

const Store::Ptr* Store::find(const std::string& id) const {
    const auto it = _entities.find(id);
    return it == _entities.end() ? nullptr : &it->second;
}

Answer Store::collection(std::vector<Ptr> items) const {
    auto c = object();
    c->set("entity", "collection");
    c->set("count", static_cast<int>(items.size()));
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& item : items)
        list->add(item);
    c->set("items", list);
    return ok(c);
}

Outcome Store::handle(const std::string& method, const std::string& path,
                      const std::map<std::string, std::string>& query, const std::string& body,
                      const std::string* idempotencyKey) {
    std::lock_guard lock(_mutex);
    std::smatch m;
    const auto is = [&](const char* verb, const char* pattern) {
        return method == verb && std::regex_match(path, m, std::regex(pattern));
    };
    const auto get = [&](const std::string& id, const std::string& prefix) -> Outcome {
        const Ptr* e = find(id);
        if (!e || id.rfind(prefix, 0) != 0) return {notFound(), {}};
        return {ok(*e), {}};
    };

    // Every POST takes a JSON object (Razorpay also takes forms; the platform sends JSON).
    Ptr json;
    if (method == "POST") {
        const auto parsed = parseObject(body.empty() ? "{}" : body);
        if (!parsed) return {errorAnswer(400, "BAD_REQUEST_ERROR", "The request body is not valid JSON."), {}};
        json = *parsed;
    }

    if (is("POST", "/v1/orders")) return createOrder(json);
    if (is("GET", "/v1/orders")) return {listOrders(query), {}};
    if (is("GET", "/v1/orders/([A-Za-z0-9_]+)")) return get(m[1], "order_");
    if (is("GET", "/v1/orders/([A-Za-z0-9_]+)/payments")) return {orderPayments(m[1]), {}};
    if (is("GET", "/v1/payments/([A-Za-z0-9_]+)")) return get(m[1], "pay_");
    if (is("POST", "/v1/payments/([A-Za-z0-9_]+)/capture")) return capture(m[1], json);
    if (is("POST", "/v1/payments/([A-Za-z0-9_]+)/refund")) return refund(m[1], json);
    if (is("GET", "/v1/payments/([A-Za-z0-9_]+)/refunds")) return {paymentRefunds(m[1]), {}};
    if (is("GET", "/v1/refunds/([A-Za-z0-9_]+)")) return get(m[1], "rfnd_");
    if (is("POST", "/v1/contacts")) return createContact(json);
    if (is("GET", "/v1/contacts/([A-Za-z0-9_]+)")) return get(m[1], "cont_");
    if (is("POST", "/v1/fund_accounts")) return createFundAccount(json);
    if (is("GET", "/v1/fund_accounts/([A-Za-z0-9_]+)")) return get(m[1], "fa_");
    if (is("POST", "/v1/payouts")) return createPayout(json, idempotencyKey);
    if (is("GET", "/v1/payouts/([A-Za-z0-9_]+)")) return get(m[1], "pout_");
    return {
        errorAnswer(404, "BAD_REQUEST_ERROR", "The requested URL was not found on the server.", "", "NA", "NA", "NA"),
        {}};
}

std::string Store::entity(const std::string& id) const {
    std::lock_guard lock(_mutex);
    const Ptr* e = find(id);
    return e ? stringify(*e) : "";
}

std::size_t Store::count(const std::string& prefix) const {
    std::lock_guard lock(_mutex);
    return static_cast<std::size_t>(std::count_if(_entities.begin(), _entities.end(),
                                                  [&](const auto& e) { return e.first.rfind(prefix, 0) == 0; }));
}

std::int64_t Store::balance() const {
    std::lock_guard lock(_mutex);
    return _balance;
}

void Store::setBalance(std::int64_t paise) {
    std::lock_guard lock(_mutex);
    _balance = paise;
}

}  // namespace bourse::fakes::razorpay
