#pragma once
// File I/O for the pki subcommands: reading PEM inputs, and writing outputs atomically
// with the right modes (keys 0600) without clobbering existing files unless forced.

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/status.h"

namespace paymesh::ctl {

inline constexpr mode_t kKeyFileMode = 0600;
inline constexpr mode_t kCertFileMode = 0644;

// Reads a whole file (at most 1 MiB). Errors name the path, never the content.
Result<std::string> readSmallFile(const std::string& path);

// Creates dir (and parents) if missing; an existing non-directory is an error.
Status ensureDirectory(const std::string& dir);

// kAlreadyExists naming the first of paths that exists, unless force.
Status refuseToOverwrite(const std::vector<std::string>& paths, bool force);

// Writes content to path through a temporary file in the same directory created with
// `mode` (so a key is never readable by others, not even briefly), then renames it.
Status writeFileAtomically(const std::string& path, const std::string& content, mode_t mode);

}  // namespace paymesh::ctl
