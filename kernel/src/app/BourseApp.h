//
// BourseApp.h — the `bourse` command: a Poco ServerApplication with subcommands.
//
//   bourse serve         --config PATH [--port N] [--data-dir DIR]
//   bourse config check  --config PATH
//   bourse plugins list  --config PATH
//   bourse migrate       --config PATH [--data-dir DIR]
//   bourse ledger verify --config PATH [--data-dir DIR]
//   bourse version
//
// --config defaults to $BOURSE_CONFIG, then config/bourse.yaml. Plugin
// libraries are searched in the config's plugin_dirs, $BOURSE_PLUGIN_PATH
// (colon-separated) and next to the binary (../plugins, ../lib/bourse/plugins).
//
#pragma once

#include "config/Config.h"

#include <Poco/Util/ServerApplication.h>

#include <optional>
#include <string>
#include <vector>

namespace bourse {

class BourseApp : public Poco::Util::ServerApplication {
protected:
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int main(const std::vector<std::string>& args) override;

private:
    Config loadConfigOrExplain();
    std::vector<std::string> defaultPluginDirs() const;
    int serve();
    int configCheck();
    int pluginsList();
    int migrate();
    int ledgerVerify();
    void printUsage() const;

    std::string _configPath;
    std::optional<int> _port;
    std::string _dataDir;
    bool _help = false;
};

}  // namespace bourse
