#pragma once
// The JSON shapes of the contract (Poll, Results, stats, vote receipt).
#include <string>
#include <vector>

#include "app/cast_vote.hpp"
#include "app/poll_queries.hpp"
#include "app/read_results.hpp"
#include "app/readiness.hpp"
#include "app/review_held_votes.hpp"

namespace paredao::http {

std::string poll_json(const Poll& poll, PollStatus status);
std::string polls_json(const std::vector<PollView>& polls);
std::string results_json(const ResultsView& results);
std::string stats_json(const StatsView& stats);
// GET …/stats/minutes.
std::string minutes_json(const MinuteHistory& history);
std::string receipt_json(const VoteReceipt& receipt);
// /readyz when ready: {"status":"ready","degraded":[{"dependency","detail"},…]}.
std::string readiness_json(const ReadinessReport& report);

}  // namespace paredao::http
