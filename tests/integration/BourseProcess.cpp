#include "BourseProcess.h"

#include <Poco/JSON/Array.h>

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace bourse::test {

std::string buildDir() {
    const char* b = std::getenv("BOURSE_BUILD_DIR");
    return b ? b : ".";
}
std::string sourceDir() {
    const char* s = std::getenv("BOURSE_SOURCE_DIR");
    return s ? s : "..";
}
std::string bourseBinary() {
    // BOURSE_TEST_BINARY lets a developer run the server under a debugger wrapper.
    const char* custom = std::getenv("BOURSE_TEST_BINARY");
    return custom ? custom : buildDir() + "/bin/bourse";
}

ScratchDir::ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "bourse-it-XXXXXX").string();
    _path = ::mkdtemp(tmpl.data());
}
ScratchDir::~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(_path, ec);
}

Poco::JSON::Object::Ptr HttpResult::json() const {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

std::string otcPluginYaml(int tickMs) {
    return R"Y(
  - id: otc
    library: bourse-plugin-otc
    config:
      seed: 42
      tick_interval_ms: )Y" +
           std::to_string(tickMs) + R"Y(
      instruments:
        - { symbol: OTC_EUR_USD, name: "EUR/USD (OTC)", base_price: "1.08500", price_scale: 5, volatility: MEDIUM, bias: 0 }
        - { symbol: OTC_GOLD, name: "Gold (OTC)", base_price: "2350.00", price_scale: 2, volatility: LOW, bias: 0 }
)Y";
}

std::string binaryPluginYaml(const std::string& extraDefaults) {
    return R"Y(
  - id: binary-options
    library: bourse-plugin-binary-options
    config:
      max_price_age_ms: 3000
      defaults:
        payout_percent: 80
        loss_refund_percent: 0
        durations: [1, 2, 5, 60]
        min_stake: "1.00"
        max_stake: "1000.00"
        max_open_per_user: 1000
        max_trades_per_minute: 100000
)Y" + extraDefaults;
}

namespace {

/// Spawns bourse with stdout/stderr on pipes and the test operator's
/// credentials in its environment; returns pid.
int spawn(const std::vector<std::string>& args, int& outFd, int& errFd) {
    int out[2], err[2];
    if (::pipe(out) != 0 || ::pipe(err) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addclose(&actions, err[0]);
    std::vector<std::string> full{bourseBinary()};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : full)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e)
        if (std::strncmp(*e, "BOURSE_ADMIN_", 13) != 0) env.emplace_back(*e);
    env.push_back(std::string("BOURSE_ADMIN_EMAIL=") + BourseProcess::kOperatorEmail);
    env.push_back(std::string("BOURSE_ADMIN_PASSWORD=") + BourseProcess::kOperatorPassword);
    std::vector<char*> envp;
    for (auto& e : env)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    if (rc != 0) throw std::runtime_error("cannot start " + full[0]);
    outFd = out[0];
    errFd = err[0];
    return pid;
}

std::string readAll(int fd) {
    std::string s;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0)
        s.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    return s;
}

/// The admin DSN of the test server started by tests/support/pg-server.sh.
std::string adminDsn() {
    const char* dir = std::getenv("BOURSE_PG_DIR");
    if (!dir) throw std::runtime_error("BOURSE_PG_DIR is not set (run through ctest)");
    std::ifstream in(std::string(dir) + "/dsn");
    std::string dsn;
    std::getline(in, dsn);
    if (dsn.empty()) throw std::runtime_error(std::string("no PostgreSQL test server in ") + dir);
    return dsn;
}

/// A storage section: SQLite in the data dir, or a PostgreSQL database named
/// after the data dir (so a restart on the same data dir finds the same data).
std::string storageYaml(const std::string& dataDir) {
    if (!onPostgres()) return "storage: { driver: sqlite }\n";
    const std::string db = "bourse_" + std::to_string(std::hash<std::string>{}(dataDir) % 1'000'000'000'000ULL);
    return "storage: { driver: postgresql, postgresql: { dsn: \"" + postgresTestDsn(db) + "\" } }\n";
}

}  // namespace

bool onPostgres() {
    const char* b = std::getenv("BOURSE_TEST_BACKEND");
    return b && std::string(b) == "postgresql";
}

std::string postgresTestDsn(const std::string& name) {
    Poco::Data::PostgreSQL::Connector::registerConnector();
    const std::string admin = adminDsn();
    Poco::Data::Session s("PostgreSQL", admin);
    try {
        s << "CREATE DATABASE " + name, Poco::Data::Keywords::now;
    } catch (const Poco::Exception&) {
        // Already created by an earlier run.
    }
    std::string dsn = admin;
    dsn.replace(dsn.find("dbname=postgres"), 15, "dbname=" + name);
    return dsn;
}

