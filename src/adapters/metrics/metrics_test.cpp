#include "adapters/metrics/metrics.hpp"

#include <gtest/gtest.h>

namespace paredao {
namespace {

TEST(Metrics, RendersCountersByLabel) {
  Metrics metrics;
  const auto accepted = metrics.request_handle("votes", 202);
  Metrics::observe_request(accepted, 0.003);
  Metrics::observe_request(metrics.request_handle("votes", 202), 0.004);  // same counters
  Metrics::observe_request(metrics.request_handle("votes", 422), 0.001);
  metrics.count_vote_accepted();
  metrics.count_vote_refused("human_check_failed");
  metrics.observe_batch(10, 0.002, true);
  metrics.set_counts_age(0.25);
  const auto text = metrics.render();
  EXPECT_NE(text.find(R"(paredao_http_requests_total{route="votes",status="202"} 2)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("paredao_votes_accepted_total 1"), std::string::npos);
  EXPECT_NE(text.find(R"(paredao_votes_refused_total{reason="human_check_failed"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find("paredao_vote_batch_size_count 1"), std::string::npos);
  EXPECT_NE(text.find("paredao_counts_age_seconds 0.25"), std::string::npos);
}

TEST(RecentNetworks, CountsTheNetworksOfTheLastMinuteWithinItsBound) {
  RecentNetworks recent(2);
  const auto t0 = RecentNetworks::Clock::now();
  const auto net = [](std::uint8_t last) { return ipv4_network({10, 0, 0, last}, 32); };
  recent.note(net(1), t0);
  recent.note(net(1), t0 + std::chrono::seconds(30));  // the same network: once
  recent.note(net(2), t0 + std::chrono::seconds(10));
  recent.note(net(3), t0 + std::chrono::seconds(20));  // over the bound, none expired: not kept
  EXPECT_EQ(recent.count_within(std::chrono::seconds(60), t0 + std::chrono::seconds(40)), 2u);
  EXPECT_EQ(recent.count_within(std::chrono::seconds(60), t0 + std::chrono::seconds(80)), 1u);
  recent.note(net(3), t0 + std::chrono::seconds(85));
  EXPECT_EQ(recent.count_within(std::chrono::seconds(60), t0 + std::chrono::seconds(86)), 2u);
  EXPECT_EQ(recent.count_within(std::chrono::seconds(60), t0 + std::chrono::seconds(200)), 0u);
}

}  // namespace
}  // namespace paredao
