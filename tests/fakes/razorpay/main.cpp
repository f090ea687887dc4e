// fake-razorpay: the FakeRazorpay server on its own, for running bourse's
// razorpay gateway offline (and for browser tests). Prints its URL and
// credentials, runs until interrupted. Test controls: GET <url>/_fake/.
//   fake-razorpay [--port N] [--key-id rzp_test_…] [--key-secret S]
//                 [--webhook-url http://host:port/path] [--webhook-secret S]
//                 [--account-number N] [--balance PAISE]
#include "razorpay/FakeRazorpay.h"

#include <csignal>
#include <iostream>
#include <string>
#include <thread>

namespace {
volatile std::sig_atomic_t stop = 0;
}

int main(int argc, char** argv) {
    bourse::fakes::FakeRazorpayOptions options;
    for (int i = 1; i < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h" || i + 1 >= argc) {
            std::cerr << "usage: fake-razorpay [--port N] [--key-id rzp_test_…] [--key-secret S] [--webhook-url URL] "
                         "[--webhook-secret S] [--account-number N] [--balance PAISE]\n";
            return flag == "--help" || flag == "-h" ? 0 : 2;
        }
        const std::string value = argv[i + 1];
        try {
            if (flag == "--port")
                options.port = static_cast<std::uint16_t>(std::stoi(value));
            else if (flag == "--key-id")
                options.keyId = value;
            else if (flag == "--key-secret")
                options.keySecret = value;
            else if (flag == "--webhook-url")
                options.webhookUrl = value;
            else if (flag == "--webhook-secret")
                options.webhookSecret = value;
            else if (flag == "--account-number")
                options.accountNumber = value;
            else if (flag == "--balance")
                options.balance = std::stoll(value);
            else {
                std::cerr << "unknown option " << flag << "\n";
                return 2;
            }
        } catch (const std::exception&) {
            std::cerr << "bad value for " << flag << ": " << value << "\n";
            return 2;
        }
    }
    if (!options.webhookUrl.empty() && options.webhookUrl.rfind("http://", 0) != 0) {
        std::cerr << "--webhook-url must be http:// (the fake sends plain HTTP)\n";
        return 2;
    }
    std::signal(SIGINT, [](int) { stop = 1; });
    std::signal(SIGTERM, [](int) { stop = 1; });
    bourse::fakes::FakeRazorpay fake(options);
    std::cout << "fake Razorpay: API " << fake.url() << "  key_id " << options.keyId << "  key_secret "
              << options.keySecret << "  RazorpayX account " << options.accountNumber << "\n"
              << "  webhooks " << (options.webhookUrl.empty() ? std::string("recorded only") : options.webhookUrl)
              << " (secret " << options.webhookSecret << ")  controls " << fake.url() << "/_fake/" << std::endl;
    while (!stop)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return 0;
}
