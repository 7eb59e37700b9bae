#include "domain/new_poll.hpp"

#include <gtest/gtest.h>

namespace paredao {
namespace {

const TimePoint kNow = *parse_rfc3339("2026-11-25T20:00:00Z");

NewPoll valid_request() {
  return NewPoll{.title = "Paredão", .candidates = {{.name = "Ana"}, {.name = "Bia"}}};
}

std::string problem_field(const NewPoll& request) {
  const auto problem = validate(request, kNow);
  return problem ? problem->field : "";
}

TEST(NewPoll, AcceptsAMinimalRequest) { EXPECT_EQ(problem_field(valid_request()), ""); }

TEST(NewPoll, CountsTitleInCodePoints) {
  auto request = valid_request();
  request.title = std::string();
  for (int i = 0; i < 200; ++i) request.title += "ã";
  EXPECT_EQ(problem_field(request), "");
  request.title += "ã";
  EXPECT_EQ(problem_field(request), "title");
  request.title = "   ";
  EXPECT_EQ(problem_field(request), "title");
}

TEST(NewPoll, NeedsTwoToTwentyCandidates) {
  auto request = valid_request();
  request.candidates.pop_back();
  EXPECT_EQ(problem_field(request), "candidates");
  request.candidates.clear();
  for (int i = 0; i < 21; ++i) request.candidates.push_back({.name = "n" + std::to_string(i)});
  EXPECT_EQ(problem_field(request), "candidates");
  request.candidates.pop_back();
  EXPECT_EQ(problem_field(request), "");
}

TEST(NewPoll, NamesAreDistinctIgnoringCaseAndSpaces) {
  auto request = valid_request();
  request.candidates[1].name = "  ANA ";
  EXPECT_EQ(problem_field(request), "candidates[1].name");
  request.candidates[1].name = std::string(101, 'x');
  EXPECT_EQ(problem_field(request), "candidates[1].name");
}

TEST(NewPoll, CandidateIdsAreValidAndDistinct) {
  auto request = valid_request();
  request.candidates[0].id = "same";
  request.candidates[1].id = "same";
  EXPECT_EQ(problem_field(request), "candidates[1].id");
  request.candidates[1].id = "Bad_Id";
  EXPECT_EQ(problem_field(request), "candidates[1].id");
}

TEST(NewPoll, ScheduleMustCloseInTheFutureAfterOpening) {
  auto request = valid_request();
  request.closes_at = kNow;
  EXPECT_EQ(problem_field(request), "closes_at");
  request.closes_at = kNow + std::chrono::hours(2);
  request.opens_at = kNow + std::chrono::hours(3);
  EXPECT_EQ(problem_field(request), "closes_at");
  request.opens_at = kNow - std::chrono::hours(3);
  EXPECT_EQ(problem_field(request), "");
}

TEST(MakePoll, DerivesUniqueCandidateIdsFromNames) {
  NewPoll request{
      .title = " Paredão ",
      .candidates = {{.name = "João"}, {.id = "joao", .name = "Outro"}, {.name = "🙂"}}};
  const auto poll = make_poll(
      request, [] { return std::string("generated"); }, kNow);
  EXPECT_EQ(poll.id, "generated");
  EXPECT_EQ(poll.title, "Paredão");
  EXPECT_EQ(poll.candidates[0].id, "joao-2");
  EXPECT_EQ(poll.candidates[1].id, "joao");
  EXPECT_EQ(poll.candidates[2].id, "c3");
}

}  // namespace
}  // namespace paredao
