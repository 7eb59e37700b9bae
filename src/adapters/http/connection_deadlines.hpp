#pragma once
// Read and write deadlines of one I/O thread's connections, checked by a periodic sweep instead
// of a timer per operation. Beast's basic_stream starts and cancels a timer around every read and
// write (a heap insertion and removal under the reactor's lock, sometimes a timerfd update):
// 1–2.5 µs of a 15 µs results request. Here arming a deadline is one store; the thread sweeps
// its connections every few hundred milliseconds and expires those past their deadline, so a
// deadline fires at most one sweep period late — nothing for timeouts counted in seconds.
#include <chrono>
#include <cstddef>
#include <functional>
#include <unordered_set>
#include <vector>

namespace paredao::http {

// Confined to one thread: the connections' and the sweep's.
class ConnectionDeadlines {
 public:
  using Clock = std::chrono::steady_clock;

  class Deadline {
   public:
    // `on_expiry` runs (from sweep) once per armed deadline that passed.
    explicit Deadline(std::function<void()> on_expiry) : on_expiry_(std::move(on_expiry)) {}
    void arm(Clock::duration after) { at_ = Clock::now() + after; }
    void arm_until(Clock::time_point at) { at_ = at; }
    void disarm() { at_ = Clock::time_point::max(); }

   private:
    friend class ConnectionDeadlines;
    Clock::time_point at_ = Clock::time_point::max();
    std::function<void()> on_expiry_;
  };

  void add(Deadline& deadline) { deadlines_.insert(&deadline); }
  void remove(Deadline& deadline) { deadlines_.erase(&deadline); }
  std::size_t size() const { return deadlines_.size(); }

  // Disarms and expires every deadline at or before `now`; returns how many.
  std::size_t sweep(Clock::time_point now) {
    expired_.clear();
    for (auto* deadline : deadlines_) {
      if (deadline->at_ <= now) expired_.push_back(deadline);
    }
    // Collected first: an expiry may add or remove connections.
    for (auto* deadline : expired_) {
      deadline->disarm();
      deadline->on_expiry_();
    }
    return expired_.size();
  }

 private:
  std::unordered_set<Deadline*> deadlines_;
  std::vector<Deadline*> expired_;  // reused by every sweep
};

}  // namespace paredao::http
