// fake-binance: the FakeBinance server on its own, for running bourse against
// "Binance" offline (config/fakes.example.yaml). Prints its URLs, runs until
// interrupted.   fake-binance [--port N]
#include "binance/FakeBinance.h"

#include <csignal>
#include <iostream>
#include <string>
#include <thread>

namespace {
volatile std::sig_atomic_t stop = 0;
}

int main(int argc, char** argv) {
    bourse::fakes::FakeBinanceOptions options;
    for (int i = 1; i + 1 < argc; i += 2)
        if (std::string(argv[i]) == "--port") options.port = static_cast<std::uint16_t>(std::stoi(argv[i + 1]));
    std::signal(SIGINT, [](int) { stop = 1; });
    std::signal(SIGTERM, [](int) { stop = 1; });
    bourse::fakes::FakeBinance fake(options);
    std::cout << "fake Binance: REST " << fake.restUrl() << "  streams " << fake.wsUrl() << "  WS API "
              << fake.wsApiUrl() << "\n  trading account: apiKey " << options.apiKey << "  secret " << options.secret
              << " (test values; /_fake/balance, /_fake/price ... change the state)" << std::endl;
    while (!stop)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return 0;
}
