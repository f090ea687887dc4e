//
// DcaParamsJson.h — a DCA bot's params JSON ⇄ the engine's DcaParams.
//
// Keys are the engine's field names (bourse/bots/DcaParams.h); README.md beside
// this plugin lists each one with its type, default and limits. Money is a
// decimal string at the pair's quote scale, percentages and scales decimal
// strings, counts whole numbers, durations whole seconds. "pair" and "venue"
// come from the kernel; the client order id prefix is venue.id_prefix.
//
// The normalised form (dcaParamsJson) is what validate() stores under
// "params"; reading it back gives the same terms, so a running bot is rebuilt
// from its position alone. Platform limits (DcaLimits) apply to new bots only:
// a config change never stops a bot already running.
// Thread-safe: functions of their arguments.
//
#pragma once

#include "DcaConfig.h"

#include <bourse/botkit/Json.h>
#include <bourse/botkit/Market.h>
#include <bourse/bots/DcaParams.h>

#include <string>

namespace bourse::dca {

/// What a DCA bot was created with.
struct DcaTerms {
    bots::DcaParams params;
    botkit::VenueTerms venue;
};

/// Reads params from `in`; every problem is recorded on in's error list, the
/// engine's checks (validateDca) included once the JSON itself is sound.
/// `limits` (null: none) caps max_active_deals and max_safety_orders.
DcaTerms readDcaTerms(const botkit::ParamReader& in, const DcaLimits* limits);

/// The normalised params object (pair and venue included).
botkit::JsonObject dcaParamsJson(const DcaTerms& terms);

/// The terms under "params" of a stored validate reply. Throws
/// Error(BOURSE_E_INTERNAL, "stored params: ...") when they do not read back.
DcaTerms storedDcaTerms(const std::string& paramsJson);

}  // namespace bourse::dca
