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

// A counter that first appears with its value already up loses those increments to rate(): the
// series an alert divides (429s, 503s, held votes) exist at 0 from the first scrape.
TEST(Metrics, ExportsTheAlertedSeriesAtZeroBeforeTheirFirstUse) {
  Metrics metrics;
  const auto text = metrics.render();
  for (const auto* series : {R"(paredao_rate_limited_total{kind="challenge"} 0)",
                             R"(paredao_rate_limited_total{kind="vote"} 0)",
                             R"(paredao_votes_held_total{reason="pace"} 0)",
                             R"(paredao_votes_held_total{reason="watched"} 0)",
                             R"(paredao_votes_reviewed_total{action="release"} 0)",
                             R"(paredao_votes_reviewed_total{action="void"} 0)",
                             R"(paredao_http_requests_total{route="votes",status="202"} 0)",
                             R"(paredao_http_requests_total{route="votes",status="429"} 0)",
                             R"(paredao_http_requests_total{route="votes",status="503"} 0)",
                             R"(paredao_http_requests_total{route="challenge",status="200"} 0)",
                             R"(paredao_http_requests_total{route="challenge",status="429"} 0)"}) {
    EXPECT_NE(text.find(series), std::string::npos) << series << "\n" << text;
  }
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

TEST(RecentNetworks, NamesTheBusiestNetworksOfTheLastMinute) {
  RecentNetworks recent(10);
  const auto t0 = RecentNetworks::Clock::now();
  const auto net = [](std::uint8_t last) { return ipv4_network({10, 0, 0, last}, 32); };
  for (int i = 0; i < 5; ++i) recent.note(net(1), t0 + std::chrono::seconds(i));
  for (int i = 0; i < 3; ++i) recent.note(net(2), t0 + std::chrono::seconds(i));
  recent.note(net(3), t0);
  const auto top = recent.busiest(2, std::chrono::seconds(60), t0 + std::chrono::seconds(10));
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].network, net(1));
  EXPECT_EQ(top[0].challenges, 5);
  EXPECT_EQ(top[1].network, net(2));
  EXPECT_EQ(top[1].challenges, 3);
  // Quiet for a minute: forgotten, and counted from zero when it comes back.
  recent.note(net(2), t0 + std::chrono::seconds(70));
  const auto later = recent.busiest(5, std::chrono::seconds(60), t0 + std::chrono::seconds(71));
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].challenges, 1);
}

TEST(Metrics, ExportsTheBusiestNetworksOverThePace) {
  Metrics metrics;
  for (std::uint8_t last = 1; last <= 12; ++last) {
    for (int i = 0; i < last; ++i)
      metrics.note_network_over_human_pace(ipv4_network({10, 0, 0, last}, 32));
  }
  const auto text = metrics.render();
  EXPECT_NE(text.find(R"(paredao_network_challenges_over_pace{network="10.0.0.12/32"} 12)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(paredao_network_challenges_over_pace{network="10.0.0.3/32"} 3)"),
            std::string::npos);
  // The ten busiest only.
  EXPECT_EQ(text.find(R"(network="10.0.0.2/32")"), std::string::npos);
  EXPECT_NE(text.find("paredao_networks_over_human_pace 12"), std::string::npos);
}

}  // namespace
}  // namespace paredao
