//
// Controls.h — the fake Stripe's /_fake/ endpoints: the same test controls as
// FakeStripe's C++ methods, for other processes (a kernel under test, a
// script) and for a browser (the hosted checkout page). No key needed. The
// list is in README.md.
//
#pragma once

#include "stripe/FakeStripe.h"

#include <Poco/URI.h>

#include <string>

namespace bourse::fakes::stripe {

struct ControlReply {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
    std::string location;  ///< a 303 redirect when set (the checkout page's buttons)
};

/// Answers one /_fake/ request through the fake's public API.
ControlReply control(FakeStripe& fake, const std::string& method, const std::string& path, const Poco::URI& uri,
                     const std::string& body);

}  // namespace bourse::fakes::stripe
