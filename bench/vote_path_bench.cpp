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

std::string solved_payload(AltchaVerifier& verifier, std::uint32_t work = 1000) {
  return altcha::solve_to_payload(verifier.issue_challenge("poll", kNow, work));
}

// scrypt with N = state.range(0), r = state.range(1).
AltchaSettings scrypt(const benchmark::State& state) {
  return {.secret = "secret",
          .derivation = {.algorithm = altcha::Algorithm::kScrypt,
                         .cost = state.range(0),
                         .memory_cost = state.range(1)}};
}

void BM_IssueChallenge(benchmark::State& state) {
  AltchaVerifier verifier(AltchaSettings{.secret = "secret"});
  for (auto _ : state) benchmark::DoNotOptimize(verifier.issue_challenge("poll", kNow, 1000));
}
BENCHMARK(BM_IssueChallenge);

void BM_VerifyPayload(benchmark::State& state) {
  AltchaVerifier verifier(AltchaSettings{.secret = "secret"});
  const auto payload = solved_payload(verifier);
  for (auto _ : state) benchmark::DoNotOptimize(verifier.verify(payload, "poll", kNow));
}
BENCHMARK(BM_VerifyPayload);

// One evaluation of the key derivation: what a solver pays per counter it tries, and what the
// server pays to verify a vote (once) and to issue a challenge (once).
void BM_DeriveSha256(benchmark::State& state) {
  const std::uint8_t bytes[16] = {1, 2, 3};
  std::uint32_t counter = 0;
  for (auto _ : state) benchmark::DoNotOptimize(altcha::derive({}, bytes, bytes, ++counter));
}
BENCHMARK(BM_DeriveSha256);

void BM_DeriveScrypt(benchmark::State& state) {
  const std::uint8_t bytes[16] = {1, 2, 3};
  const auto derivation = scrypt(state).derivation;
  std::uint32_t counter = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(altcha::derive(derivation, bytes, bytes, ++counter));
}
BENCHMARK(BM_DeriveScrypt)
    ->Args({16, 8})
    ->Args({32, 8})
    ->Args({64, 8})
    ->Args({128, 8})
    ->Args({256, 8})
    ->Args({512, 8})
    ->Args({1024, 8})
    ->Args({2048, 8})
    ->Args({1024, 1})
    ->Args({4096, 8})
    ->Unit(benchmark::kMicrosecond);

void BM_VerifyScryptPayload(benchmark::State& state) {
  AltchaVerifier verifier(scrypt(state));
  const auto payload = solved_payload(verifier, 4);
  for (auto _ : state) benchmark::DoNotOptimize(verifier.verify(payload, "poll", kNow));
}
BENCHMARK(BM_VerifyScryptPayload)->Args({1024, 8})->Unit(benchmark::kMicrosecond);

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
