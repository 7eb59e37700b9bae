#pragma once
// Publishes messages to the vote queue and waits for the broker's confirm of each.
#include <chrono>
#include <memory>
#include <string_view>

#include "adapters/amqp/amqp_connection.hpp"

namespace paredao::amqp {

enum class PublishResult {
  kConfirmed,  // the broker stored it (quorum majority)
  kNotSent,    // certainly not in the queue: never sent, or returned as unroutable
  kInDoubt,    // sent but never confirmed (nack, lost connection, timeout): it may be stored
};

class ConfirmedPublisher {
 public:
  ConfirmedPublisher(Endpoint endpoint, QueueNames queues,
                     std::chrono::milliseconds confirm_timeout = std::chrono::milliseconds(5000));
  ~ConfirmedPublisher();

  // Publishes `body` as a persistent, mandatory message with `message_id` and waits until the
  // broker confirms it (it is then stored by the quorum queue's majority). After a failure the
  // connection is dropped and the next call opens a new one. Blocking; one thread at a time.
  PublishResult publish(std::string_view message_id, std::string_view body);
  // Opens the connection now if needed; false when the broker cannot be reached.
  bool connect();

 private:
  PublishResult publish_once(std::string_view message_id, std::string_view body);
  PublishResult await_confirm(std::uint64_t tag);
  void drop();

  const Endpoint endpoint_;
  const QueueNames queues_;
  const std::chrono::milliseconds confirm_timeout_;
  std::unique_ptr<Connection> connection_;
  std::uint64_t last_tag_ = 0;  // delivery tags count publishes on the channel from 1
};

}  // namespace paredao::amqp
