#include "plugins/ModuleLibrary.h"

#include "plugins/PluginError.h"

#include <bourse/validate.hpp>

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <cstring>
#include <fstream>

namespace bourse {

const char* statusName(bourse_status s) {
    switch (s) {
        case BOURSE_OK:
            return "ok";
        case BOURSE_E_INVALID:
            return "invalid";
        case BOURSE_E_NOT_FOUND:
            return "not_found";
        case BOURSE_E_UNSUPPORTED:
            return "unsupported";
        case BOURSE_E_UNAVAILABLE:
            return "unavailable";
        case BOURSE_E_REJECTED:
            return "rejected";
        case BOURSE_E_INSUFFICIENT:
            return "insufficient";
        case BOURSE_E_SIGNATURE:
            return "signature";
        case BOURSE_E_CONFIG:
            return "config";
        case BOURSE_E_INTERNAL:
            return "internal";
    }
    return "unknown";
}

namespace {

// Boost.DLL wraps dlerror() as "...(dlerror system message: TEXT): stale errno";
// only TEXT is meaningful.
std::string dlReason(const std::string& what) {
    const std::string marker = "dlerror system message: ";
    const auto start = what.find(marker);
    if (start == std::string::npos) return what;
    const auto from = start + marker.size();
    const auto end = what.rfind("):");
    std::string text = what.substr(from, end == std::string::npos || end < from ? std::string::npos : end - from);
    // dlerror repeats the (temporary copy's) path: "…/x.3.so: file too short" → "file too short".
    if (const auto colon = text.find(": "); colon != std::string::npos && text[0] == '/') text = text.substr(colon + 2);
    return text;
}

bool looksLikeElf(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    return in.gcount() == 4 && std::memcmp(magic,
                                           "\x7f"
                                           "ELF",
                                           4) == 0;
}

struct Registration {
    std::vector<const bourse_plugin_descriptor*> accepted;
    std::string error;
};

bourse_status registrarAdd(void* ctx, const bourse_plugin_descriptor* d) {
    auto* r = static_cast<Registration*>(ctx);
    if (std::string why = checkDescriptor(d); !why.empty()) {
        if (r->error.empty()) r->error = why;
        return BOURSE_E_INVALID;
    }
    for (const auto* other : r->accepted)
        if (std::strcmp(other->id, d->id) == 0) {
            if (r->error.empty()) r->error = std::string("plugin id '") + d->id + "' registered twice";
            return BOURSE_E_INVALID;
        }
    r->accepted.push_back(d);
    return BOURSE_OK;
}

void registrarSetError(void* ctx, bourse_str msg) {
    auto* r = static_cast<Registration*>(ctx);
    if (r->error.empty()) r->error.assign(msg.data ? msg.data : "", msg.data ? msg.len : 0);
}

}  // namespace

std::shared_ptr<ModuleLibrary> ModuleLibrary::load(const std::string& path, const std::string& runtimeDir,
                                                   const std::string& tag) {
    const auto fail = [&](const std::string& reason) -> PluginError { return PluginError(path + ": " + reason); };
    Poco::File source(path);
    if (!source.exists()) throw fail("no such file");
    if (!looksLikeElf(path)) throw fail("not a shared library (no ELF header)");

    const std::string copy = Poco::Path(Poco::Path(runtimeDir).makeDirectory(), tag + ".so").toString();
    const auto discard = [&copy] {
        if (Poco::File f(copy); f.exists()) f.remove(false);
    };
    try {
        Poco::File(runtimeDir).createDirectories();
        discard();  // a stale copy from a crashed run: never reuse the path
        source.copyTo(copy);
    } catch (const Poco::Exception& e) {
        throw fail("cannot copy to " + runtimeDir + ": " + e.displayText());
    }

    std::shared_ptr<ModuleLibrary> lib(new ModuleLibrary);
    lib->_path = path;
    try {
        lib->_library.load(copy, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
        discard();
        throw fail("cannot load: " + dlReason(e.what()));
    }
    discard();  // mapped now; the name is no longer needed

    // (boost::dll::library_info could check this before loading, but in Boost 1.74
    // it misreads some valid libraries, e.g. sanitizer builds.)
    if (!lib->_library.has(BOURSE_MODULE_SYMBOL))
        throw fail(std::string("missing entry symbol ") + BOURSE_MODULE_SYMBOL + " (not a Bourse plugin?)");
    lib->_module = &lib->_library.get<const bourse_module>(BOURSE_MODULE_SYMBOL);
    if (std::string why = checkModule(*lib->_module); !why.empty()) throw fail(why);

    Registration reg;
    const bourse_registrar registrar{sizeof(bourse_registrar), &reg, &registrarAdd, &registrarSetError};
    const bourse_status s = lib->_module->register_plugins(&registrar);
    if (s != BOURSE_OK)
        throw fail("registration failed (" + std::string(statusName(s)) + ")" +
                   (reg.error.empty() ? "" : ": " + reg.error));
    if (reg.accepted.empty()) throw fail("module registered no plugins");
    lib->_descriptors = std::move(reg.accepted);
    return lib;
}

ModuleLibrary::~ModuleLibrary() = default;

std::string ModuleLibrary::buildInfo() const {
    return _module && _module->build_info ? _module->build_info : "";
}

std::string ModuleLibrary::abiVersion() const {
    return _module ? std::to_string(_module->abi_major) + "." + std::to_string(_module->abi_minor) : "";
}

const bourse_plugin_descriptor* ModuleLibrary::find(const std::string& id) const {
    for (const auto* d : _descriptors)
        if (id == d->id) return d;
    return nullptr;
}

std::string ModuleLibrary::offeredIds() const {
    std::string out;
    for (const auto* d : _descriptors)
        out += (out.empty() ? "" : ", ") + std::string(d->id);
    return out;
}

}  // namespace bourse
