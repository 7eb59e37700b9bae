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

// The text of header `name` of a message, or empty.
std::string_view header_text(const amqp_basic_properties_t& properties, std::string_view name) {
  if (!(properties._flags & AMQP_BASIC_HEADERS_FLAG)) return {};
  for (int i = 0; i < properties.headers.num_entries; ++i) {
    const auto& entry = properties.headers.entries[i];
    if (view(entry.key) == name &&
        (entry.value.kind == AMQP_FIELD_KIND_UTF8 || entry.value.kind == AMQP_FIELD_KIND_BYTES)) {
      return view(entry.value.value.bytes);
    }
  }
  return {};
}

// Waits up to `wait` for the next message, and adds it to `envelopes`; false on timeout.
bool next_message(Connection& connection, std::vector<amqp_envelope_t>& envelopes,
                  std::chrono::microseconds wait) {
  timeval limit{long(wait.count() / 1000000), long(wait.count() % 1000000)};
  amqp_envelope_t envelope;
  const auto reply = amqp_consume_message(connection.state(), &envelope, &limit, 0);
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
      reply.library_error == AMQP_STATUS_TIMEOUT) {
    return false;
  }
  connection.check(reply, "consume");
  envelopes.push_back(envelope);  // the vector's copy now owns the message
  return true;
}

void check_status(int status) {
  if (status != AMQP_STATUS_OK) throw Error(std::string("rabbitmq: ") + amqp_error_string2(status));
}

// One connection's life: consume until stopped or the connection fails (then throws).
void consume_on(Connection& connection, const ConsumerSettings& settings,
                const std::atomic<bool>& stopping, const GroupHandler& handle) {
  auto* state = connection.state();
  amqp_basic_qos(state, Connection::kChannel, 0, settings.prefetch, 0);
  connection.check(amqp_get_rpc_reply(state), "basic.qos");
  amqp_basic_consume(state, Connection::kChannel, amqp_cstring_bytes(settings.queues.votes.c_str()),
                     amqp_empty_bytes, /*no_local=*/0, /*no_ack=*/0, /*exclusive=*/0,
                     amqp_empty_table);
  connection.check(amqp_get_rpc_reply(state), "basic.consume");
  const std::size_t group_limit = std::max<std::size_t>(1, settings.prefetch);
  std::vector<amqp_envelope_t> envelopes;  // each owns its message until destroyed
  envelopes.reserve(group_limit);
  std::vector<Message> messages;
  const auto release = [&] {
    for (auto& envelope : envelopes) amqp_destroy_envelope(&envelope);
    envelopes.clear();
  };
  try {
    while (!stopping) {
      amqp_maybe_release_buffers(state);
      if (!next_message(connection, envelopes, std::chrono::milliseconds(200))) continue;
      const auto until = std::chrono::steady_clock::now() + settings.linger;
      while (envelopes.size() < group_limit) {
        const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
            until - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !next_message(connection, envelopes, left)) break;
      }
      messages.clear();
      for (const auto& envelope : envelopes) {
        const auto& properties = envelope.message.properties;
        messages.push_back(Message{.body = view(envelope.message.body),
                                   .message_id = properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG
                                                     ? view(properties.message_id)
                                                     : std::string_view{},
                                   .traceparent = header_text(properties, "traceparent")});
      }
      const auto dispositions = handle(messages);
      // The acknowledgements of a group go as one (multiple=true, up to the last acknowledged
      // tag): the broker settles them in one step. A message handled but not yet acknowledged
      // when the connection dies is delivered again, which the handler's idempotency makes
      // harmless. Rejections are single; one pause covers every retry of the group.
      std::uint64_t last_ack = 0;
      bool paused = false;
      for (std::size_t i = 0; i < envelopes.size(); ++i) {
        const auto tag = envelopes[i].delivery_tag;
        if (dispositions.at(i) == Disposition::kAck) {
          last_ack = tag;
          continue;
        }
        if (dispositions[i] == Disposition::kRetryLater && !paused) {
          pause(stopping, settings.retry_pause);
          paused = true;
        }
        check_status(amqp_basic_reject(state, Connection::kChannel, tag,
                                       /*requeue=*/dispositions[i] == Disposition::kRetryLater));
      }
      release();
      if (last_ack != 0) {
        check_status(amqp_basic_ack(state, Connection::kChannel, last_ack, /*multiple=*/1));
      }
    }
  } catch (...) {
    release();
    throw;
  }
}

}  // namespace

void consume(const ConsumerSettings& settings, const std::atomic<bool>& stopping,
             const GroupHandler& handle, const std::function<void(bool)>& on_connection) {
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
