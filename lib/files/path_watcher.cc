#include "files/path_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

namespace paymesh::files {
namespace {

namespace stdfs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kDirEvents = IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE | IN_MODIFY |
                                IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

// A directory watched for the paths whose entries it holds.
struct Dir {
  int wd = -1;           // -1: not watched (missing)
  bool primary = false;  // the parent of a given path (must exist at start; re-watched when back)
  std::map<std::string, std::set<size_t>> by_name;  // entry name -> indexes of the paths it affects
  std::set<size_t> all() const {
    std::set<size_t> out;
    for (const auto& [name, ids] : by_name) out.insert(ids.begin(), ids.end());
    return out;
  }
};

std::string parentOf(const stdfs::path& p) {
  auto parent = p.parent_path();
  return parent.empty() ? "." : parent.string();
}

}  // namespace

struct PathWatcher::Impl {
  std::vector<std::string> paths;
  Callback on_change;
  std::chrono::milliseconds settle{100};
  int inotify_fd = -1;
  int stop_fd = -1;
  std::map<std::string, Dir> dirs;  // by directory path
  std::map<int, std::string> by_wd;
  std::set<size_t> pending;
  Clock::time_point first_event{}, last_event{};
  std::jthread thread;

  ~Impl() {
    if (inotify_fd >= 0) ::close(inotify_fd);
    if (stop_fd >= 0) ::close(stop_fd);
  }

  bool watch(const std::string& dir_path, Dir& dir) {
    int wd = inotify_add_watch(inotify_fd, dir_path.c_str(), kDirEvents);
    if (wd < 0) return false;
    dir.wd = wd;
    by_wd[wd] = dir_path;
    return true;
  }

  void unwatch(Dir& dir) {
    if (dir.wd < 0) return;
    inotify_rm_watch(inotify_fd, dir.wd);  // fails harmlessly when the kernel dropped it already
    by_wd.erase(dir.wd);
    dir.wd = -1;
  }

  // The directories of what each path resolves to, when not its own parent: a symlink
  // into another directory is followed there too. Recomputed after every change.
  void refreshTargets() {
    std::map<std::string, std::map<std::string, std::set<size_t>>> wanted;
    for (size_t i = 0; i < paths.size(); ++i) {
      std::error_code ec;
      stdfs::path target = stdfs::canonical(paths[i], ec);
      if (ec) continue;
      std::string dir = parentOf(target);
      auto own = stdfs::canonical(parentOf(paths[i]), ec);
      if (!ec && own.string() == dir) continue;
      wanted[dir][target.filename().string()].insert(i);
    }
    for (auto it = dirs.begin(); it != dirs.end();) {
      Dir& d = it->second;
      if (!d.primary && !wanted.count(it->first)) {
        unwatch(d);
        it = dirs.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& [path, names] : wanted) {
      Dir& d = dirs[path];
      if (d.primary) {
        for (auto& [name, ids] : names) d.by_name[name].insert(ids.begin(), ids.end());
        continue;
      }
      d.by_name = std::move(names);
      if (d.wd < 0) watch(path, d);
    }
  }

  void markPending(const std::set<size_t>& ids) {
    if (ids.empty()) return;
    auto now = Clock::now();
    if (pending.empty()) first_event = now;
    last_event = now;
    pending.insert(ids.begin(), ids.end());
  }

  void readEvents() {
    alignas(struct inotify_event) char buf[16384];
    while (true) {
      ssize_t n = ::read(inotify_fd, buf, sizeof buf);
      if (n <= 0) return;  // EAGAIN: drained
      for (char* p = buf; p < buf + n;) {
        const auto* ev = reinterpret_cast<const struct inotify_event*>(p);
        p += sizeof(struct inotify_event) + ev->len;
        auto wd_it = by_wd.find(ev->wd);
        if (wd_it == by_wd.end()) continue;
        Dir& dir = dirs[wd_it->second];
        if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
          markPending(dir.all());
          if (ev->mask & IN_IGNORED) {
            by_wd.erase(ev->wd);
            dir.wd = -1;
          }
          continue;
        }
        if (ev->len == 0) continue;
        std::string name(ev->name);
        if (name.rfind("..", 0) == 0) {
          markPending(dir.all());
        } else if (auto it = dir.by_name.find(name); it != dir.by_name.end()) {
          markPending(it->second);
        }
      }
    }
  }

  void rewatchMissing() {
    for (auto& [path, dir] : dirs) {
      if (dir.primary && dir.wd < 0 && watch(path, dir)) markPending(dir.all());
    }
  }

  bool anyMissing() const {
    return std::any_of(dirs.begin(), dirs.end(), [](const auto& d) { return d.second.primary && d.second.wd < 0; });
  }

  // When the pending batch is due: quiet for `settle`, or pending for 10x `settle`.
  Clock::time_point due() const { return std::min(last_event + settle, first_event + 10 * settle); }

  void run(std::stop_token stop) {
    while (!stop.stop_requested()) {
      int timeout = -1;
      if (!pending.empty()) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(due() - Clock::now()).count();
        timeout = static_cast<int>(std::max<int64_t>(0, left));
      } else if (anyMissing()) {
        timeout = static_cast<int>(std::max<int64_t>(settle.count(), 100));
      }
      struct pollfd fds[2] = {{inotify_fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
      int r = ::poll(fds, 2, timeout);
      if (r < 0 && errno != EINTR) return;
      if (fds[1].revents) return;
      if (r > 0 && fds[0].revents) readEvents();
      rewatchMissing();
      if (!pending.empty() && Clock::now() >= due()) {
        refreshTargets();
        std::vector<std::string> changed;
        for (size_t i : pending) changed.push_back(paths[i]);
        pending.clear();
        on_change(changed);
      }
    }
  }
};

PathWatcher::PathWatcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PathWatcher::~PathWatcher() {
  if (!impl_) return;
  impl_->thread.request_stop();
  uint64_t one = 1;
  ssize_t ignored = ::write(impl_->stop_fd, &one, sizeof one);
  (void)ignored;
  if (impl_->thread.joinable()) impl_->thread.join();
}

Result<std::unique_ptr<PathWatcher>> PathWatcher::start(std::vector<std::string> paths, Callback on_change,
                                                        std::chrono::milliseconds settle) {
  if (paths.empty()) return invalidArgument("no path to watch");
  auto impl = std::make_unique<Impl>();
  impl->paths = std::move(paths);
  impl->on_change = std::move(on_change);
  impl->settle = settle;
  impl->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  impl->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (impl->inotify_fd < 0 || impl->stop_fd < 0) return internalError(std::string("inotify: ") + std::strerror(errno));
  for (size_t i = 0; i < impl->paths.size(); ++i) {
    stdfs::path p(impl->paths[i]);
    std::string dir = parentOf(p);
    Dir& d = impl->dirs[dir];
    d.primary = true;
    d.by_name[p.filename().string()].insert(i);
  }
  for (auto& [path, dir] : impl->dirs) {
    if (!impl->watch(path, dir)) return notFound("cannot watch directory " + path + ": " + std::strerror(errno));
  }
  impl->refreshTargets();
  Impl* raw = impl.get();
  impl->thread = std::jthread([raw](std::stop_token stop) { raw->run(stop); });
  return std::unique_ptr<PathWatcher>(new PathWatcher(std::move(impl)));
}

}  // namespace paymesh::files
