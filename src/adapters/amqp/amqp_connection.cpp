#include "adapters/amqp/amqp_connection.hpp"

#include <amqp_tcp_socket.h>

#include <vector>

namespace paredao::amqp {
namespace {

timeval to_timeval(std::chrono::milliseconds t) {
  return timeval{long(t.count() / 1000), long(t.count() % 1000) * 1000};
}

std::string describe(const amqp_rpc_reply_t& reply) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return "ok";
    case AMQP_RESPONSE_NONE:
      return "no reply";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return amqp_error_string2(reply.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto* close = static_cast<amqp_connection_close_t*>(reply.reply.decoded);
        return "connection closed by the broker: " +
               std::string(static_cast<char*>(close->reply_text.bytes), close->reply_text.len);
      }
      if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* close = static_cast<amqp_channel_close_t*>(reply.reply.decoded);
        return "channel closed by the broker: " +
               std::string(static_cast<char*>(close->reply_text.bytes), close->reply_text.len);
      }
      return "broker error";
  }
  return "unknown";
}

amqp_table_entry_t entry(const char* key, const char* value) {
  amqp_table_entry_t e;
  e.key = amqp_cstring_bytes(key);
  e.value.kind = AMQP_FIELD_KIND_UTF8;
  e.value.value.bytes = amqp_cstring_bytes(value);
  return e;
}

}  // namespace

std::optional<Endpoint> parse_url(const std::string& url) {
  std::vector<char> buffer(url.begin(), url.end());
  buffer.push_back('\0');
  amqp_connection_info info;
  amqp_default_connection_info(&info);
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK || info.ssl) return std::nullopt;
  // "amqp://host/" names the empty vhost by the letter of the AMQP URI spec; nobody means that,
  // so it is the default vhost "/" here, as without the slash.
  const std::string vhost = info.vhost && *info.vhost ? info.vhost : "/";
  return Endpoint{info.host, info.port, info.user, info.password, vhost};
}

void Connection::check(const amqp_rpc_reply_t& reply, std::string_view what) {
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
    throw Error("rabbitmq: " + std::string(what) + ": " + describe(reply));
  }
}

Connection::Connection(const Endpoint& endpoint, const QueueNames& queues,
                       std::chrono::milliseconds timeout)
    : state_(amqp_new_connection()) {
  const auto limit = to_timeval(timeout);
  amqp_set_handshake_timeout(state_, &limit);
  amqp_set_rpc_timeout(state_, &limit);
  amqp_socket_t* socket = amqp_tcp_socket_new(state_);
  if (!socket) {
    amqp_destroy_connection(state_);
    throw Error("rabbitmq: cannot create a socket");
  }
  timeval connect_limit = limit;
  if (amqp_socket_open_noblock(socket, endpoint.host.c_str(), endpoint.port, &connect_limit) !=
      AMQP_STATUS_OK) {
    amqp_destroy_connection(state_);
    throw Error("rabbitmq: cannot connect to " + endpoint.host + ":" +
                std::to_string(endpoint.port));
  }
  try {
    // Asks for connection.blocked / connection.unblocked: a publisher then learns of a memory or
    // disk alarm at once instead of waiting for confirms that cannot come.
    amqp_table_entry_t blocked_capability;
    blocked_capability.key = amqp_cstring_bytes("connection.blocked");
    blocked_capability.value.kind = AMQP_FIELD_KIND_BOOLEAN;
    blocked_capability.value.value.boolean = 1;
    amqp_table_entry_t capabilities;
    capabilities.key = amqp_cstring_bytes("capabilities");
    capabilities.value.kind = AMQP_FIELD_KIND_TABLE;
    capabilities.value.value.table = amqp_table_t{1, &blocked_capability};
    const amqp_table_t client_properties{1, &capabilities};
    // No AMQP heartbeats: the blocking client only services them while inside a call, so an
    // idle publisher would be dropped. TCP keepalive and the publish confirm timeout stand in.
    check(amqp_login_with_properties(state_, endpoint.vhost.c_str(), 0, 131072, 0,
                                     &client_properties, AMQP_SASL_METHOD_PLAIN,
                                     endpoint.user.c_str(), endpoint.password.c_str()),
          "login");
    amqp_channel_open(state_, kChannel);
    check(amqp_get_rpc_reply(state_), "open channel");

    amqp_table_entry_t dead_args[] = {entry("x-queue-type", "quorum")};
    amqp_queue_declare(state_, kChannel, amqp_cstring_bytes(queues.dead.c_str()), 0, 1, 0, 0,
                       amqp_table_t{1, dead_args});
    check(amqp_get_rpc_reply(state_), "declare " + queues.dead);
    amqp_table_entry_t vote_args[] = {entry("x-queue-type", "quorum"),
                                      entry("x-dead-letter-exchange", ""),
                                      entry("x-dead-letter-routing-key", queues.dead.c_str())};
    amqp_queue_declare(state_, kChannel, amqp_cstring_bytes(queues.votes.c_str()), 0, 1, 0, 0,
                       amqp_table_t{3, vote_args});
    check(amqp_get_rpc_reply(state_), "declare " + queues.votes);
  } catch (...) {
    amqp_destroy_connection(state_);
    throw;
  }
}

Connection::~Connection() {
  // Best effort: a broken connection cannot be closed politely, only dropped.
  if (!broken_) {
    amqp_channel_close(state_, kChannel, AMQP_REPLY_SUCCESS);
    amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
  }
  amqp_destroy_connection(state_);
}

}  // namespace paredao::amqp
