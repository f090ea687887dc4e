//
// bourse/validate.hpp — the rules a module and its descriptors must satisfy.
//
// Header-only. The kernel applies these checks when it loads a library, and the
// conformance kit applies the same ones in plugin unit tests, so a plugin that
// passes its tests is not refused at load time for a reason the tests missed.
//
// Each function returns an empty string when the input is valid, otherwise a
// one-line reason suitable for a log line or an API error.
//
#ifndef BOURSE_VALIDATE_HPP
#define BOURSE_VALIDATE_HPP

#include <bourse/plugin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace bourse {

static_assert(sizeof(bourse_kind) == sizeof(std::int32_t), "the ABI assumes 32-bit enums");

/// Checks the module header against the host's ABI (hostMajor.hostMinor).
inline std::string checkModule(const bourse_module& m, unsigned hostMajor = BOURSE_ABI_MAJOR,
                               unsigned hostMinor = BOURSE_ABI_MINOR) {
    if (m.struct_size < sizeof(std::uint32_t) * 1 + sizeof(std::uint16_t) * 4)
        return "module header too small (" + std::to_string(m.struct_size) + " bytes)";
    if (m.abi_major != hostMajor)
        return "ABI major " + std::to_string(m.abi_major) + " is not supported (host ABI " + std::to_string(hostMajor) +
               "." + std::to_string(hostMinor) + ")";
    if (m.min_host_major > hostMajor || (m.min_host_major == hostMajor && m.min_host_minor > hostMinor))
        return "needs host API " + std::to_string(m.min_host_major) + "." + std::to_string(m.min_host_minor) +
               " or newer (this host provides " + std::to_string(hostMajor) + "." + std::to_string(hostMinor) + ")";
    // The versions fit in 12 bytes so any major can be refused by name; within
    // our major the whole header must be there before register_plugins is read.
    if (m.struct_size < offsetof(bourse_module, register_plugins) + sizeof(void*))
        return "module header too small (" + std::to_string(m.struct_size) + " bytes)";
    if (m.register_plugins == nullptr) return "module has no register_plugins function";
    return {};
}

/// True for ids like "otc", "price.binance", "grid-bot": [a-z0-9][a-z0-9._-]{0,63}.
inline bool isValidPluginId(const char* id) {
    if (id == nullptr || *id == '\0') return false;
    const std::size_t n = std::strlen(id);
    if (n > 64) return false;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = id[i];
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
    }
    return true;
}

/// True for "MAJOR.MINOR.PATCH" with an optional "-prerelease" / "+build" tail.
inline bool isValidSemver(const char* v) {
    if (v == nullptr) return false;
    int parts = 0;
    const char* p = v;
    while (true) {
        if (*p < '0' || *p > '9') return false;
        if (*p == '0' && p[1] >= '0' && p[1] <= '9') return false;  // no leading zeros
        while (*p >= '0' && *p <= '9')
            ++p;
        ++parts;
        if (parts == 3) break;
        if (*p != '.') return false;
        ++p;
    }
    return *p == '\0' || *p == '-' || *p == '+';
}

/// Checks one descriptor: size, kind, id, version and required entries.
inline std::string checkDescriptor(const bourse_plugin_descriptor* d) {
    if (d == nullptr) return "null descriptor";
    if (d->struct_size < offsetof(bourse_plugin_descriptor, kind_api) + sizeof(void*))
        return "descriptor too small (" + std::to_string(d->struct_size) + " bytes)";
    if (!isValidPluginId(d->id))
        return std::string("invalid plugin id '") + (d->id ? d->id : "(null)") +
               "' (expected [a-z0-9][a-z0-9._-]{0,63})";
    const std::string who = std::string("plugin '") + d->id + "': ";
    if (!isValidSemver(d->version))
        return who + "invalid version '" + (d->version ? d->version : "(null)") + "' (expected MAJOR.MINOR.PATCH)";
    if (d->create == nullptr || d->destroy == nullptr) return who + "create and destroy are required";
    if (d->kind_api == nullptr) return who + "kind_api is required";
    const auto size = *static_cast<const std::uint32_t*>(d->kind_api);
    // Read the kind as a plain integer: a foreign module may send any value, and
    // loading an out-of-range value as the enum type is undefined behaviour.
    std::int32_t kind = 0;
    std::memcpy(&kind, &d->kind, sizeof kind);
    switch (kind) {
        case BOURSE_KIND_PRICE_SOURCE: {
            const auto* t = static_cast<const bourse_price_source_api*>(d->kind_api);
            if (size < offsetof(bourse_price_source_api, list_instruments) + sizeof(void*) || !t->list_instruments)
                return who + "price source requires list_instruments";
            return {};
        }
        case BOURSE_KIND_PAYMENT_GATEWAY: {
            const auto* t = static_cast<const bourse_payment_gateway_api*>(d->kind_api);
            if (size < offsetof(bourse_payment_gateway_api, verify_webhook) + sizeof(void*) || !t->create_deposit ||
                !t->verify_webhook)
                return who + "payment gateway requires create_deposit and verify_webhook";
            return {};
        }
        case BOURSE_KIND_TRADE_PRODUCT: {
            const auto* t = static_cast<const bourse_trade_product_api*>(d->kind_api);
            if (size < offsetof(bourse_trade_product_api, settle) + sizeof(void*) || !t->validate || !t->open ||
                !t->settle)
                return who + "trade product requires validate, open and settle";
            return {};
        }
        case BOURSE_KIND_KYC_PROVIDER: {
            const auto* t = static_cast<const bourse_kyc_provider_api*>(d->kind_api);
            if (size < offsetof(bourse_kyc_provider_api, start_verification) + sizeof(void*) || !t->start_verification)
                return who + "KYC provider requires start_verification";
            return {};
        }
    }
    return who + "unknown kind " + std::to_string(kind);
}

/// "price_source", "payment_gateway", "trade_product", "kyc_provider" or "unknown".
inline const char* kindName(bourse_kind k) {
    switch (k) {
        case BOURSE_KIND_PRICE_SOURCE:
            return "price_source";
        case BOURSE_KIND_PAYMENT_GATEWAY:
            return "payment_gateway";
        case BOURSE_KIND_TRADE_PRODUCT:
            return "trade_product";
        case BOURSE_KIND_KYC_PROVIDER:
            return "kyc_provider";
    }
    return "unknown";
}

}  // namespace bourse

#endif  // BOURSE_VALIDATE_HPP
