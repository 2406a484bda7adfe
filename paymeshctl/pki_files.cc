#include "paymeshctl/pki_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace paymesh::ctl {

Result<std::string> readSmallFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return notFound("cannot read " + path + ": " + std::strerror(errno));
  std::string out;
  char buf[8192];
  while (true) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0) {
      int err = errno;
      close(fd);
      return notFound("cannot read " + path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > (1u << 20)) {
      close(fd);
      return invalidArgument(path + " is larger than 1 MiB");
    }
  }
  close(fd);
  return out;
}

Status ensureDirectory(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    if (!std::filesystem::is_directory(dir, ec)) return invalidArgument(dir + " exists and is not a directory");
    return Status::ok();
  }
  if (!std::filesystem::create_directories(dir, ec) || ec) {
    return {Code::kUnavailable, "cannot create directory " + dir + ": " + ec.message()};
  }
  return Status::ok();
}

Status refuseToOverwrite(const std::vector<std::string>& paths, bool force) {
  if (force) return Status::ok();
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::exists(p, ec)) {
      return {Code::kAlreadyExists, p + " already exists; pass --force to overwrite it"};
    }
  }
  return Status::ok();
}

Status writeFileAtomically(const std::string& path, const std::string& content, mode_t mode) {
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = mkstemp(tmp.data());  // created 0600
  if (fd < 0) return {Code::kUnavailable, "cannot create a file next to " + path + ": " + std::strerror(errno)};
  auto fail = [&](const char* what) {
    Status s{Code::kUnavailable, std::string(what) + " " + path + ": " + std::strerror(errno)};
    close(fd);
    unlink(tmp.c_str());
    return s;
  };
  if (fchmod(fd, mode) != 0) return fail("cannot set the mode of");
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return fail("cannot sync");
  if (close(fd) != 0) {
    unlink(tmp.c_str());
    return {Code::kUnavailable, "cannot write " + path + ": " + std::strerror(errno)};
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    Status s{Code::kUnavailable, "cannot write " + path + ": " + std::strerror(errno)};
    unlink(tmp.c_str());
    return s;
  }
  return Status::ok();
}

}  // namespace paymesh::ctl
