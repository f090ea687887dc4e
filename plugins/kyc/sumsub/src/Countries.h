//
// Countries.h — ISO 3166-1 alpha-2 → alpha-3, because the kernel speaks alpha-2
// ("DE") and Sumsub's applicant fields take alpha-3 ("DEU").
//
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bourse::sumsub {

/// The alpha-3 code of an alpha-2 code (either case), or nullopt when it is not
/// an assigned code. Kosovo's user-assigned XK maps to XKX, as Sumsub uses it.
std::optional<std::string> alpha3(std::string_view alpha2);

}  // namespace bourse::sumsub
