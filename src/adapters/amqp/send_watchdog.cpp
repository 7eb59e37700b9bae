#include "adapters/amqp/send_watchdog.hpp"

#include <pthread.h>
#include <sys/socket.h>

#include "adapters/logging/json_log.hpp"

namespace paredao::amqp {

SendWatchdog::SendWatchdog() : thread_([this] { run(); }) {}

SendWatchdog::~SendWatchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

SendWatchdog::Armed SendWatchdog::arm(int fd, Clock::time_point deadline) {
  {
    std::lock_guard lock(mutex_);
    watched_.emplace(fd, deadline);
    fired_ = false;
  }
  wake_.notify_all();
  return Armed(*this);
}

void SendWatchdog::disarm() {
  std::lock_guard lock(mutex_);
  watched_.reset();
}

bool SendWatchdog::fired() const {
  std::lock_guard lock(mutex_);
  return fired_;
}

void SendWatchdog::run() {
  pthread_setname_np(pthread_self(), "amqp-watchdog");
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!watched_) {
      wake_.wait(lock, [this] { return stopping_ || watched_.has_value(); });
      continue;
    }
    const auto [fd, deadline] = *watched_;
    if (Clock::now() < deadline) {
      wake_.wait_until(lock, deadline);
      continue;
    }
    // Still the same send, past its deadline (the lock keeps the sender from closing it).
    ::shutdown(fd, SHUT_RDWR);
    fired_ = true;
    watched_.reset();
    log::warn("rabbitmq_send_cut", {{"hint", "the broker stopped reading (a resource alarm?)"}});
  }
}

}  // namespace paredao::amqp
