#pragma once
// RFC 3339 timestamps in UTC, as Kubernetes writes them: "2026-11-27T11:06:56Z"
// (metav1.Time), with microseconds for metav1.MicroTime (Leases), milliseconds in logs.

#include <chrono>
#include <string>

namespace paymesh {

// `fraction_digits` is 0 (seconds), 3 (milliseconds) or 6 (microseconds).
std::string formatRfc3339(std::chrono::system_clock::time_point t, int fraction_digits = 0);

}  // namespace paymesh
