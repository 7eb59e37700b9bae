#pragma once
#include <memory>

#include "adapters/amqp/amqp_connection.hpp"
#include "adapters/amqp/amqp_publisher.hpp"
#include "app/ports/health_probe.hpp"

namespace paredao {

// A live look at the broker on a connection of its own: the vote queue declared passively (one
// round trip; it fails when the queue is gone or the broker does not answer). Reconnects after
// a failure. Also down while the broker blocks `publisher` (a resource alarm; the publisher
// hears of it on its own connection). An api copy cannot accept votes without the broker: kDown.
class AmqpProbe final : public HealthProbe {
 public:
  AmqpProbe(amqp::Endpoint endpoint, amqp::QueueNames queues,
            const amqp::ConfirmedPublisher& publisher)
      : endpoint_(std::move(endpoint)), queues_(std::move(queues)), publisher_(publisher) {}
  DependencyHealth probe() override;

 private:
  const amqp::Endpoint endpoint_;
  const amqp::QueueNames queues_;
  const amqp::ConfirmedPublisher& publisher_;
  std::unique_ptr<amqp::Connection> connection_;
};

}  // namespace paredao
