//
// HttpClient.h — outbound HTTP(S) performed by the kernel for plugins
// (host->http_request). The kernel owns TLS (system CA store, peer
// verification), timeouts and metrics; plugins never open sockets themselves.
//
// Requests run on a small worker pool; completion calls the given function on
// the worker thread (the plugin layer then serialises it with the instance).
// Each request names its owner (the plugin id): one owner never has more than
// workers - 1 requests running, so a slow service cannot starve the others.
// Thread-safe.
//
#pragma once

#include <Poco/Net/Context.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace bourse {

class Metrics;
class Counter;

struct OutboundRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    int timeoutMs = 10000;
};

struct OutboundResponse {
    int status = 0;  ///< 0: no response, see error
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string error;
};

class HttpClient {
public:
    using Done = std::function<void(const OutboundResponse&)>;

    HttpClient(Metrics& metrics, int workers = 4);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// Queues the request; done runs exactly once on a worker thread.
    void submit(OutboundRequest request, Done done, std::string owner = {});
    /// Performs a request on the calling thread (used by the workers and tests).
    static OutboundResponse perform(const OutboundRequest& request);
    /// TLS for every outbound connection (HTTPS and WSS): peers verified against the system CA store.
    static Poco::Net::Context::Ptr tlsContext();

    void stop();

private:
    void work();

    Counter& _requests;
    Counter& _failures;
    std::mutex _mutex;
    std::condition_variable _wake;
    struct Job {
        OutboundRequest request;
        Done done;
        std::string owner;
    };
    /// The first queued job whose owner may start another request. Under _mutex.
    std::deque<Job>::iterator nextStartable();

    const std::size_t _perOwner;  ///< requests one owner may have running at once
    std::deque<Job> _queue;
    std::map<std::string, std::size_t> _running;  ///< owner → requests running
    bool _stopping = false;
    std::vector<std::thread> _workers;
};

}  // namespace bourse
