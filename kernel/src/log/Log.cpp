#include "log/Log.h"

#include <Poco/ConsoleChannel.h>
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <atomic>
#include <sstream>

namespace bourse::log {
namespace {

std::atomic<bool> g_json{false};
std::atomic<int> g_minLevel{static_cast<int>(Level::Info)};

const char* name(Level l) {
    switch (l) {
        case Level::Debug:
            return "debug";
        case Level::Info:
            return "info";
        case Level::Warn:
            return "warn";
        case Level::Error:
            return "error";
    }
    return "info";
}

Poco::Message::Priority priority(Level l) {
    switch (l) {
        case Level::Debug:
            return Poco::Message::PRIO_DEBUG;
        case Level::Info:
            return Poco::Message::PRIO_INFORMATION;
        case Level::Warn:
            return Poco::Message::PRIO_WARNING;
        case Level::Error:
            return Poco::Message::PRIO_ERROR;
    }
    return Poco::Message::PRIO_INFORMATION;
}

// logfmt quoting: bare when safe, otherwise quoted with \" and \\ escaped.
void appendValue(std::ostringstream& out, std::string_view v) {
    const bool bare = !v.empty() && v.find_first_of(" \"=\\\n\t") == std::string_view::npos;
    if (bare) {
        out << v;
        return;
    }
    out << '"';
    for (char c : v) {
        if (c == '"' || c == '\\')
            out << '\\' << c;
        else if (c == '\n')
            out << "\\n";
        else
            out << c;
    }
    out << '"';
}

}  // namespace

void configure(std::string_view level, std::string_view format) {
    Level l = Level::Info;
    if (level == "debug")
        l = Level::Debug;
    else if (level == "warn")
        l = Level::Warn;
    else if (level == "error")
        l = Level::Error;
    g_minLevel = static_cast<int>(l);
    g_json = format == "json";
    auto& root = Poco::Logger::root();
    root.setChannel(new Poco::ConsoleChannel);  // std::clog, i.e. stderr
    root.setLevel(Poco::Message::PRIO_DEBUG);
}

void write(Level level, std::string_view component, std::string_view msg, std::initializer_list<Field> fields) {
    if (static_cast<int>(level) < g_minLevel.load(std::memory_order_relaxed)) return;
    const std::string ts = Poco::DateTimeFormatter::format(Poco::DateTime(), Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
    std::string line;
    if (g_json) {
        Poco::JSON::Object o;
        o.set("ts", ts);
        o.set("level", name(level));
        o.set("component", std::string(component));
        o.set("msg", std::string(msg));
        for (const auto& [k, v] : fields)
            o.set(std::string(k), v);
        std::ostringstream s;
        o.stringify(s);
        line = s.str();
    } else {
        std::ostringstream s;
        s << "ts=" << ts << " level=" << name(level) << " component=" << component << " msg=";
        appendValue(s, msg);
        for (const auto& [k, v] : fields) {
            s << ' ' << k << '=';
            appendValue(s, v);
        }
        line = s.str();
    }
    Poco::Logger::get("bourse").log(Poco::Message("bourse", line, priority(level)));
}

}  // namespace bourse::log
