#include "venues/binance/SymbolFilters.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <stdexcept>

namespace bourse::venues::binance {

namespace {

Fixed8 decimalField(const Poco::JSON::Object& o, const std::string& key) {
    if (!o.has(key)) return {};
    const auto parsed = Fixed8::parse(o.getValue<std::string>(key));
    if (!parsed) throw std::invalid_argument("exchangeInfo: " + key + " is not a decimal");
    return *parsed;
}

VenueError refuse(const std::string& filter, const std::string& detail) {
    return {ErrorKind::LocalFilter, 0, -1013, "Filter failure: " + filter + ": " + detail, {}};
}

VenueError invalid(const std::string& detail) {
    return {ErrorKind::LocalInvalid, 0, 0, detail, {}};
}

}  // namespace

std::map<std::string, SymbolFilters> parseExchangeInfo(const std::string& json) {
    std::map<std::string, SymbolFilters> out;
    try {
        const auto root = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
        const auto symbols = root->getArray("symbols");
        if (!symbols) throw std::invalid_argument("exchangeInfo: no symbols");
        for (std::size_t i = 0; i < symbols->size(); ++i) {
            const auto s = symbols->getObject(static_cast<unsigned>(i));
            if (!s) continue;
            SymbolFilters f;
            f.symbol = s->getValue<std::string>("symbol");
            f.status = s->optValue<std::string>("status", "TRADING");
            f.baseAsset = s->optValue<std::string>("baseAsset", "");
            f.quoteAsset = s->optValue<std::string>("quoteAsset", "");
            f.quoteAssetPrecision = s->optValue<int>("quoteAssetPrecision", 8);
            f.quoteOrderQtyMarketAllowed = s->optValue<bool>("quoteOrderQtyMarketAllowed", true);
            const auto filters = s->getArray("filters");
            for (std::size_t k = 0; filters && k < filters->size(); ++k) {
                const auto flt = filters->getObject(static_cast<unsigned>(k));
                if (!flt) continue;
                const std::string type = flt->optValue<std::string>("filterType", "");
                if (type == "PRICE_FILTER") {
                    f.minPrice = decimalField(*flt, "minPrice");
                    f.maxPrice = decimalField(*flt, "maxPrice");
                    f.tickSize = decimalField(*flt, "tickSize");
                } else if (type == "LOT_SIZE") {
                    f.minQty = decimalField(*flt, "minQty");
                    f.maxQty = decimalField(*flt, "maxQty");
                    f.stepSize = decimalField(*flt, "stepSize");
                } else if (type == "MARKET_LOT_SIZE") {
                    f.marketMinQty = decimalField(*flt, "minQty");
                    f.marketMaxQty = decimalField(*flt, "maxQty");
                    f.marketStepSize = decimalField(*flt, "stepSize");
                } else if (type == "NOTIONAL") {
                    f.hasNotional = true;
                    f.notionalFilter = type;
                    f.minNotional = decimalField(*flt, "minNotional");
                    f.maxNotional = decimalField(*flt, "maxNotional");
                    f.applyMinToMarket = flt->optValue<bool>("applyMinToMarket", true);
                    f.applyMaxToMarket = flt->optValue<bool>("applyMaxToMarket", false);
                } else if (type == "MIN_NOTIONAL" && !f.hasNotional) {
                    f.hasNotional = true;
                    f.notionalFilter = type;
                    f.minNotional = decimalField(*flt, "minNotional");
                    f.applyMinToMarket = flt->optValue<bool>("applyToMarket", true);
                }
                // Anything else (PERCENT_PRICE*, ICEBERG_PARTS, MAX_NUM_*, TRAILING_DELTA, ...) is
                // either not checkable here or not about the orders this client sends.
            }
            out[f.symbol] = f;
        }
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("exchangeInfo: " + e.displayText());
    }
    return out;
}

Result<OrderRequest> SymbolFilters::apply(const OrderRequest& order) const {
    if (status != "TRADING") return invalid(symbol + " is " + status + ", not TRADING");
    OrderRequest out = order;
    std::optional<Fixed8> notional;  // what NOTIONAL/MIN_NOTIONAL is checked against, if known
    const bool market = order.type == OrderType::Market;

    if (!market) {
        if (!order.price.positive()) return invalid("a LIMIT order needs a price above 0");
        if (!order.quantity.positive()) return invalid("a LIMIT order needs a quantity above 0");
        if (order.quoteQuantity.positive()) return invalid("quoteOrderQty is for MARKET orders only");
        out.price = order.price.nearestTo(tickSize);
        if (!out.price.positive())
            return refuse("PRICE_FILTER", "price " + order.price.str() + " rounds to 0 at tickSize " + tickSize.str());
        if (minPrice.positive() && out.price < minPrice)
            return refuse("PRICE_FILTER", "price " + out.price.str() + " is below minPrice " + minPrice.str());
        if (maxPrice.positive() && out.price > maxPrice)
            return refuse("PRICE_FILTER", "price " + out.price.str() + " is above maxPrice " + maxPrice.str());
    } else {
        if (!order.price.isZero()) return invalid("a MARKET order takes no price");
        if (order.quantity.positive() == order.quoteQuantity.positive())
            return invalid("a MARKET order needs exactly one of quantity and quoteOrderQty above 0");
    }

    if (order.quantity.positive()) {
        out.quantity = order.quantity.floorTo(stepSize);
        const std::string rounded = out.quantity == order.quantity ? out.quantity.str()
                                                                   : order.quantity.str() + " (" + out.quantity.str() +
                                                                         " after rounding down to "
                                                                         "stepSize " +
                                                                         stepSize.str() + ")";
        if (!out.quantity.positive() || (minQty.positive() && out.quantity < minQty))
            return refuse("LOT_SIZE", "quantity " + rounded + " is below minQty " + minQty.str());
        if (maxQty.positive() && out.quantity > maxQty)
            return refuse("LOT_SIZE", "quantity " + rounded + " is above maxQty " + maxQty.str());
        if (market) {
            out.quantity = out.quantity.floorTo(marketStepSize);  // a 0 step leaves it
            if (!out.quantity.positive() || (marketMinQty.positive() && out.quantity < marketMinQty))
                return refuse("MARKET_LOT_SIZE",
                              "quantity " + out.quantity.str() + " is below minQty " + marketMinQty.str());
            if (marketMaxQty.positive() && out.quantity > marketMaxQty)
                return refuse("MARKET_LOT_SIZE",
                              "quantity " + out.quantity.str() + " is above maxQty " + marketMaxQty.str());
        }
        if (!market)
            notional = Fixed8::mul(out.price, out.quantity);
        else if (order.referencePrice && order.referencePrice->positive())
            notional = Fixed8::mul(*order.referencePrice, out.quantity);
    } else {
        // MARKET with quoteOrderQty: the amount is the notional, at the quote asset's precision.
        if (!quoteOrderQtyMarketAllowed) return invalid("quoteOrderQty market orders are not allowed on " + symbol);
        const int decimals = quoteAssetPrecision < 0 ? 0 : (quoteAssetPrecision > 8 ? 8 : quoteAssetPrecision);
        const auto step = Fixed8::fromScaled(1, decimals);
        out.quoteQuantity = order.quoteQuantity.floorTo(step ? *step : Fixed8{});
        if (!out.quoteQuantity.positive())
            return invalid("quoteOrderQty " + order.quoteQuantity.str() + " rounds to 0 at " +
                           std::to_string(decimals) + " decimals");
        notional = out.quoteQuantity;
    }

    if (hasNotional && notional) {
        const bool checkMin = !market || applyMinToMarket;
        const bool checkMax = notionalFilter == "NOTIONAL" && (!market || applyMaxToMarket);
        if (checkMin && minNotional.positive() && *notional < minNotional)
            return refuse(notionalFilter, "notional " + notional->str() + " is below minNotional " + minNotional.str());
        if (checkMax && maxNotional.positive() && *notional > maxNotional)
            return refuse(notionalFilter, "notional " + notional->str() + " is above maxNotional " + maxNotional.str());
    }
    return out;
}

}  // namespace bourse::venues::binance
