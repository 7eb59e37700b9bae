#pragma once
// A task run on a thread of its own every `period` until stopped: the snapshot refresher, the
// readiness probes. Stopping wakes the thread at once (no wait for the period to end).
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace paredao {

class PeriodicTask {
 public:
  // `name` names the thread (at most 15 characters show in top -H and perf).
  PeriodicTask(std::string name, std::chrono::milliseconds period, std::function<void()> task);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;
  // Waits for a run in progress, then stops. Idempotent.
  void stop();

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;     // last: starts once everything above exists
};

}  // namespace paredao
