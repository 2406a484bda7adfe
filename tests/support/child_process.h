#pragma once
// A binary of the build run as a child process with its output in a log file (stopped
// with SIGTERM, then SIGKILL if it has not exited within 10 s), and a free loopback port
// to give it.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace paymesh::testing {

// A port nothing listens on right now (the kernel's pick for a socket bound to port 0).
inline uint16_t freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

class ChildProcess {
public:
  ChildProcess(const std::string& bin, const std::vector<std::string>& args, const std::string& log) {
    pid_ = fork();
    if (pid_ != 0) return;
    if (FILE* f = std::fopen(log.c_str(), "w")) {
      dup2(fileno(f), 2);
      dup2(fileno(f), 1);
    }
    std::vector<std::string> copy = args;
    std::vector<char*> argv = {const_cast<char*>(bin.c_str())};
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  ~ChildProcess() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 1000; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

private:
  pid_t pid_ = -1;
};

}  // namespace paymesh::testing
