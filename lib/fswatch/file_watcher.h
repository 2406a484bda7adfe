#pragma once
// Watches one file with inotify and calls back when it may have changed, without
// polling. It watches the file's directory, so it sees each way a file is replaced:
//   - written in place (IN_CLOSE_WRITE), or created or renamed over (IN_CREATE,
//     IN_MOVED_TO);
//   - a file of a mounted ConfigMap or Secret: the kubelet writes the new contents into
//     a fresh timestamped directory and renames a `..data` symlink over the old one
//     (`<dir>/<name>` is itself a symlink to `..data/<name>` and never changes), which
//     shows as IN_MOVED_TO of `..data`;
//   - the directory removed and made again: the watch is set up again once it exists.
// The callback runs on the watcher's own thread, one call at a time, once per batch of
// events that concern the file; one change may still give more than one call (a swap is
// several steps), so callers compare what they read with what they hold.

#include <functional>
#include <memory>
#include <string>

#include "base/status.h"

namespace paymesh::fswatch {

class FileWatcher {
public:
  // Watches `path` (its directory must exist) until destroyed.
  static Result<std::unique_ptr<FileWatcher>> start(const std::string& path, std::function<void()> on_change);
  ~FileWatcher();  // stops the thread; no callback runs after it returns
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

private:
  FileWatcher() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace paymesh::fswatch
