// Micro-benchmarks of the CPU work on the vote path: challenge issue, payload verification,
// percentage rounding and results serialization.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include "adapters/altcha/altcha_solver.hpp"
#include "adapters/altcha/altcha_verifier.hpp"
#include "adapters/http/json_views.hpp"
#include "domain/percent.hpp"

namespace {

using namespace paredao;
const TimePoint kNow = *parse_rfc3339("2026-11-25T20:00:00Z");

std::string solved_payload(AltchaVerifier& verifier) {
  return altcha::solve_to_payload(verifier.issue_challenge("poll", kNow));
}

void BM_IssueChallenge(benchmark::State& state) {
  AltchaVerifier verifier(AltchaSettings{.secret = "secret", .max_counter = 1000});
  for (auto _ : state) benchmark::DoNotOptimize(verifier.issue_challenge("poll", kNow));
}
BENCHMARK(BM_IssueChallenge);

void BM_VerifyPayload(benchmark::State& state) {
  AltchaVerifier verifier(AltchaSettings{.secret = "secret", .max_counter = 1000});
  const auto payload = solved_payload(verifier);
  for (auto _ : state) benchmark::DoNotOptimize(verifier.verify(payload, "poll", kNow));
}
BENCHMARK(BM_VerifyPayload);

void BM_PercentTwentyCandidates(benchmark::State& state) {
  std::vector<std::int64_t> counts(20);
  for (std::size_t i = 0; i < counts.size(); ++i) counts[i] = 1000003 * (i + 1);
  for (auto _ : state) benchmark::DoNotOptimize(percent_hundredths(counts));
}
BENCHMARK(BM_PercentTwentyCandidates);

void BM_ResultsJson(benchmark::State& state) {
  auto poll = std::make_shared<const Poll>(Poll{
      .id = "bbb",
      .candidates = {{"ana", "Ana Clara", {}}, {"bruno", "Bruno", {}}, {"camila", "Camila", {}}}});
  const ResultsView view{poll, PollStatus::kOpen, kNow, {3334, 3333, 3333}};
  for (auto _ : state) benchmark::DoNotOptimize(http::results_json(view));
}
BENCHMARK(BM_ResultsJson);

}  // namespace
