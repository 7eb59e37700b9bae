#pragma once
// Publishes messages to the vote queue and waits for the broker's confirm of each.
#include <atomic>
#include <chrono>
#include <memory>
#include <string_view>

#include "adapters/amqp/amqp_connection.hpp"
#include "adapters/amqp/send_watchdog.hpp"

namespace paredao::amqp {

enum class PublishResult {
  kConfirmed,  // the broker stored it (quorum majority)
  kNotSent,    // certainly not in the queue: never sent, or returned as unroutable
  kInDoubt,    // sent but never confirmed (nack, lost connection, timeout): it may be stored
};

// How long a confirm may take before the message is in doubt: `factor` times the usual confirm
// time (a moving average), within [floor, ceiling]. A broker that stops confirming is noticed in
// proportion to how fast it normally is, not after a fixed 5 s.
struct ConfirmDeadline {
  std::chrono::milliseconds floor{1000};
  std::chrono::milliseconds ceiling{5000};
  double factor = 20;
};

class ConfirmedPublisher {
 public:
  ConfirmedPublisher(Endpoint endpoint, QueueNames queues, ConfirmDeadline deadline = {});
  ~ConfirmedPublisher();

  // Publishes `body` as a persistent, mandatory message with `message_id` and waits until the
  // broker confirms it (it is then stored by the quorum queue's majority). While the broker
  // blocks publishers (a memory or disk alarm) nothing is sent: kNotSent at once. After a
  // failure the connection is dropped and the next call opens a new one. Blocking; one thread
  // at a time (also for connect() and poll()).
  // `traceparent`, when not empty, goes in the message's headers (W3C Trace Context).
  PublishResult publish(std::string_view message_id, std::string_view body,
                        std::string_view traceparent = {});
  // Opens the connection now if needed; false when the broker cannot be reached.
  bool connect();
  // Reads what the broker said meanwhile (connection.blocked, connection.unblocked) without
  // waiting, so that an idle publisher knows when it is blocked or free again.
  void poll();
  // Whether the broker blocks this publisher now. Thread-safe.
  bool blocked() const { return blocked_.load(); }
  // The confirm deadline in force now.
  std::chrono::microseconds confirm_deadline() const;

 private:
  PublishResult publish_once(std::string_view message_id, std::string_view body,
                             std::string_view traceparent);
  PublishResult await_confirm(std::uint64_t tag, std::string_view message_id);
  // Handles a connection-level notification; true when `frame` was one.
  bool notification(const amqp_frame_t& frame);
  void drop();

  const Endpoint endpoint_;
  const QueueNames queues_;
  const ConfirmDeadline deadline_;
  std::unique_ptr<Connection> connection_;
  std::uint64_t last_tag_ = 0;   // delivery tags count publishes on the channel from 1
  double usual_confirm_us_ = 0;  // moving average of confirm times; 0 until the first
  std::atomic<bool> blocked_{false};
  SendWatchdog watchdog_;  // cuts a send that outlives the confirm deadline
};

}  // namespace paredao::amqp
