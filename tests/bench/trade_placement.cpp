// Benchmark: authenticated trade placement.
//
// Registers C users (one per client), then C keep-alive HTTP clients place
// binary-option trades (stake 1.00, 60 s) as fast as they can for D seconds.
// Prints placements/s and latency percentiles. Not a test: it prints figures.
//
//   bench_trade_placement --port 18080 [--clients 64] [--seconds 10] [--symbol OTC_BENCH]
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    int port = 18080;
    int clients = 64;
    int seconds = 10;
    std::string symbol = "OTC_BENCH";
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--port")
            o.port = std::stoi(v);
        else if (k == "--clients")
            o.clients = std::stoi(v);
        else if (k == "--seconds")
            o.seconds = std::stoi(v);
        else if (k == "--symbol")
            o.symbol = v;
        else {
            std::cerr << "unknown option " << k << '\n';
            std::exit(2);
        }
    }
    return o;
}

int post(Poco::Net::HTTPClientSession& s, const std::string& path, const std::string& body, const std::string& token,
         std::string* out = nullptr) {
    Poco::Net::HTTPRequest req("POST", path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    req.setContentType("application/json");
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    if (!token.empty()) req.set("Authorization", "Bearer " + token);
    s.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::istream& in = s.receiveResponse(resp);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    if (out) *out = text;
    return static_cast<int>(resp.getStatus());
}

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
    const Options opt = parse(argc, argv);
    const std::string run = std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000007);
    std::vector<std::string> tokens(static_cast<std::size_t>(opt.clients));
    {
        std::vector<std::thread> reg;
        for (int c = 0; c < opt.clients; ++c)
            reg.emplace_back([&, c] {
                Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(opt.port));
                const std::string email = "bench" + run + "-" + std::to_string(c) + "@bourse.test";
                const std::string creds = R"({"email":")" + email + R"(","password":"Bench-Pass-9182")";
                post(s, "/api/v1/auth/register", creds + R"(,"name":"Bench"})", "");
                std::string body;
                if (post(s, "/api/v1/auth/login", creds + "}", "", &body) != 200) {
                    std::cerr << "login failed: " << body << '\n';
                    std::exit(1);
                }
                Poco::JSON::Parser p;
                tokens[static_cast<std::size_t>(c)] =
                    p.parse(body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("access_token");
            });
        for (auto& t : reg)
            t.join();
    }

    std::atomic<bool> done{false};
    std::atomic<long> failed{0};
    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(opt.clients));
    std::vector<std::thread> workers;
    const auto start = Clock::now();
    for (int c = 0; c < opt.clients; ++c)
        workers.emplace_back([&, c] {
            Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(opt.port));
            s.setKeepAlive(true);
            auto& mine = latencies[static_cast<std::size_t>(c)];
            for (long i = 0; !done; ++i) {
                const std::string body = R"({"symbol":")" + opt.symbol + R"(","direction":"UP","stake":"1.00",)" +
                                         R"("duration":60,"client_order_id":")" + run + "-" + std::to_string(c) + "-" +
                                         std::to_string(i) + R"("})";
                const auto t0 = Clock::now();
                int status = 0;
                try {
                    status = post(s, "/api/v1/trades", body, tokens[static_cast<std::size_t>(c)]);
                } catch (const Poco::Exception&) {
                    s.reset();
                }
                mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
                if (status != 201) ++failed;
            }
        });
    std::this_thread::sleep_for(std::chrono::seconds(opt.seconds));
    done = true;
    for (auto& w : workers)
        w.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

    std::vector<double> all;
    for (auto& v : latencies)
        all.insert(all.end(), v.begin(), v.end());
    std::printf("trade placement benchmark: %d keep-alive clients, %.1f s\n", opt.clients, elapsed);
    std::printf("  placements         %zu (%.0f/s), failed %ld\n", all.size(),
                static_cast<double>(all.size()) / elapsed, failed.load());
    std::printf("  latency            p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n", percentile(all, 50),
                percentile(all, 90), percentile(all, 99), percentile(all, 100));
    return failed == 0 ? 0 : 1;
}
