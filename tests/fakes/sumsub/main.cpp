// fake-sumsub: the FakeSumsub server on its own, for running bourse's sumsub
// plugin offline. Prints its URL and settings, runs until interrupted.
//   fake-sumsub [--port N] [--app-token T] [--secret-key K] [--webhook-url URL]
//               [--webhook-secret S] [--webhook-alg HMAC_SHA1_HEX|HMAC_SHA256_HEX|HMAC_SHA512_HEX]
//               [--level NAME]...
// Review applicants and script faults over HTTP under /_fake/ (FakeSumsubControl.h).
#include "sumsub/FakeSumsub.h"

#include <csignal>
#include <iostream>
#include <string>
#include <thread>

namespace {
volatile std::sig_atomic_t stop = 0;
}

int main(int argc, char** argv) {
    bourse::fakes::FakeSumsubOptions options;
    bool levelsGiven = false;
    for (int i = 1; i < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag.rfind("--", 0) != 0) {
            std::cerr << "unexpected argument " << flag << "\n";
            return 2;
        }
        if (i + 1 >= argc) {
            std::cerr << "option " << flag << " needs a value\n";
            return 2;
        }
        const std::string value = argv[i + 1];
        if (flag == "--port") {
            options.port = static_cast<std::uint16_t>(std::stoi(value));
        } else if (flag == "--app-token") {
            options.appToken = value;
        } else if (flag == "--secret-key") {
            options.secretKey = value;
        } else if (flag == "--webhook-url") {
            options.webhookUrl = value;
        } else if (flag == "--webhook-secret") {
            options.webhookSecret = value;
        } else if (flag == "--webhook-alg") {
            options.webhookAlg = value;
        } else if (flag == "--level") {
            if (!levelsGiven) options.levels.clear();
            levelsGiven = true;
            options.levels.insert(value);
        } else {
            std::cerr << "unknown option " << flag << "\n";
            return 2;
        }
    }
    std::signal(SIGINT, [](int) { stop = 1; });
    std::signal(SIGTERM, [](int) { stop = 1; });
    bourse::fakes::FakeSumsub fake(options);
    std::cout << "fake Sumsub: " << fake.baseUrl() << "  app token '" << options.appToken << "'  webhooks "
              << (options.webhookUrl.empty() ? "recorded only" : "to " + options.webhookUrl) << " ("
              << options.webhookAlg << ")  controls " << fake.baseUrl() << "/_fake/" << std::endl;
    while (!stop)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return 0;
}
