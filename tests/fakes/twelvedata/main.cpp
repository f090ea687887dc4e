// fake-twelvedata: the FakeTwelveData server on its own, for running bourse's
// twelvedata plugin offline. Prints its URLs, runs until interrupted.
//   fake-twelvedata [--port N] [--api-key KEY] [--credits-per-minute N] [--credits-per-day N]
#include "twelvedata/FakeTwelveData.h"

#include <csignal>
#include <iostream>
#include <string>
#include <thread>

namespace {
volatile std::sig_atomic_t stop = 0;
}

int main(int argc, char** argv) {
    bourse::fakes::FakeTwelveDataOptions options;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--port")
            options.port = static_cast<std::uint16_t>(std::stoi(value));
        else if (flag == "--api-key")
            options.apiKey = value;
        else if (flag == "--credits-per-minute")
            options.creditsPerMinute = std::stoi(value);
        else if (flag == "--credits-per-day")
            options.creditsPerDay = std::stoi(value);
        else {
            std::cerr << "unknown option " << flag << "\n";
            return 2;
        }
    }
    std::signal(SIGINT, [](int) { stop = 1; });
    std::signal(SIGTERM, [](int) { stop = 1; });
    bourse::fakes::FakeTwelveData fake(options);
    std::cout << "fake Twelve Data: REST " << fake.restUrl() << "  stream " << fake.wsUrl()
              << "/v1/quotes/price  api key '" << options.apiKey << "'" << std::endl;
    while (!stop)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return 0;
}
