#pragma once
// Watches files for changes to what their paths read, with inotify, the way Kubernetes
// updates mounted ConfigMaps and Secrets.
//
// The kubelet never writes a mounted file in place: it writes a new timestamped directory,
// points a temporary symlink at it and renames that over `..data`; the visible files are
// symlinks into `..data`, so their own inodes never change. A watch on a file would miss
// every update, so this watches the *directory* holding each path (and the directory of
// the file the path resolves to, when a symlink leads elsewhere) and reports the path when
// an entry of that directory is created, written, moved in or out, deleted or has its
// attributes changed, if the entry has the file's name or a name starting with ".."
// (`..data`, `..2024_01_01_00_00_00.123`). So one watcher serves a file edited in place,
// a file replaced by rename (editors, `kubectl cp`), and a mounted volume.
//
// Semantics:
// - A report means "may have changed": the callback re-reads and compares.
// - Events closer than `settle` to each other coalesce into one call (a `..data` swap is
//   several events), made once they stop; the call lists each affected path once.
// - The callback runs on the watcher's own thread, one call at a time.
// - A watched directory that disappears is watched again when it comes back (checked
//   every `settle`, at least every 100 ms); its paths are reported then.
// - Every directory must exist at start(); the files need not.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace paymesh::files {

class PathWatcher {
public:
  using Callback = std::function<void(const std::vector<std::string>& changed)>;

  // Starts watching; fails when a directory does not exist or inotify cannot be set up.
  static Result<std::unique_ptr<PathWatcher>> start(std::vector<std::string> paths, Callback on_change,
                                                    std::chrono::milliseconds settle = std::chrono::milliseconds(100));
  ~PathWatcher();  // stops and joins the thread; no call is made after it returns
  PathWatcher(const PathWatcher&) = delete;
  PathWatcher& operator=(const PathWatcher&) = delete;

private:
  struct Impl;
  explicit PathWatcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace paymesh::files
