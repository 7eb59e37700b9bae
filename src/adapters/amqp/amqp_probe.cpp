#include "adapters/amqp/amqp_probe.hpp"

namespace paredao {

DependencyHealth AmqpProbe::probe() {
  try {
    if (!connection_) {
      connection_ =
          std::make_unique<amqp::Connection>(endpoint_, queues_, std::chrono::milliseconds(1000));
    }
    amqp_queue_declare(connection_->state(), amqp::Connection::kChannel,
                       amqp_cstring_bytes(queues_.votes.c_str()), /*passive=*/1, 0, 0, 0,
                       amqp_empty_table);
    connection_->check(amqp_get_rpc_reply(connection_->state()), "declare " + queues_.votes);
    if (publisher_.blocked()) {
      return {.dependency = "rabbitmq",
              .health = Health::kDown,
              .detail = "the broker blocks publishers (a memory or disk alarm)"};
    }
    return {.dependency = "rabbitmq"};
  } catch (const amqp::Error& e) {
    if (connection_) connection_->mark_broken();
    connection_.reset();
    return {.dependency = "rabbitmq", .health = Health::kDown, .detail = e.what()};
  }
}

}  // namespace paredao
