#pragma once
// Structured logs on stderr: one line per record, as JSON or as key=value text.
// Fields are passed by the caller (namespace/name of the object, reconcile id, ...).

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace paymesh::obs {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class LogFormat { kText, kJson };

using LogFields = std::vector<std::pair<std::string, std::string>>;

// Parses "debug" | "info" | "warn" | "error" and "text" | "json"; false on anything else.
bool parseLogLevel(const std::string& s, LogLevel& out);
bool parseLogFormat(const std::string& s, LogFormat& out);

void setLogLevel(LogLevel level);
void setLogFormat(LogFormat format);
bool logEnabled(LogLevel level);

// Formats one record (without writing it), for tests. `time` is RFC 3339.
std::string formatLogRecord(LogFormat format, const std::string& time, LogLevel level, const std::string& message,
                            const LogFields& fields);

// Fields added to every record this thread logs while the scope lives (scopes nest):
// a controller's worker opens one per pass with controller, namespace, name and
// reconcile_id, so whatever the reconciler logs carries them without passing them on.
class LogScope {
public:
  explicit LogScope(LogFields fields);
  ~LogScope();
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;

private:
  size_t previous_size_;
};
// The fields of the scopes open on this thread, outermost first.
const LogFields& scopeFields();

// Writes one record: the scope's fields, then `fields`.
void log(LogLevel level, const std::string& message, const LogFields& fields = {});
inline void logInfo(const std::string& m, const LogFields& f = {}) { log(LogLevel::kInfo, m, f); }
inline void logWarn(const std::string& m, const LogFields& f = {}) { log(LogLevel::kWarn, m, f); }
inline void logError(const std::string& m, const LogFields& f = {}) { log(LogLevel::kError, m, f); }
inline void logDebug(const std::string& m, const LogFields& f = {}) { log(LogLevel::kDebug, m, f); }

}  // namespace paymesh::obs
