#include "obs/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <nlohmann/json.hpp>

#include "base/time_format.h"

namespace paymesh::obs {

namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<int> g_format{static_cast<int>(LogFormat::kText)};
std::mutex g_write_mu;

const char* levelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

std::string quoteIfNeeded(const std::string& v) {
  bool plain = !v.empty();
  for (char c : v)
    if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\\') plain = false;
  return plain ? v : nlohmann::json(v).dump();
}

std::string nowRfc3339() { return formatRfc3339(std::chrono::system_clock::now(), 3); }

thread_local LogFields t_scope_fields;

}  // namespace

LogScope::LogScope(LogFields fields) : previous_size_(t_scope_fields.size()) {
  for (auto& f : fields) t_scope_fields.push_back(std::move(f));
}

LogScope::~LogScope() { t_scope_fields.resize(previous_size_); }

const LogFields& scopeFields() { return t_scope_fields; }

bool parseLogLevel(const std::string& s, LogLevel& out) {
  if (s == "debug")
    out = LogLevel::kDebug;
  else if (s == "info")
    out = LogLevel::kInfo;
  else if (s == "warn")
    out = LogLevel::kWarn;
  else if (s == "error")
    out = LogLevel::kError;
  else
    return false;
  return true;
}

bool parseLogFormat(const std::string& s, LogFormat& out) {
  if (s == "text")
    out = LogFormat::kText;
  else if (s == "json")
    out = LogFormat::kJson;
  else
    return false;
  return true;
}

void setLogLevel(LogLevel level) { g_level = static_cast<int>(level); }
void setLogFormat(LogFormat format) { g_format = static_cast<int>(format); }
bool logEnabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(); }

std::string formatLogRecord(LogFormat format, const std::string& time, LogLevel level, const std::string& message,
                            const LogFields& fields) {
  if (format == LogFormat::kJson) {
    nlohmann::ordered_json j = {{"ts", time}, {"level", levelName(level)}, {"msg", message}};
    for (const auto& [k, v] : fields) j[k] = v;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string out = "ts=" + time + " level=" + levelName(level) + " msg=" + quoteIfNeeded(message);
  for (const auto& [k, v] : fields) out += " " + k + "=" + quoteIfNeeded(v);
  return out;
}

void log(LogLevel level, const std::string& message, const LogFields& fields) {
  if (!logEnabled(level)) return;
  const LogFields* all = &fields;
  LogFields merged;
  if (!t_scope_fields.empty()) {
    merged = t_scope_fields;
    merged.insert(merged.end(), fields.begin(), fields.end());
    all = &merged;
  }
  std::string line =
      formatLogRecord(static_cast<LogFormat>(g_format.load()), nowRfc3339(), level, message, *all) + "\n";
  std::lock_guard lock(g_write_mu);
  std::fputs(line.c_str(), stderr);
}

}  // namespace paymesh::obs
