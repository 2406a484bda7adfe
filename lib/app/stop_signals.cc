#include "app/stop_signals.h"

#include <pthread.h>

namespace paymesh::app {

StopSignals::StopSignals() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGTERM);
  sigaddset(&set_, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set_, nullptr);
}

void StopSignals::onStop(std::function<void()> on_stop) {
  thread_ = std::thread([this, on_stop = std::move(on_stop)] {
    int sig = 0;
    sigwait(&set_, &sig);
    if (!done_) on_stop();
  });
}

void StopSignals::finish() {
  done_ = true;
  if (thread_.joinable()) {
    pthread_kill(thread_.native_handle(), SIGTERM);
    thread_.join();
  }
}

}  // namespace paymesh::app
