#include "app/BourseApp.h"

#include "app/Kernel.h"
#include "ledger/Ledger.h"
#include "log/Log.h"
#include "plugins/ModuleLibrary.h"
#include "plugins/PluginError.h"
#include "plugins/PluginManager.h"
#include "storage/Database.h"

#include <bourse/validate.hpp>

#include <Poco/Environment.h>
#include <Poco/File.h>
#include <Poco/NumberParser.h>
#include <Poco/Path.h>
#include <Poco/Process.h>
#include <Poco/StringTokenizer.h>
#include <Poco/TemporaryFile.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include <malloc.h>

#include <iostream>

namespace bourse {

void BourseApp::defineOptions(Poco::Util::OptionSet& options) {
    ServerApplication::defineOptions(options);
    options.addOption(Poco::Util::Option("config", "c", "YAML config file").argument("PATH").repeatable(false));
    options.addOption(Poco::Util::Option("port", "p", "HTTP port (0: any free port)").argument("N"));
    options.addOption(Poco::Util::Option("data-dir", "d", "data directory (overrides data_dir)").argument("DIR"));
    options.addOption(Poco::Util::Option("help", "h", "show usage"));
}

void BourseApp::handleOption(const std::string& name, const std::string& value) {
    ServerApplication::handleOption(name, value);
    if (name == "config")
        _configPath = value;
    else if (name == "data-dir")
        _dataDir = value;
    else if (name == "help")
        _help = true;
    else if (name == "port") {
        int p = 0;
        if (!Poco::NumberParser::tryParse(value, p) || p < 0 || p > 65535)
            throw Poco::InvalidArgumentException("--port: expected 0..65535, got '" + value + "'");
        _port = p;
    }
}

void BourseApp::printUsage() const {
    std::cout << "usage:\n"
                 "  bourse serve        --config PATH [--port N] [--data-dir DIR]\n"
                 "  bourse config check --config PATH\n"
                 "  bourse plugins list --config PATH\n"
                 "  bourse migrate      --config PATH [--data-dir DIR]\n"
                 "  bourse ledger verify --config PATH [--data-dir DIR]\n"
                 "  bourse version\n";
}

std::vector<std::string> BourseApp::defaultPluginDirs() const {
    std::vector<std::string> dirs;
    if (const std::string env = Poco::Environment::get("BOURSE_PLUGIN_PATH", ""); !env.empty())
        for (const auto& d : Poco::StringTokenizer(env, ":", Poco::StringTokenizer::TOK_IGNORE_EMPTY))
            dirs.push_back(d);
    const Poco::Path exe(config().getString("application.dir", "."));
    dirs.push_back(Poco::Path(exe, "../plugins").toString());
    dirs.push_back(Poco::Path(exe, "../lib/bourse/plugins").toString());
    return dirs;
}

Config BourseApp::loadConfigOrExplain() {
    std::string path = _configPath;
    if (path.empty()) path = Poco::Environment::get("BOURSE_CONFIG", "config/bourse.yaml");
    Config c = loadConfig(path, defaultPluginDirs());
    if (!_dataDir.empty()) c.dataDir = Poco::Path(_dataDir).absolute().toString();
    if (_port) c.server.port = *_port;
    return c;
}

int BourseApp::serve() {
    const Config c = loadConfigOrExplain();
    log::configure(c.logLevel, c.logFormat);
    Kernel kernel(c);
    kernel.start();
    std::string running;
    for (const auto& p : kernel.plugins().list())
        running += (running.empty() ? "" : ", ") + p.id + " " + p.state;
    if (!kernel.generatedOperatorPassword().empty())
        std::cout << "Created the first operator account (shown once, change it after login):\n"
                  << "  e-mail:   " << kernel.operatorEmail() << "\n  password: " << kernel.generatedOperatorPassword()
                  << "\n";
    std::cout << "Bourse " << BOURSE_VERSION << " listening on " << kernel.baseUrl()
              << " (plugins: " << (running.empty() ? "none" : running) << ")" << std::endl;
    waitForTerminationRequest();
    kernel.stop();
    return EXIT_OK;
}

int BourseApp::configCheck() {
    const Config c = loadConfigOrExplain();
    // Load each library's descriptors (no plugin is created or started) so a
    // misspelled id or a wrong library is reported now, not at serve time.
    const std::string runtime =
        Poco::Path(Poco::Path::temp(), "bourse-check-" + std::to_string(Poco::Process::id())).toString();
    int errors = 0;
    int n = 0;
    for (const auto& p : c.plugins) {
        const std::string path = resolvePluginLibrary(p.library, c.pluginDirs);
        try {
            if (path.empty()) throw PluginError(p.where + ": plugins: library '" + p.library + "' not found");
            const auto lib = ModuleLibrary::load(path, runtime, p.id + ".check." + std::to_string(++n));
            if (!lib->find(p.id))
                throw PluginError(p.where + ": plugins: id '" + p.id + "' is not offered by " + path +
                                  " (it offers: " + lib->offeredIds() + ")");
        } catch (const PluginError& e) {
            std::cerr << e.what() << '\n';
            ++errors;
        }
    }
    Poco::File(runtime).exists() ? Poco::File(runtime).remove(true) : void();
    if (errors) return EXIT_CONFIG;
    std::cout << c.file << ": OK (" << c.plugins.size() << " plugins)" << std::endl;
    return EXIT_OK;
}

int BourseApp::pluginsList() {
    const Config c = loadConfigOrExplain();
    const std::string runtime =
        Poco::Path(Poco::Path::temp(), "bourse-list-" + std::to_string(Poco::Process::id())).toString();
    int n = 0;
    for (const auto& p : c.plugins) {
        std::cout << p.id << (p.enabled ? "  enabled " : "  disabled") << "  " << p.library;
        const std::string path = resolvePluginLibrary(p.library, c.pluginDirs);
        if (path.empty()) {
            std::cout << "  (library not found)\n";
            continue;
        }
        try {
            const auto lib = ModuleLibrary::load(path, runtime, p.id + ".list." + std::to_string(++n));
            if (const auto* d = lib->find(p.id))
                std::cout << "  " << kindName(d->kind) << " " << d->version << "  ABI " << lib->abiVersion() << "  "
                          << path << '\n';
            else
                std::cout << "  (id not offered; library offers: " << lib->offeredIds() << ")\n";
        } catch (const PluginError& e) {
            std::cout << "  (" << e.what() << ")\n";
        }
    }
    Poco::File(runtime).exists() ? Poco::File(runtime).remove(true) : void();
    return EXIT_OK;
}

int BourseApp::migrate() {
    const Config c = loadConfigOrExplain();
    log::configure(c.logLevel, c.logFormat);
    Database db(c.storage, c.dataDir);
    const int applied = db.migrate();
    std::cout << "schema at version " << db.schemaVersion() << " (" << applied << " applied)" << std::endl;
    return EXIT_OK;
}

int BourseApp::ledgerVerify() {
    const Config c = loadConfigOrExplain();
    log::configure("warn", c.logFormat);
    Database db(c.storage, c.dataDir);
    if (db.schemaVersion() < 2) {
        std::cerr << "ledger verify: " << db.describe() << " holds no ledger (run bourse migrate first)" << std::endl;
        return EXIT_DATAERR;
    }
    Poco::Data::Session s = db.session();
    const VerifyReport r = Ledger::verify(s);
    for (const auto& p : r.problems)
        std::cerr << "ledger verify: " << p << '\n';
    if (!r.problems.empty()) {
        std::cerr << "ledger verify: FAILED with " << r.problems.size() << " problem(s)" << std::endl;
        return EXIT_DATAERR;
    }
    std::cout << "ledger verify: OK (" << r.transactions << " transactions, " << r.accounts << " accounts)"
              << std::endl;
    return EXIT_OK;
}

int BourseApp::main(const std::vector<std::string>& args) {
    // Password hashing takes 19 MiB a time (argon2id). With glibc's adaptive
    // threshold, those blocks soon come from the heap instead of mmap and stay
    // resident after a burst of logins; a fixed threshold returns them at once.
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    if (_help) {
        printUsage();
        return EXIT_OK;
    }
    const std::string cmd = args.empty() ? "" : args[0];
    const std::string sub = args.size() > 1 ? args[1] : "";
    try {
        if (cmd == "serve") return serve();
        if (cmd == "config" && sub == "check") return configCheck();
        if (cmd == "plugins" && sub == "list") return pluginsList();
        if (cmd == "migrate") return migrate();
        if (cmd == "ledger" && sub == "verify") return ledgerVerify();
        if (cmd == "version") {
            std::cout << "bourse " << BOURSE_VERSION << " (plugin ABI " << BOURSE_ABI_MAJOR << "." << BOURSE_ABI_MINOR
                      << ")" << std::endl;
            return EXIT_OK;
        }
    } catch (const ConfigError& e) {
        std::cerr << "config error: " << e.what() << std::endl;
        return EXIT_CONFIG;
    } catch (const Poco::Exception& e) {
        std::cerr << "error: " << e.displayText() << std::endl;
        return EXIT_SOFTWARE;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << std::endl;
        return EXIT_SOFTWARE;
    }
    printUsage();
    return EXIT_USAGE;
}

}  // namespace bourse