CommandResult runBourse(const std::vector<std::string>& args) {
    int outFd = -1, errFd = -1;
    const int pid = spawn(args, outFd, errFd);
    CommandResult r;
    std::thread errReader([&] { r.err = readAll(errFd); });
    r.out = readAll(outFd);
    errReader.join();
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

BourseProcess::BourseProcess(const std::string& configYaml, const std::string& dataDir)
    : _scratch(std::make_unique<ScratchDir>()) {
    _dataDir = dataDir.empty() ? _scratch->path() + "/data" : dataDir;
    std::string yaml = std::regex_replace(configYaml, std::regex("DATA_DIR"), _dataDir);
    yaml = std::regex_replace(yaml, std::regex("BUILD_DIR"), buildDir());
    if (yaml.find("\nstorage:") == std::string::npos) {
        _storage = storageYaml(_dataDir);
        yaml += "\n" + _storage;
    }
    _configPath = _scratch->path() + "/bourse.yaml";
    std::ofstream(_configPath) << yaml;

    _pid = spawn({"serve", "--config", _configPath, "--port", "0"}, _outFd, _errFd);
    _errThread = std::thread([this] { drain(_errFd, _err); });
    _outThread = std::thread([this] { drain(_outFd, _out); });

    const std::regex listening("listening on http://127\\.0\\.0\\.1:([0-9]+)/");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
        {
            std::lock_guard lock(_mutex);
            std::smatch m;
            if (std::regex_search(_out, m, listening)) {
                _port = std::stoi(m[1]);
                return;
            }
        }
        int status = 0;
        if (::waitpid(_pid, &status, WNOHANG) == _pid) {
            _pid = -1;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const std::string why = logs();
    if (_pid > 0) kill();
    throw std::runtime_error("bourse did not start:\n" + why);
}

BourseProcess::~BourseProcess() {
    if (_pid > 0) kill();
    if (_outThread.joinable()) _outThread.join();
    if (_errThread.joinable()) _errThread.join();
}

void BourseProcess::drain(int fd, std::string& into) {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) {
        std::lock_guard lock(_mutex);
        into.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
}

std::string BourseProcess::logs() const {
    std::lock_guard lock(_mutex);
    return _out + _err;
}

std::string BourseProcess::state() {
    if (_pid <= 0) return "not running";
    int status = 0;
    if (::waitpid(_pid, &status, WNOHANG) != _pid) return "running";
    _pid = -1;
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "exited " + std::to_string(WEXITSTATUS(status));
}

std::string BourseProcess::errorLines() const {
    std::string out;
    std::istringstream in(logs());
    for (std::string line; std::getline(in, line);)
        if (line.find("level=error") != std::string::npos || line.find("terminate") != std::string::npos ||
            line.find("what()") != std::string::npos || line.find("Sanitizer") != std::string::npos)
            out += line + "\n";
    return out;
}

int BourseProcess::stop() {
    if (_pid <= 0) return -1;
    ::kill(_pid, SIGTERM);
    int status = 0;
    ::waitpid(_pid, &status, 0);
    _pid = -1;
    if (_outThread.joinable()) _outThread.join();
    if (_errThread.joinable()) _errThread.join();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void BourseProcess::kill() {
    if (_pid <= 0) return;
    ::kill(_pid, SIGKILL);
    int status = 0;
    ::waitpid(_pid, &status, 0);
    _pid = -1;
}

HttpResult BourseProcess::request(const std::string& method, const std::string& path, const std::string& body,
                                  const std::string& contentType, const std::string& token,
                                  const std::vector<std::pair<std::string, std::string>>& headers) const {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(_port));
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) req.set("Authorization", "Bearer " + token);
    for (const auto& [k, v] : headers)
        req.set(k, v);
    if (!body.empty() || method == "POST") {
        req.setContentType(contentType);
        req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    HttpResult r;
    r.status = static_cast<int>(resp.getStatus());
    r.contentType = resp.getContentType();
    r.body.assign(std::istreambuf_iterator<char>(in), {});
    return r;
}

Poco::Data::Session BourseProcess::database() const {
    if (onPostgres()) {
        const auto start = _storage.find("dsn: \"") + 6;
        return Poco::Data::Session("PostgreSQL", _storage.substr(start, _storage.find('"', start) - start));
    }
    Poco::Data::SQLite::Connector::registerConnector();
    return Poco::Data::Session("SQLite", _dataDir + "/bourse.db");
}

std::string BourseProcess::operatorToken() const {
    if (_operatorToken.empty()) {
        const HttpResult r = post("/api/v1/auth/login", std::string(R"({"email":")") + kOperatorEmail +
                                                            R"(","password":")" + kOperatorPassword + R"("})");
        if (r.status != 200) throw std::runtime_error("operator login failed: " + r.body);
        _operatorToken = r.json()->getValue<std::string>("access_token");
    }
    return _operatorToken;
}

std::string BourseProcess::userToken(const std::string& email, const std::string& password) const {
    const std::string creds = R"({"email":")" + email + R"(","password":")" + password + R"(")";
    const HttpResult reg = post("/api/v1/auth/register", creds + R"(,"name":"Test Trader"})");
    if (reg.status != 201 && reg.status != 409) throw std::runtime_error("register failed: " + reg.body);
    const HttpResult r = post("/api/v1/auth/login", creds + "}");
    if (r.status != 200) throw std::runtime_error("login failed: " + r.body);
    return r.json()->getValue<std::string>("access_token");
}

HttpResult BourseProcess::get(const std::string& path, const std::string& token) const {
    return request("GET", path, "", "", token);
}

HttpResult BourseProcess::post(const std::string& path, const std::string& jsonBody, const std::string& token) const {
    return request("POST", path, jsonBody, "application/json", token);
}

std::unique_ptr<Poco::Net::WebSocket> BourseProcess::openStream() const {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(_port));
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, "/api/v1/stream", Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPResponse resp;
    auto ws = std::make_unique<Poco::Net::WebSocket>(session, req, resp);
    ws->setReceiveTimeout(Poco::Timespan(5, 0));
    return ws;
}

