//
// PluginProblem.h — a product's refusal as the HTTP error the client sees.
//
// Products refuse with "<field>: <why>" (see plugins/product/README.md); the
// kernel answers with the status the plugin's code maps to and names the field.
//
#pragma once

#include "http/HttpError.h"
#include "plugins/PluginError.h"

namespace bourse {

/// 400 for BOURSE_E_INVALID, 422 for REJECTED/INSUFFICIENT, 404, 503, else 500;
/// the detail is the plugin's own message, the field its leading word.
HttpError pluginProblem(const PluginError& error);

}  // namespace bourse
