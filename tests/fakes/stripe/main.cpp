// fake-stripe: the FakeStripe server on its own, for running bourse's stripe
// plugin offline and for browser tests. Prints its URL, runs until interrupted.
//   fake-stripe [--port N] [--secret-key sk_…] [--webhook-url http://…] [--webhook-secret whsec_…]
//               [--refunds pending|succeed]
#include "stripe/FakeStripe.h"

#include <csignal>
#include <iostream>
#include <string>
#include <thread>

namespace {
volatile std::sig_atomic_t stop = 0;
}

int main(int argc, char** argv) {
    bourse::fakes::FakeStripeOptions options;
    for (int i = 1; i < argc; i += 2) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) {
            std::cerr << "option " << flag << " needs a value\n";
            return 2;
        }
        const std::string value = argv[i + 1];
        if (flag == "--port")
            options.port = static_cast<std::uint16_t>(std::stoi(value));
        else if (flag == "--secret-key")
            options.secretKey = value;
        else if (flag == "--webhook-url")
            options.webhookUrl = value;
        else if (flag == "--webhook-secret")
            options.webhookSecret = value;
        else if (flag == "--refunds" && (value == "pending" || value == "succeed"))
            options.refundsSucceedAtOnce = value == "succeed";
        else {
            std::cerr << "unknown option " << flag << " " << value << "\n"
                      << "usage: fake-stripe [--port N] [--secret-key sk_…] [--webhook-url URL] "
                         "[--webhook-secret whsec_…] [--refunds pending|succeed]\n";
            return 2;
        }
    }
    std::signal(SIGINT, [](int) { stop = 1; });
    std::signal(SIGTERM, [](int) { stop = 1; });
    bourse::fakes::FakeStripe fake(options);
    std::cout << "fake Stripe: API " << fake.url() << "  secret key '" << options.secretKey << "'  webhooks "
              << (options.webhookUrl.empty() ? "(not delivered)" : options.webhookUrl) << " signed with '"
              << options.webhookSecret << "'  controls " << fake.url() << "/_fake/" << std::endl;
    while (!stop)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return 0;
}
