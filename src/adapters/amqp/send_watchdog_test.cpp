#include "adapters/amqp/send_watchdog.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

namespace paredao::amqp {
namespace {

// A peer that never reads, as RabbitMQ treats a publisher during a resource alarm: a blocking
// send fills the buffers and then waits for ever — unless the watchdog cuts it.
TEST(SendWatchdog, CutsASendThatOutlivesItsDeadline) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  SendWatchdog watchdog;
  const std::vector<char> block(1 << 20, 'x');
  const auto start = SendWatchdog::Clock::now();
  bool failed = false;
  {
    const auto armed = watchdog.arm(fds[0], start + std::chrono::milliseconds(200));
    for (int i = 0; i < 64 && !failed; ++i) {  // 64 MB: far more than the socket buffers hold
      failed = ::send(fds[0], block.data(), block.size(), MSG_NOSIGNAL) < 0;
    }
  }
  const auto took = SendWatchdog::Clock::now() - start;
  EXPECT_TRUE(failed);
  EXPECT_TRUE(watchdog.fired());
  EXPECT_LT(took, std::chrono::seconds(5));
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(SendWatchdog, LeavesASendThatEndsInTimeAlone) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  SendWatchdog watchdog;
  {
    const auto armed =
        watchdog.arm(fds[0], SendWatchdog::Clock::now() + std::chrono::milliseconds(50));
    ASSERT_EQ(::send(fds[0], "ok", 2, MSG_NOSIGNAL), 2);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(watchdog.fired());
  EXPECT_EQ(::send(fds[0], "still", 5, MSG_NOSIGNAL), 5) << "the socket was not cut";
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace paredao::amqp
