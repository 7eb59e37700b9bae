#include "adapters/amqp/amqp_publisher.hpp"

#include <amqp_framing.h>

#include <algorithm>

#include "adapters/logging/json_log.hpp"

namespace paredao::amqp {
namespace {

amqp_bytes_t bytes(std::string_view text) {
  return amqp_bytes_t{text.size(), const_cast<char*>(text.data())};
}

}  // namespace

ConfirmedPublisher::ConfirmedPublisher(Endpoint endpoint, QueueNames queues,
                                       ConfirmDeadline deadline)
    : endpoint_(std::move(endpoint)), queues_(std::move(queues)), deadline_(deadline) {}

ConfirmedPublisher::~ConfirmedPublisher() = default;

void ConfirmedPublisher::drop() {
  if (connection_) connection_->mark_broken();
  connection_.reset();
  blocked_ = false;  // a new connection learns the broker's state afresh
}

std::chrono::microseconds ConfirmedPublisher::confirm_deadline() const {
  const auto floor = std::chrono::microseconds(deadline_.floor);
  const auto ceiling = std::chrono::microseconds(deadline_.ceiling);
  const auto scaled = std::chrono::microseconds(std::int64_t(deadline_.factor * usual_confirm_us_));
  return std::clamp(scaled, floor, ceiling);
}

bool ConfirmedPublisher::notification(const amqp_frame_t& frame) {
  if (frame.frame_type != AMQP_FRAME_METHOD || frame.channel != 0) return false;
  if (frame.payload.method.id == AMQP_CONNECTION_BLOCKED_METHOD) {
    const auto* blocked = static_cast<amqp_connection_blocked_t*>(frame.payload.method.decoded);
    if (!blocked_.exchange(true)) {
      log::warn("rabbitmq_blocked",
                {{"reason", std::string(static_cast<const char*>(blocked->reason.bytes),
                                        blocked->reason.len)}});
    }
    return true;
  }
  if (frame.payload.method.id == AMQP_CONNECTION_UNBLOCKED_METHOD) {
    if (blocked_.exchange(false)) log::info("rabbitmq_unblocked", {});
    return true;
  }
  return false;
}

void ConfirmedPublisher::poll() {
  if (!connection_) return;
  for (;;) {
    timeval now{0, 0};
    amqp_frame_t frame;
    const int status = amqp_simple_wait_frame_noblock(connection_->state(), &frame, &now);
    if (status == AMQP_STATUS_TIMEOUT) return;
    if (status != AMQP_STATUS_OK) {
      log::warn("rabbitmq_connection_lost", {{"error", amqp_error_string2(status)}});
      drop();
      return;
    }
    if (frame.frame_type == AMQP_FRAME_METHOD &&
        (frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD ||
         frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD)) {
      log::warn("rabbitmq_closed_by_broker", {});
      drop();
      return;
    }
    // Anything else read here is a late confirm of a message already settled: nothing to do.
    notification(frame);
  }
}

bool ConfirmedPublisher::connect() {
  if (connection_) return true;
  try {
    auto connection = std::make_unique<Connection>(endpoint_, queues_);
    amqp_confirm_select(connection->state(), Connection::kChannel);
    connection->check(amqp_get_rpc_reply(connection->state()), "confirm.select");
    connection_ = std::move(connection);
    last_tag_ = 0;
    return true;
  } catch (const Error& e) {
    log::error("rabbitmq_unreachable", {{"role", "publisher"}, {"error", e.what()}});
    return false;
  }
}

PublishResult ConfirmedPublisher::publish(std::string_view message_id, std::string_view body,
                                          std::string_view traceparent) {
  // One retry on a fresh connection: a connection that died while idle (a broker restart) is
  // only noticed when used. Publishing a batch twice is harmless — the worker records each
  // batch id once — while giving up would refuse votes that could be kept.
  auto result = PublishResult::kNotSent;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool fresh = !connection_;
    if (!connect()) return result;
    poll();
    // A blocked broker would not read the message: say so at once rather than wait for nothing.
    if (blocked_) return result;
    if (!connection_) continue;  // the poll found the connection dead
    const auto outcome = publish_once(message_id, body, traceparent);
    if (outcome == PublishResult::kConfirmed) return outcome;
    if (watchdog_.fired()) {
      // The broker stopped reading: a second connection would be held the same way.
      drop();
      return outcome;
    }
    if (outcome == PublishResult::kInDoubt) result = outcome;  // doubt sticks: it may be stored
    // Blocked while waiting: the connection is sound, the broker only holds the message back.
    if (blocked_) return result;
    drop();
    if (fresh) break;  // a brand-new connection failed: the broker is really in trouble
  }
  return result;
}

