#include "fswatch/file_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

namespace paymesh::fswatch {

namespace {

constexpr uint32_t kDirEvents =
    IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
// How often a watcher whose directory is gone looks for it again: the one case that
// inotify cannot wait for (there is nothing left to watch).
constexpr int kDirectoryGoneRetryMs = 1000;

Status errnoStatus(const std::string& what) { return unavailable(what + ": " + std::strerror(errno)); }

}  // namespace

struct FileWatcher::Impl {
  std::string dir;
  std::string name;
  std::function<void()> on_change;
  int inotify_fd = -1;
  int stop_fd = -1;
  int watch = -1;
  std::jthread thread;

  ~Impl() {
    if (stop_fd >= 0) {
      uint64_t one = 1;
      [[maybe_unused]] auto n = ::write(stop_fd, &one, sizeof one);
    }
    if (thread.joinable()) thread.join();
    if (inotify_fd >= 0) ::close(inotify_fd);
    if (stop_fd >= 0) ::close(stop_fd);
  }

  bool addWatch() {
    watch = inotify_add_watch(inotify_fd, dir.c_str(), kDirEvents);
    return watch >= 0;
  }

  // Reads what is pending; true when an event concerns the file (or the directory itself).
  bool drain() {
    alignas(inotify_event) char buf[16 * 1024];
    bool changed = false;
    for (;;) {
      ssize_t n = ::read(inotify_fd, buf, sizeof buf);
      if (n <= 0) return changed;
      for (char* p = buf; p < buf + n;) {
        auto* ev = reinterpret_cast<inotify_event*>(p);
        std::string ev_name = ev->len > 0 ? std::string(ev->name) : std::string();
        if (ev_name == name || ev_name == "..data") changed = true;
        if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
          changed = true;
          watch = -1;  // the directory went away: watched again once it is back
        }
        p += sizeof(inotify_event) + ev->len;
      }
    }
  }

  void run() {
    for (;;) {
      pollfd fds[2] = {{inotify_fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
      int timeout = watch < 0 ? kDirectoryGoneRetryMs : -1;
      int r = ::poll(fds, 2, timeout);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 || (fds[1].revents & POLLIN)) return;
      bool changed = (fds[0].revents & POLLIN) && drain();
      if (watch < 0 && addWatch()) changed = true;  // back: whatever it holds now is news
      if (changed && on_change) on_change();
    }
  }
};

Result<std::unique_ptr<FileWatcher>> FileWatcher::start(const std::string& path, std::function<void()> on_change) {
  std::filesystem::path p = std::filesystem::absolute(path);
  std::unique_ptr<FileWatcher> w(new FileWatcher());
  w->impl_ = std::make_unique<Impl>();
  Impl& impl = *w->impl_;
  impl.dir = p.parent_path().string();
  impl.name = p.filename().string();
  impl.on_change = std::move(on_change);
  impl.inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (impl.inotify_fd < 0) return errnoStatus("inotify_init1");
  impl.stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (impl.stop_fd < 0) return errnoStatus("eventfd");
  if (!impl.addWatch()) return errnoStatus("watching " + impl.dir);
  impl.thread = std::jthread([&impl] { impl.run(); });
  return w;
}

FileWatcher::~FileWatcher() = default;

}  // namespace paymesh::fswatch
