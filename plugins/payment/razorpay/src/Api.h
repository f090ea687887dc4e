//
// Api.h — calls to the Razorpay REST API through the host's asynchronous HTTP
// client: base URL and Basic auth (key_id:key_secret) added, JSON in and out,
// the reply judged by Errors.h. Continuations run inside a guard: whatever
// they throw (bourse::Error, a malformed entity, anything) fails the call's
// Reply with the right status instead of dropping it, so the kernel always
// hears back exactly once.
//
#pragma once

#include "Config.h"
#include "Errors.h"

#include <bourse/plugin.hpp>

#include <Poco/JSON/Object.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace bourse::razorpay {

/// A call's Reply, shared by the continuations of its requests.
using SharedReply = std::shared_ptr<Reply>;

class Api {
public:
    using Header = std::pair<std::string, std::string>;
    using OnObject = std::function<void(const Poco::JSON::Object::Ptr&)>;
    /// Sees an error reply first; returns true when it took over (then it must
    /// answer the Reply itself), false to fail the Reply with the error.
    using OnError = std::function<bool(const Error&, const ApiError&)>;

    Api(Host& host, const RazorpayConfig& config, const std::string& keySecret);

    /// GET/POST `path` (e.g. "/v1/orders"); `what` names the call in messages.
    void get(const std::string& path, const std::string& what, const SharedReply& reply, OnObject ok,
             OnError onError = {});
    void post(const std::string& path, const std::string& body, const std::string& what, const SharedReply& reply,
              OnObject ok, OnError onError = {}, std::vector<Header> headers = {});

    /// Runs fn; a throw fails `reply` (bourse::Error with its status, a
    /// malformed Razorpay object as BOURSE_E_UNAVAILABLE, others as internal).
    void guarded(const SharedReply& reply, const std::function<void()>& fn) const;

private:
    void send(HttpRequest request, const std::string& what, const SharedReply& reply, OnObject ok, OnError onError);

    Host& _host;
    const RazorpayConfig& _config;
    std::string _authorization;  ///< "Basic base64(key_id:key_secret)"; never logged
};

}  // namespace bourse::razorpay
