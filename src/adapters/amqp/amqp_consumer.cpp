#include "adapters/amqp/amqp_consumer.hpp"

#include <algorithm>
#include <memory>
#include <thread>

#include "adapters/logging/json_log.hpp"

namespace paredao::amqp {
namespace {

void pause(const std::atomic<bool>& stopping, std::chrono::milliseconds total) {
  const auto until = std::chrono::steady_clock::now() + total;
  while (!stopping && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string_view view(const amqp_bytes_t& bytes) {
  return {static_cast<const char*>(bytes.bytes), bytes.len};
}

// One connection's life: consume until stopped or the connection fails (then throws).
void consume_on(Connection& connection, const ConsumerSettings& settings,
                const std::atomic<bool>& stopping,
                const std::function<Disposition(std::string_view, std::string_view)>& handle) {
  auto* state = connection.state();
  amqp_basic_qos(state, Connection::kChannel, 0, settings.prefetch, 0);
  connection.check(amqp_get_rpc_reply(state), "basic.qos");
  amqp_basic_consume(state, Connection::kChannel, amqp_cstring_bytes(settings.queues.votes.c_str()),
                     amqp_empty_bytes, /*no_local=*/0, /*no_ack=*/0, /*exclusive=*/0,
                     amqp_empty_table);
  connection.check(amqp_get_rpc_reply(state), "basic.consume");
  // Acknowledgements are sent for several messages at once (multiple=true): the broker settles
  // them in one step. A message handled but not yet acknowledged when the connection dies is
  // delivered again, which the handler's idempotency makes harmless.
  std::uint64_t unacked_tag = 0;
  int unacked = 0;
  const auto flush_acks = [&] {
    if (unacked == 0) return;
    const int status = amqp_basic_ack(state, Connection::kChannel, unacked_tag, /*multiple=*/1);
    if (status != AMQP_STATUS_OK) throw Error(std::string("rabbitmq: ") + amqp_error_string2(status));
    unacked = 0;
  };
  const int ack_every = std::max(1, settings.prefetch / 2);
  while (!stopping) {
    amqp_maybe_release_buffers(state);
    amqp_envelope_t envelope;
    // While acknowledgements are pending, wait briefly: an idle queue gets them at once.
    timeval limit{0, unacked > 0 ? 2000 : 200000};
    const auto reply = amqp_consume_message(state, &envelope, &limit, 0);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_TIMEOUT) {
      flush_acks();
      continue;
    }
    connection.check(reply, "consume");
    const auto message_id = envelope.message.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG
                                ? view(envelope.message.properties.message_id)
                                : std::string_view{};
    const auto disposition = handle(view(envelope.message.body), message_id);
    const auto tag = envelope.delivery_tag;
    amqp_destroy_envelope(&envelope);
    int status = AMQP_STATUS_OK;
    switch (disposition) {
      case Disposition::kAck:
        unacked_tag = tag;
        if (++unacked >= ack_every) flush_acks();
        break;
      case Disposition::kRetryLater:
        flush_acks();
        pause(stopping, settings.retry_pause);
        status = amqp_basic_reject(state, Connection::kChannel, tag, /*requeue=*/1);
        break;
      case Disposition::kDeadLetter:
        flush_acks();
        status = amqp_basic_reject(state, Connection::kChannel, tag, /*requeue=*/0);
        break;
    }
    if (status != AMQP_STATUS_OK)
      throw Error(std::string("rabbitmq: ") + amqp_error_string2(status));
  }
  flush_acks();
}

}  // namespace

void consume(const ConsumerSettings& settings, const std::atomic<bool>& stopping,
             const std::function<Disposition(std::string_view, std::string_view)>& handle,
             const std::function<void(bool)>& on_connection) {
  while (!stopping) {
    std::unique_ptr<Connection> connection;
    try {
      connection = std::make_unique<Connection>(settings.endpoint, settings.queues);
      if (on_connection) on_connection(true);
      log::info("consuming", {{"queue", settings.queues.votes}, {"prefetch", settings.prefetch}});
      consume_on(*connection, settings, stopping, handle);
    } catch (const Error& e) {
      if (connection) connection->mark_broken();
      if (on_connection) on_connection(false);
      log::error("rabbitmq_unreachable", {{"role", "consumer"}, {"error", e.what()}});
      pause(stopping, settings.retry_pause);
    }
  }
}

}  // namespace paredao::amqp
