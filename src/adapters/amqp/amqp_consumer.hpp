#pragma once
// Consumes the vote queue with manual acknowledgements and a prefetch window, reconnecting
// whenever the broker goes away (unacknowledged messages then return to the queue by themselves).
#include <atomic>
#include <chrono>
#include <functional>
#include <string_view>

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
  std::uint16_t prefetch = 8;
  std::chrono::milliseconds retry_pause{500};
};

// Runs until `stopping` is set (checked at least every 200 ms). Blocking: give it a thread.
// `handle` gets each message body and its message_id.
void consume(
    const ConsumerSettings& settings, const std::atomic<bool>& stopping,
    const std::function<Disposition(std::string_view body, std::string_view message_id)>& handle,
    const std::function<void(bool connected)>& on_connection = {});

}  // namespace paredao::amqp
