#include "Review.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

namespace bourse::sumsub {

std::string reasonOf(const std::string& moderationComment, const std::vector<std::string>& labels) {
    std::string out = Poco::trim(moderationComment);
    if (labels.empty()) return out;
    if (!out.empty()) out += ' ';
    out += '[';
    for (std::size_t i = 0; i < labels.size(); ++i)
        out += (i ? ", " : "") + labels[i];
    return out + ']';
}

std::optional<Verdict> verdictOf(const Poco::JSON::Object::Ptr& reviewResult) {
    if (!reviewResult) return std::nullopt;
    const std::string answer = reviewResult->optValue<std::string>("reviewAnswer", "");
    if (answer == "GREEN") return Verdict{"approved", "", false, {}};
    if (answer != "RED") return std::nullopt;
    Verdict v{"rejected", "", reviewResult->optValue<std::string>("reviewRejectType", "") == "RETRY", {}};
    if (const auto labels = reviewResult->getArray("rejectLabels"))
        for (std::size_t i = 0; i < labels->size(); ++i) {
            const auto label = labels->get(static_cast<unsigned>(i));
            if (label.isString()) v.labels.push_back(label.convert<std::string>());
        }
    const auto comment = reviewResult->get("moderationComment");
    v.reason = reasonOf(comment.isString() ? comment.convert<std::string>() : "", v.labels);
    return v;
}

}  // namespace bourse::sumsub
