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

}  // namespace
}  // namespace paredao
