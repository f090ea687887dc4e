//
// Fixtures.h — recorded Sumsub payloads (../fixtures) and a scripted FakeHost
// responder that answers the plugin's requests in order with them.
//
#pragma once

#include <bourse/testing/FakeHost.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace bourse::sumsub::test {

/// The bytes of fixtures/<name>, without the final newline the editor added.
inline std::string fixture(const std::string& name) {
    std::ifstream in(std::string(BOURSE_SUMSUB_FIXTURES) + "/" + name, std::ios::binary);
    if (!in) throw std::runtime_error("no fixture " + name);
    std::ostringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return text;
}

inline HttpResponse json(int status, const std::string& body) {
    return HttpResponse{status, {{"Content-Type", "application/json;charset=utf-8"}}, body, ""};
}

/// Answers each request with the next scripted response (a transport error
/// once they run out); `onRequest` may run first, e.g. to move the clock.
struct Script {
    std::vector<HttpResponse> answers;
    std::size_t next = 0;
    std::function<void(const HttpRequest&, std::size_t)> onRequest;

    void install(bourse::testing::FakeHost& host) {
        host.setResponder([this](const HttpRequest& r) {
            if (onRequest) onRequest(r, next);
            if (next >= answers.size()) return HttpResponse{0, {}, "", "script: no more answers"};
            return answers[next++];
        });
    }
};

}  // namespace bourse::sumsub::test
