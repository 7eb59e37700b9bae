// RabbitMQ adapter against a real broker: confirmed publishing into the quorum queue, consuming
// with manual acks, redelivery of what was not acknowledged, dead-lettering.
#include <gtest/gtest.h>

#include <atomic>
#include <span>
#include <thread>

#include "adapters/amqp/amqp_consumer.hpp"
#include "adapters/amqp/amqp_publisher.hpp"
#include "servers.hpp"

namespace paredao {
namespace {

using integration::required_env;
using integration::unique_name;

class AmqpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto endpoint = amqp::parse_url(required_env("PAREDAO_AMQP_URL"));
    ASSERT_TRUE(endpoint);
    endpoint_ = *endpoint;
    queues_ = amqp::QueueNames::for_deployment(unique_name("it"));
  }
  void TearDown() override {
    // Remove the test's queues.
    try {
      amqp::Connection connection(endpoint_, queues_);
      for (const auto& name : {queues_.votes, queues_.dead}) {
        amqp_queue_delete(connection.state(), amqp::Connection::kChannel,
                          amqp_cstring_bytes(name.c_str()), 0, 0);
      }
    } catch (const amqp::Error&) {
    }
  }

  // Consumes until `want` messages were seen or 10 s passed; `decide` gives each disposition.
  // The size of each group handed over goes to `groups`.
  std::vector<std::string> consume(std::size_t want,
                                   std::function<amqp::Disposition(std::string_view)> decide,
                                   const amqp::QueueNames& queues,
                                   std::vector<std::size_t>* groups = nullptr,
                                   std::uint16_t prefetch = 8) {
    std::vector<std::string> seen;
    std::atomic<bool> stopping{false};
    std::thread consumer([&] {
      amqp::consume(amqp::ConsumerSettings{.endpoint = endpoint_,
                                           .queues = queues,
                                           .prefetch = prefetch,
                                           .linger = std::chrono::milliseconds(300),
                                           .retry_pause = std::chrono::milliseconds(10)},
                    stopping, [&](std::span<const amqp::Message> messages) {
                      if (groups) groups->push_back(messages.size());
                      std::vector<amqp::Disposition> dispositions;
                      for (const auto& message : messages) {
                        seen.emplace_back(message.body);
                        dispositions.push_back(decide(message.body));
                      }
                      if (seen.size() >= want) stopping = true;
                      return dispositions;
                    });
    });
    for (int i = 0; i < 100 && !stopping; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stopping = true;
    consumer.join();
    return seen;
  }

  amqp::Endpoint endpoint_;
  amqp::QueueNames queues_;
};

TEST_F(AmqpTest, ConfirmedMessagesAreConsumedAndUnackedOnesComeBack) {
  amqp::ConfirmedPublisher publisher(endpoint_, queues_);
  ASSERT_EQ(publisher.publish("m1", "one"), amqp::PublishResult::kConfirmed);
  ASSERT_EQ(publisher.publish("m2", "two"), amqp::PublishResult::kConfirmed);
  // First consumer: retries "one" (puts it back), acks "two".
  const auto first = consume(
      2,
      [](std::string_view body) {
        return body == "one" ? amqp::Disposition::kRetryLater : amqp::Disposition::kAck;
      },
      queues_);
  EXPECT_GE(first.size(), 2u);
  // "one" is delivered again; acked this time. "two" is gone.
  const auto second = consume(
      1, [](std::string_view) { return amqp::Disposition::kAck; }, queues_);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0], "one");
}

TEST_F(AmqpTest, MessagesWaitingTogetherAreHandedOverTogetherUpToThePrefetch) {
  amqp::ConfirmedPublisher publisher(endpoint_, queues_);
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(publisher.publish("m" + std::to_string(i), std::to_string(i)),
              amqp::PublishResult::kConfirmed);
  }
  std::vector<std::size_t> groups;
  const auto seen = consume(
      10, [](std::string_view) { return amqp::Disposition::kAck; }, queues_, &groups,
      /*prefetch=*/4);
  EXPECT_EQ(seen, (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
  EXPECT_EQ(groups, (std::vector<std::size_t>{4, 4, 2}));
  // All acknowledged: the consumer's connection is closed, and no message went back.
  amqp::Connection connection(endpoint_, queues_);
  const auto* queue = amqp_queue_declare(connection.state(), amqp::Connection::kChannel,
                                         amqp_cstring_bytes(queues_.votes.c_str()), /*passive=*/1,
                                         0, 0, 0, amqp_empty_table);
  connection.check(amqp_get_rpc_reply(connection.state()), "declare passive");
  ASSERT_NE(queue, nullptr);
  EXPECT_EQ(queue->message_count, 0u);
}

TEST_F(AmqpTest, UnreadableMessagesGoToTheDeadLetterQueue) {
  amqp::ConfirmedPublisher publisher(endpoint_, queues_);
  ASSERT_EQ(publisher.publish("m1", "garbage"), amqp::PublishResult::kConfirmed);
  const auto seen = consume(
      1, [](std::string_view) { return amqp::Disposition::kDeadLetter; }, queues_);
  ASSERT_EQ(seen.size(), 1u);
  // The dead-letter queue holds it, untouched.
  amqp::Connection connection(endpoint_, queues_);
  std::string dead_body;
  for (int i = 0; i < 50 && dead_body.empty(); ++i) {
    const auto reply = amqp_basic_get(connection.state(), amqp::Connection::kChannel,
                                      amqp_cstring_bytes(queues_.dead.c_str()), /*no_ack=*/1);
    connection.check(reply, "basic.get");
    if (reply.reply.id == AMQP_BASIC_GET_OK_METHOD) {
      amqp_message_t message;
      connection.check(
          amqp_read_message(connection.state(), amqp::Connection::kChannel, &message, 0), "read");
      dead_body.assign(static_cast<char*>(message.body.bytes), message.body.len);
      amqp_destroy_message(&message);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  EXPECT_EQ(dead_body, "garbage");
}

TEST_F(AmqpTest, AnUnreachableBrokerIsAFailedPublishNotAHang) {
  amqp::Endpoint nowhere = endpoint_;
  nowhere.port = 1;
  amqp::ConfirmedPublisher publisher(nowhere, queues_);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(publisher.publish("m1", "one"), amqp::PublishResult::kNotSent);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace paredao
