//
// BourseProcess.h — runs the real `bourse` binary for integration tests: writes
// a config into a temporary directory, starts `bourse serve` on a free loopback
// port, and offers small HTTP and WebSocket client helpers against it.
//
#pragma once

#include <Poco/Data/Session.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/Process.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace bourse::test {

std::string buildDir();
std::string sourceDir();
std::string bourseBinary();

/// True when this test run targets PostgreSQL (BOURSE_TEST_BACKEND=postgresql, set by CTest).
bool onPostgres();
/// DSN of database `name` on the PostgreSQL test server (created if missing).
std::string postgresTestDsn(const std::string& name);

/// A temporary directory removed at destruction.
class ScratchDir {
public:
    ScratchDir();
    ~ScratchDir();
    [[nodiscard]] const std::string& path() const { return _path; }

private:
    std::string _path;
};

struct HttpResult {
    int status = 0;
    std::string contentType;
    std::string body;
    /// Body parsed as a JSON object (throws if it is not one).
    [[nodiscard]] Poco::JSON::Object::Ptr json() const;
};

/// Result of running a bourse subcommand to completion.
struct CommandResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};

/// Runs `bourse args...` and waits for it.
CommandResult runBourse(const std::vector<std::string>& args);

/// The test OTC section: OTC_EUR_USD and OTC_GOLD ticking every `tickMs`.
std::string otcPluginYaml(int tickMs = 50);
/// The binary options plugin with generous limits for tests (override with extra YAML lines).
std::string binaryPluginYaml(const std::string& extraDefaults = "");

class BourseProcess {
public:
    /// Writes `configYaml` (with DATA_DIR and BUILD_DIR placeholders replaced) and
    /// starts the server; throws if it does not print its URL within 15 s.
    explicit BourseProcess(const std::string& configYaml, const std::string& dataDir = "");
    ~BourseProcess();

    [[nodiscard]] int port() const { return _port; }
    [[nodiscard]] const std::string& dataDir() const { return _dataDir; }
    /// The config file the server runs with (use it for `bourse ledger verify`).
    [[nodiscard]] const std::string& configPath() const { return _configPath; }
    /// A database session on the server's storage (read-only use in tests).
    [[nodiscard]] Poco::Data::Session database() const;
    [[nodiscard]] int pid() const { return _pid; }
    /// Everything the process wrote to stderr so far (its logs).
    [[nodiscard]] std::string logs() const;
    /// "running", "exited N" or "killed by signal N" (for failure messages).
    [[nodiscard]] std::string state();
    /// Only the error-level log lines (for failure messages).
    [[nodiscard]] std::string errorLines() const;

    /// The first operator's credentials (set through BOURSE_ADMIN_EMAIL/PASSWORD).
    static constexpr const char* kOperatorEmail = "ops@bourse.test";
    static constexpr const char* kOperatorPassword = "Operator-Pass-2026";

    /// An access token of the operator (logged in once, then cached).
    std::string operatorToken() const;
    /// Registers (if needed) and logs in a user; returns an access token.
    std::string userToken(const std::string& email, const std::string& password = "Sunny-Harbor-2026") const;
    /// Operator API calls with the operator's token.
    HttpResult adminGet(const std::string& path) const { return get(path, operatorToken()); }
    HttpResult adminPost(const std::string& path, const std::string& jsonBody = "") const {
        return post(path, jsonBody, operatorToken());
    }

    HttpResult get(const std::string& path, const std::string& token = "") const;
    HttpResult post(const std::string& path, const std::string& jsonBody = "", const std::string& token = "") const;
    HttpResult request(const std::string& method, const std::string& path, const std::string& body,
                       const std::string& contentType, const std::string& token,
                       const std::vector<std::pair<std::string, std::string>>& headers = {}) const;

    /// Opens a WebSocket to /api/v1/stream.
    [[nodiscard]] std::unique_ptr<Poco::Net::WebSocket> openStream() const;

    /// SIGTERM and wait; returns the exit code.
    int stop();
    /// SIGKILL (crash) and wait.
    void kill();

private:
    void drain(int fd, std::string& into);

    std::unique_ptr<ScratchDir> _scratch;
    std::string _dataDir;
    std::string _configPath;
    std::string _storage;
    int _pid = -1;
    int _port = 0;
    int _outFd = -1, _errFd = -1;
    mutable std::mutex _mutex;
    std::string _out, _err;
    mutable std::string _operatorToken;
    std::thread _outThread, _errThread;
};

/// Waits until every market has a live price source (trading needs one);
/// throws std::runtime_error after 5 s.
void waitForLivePrices(const BourseProcess& b);

/// Polls f every 50 ms until it is true or `limit` passes; returns its last answer.
bool eventually(const std::function<bool()>& f, std::chrono::milliseconds limit = std::chrono::seconds(20));
/// Epoch milliseconds now.
std::int64_t epochMs();
/// symbol's entry in GET /api/v1/markets, or nullptr.
Poco::JSON::Object::Ptr market(const BourseProcess& b, const std::string& symbol);
/// The source in use for symbol when it is live, else "".
std::string liveSource(const BourseProcess& b, const std::string& symbol);
/// Open times (ms) of symbol's candles of `interval` in [fromMs, toMs); throws on an HTTP error.
std::vector<std::int64_t> candleOpens(const BourseProcess& b, const std::string& symbol, const std::string& interval,
                                      std::int64_t fromMs, std::int64_t toMs);

/// Sends a text frame.
void sendText(Poco::Net::WebSocket& ws, const std::string& text);
/// Next text frame as a JSON object, or nullptr on timeout/close.
Poco::JSON::Object::Ptr receiveJson(Poco::Net::WebSocket& ws, std::chrono::milliseconds timeout);
/// Receives until a message with "type" == type arrives (others skipped).
Poco::JSON::Object::Ptr receiveType(Poco::Net::WebSocket& ws, const std::string& type,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace bourse::test
