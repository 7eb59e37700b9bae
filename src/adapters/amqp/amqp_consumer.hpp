#pragma once
// Consumes the vote queue with manual acknowledgements and a prefetch window, reconnecting
// whenever the broker goes away (unacknowledged messages then return to the queue by themselves).
#include <atomic>
#include <chrono>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "adapters/amqp/amqp_connection.hpp"

namespace paredao::amqp {

enum class Disposition {
  kAck,         // handled: remove it from the queue
  kRetryLater,  // a store is down: put it back (after a pause) for any consumer to retry
  kDeadLetter,  // unreadable: move it to the dead-letter queue for an operator
};

struct ConsumerSettings {
  Endpoint endpoint;
  QueueNames queues;
  std::uint16_t prefetch = 8;  // also the most messages handed over at once
  // After a message arrives, how long to wait for more to hand over with it: the handler's cost
  // is mostly per call (one PostgreSQL transaction), and a message seen later only counts later.
  std::chrono::milliseconds linger{10};
  std::chrono::milliseconds retry_pause{500};
};

struct Message {
  std::string_view body;
  std::string_view message_id;
  std::string_view traceparent;  // its header of that name (W3C Trace Context), or empty
};

// One disposition per message, in order.
using GroupHandler = std::function<std::vector<Disposition>(std::span<const Message> messages)>;

// Runs until `stopping` is set (checked at least every 200 ms). Blocking: give it a thread.
// `handle` gets the messages that arrived together (at most `prefetch`, within `linger` of the
// first), which stay unacknowledged until it returns.
void consume(const ConsumerSettings& settings, const std::atomic<bool>& stopping,
             const GroupHandler& handle,
             const std::function<void(bool connected)>& on_connection = {});

}  // namespace paredao::amqp
