#pragma once
// RFC 3339 timestamps in UTC, as Kubernetes writes them: "2026-11-27T11:06:56Z"
// (metav1.Time), with microseconds for metav1.MicroTime (Leases), milliseconds in logs.

#include <chrono>
#include <optional>
#include <string>

namespace paymesh {

// `fraction_digits` is 0 (seconds), 3 (milliseconds) or 6 (microseconds).
std::string formatRfc3339(std::chrono::system_clock::time_point t, int fraction_digits = 0);

// Reads what formatRfc3339 writes ("...Z", with or without a fraction of up to 9 digits)
// and numeric offsets ("+01:00"); nullopt for anything else. A date outside what a time
// point holds (1677-09-21 to 2262-04-11) saturates at min() or max() (base/saturating_time.h).
std::optional<std::chrono::system_clock::time_point> parseRfc3339(const std::string& text);

}  // namespace paymesh
