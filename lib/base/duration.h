#pragma once
// Kubernetes/Go duration strings ("500ms", "2s", "1h30m", "1.5h"), as
// time.ParseDuration accepts them and as CEL's duration() does.

#include <chrono>
#include <string>
#include <string_view>

#include "base/status.h"

namespace paymesh {

using Nanos = std::chrono::nanoseconds;

// Parses a Go duration. Negative durations are rejected: no paymesh field takes one.
Result<Nanos> parseDuration(std::string_view text);

// Formats as Go's Duration.String() does: "1h30m0s", "500ms", "0s".
std::string formatDuration(Nanos d);

// Seconds with up to nanosecond precision as protobuf JSON expects: "0.500s", "30s".
std::string formatProtoDuration(Nanos d);

}  // namespace paymesh
