#pragma once
// A deadline for sending: rabbitmq-c writes a message with no timeout, and a broker that stops
// reading a connection (what RabbitMQ does to publishers during a memory or disk alarm) would
// hold the sender for as long as the alarm lasts once the socket buffers are full. The watchdog
// shuts the socket down when a send outlives its deadline: the send then fails, the message is
// incomplete, and the broker discards it with the connection.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace paredao::amqp {

class SendWatchdog {
 public:
  using Clock = std::chrono::steady_clock;

  SendWatchdog();
  ~SendWatchdog();
  SendWatchdog(const SendWatchdog&) = delete;
  SendWatchdog& operator=(const SendWatchdog&) = delete;

  // While alive, `fd` is shut down if still sending at `deadline`. One at a time.
  class Armed {
   public:
    ~Armed() { watchdog_.disarm(); }
    Armed(const Armed&) = delete;
    Armed& operator=(const Armed&) = delete;

   private:
    friend class SendWatchdog;
    explicit Armed(SendWatchdog& watchdog) : watchdog_(watchdog) {}
    SendWatchdog& watchdog_;
  };
  [[nodiscard]] Armed arm(int fd, Clock::time_point deadline);
  // Whether the last armed send was cut.
  bool fired() const;

 private:
  void disarm();
  void run();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  // The send being watched; guarded by mutex_ (the sender clears it before its socket can be
  // closed, so the watchdog never shuts down a descriptor that was reused).
  std::optional<std::pair<int, Clock::time_point>> watched_;
  bool fired_ = false;     // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;     // last: starts once everything above exists
};

}  // namespace paredao::amqp
