//
// ModuleLibrary.h — one loaded plugin library (a "module") and its descriptors.
//
// Loading copies the file to a uniquely named path first, because dlopen caches
// by path: a reload of the same path would return the old code. The copy is
// unlinked once mapped. Versions are read from the exported bourse_module_entry
// constant before any plugin code runs; a wrong ABI major or a module needing a
// newer host is refused with one line naming the file and the reason.
//
// Lifetime: the library stays mapped while a ModuleLibrary (shared_ptr) exists;
// every plugin instance holds one, so code is unloaded only after its last
// instance is destroyed.
//
#pragma once

#include <bourse/plugin.h>

#include <boost/dll/shared_library.hpp>

#include <memory>
#include <string>
#include <vector>

namespace bourse {

class ModuleLibrary {
public:
    /// Loads `path` via a copy in `runtimeDir` named after `tag` (unique per load).
    /// Throws PluginError("<path>: <reason>") on any failure.
    static std::shared_ptr<ModuleLibrary> load(const std::string& path, const std::string& runtimeDir,
                                               const std::string& tag);

    ~ModuleLibrary();
    ModuleLibrary(const ModuleLibrary&) = delete;
    ModuleLibrary& operator=(const ModuleLibrary&) = delete;

    [[nodiscard]] const std::string& path() const noexcept { return _path; }
    [[nodiscard]] std::string buildInfo() const;
    [[nodiscard]] std::string abiVersion() const;
    /// BOURSE_ABI_MINOR the module was built with (what it expects of the host).
    [[nodiscard]] unsigned abiMinor() const noexcept { return _module ? _module->abi_minor : 0; }
    [[nodiscard]] const std::vector<const bourse_plugin_descriptor*>& descriptors() const noexcept {
        return _descriptors;
    }
    /// The descriptor with this id, or nullptr.
    [[nodiscard]] const bourse_plugin_descriptor* find(const std::string& id) const;
    /// "a, b" — ids offered, for "did you mean" messages.
    [[nodiscard]] std::string offeredIds() const;

private:
    ModuleLibrary() = default;

    std::string _path;
    boost::dll::shared_library _library;
    const bourse_module* _module = nullptr;
    std::vector<const bourse_plugin_descriptor*> _descriptors;
};

}  // namespace bourse
