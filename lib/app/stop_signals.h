#pragma once
// SIGTERM and SIGINT as a clean stop. Construct before starting any thread: the signals
// are blocked in the constructing thread, so every thread started after inherits the
// mask, and one thread takes them with sigwait and calls `on_stop`; no handler runs in
// signal context.

#include <signal.h>

#include <atomic>
#include <functional>
#include <thread>

namespace paymesh::app {

class StopSignals {
public:
  StopSignals();
  ~StopSignals() { finish(); }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Starts the waiting thread; `on_stop` runs on it at the first SIGTERM or SIGINT.
  void onStop(std::function<void()> on_stop);
  // Ends the thread (waking sigwait if no signal came): on_stop never runs after this.
  void finish();

private:
  sigset_t set_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace paymesh::app
