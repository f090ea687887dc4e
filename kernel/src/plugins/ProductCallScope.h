//
// ProductCallScope.h — where a trade product's venue and state calls go.
//
// A bot plugin may place and cancel orders, save its state and say when it
// next needs a tick (position_sleep) only while the
// kernel is inside one of its on_tick / on_fill / control calls: whoever makes
// that call (the bot runner) opens a scope on its thread, the host table's
// venue_place_order / venue_cancel_order / position_save_state find it there,
// and the caller applies what was recorded once the plugin returns (all of it in
// one database transaction). Outside a scope those calls are refused, so a
// plugin cannot move anything from a timer or another thread.
//
// Threading: the scope is thread-local; Enter is an RAII guard on the calling
// thread. Errors: implementations return a status and set `error`.
//
#pragma once

#include <bourse/plugin.h>

#include <string>
#include <string_view>

namespace bourse {

class ProductCallScope {
public:
    virtual ~ProductCallScope() = default;

    virtual bourse_status placeOrder(std::string_view pluginId, const bourse_order_request& order,
                                     std::string& error) = 0;
    virtual bourse_status cancelOrder(std::string_view pluginId, std::string_view positionId,
                                      std::string_view clientOrderId, std::string& error) = 0;
    virtual bourse_status saveState(std::string_view pluginId, std::string_view positionId, std::string_view json,
                                    std::string& error) = 0;
    /// position_sleep, its band already checked (positive bounds, below under above).
    virtual bourse_status sleep(std::string_view pluginId, std::string_view positionId, const bourse_wake& wake,
                                std::string& error) = 0;

    /// The scope open on this thread, or null.
    static ProductCallScope* current() noexcept { return slot(); }

    class Enter {
    public:
        explicit Enter(ProductCallScope& scope) : _previous(slot()) { slot() = &scope; }
        ~Enter() { slot() = _previous; }
        Enter(const Enter&) = delete;
        Enter& operator=(const Enter&) = delete;

    private:
        ProductCallScope* _previous;
    };

private:
    static ProductCallScope*& slot() noexcept {
        thread_local ProductCallScope* scope = nullptr;
        return scope;
    }
};

}  // namespace bourse