void sendText(Poco::Net::WebSocket& ws, const std::string& text) {
    ws.sendFrame(text.data(), static_cast<int>(text.size()), Poco::Net::WebSocket::FRAME_TEXT);
}

Poco::JSON::Object::Ptr receiveJson(Poco::Net::WebSocket& ws, std::chrono::milliseconds timeout) {
    ws.setReceiveTimeout(Poco::Timespan(timeout.count() * 1000));
    Poco::Buffer<char> buf(0);
    int flags = 0;
    try {
        while (true) {
            buf.resize(0);
            const int n = ws.receiveFrame(buf, flags);
            if (n <= 0 || (flags & Poco::Net::WebSocket::FRAME_OP_BITMASK) == Poco::Net::WebSocket::FRAME_OP_CLOSE)
                return nullptr;
            if ((flags & Poco::Net::WebSocket::FRAME_OP_BITMASK) != Poco::Net::WebSocket::FRAME_OP_TEXT) continue;
            Poco::JSON::Parser parser;
            return parser.parse(std::string(buf.begin(), buf.size())).extract<Poco::JSON::Object::Ptr>();
        }
    } catch (const Poco::TimeoutException&) {
        return nullptr;
    }
}

Poco::JSON::Object::Ptr receiveType(Poco::Net::WebSocket& ws, const std::string& type,
                                    std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        auto msg = receiveJson(ws, std::max(left, std::chrono::milliseconds(1)));
        if (!msg) return nullptr;
        if (msg->getValue<std::string>("type") == type) return msg;
    }
    return nullptr;
}

void waitForLivePrices(const BourseProcess& b) {
    // A last price alone is not enough: it may be restored from the database
    // before this kernel's own source has ticked.
    for (int i = 0; i < 200; ++i) {
        const std::string body = b.get("/api/v1/markets").body;
        if (body.find("\"status\":\"live\"") != std::string::npos && body.find("no_live_source") == std::string::npos)
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    throw std::runtime_error("no live prices within 5 s: " + b.get("/api/v1/markets").body.substr(0, 300));
}

bool eventually(const std::function<bool()>& f, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (f()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return f();
}

std::int64_t epochMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Poco::JSON::Object::Ptr market(const BourseProcess& b, const std::string& symbol) {
    const auto markets = b.get("/api/v1/markets").json()->getArray("markets");
    for (std::size_t i = 0; i < markets->size(); ++i) {
        const auto m = markets->getObject(static_cast<unsigned>(i));
        if (m->getValue<std::string>("symbol") == symbol) return m;
    }
    return nullptr;
}

std::string liveSource(const BourseProcess& b, const std::string& symbol) {
    const auto m = market(b, symbol);
    return m && m->getValue<std::string>("status") == "live" ? m->getValue<std::string>("source") : "";
}

std::vector<std::int64_t> candleOpens(const BourseProcess& b, const std::string& symbol, const std::string& interval,
                                      std::int64_t fromMs, std::int64_t toMs) {
    const HttpResult r = b.get("/api/v1/markets/" + symbol + "/candles?interval=" + interval +
                               "&from=" + std::to_string(fromMs) + "&to=" + std::to_string(toMs) + "&limit=5000");
    if (r.status != 200) throw std::runtime_error("candles: HTTP " + std::to_string(r.status) + " " + r.body);
    const auto candles = r.json()->getArray("candles");
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i < candles->size(); ++i)
        out.push_back(candles->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("open_time"));
    return out;
}

}  // namespace bourse::test
