#pragma once
// Fakes for the use-case tests: a clock that only moves when told, predictable ids, and a human
// check that accepts "ok:<challenge id>" bound to any poll.
#include <string>

#include "app/ports/clock.hpp"
#include "app/ports/human_verifier.hpp"
#include "app/ports/id_generator.hpp"

namespace paredao::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_(start) {}
  TimePoint now() const override { return now_; }
  void advance(std::chrono::milliseconds by) { now_ += by; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

class SequentialIds final : public IdGenerator {
 public:
  std::string vote_id(TimePoint) override { return "vote-" + std::to_string(++votes_); }
  std::string poll_id() override { return "poll-" + std::to_string(++polls_); }

 private:
  int votes_ = 0;
  int polls_ = 0;
};

class FakeVerifier final : public HumanVerifier {
 public:
  explicit FakeVerifier(const Clock& clock) : clock_(clock) {}
  std::string issue_challenge(std::string_view poll_id, TimePoint, std::uint32_t) override {
    return "challenge-for:" + std::string(poll_id);
  }
  Result<HumanProof> verify(std::string_view payload, std::string_view, TimePoint) const override {
    if (!payload.starts_with("ok:")) return Error{ErrorCode::kHumanCheckFailed, "bad"};
    return HumanProof{std::string(payload.substr(3)), clock_.now() + std::chrono::minutes(5)};
  }

 private:
  const Clock& clock_;
};

}  // namespace paredao::testing
