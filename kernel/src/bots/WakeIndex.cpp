#include "bots/WakeIndex.h"

namespace bourse {

void WakeIndex::add(const std::string& botId, const std::string& symbol, const std::string& product) {
    remove(botId);
    const auto [it, inserted] = _bots.try_emplace(botId, Entry{symbol, product, false, {}, {}, {}});
    (void)inserted;
    Symbol& s = _symbols[symbol];
    ++s.bots;
    ++_products[product];
    s.awake.insert(&it->first);
}

void WakeIndex::remove(const std::string& botId) {
    const auto it = _bots.find(botId);
    if (it == _bots.end()) return;
    wake(botId);
    Symbol& s = symbolOf(it->second);
    s.awake.erase(&it->first);
    if (--s.bots == 0) _symbols.erase(it->second.symbol);
    if (--_products[it->second.product] == 0) _products.erase(it->second.product);
    _bots.erase(it);
}

void WakeIndex::sleep(const std::string& botId, const Band& band) {
    const auto it = _bots.find(botId);
    if (it == _bots.end()) return;
    wake(botId);
    Entry& e = it->second;
    Symbol& s = symbolOf(e);
    const std::string* key = &it->first;
    s.awake.erase(key);
    if (band.atOrBelow) e.below = s.below.emplace(*band.atOrBelow, key);
    if (band.atOrAbove) e.above = s.above.emplace(*band.atOrAbove, key);
    if (band.atNs) e.at = s.at.emplace(*band.atNs, key);
    e.asleep = true;
    ++_sleeping;
}

void WakeIndex::wake(const std::string& botId) {
    const auto it = _bots.find(botId);
    if (it == _bots.end() || !it->second.asleep) return;
    Entry& e = it->second;
    Symbol& s = symbolOf(e);
    if (e.below) s.below.erase(*e.below);
    if (e.above) s.above.erase(*e.above);
    if (e.at) s.at.erase(*e.at);
    e.below.reset();
    e.above.reset();
    e.at.reset();
    e.asleep = false;
    --_sleeping;
    s.awake.insert(&it->first);
}

void WakeIndex::wakeProduct(const std::string& product) {
    for (const auto& [id, e] : _bots)
        if (e.asleep && e.product == product) wake(id);
}

std::vector<std::string> WakeIndex::due(const std::string& symbol, std::int64_t price, std::int64_t tsNs) {
    const auto it = _symbols.find(symbol);
    if (it == _symbols.end()) return {};
    Symbol& s = it->second;
    std::vector<const std::string*> woken;
    for (auto b = s.below.lower_bound(price); b != s.below.end(); ++b)
        woken.push_back(b->second);
    for (auto a = s.above.begin(); a != s.above.end() && a->first <= price; ++a)
        woken.push_back(a->second);
    for (auto t = s.at.begin(); t != s.at.end() && t->first <= tsNs; ++t)
        woken.push_back(t->second);
    for (const std::string* id : woken)
        wake(*id);  // a bot woken by two bounds is woken once
    std::vector<std::string> out;
    out.reserve(s.awake.size());
    for (const std::string* id : s.awake)
        out.push_back(*id);
    return out;
}

bool WakeIndex::hasBots(const std::string& symbol) const {
    return _symbols.count(symbol) != 0;
}

std::vector<std::string> WakeIndex::products() const {
    std::vector<std::string> out;
    for (const auto& [product, count] : _products)
        out.push_back(product);
    return out;
}

bool WakeIndex::asleep(const std::string& botId) const {
    const auto it = _bots.find(botId);
    return it != _bots.end() && it->second.asleep;
}

}  // namespace bourse