PublishResult ConfirmedPublisher::publish_once(std::string_view message_id, std::string_view body,
                                               std::string_view traceparent) {
  amqp_basic_properties_t properties{};
  properties._flags =
      AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG | AMQP_BASIC_CONTENT_TYPE_FLAG;
  properties.delivery_mode = AMQP_DELIVERY_PERSISTENT;
  properties.message_id = bytes(message_id);
  properties.content_type = amqp_cstring_bytes("application/json");
  amqp_table_entry_t trace_header{};
  if (!traceparent.empty()) {
    trace_header.key = amqp_cstring_bytes("traceparent");
    trace_header.value.kind = AMQP_FIELD_KIND_UTF8;
    trace_header.value.value.bytes = bytes(traceparent);
    properties._flags |= AMQP_BASIC_HEADERS_FLAG;
    properties.headers = amqp_table_t{1, &trace_header};
  }
  int sent = AMQP_STATUS_OK;
  {
    const auto armed = watchdog_.arm(amqp_get_sockfd(connection_->state()),
                                     std::chrono::steady_clock::now() + confirm_deadline());
    sent = amqp_basic_publish(connection_->state(), Connection::kChannel, amqp_empty_bytes,
                              bytes(queues_.votes), /*mandatory=*/1,
                              /*immediate=*/0, &properties, bytes(body));
  }
  if (watchdog_.fired()) {
    // Cut mid-send, or just after it completed: the broker may hold the whole message.
    return sent == AMQP_STATUS_OK ? PublishResult::kInDoubt : PublishResult::kNotSent;
  }
  if (sent != AMQP_STATUS_OK) {
    log::warn("rabbitmq_publish_failed", {{"error", amqp_error_string2(sent)}});
    // The connection refused the frames (it is dead): the broker never got the whole message,
    // and an incomplete message is discarded.
    return PublishResult::kNotSent;
  }
  return await_confirm(++last_tag_, message_id);
}

PublishResult ConfirmedPublisher::await_confirm(std::uint64_t tag, std::string_view message_id) {
  const auto start = std::chrono::steady_clock::now();
  const auto limit = confirm_deadline();
  const auto deadline = start + limit;
  bool returned = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      log::warn("rabbitmq_confirm_timeout", {{"tag", tag}, {"deadline_ms", limit.count() / 1000}});
      return PublishResult::kInDoubt;
    }
    timeval limit{long(left.count() / 1000000), long(left.count() % 1000000)};
    amqp_frame_t frame;
    const int status = amqp_simple_wait_frame_noblock(connection_->state(), &frame, &limit);
    if (status != AMQP_STATUS_OK) {
      log::warn("rabbitmq_confirm_failed", {{"error", amqp_error_string2(status)}});
      return PublishResult::kInDoubt;
    }
    if (notification(frame)) {
      // Blocked: the broker stops reading this connection, so no confirm comes until the alarm
      // clears. The message may or may not have been read before: in doubt, and said at once.
      if (blocked_) return PublishResult::kInDoubt;
      continue;
    }
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    switch (frame.payload.method.id) {
      case AMQP_BASIC_ACK_METHOD: {
        const auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
        if (ack->delivery_tag == tag || (ack->multiple && ack->delivery_tag >= tag)) {
          const double took_us = double(std::chrono::duration_cast<std::chrono::microseconds>(
                                            std::chrono::steady_clock::now() - start)
                                            .count());
          usual_confirm_us_ =
              usual_confirm_us_ == 0 ? took_us : 0.95 * usual_confirm_us_ + 0.05 * took_us;
          if (!returned) return PublishResult::kConfirmed;
          log::error("rabbitmq_message_returned", {{"queue", queues_.votes}});
          return PublishResult::kNotSent;
        }
        break;
      }
      case AMQP_BASIC_NACK_METHOD: {
        const auto* nack = static_cast<amqp_basic_nack_t*>(frame.payload.method.decoded);
        if (nack->delivery_tag == tag || (nack->multiple && nack->delivery_tag >= tag)) {
          log::warn("rabbitmq_nack", {{"tag", tag}});
          return PublishResult::kInDoubt;
        }
        break;
      }
      case AMQP_BASIC_RETURN_METHOD: {
        // Unroutable (the queue is gone): the content follows, then the confirm. Only a return
        // of this message counts: on a connection kept through an alarm, a late return may be
        // an earlier message's.
        amqp_message_t message;
        const auto reply = amqp_read_message(connection_->state(), frame.channel, &message, 0);
        if (reply.reply_type != AMQP_RESPONSE_NORMAL) return PublishResult::kInDoubt;
        const auto& id = message.properties.message_id;
        returned = returned ||
                   ((message.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG) &&
                    std::string_view(static_cast<const char*>(id.bytes), id.len) == message_id);
        amqp_destroy_message(&message);
        break;
      }
      case AMQP_CHANNEL_CLOSE_METHOD:
      case AMQP_CONNECTION_CLOSE_METHOD:
        log::warn("rabbitmq_closed_by_broker", {});
        return PublishResult::kInDoubt;
      default:
        break;
    }
  }
}

}  // namespace paredao::amqp
