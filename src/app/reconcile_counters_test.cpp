#include "app/reconcile_counters.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "app/distributed_fakes_test.hpp"
#include "app/record_batch.hpp"
#include "app/test_fakes.hpp"

namespace paredao {
namespace {

using testing::FakeCounters;
using testing::FakeHistory;

VoteBatch batch_of(const std::string& id, int votes, const std::string& candidate = "a") {
  VoteBatch batch{id, {}};
  for (int i = 0; i < votes; ++i) {
    batch.votes.push_back(
        AcceptedVote{.vote_id = id + "-" + std::to_string(i),
                     .poll_id = "p",
                     .candidate_id = candidate,
                     .accepted_at = from_unix_seconds(1'800'000'000 + i * 1800),
                     .challenge_id = id + std::to_string(i),
                     .challenge_expires_at = from_unix_seconds(1'800'000'000 + 300 + i * 60)});
  }
  return batch;
}

struct Fixture : ::testing::Test {
  testing::FakeClock clock{from_unix_seconds(1'800'000'000)};
  FakeHistory history{clock};
  FakeCounters counters;
  RecordBatch record{history, counters};
  testing::FakeSharedGuard guard;
  ReconcileCounters reconcile{history, counters, guard, clock, ReconcileSettings{}};
};

TEST_F(Fixture, InSyncMeansNoDriftAndNoRepair) {
  ASSERT_EQ(record.handle(batch_of("b1", 3)), BatchOutcome::kCounted);
  const auto report = reconcile.run_once();
  ASSERT_TRUE(report.complete);
  ASSERT_EQ(report.polls.size(), 1u);
  EXPECT_EQ(report.total_drift(), 0);
  EXPECT_FALSE(report.polls[0].repaired);
}

TEST_F(Fixture, CountersThatLostEverythingAreRebuiltFromTheHistory) {
  ASSERT_EQ(record.handle(batch_of("b1", 3)), BatchOutcome::kCounted);
  ASSERT_EQ(record.handle(batch_of("b2", 2, "b")), BatchOutcome::kCounted);
  clock.advance(std::chrono::seconds(6));
  counters.wipe();
  const auto report = reconcile.run_once();
  EXPECT_EQ(report.total_drift(), 5 + 5);  // candidate totals plus hour cells
  EXPECT_TRUE(report.polls[0].repaired);
  EXPECT_EQ(counters.counts("p"), history.counts("p"));
  EXPECT_EQ(reconcile.run_once().total_drift(), 0);
}

TEST_F(Fixture, ABatchInFlightIsNotDriftAndIsNotCountedTwiceAfterARepair) {
  ASSERT_EQ(record.handle(batch_of("b1", 3)), BatchOutcome::kCounted);
  // b2 is recorded in the history, its worker has not reached the counters yet.
  counters.reachable = false;
  ASSERT_EQ(record.handle(batch_of("b2", 2)), BatchOutcome::kRetryLater);
  counters.reachable = true;
  EXPECT_EQ(reconcile.run_once().total_drift(), 0);

  // Now the counters also lose b1: real drift. The repair includes b2 and marks it applied...
  clock.advance(std::chrono::seconds(6));
  counters.wipe();
  const auto report = reconcile.run_once();
  EXPECT_GT(report.total_drift(), 0);
  EXPECT_TRUE(report.polls[0].repaired);
  // ...so the worker's retry of b2 adds nothing.
  EXPECT_EQ(record.handle(batch_of("b2", 2)), BatchOutcome::kAlreadyDone);
  EXPECT_EQ(counters.counts("p"), history.counts("p"));
}

// Regression: a batch applied between the read of the counters and the look at the batch marks
// was found applied, yet missing from the counts read: the reconciler logged false drift.
TEST_F(Fixture, ABatchAppliedBetweenTheReadAndTheLookAtTheMarksIsNotDrift) {
  ASSERT_EQ(record.handle(batch_of("b1", 3)), BatchOutcome::kCounted);
  counters.reachable = false;
  ASSERT_EQ(record.handle(batch_of("b2", 2)), BatchOutcome::kRetryLater);  // recorded, in flight
  counters.reachable = true;
  // Its worker was stuck longer than the settle time between its two steps, and reaches the
  // counters just after the reconciler read them.
  clock.advance(std::chrono::seconds(6));
  counters.before_unapplied = [&] {
    ASSERT_EQ(record.handle(batch_of("b2", 2)), BatchOutcome::kCounted);
  };
  const auto report = reconcile.run_once();
  ASSERT_TRUE(report.complete);
  EXPECT_EQ(report.total_drift(), 0);
  EXPECT_FALSE(report.polls[0].repaired);
  EXPECT_EQ(counters.counts("p"), history.counts("p"));
}

TEST_F(Fixture, ARepairRacingAWorkerGivesWayAndTheNextRoundIsRight) {
  ASSERT_EQ(record.handle(batch_of("b1", 3)), BatchOutcome::kCounted);
  clock.advance(std::chrono::seconds(6));
  counters.wipe();
  // A worker applies b2 between the reconciler's reads and its repair.
  counters.before_replace = [&] {
    counters.before_replace = nullptr;
    (void)record.handle(batch_of("b2", 4));
  };
  const auto report = reconcile.run_once();
  EXPECT_FALSE(report.polls[0].repaired);
  const auto next = reconcile.run_once();
  EXPECT_TRUE(next.polls[0].repaired);
  EXPECT_EQ(counters.counts("p"), history.counts("p"));
  EXPECT_EQ(history.counts("p").by_candidate.at("a"), 7);
}

TEST_F(Fixture, AfterTheStoreLostItsDataTheUnexpiredChallengesAreBurnedAgain) {
  ASSERT_EQ(record.handle(batch_of("b1", 4)), BatchOutcome::kCounted);
  clock.advance(std::chrono::seconds(6));
  counters.wipe();
  guard.wipe();  // the burned challenges lived in the same store
  const auto report = reconcile.run_once();
  // Expiries are 300, 360, 420, 480 s after the start; 6 s have passed: all four still count.
  ASSERT_TRUE(report.challenges_restored);
  EXPECT_EQ(*report.challenges_restored, 4u);
  EXPECT_TRUE(guard.is_burned("b10") && guard.is_burned("b13"));
  EXPECT_FALSE(reconcile.run_once().challenges_restored) << "restored once, not every round";

  // Expired challenges need not be remembered (406 s have passed).
  clock.advance(std::chrono::seconds(400));
  counters.wipe();
  guard.wipe();
  EXPECT_EQ(*reconcile.run_once().challenges_restored, 2u);  // 420 and 480 s are still ahead
}

TEST_F(Fixture, AuditOnlyReportsWithoutRepairing) {
  ReconcileCounters audit{history, counters, guard, clock, ReconcileSettings{.repair = false}};
  ASSERT_EQ(record.handle(batch_of("b1", 3)), BatchOutcome::kCounted);
  clock.advance(std::chrono::seconds(6));
  counters.wipe();
  EXPECT_GT(audit.run_once().total_drift(), 0);
  EXPECT_TRUE(counters.counts("p").by_candidate.empty());
}

TEST_F(Fixture, AnUnreachableStoreMakesTheReportIncomplete) {
  ASSERT_EQ(record.handle(batch_of("b1", 3)), BatchOutcome::kCounted);
  counters.reachable = false;
  EXPECT_FALSE(reconcile.run_once().complete);
  history.reachable = false;
  EXPECT_FALSE(reconcile.run_once().complete);
}

// Two votes that used one challenge: a human check accepted twice (which no api copy should ever
// let through; the audit must see it whatever did).
VoteBatch double_use(const std::string& batch_id, const std::string& vote_id) {
  auto batch = batch_of(batch_id, 1);
  batch.votes[0].vote_id = vote_id;
  batch.votes[0].challenge_id = "reused";
  return batch;
}

TEST_F(Fixture, TheAuditSeesAChallengeRecordedTwice) {
  ReconcileCounters audit{history, counters, guard, clock, ReconcileSettings{.repair = false}};
  ASSERT_EQ(record.handle(batch_of("b1", 2)), BatchOutcome::kCounted);
  auto report = audit.run_once();
  ASSERT_TRUE(report.used_twice);
  EXPECT_TRUE(report.used_twice->empty());
  ASSERT_EQ(record.handle(double_use("b2", "v-first")), BatchOutcome::kCounted);
  ASSERT_EQ(record.handle(double_use("b3", "v-second")), BatchOutcome::kCounted);
  report = audit.run_once();
  ASSERT_TRUE(report.used_twice);
  EXPECT_EQ(*report.used_twice, (std::vector<ChallengeUsedTwice>{{"p", "reused", 2}}));
}

TEST_F(Fixture, TheSyncServiceReportsEachDoubleUseOnceAndSearchesOnlyWhenDue) {
  ASSERT_EQ(record.handle(double_use("b2", "v-first")), BatchOutcome::kCounted);
  ASSERT_EQ(record.handle(double_use("b3", "v-second")), BatchOutcome::kCounted);
  auto report = reconcile.run_once();
  ASSERT_TRUE(report.used_twice);
  EXPECT_EQ(report.used_twice->size(), 1u);
  const int searches = history.audits;
  EXPECT_FALSE(reconcile.run_once().used_twice) << "not due yet";
  EXPECT_EQ(history.audits, searches);
  clock.advance(std::chrono::seconds(31));
  ASSERT_EQ(record.handle(double_use("b4", "v-third")), BatchOutcome::kCounted);
  report = reconcile.run_once();
  ASSERT_TRUE(report.used_twice);
  EXPECT_TRUE(report.used_twice->empty()) << "already reported";
}

// A batch the sync service counts itself (its worker had not: the counters lost it) is a span
// in the trace of the message that carried it; batches it did not count have none.
TEST_F(Fixture, ABatchCountedByARepairIsASpanInItsMessagesTrace) {
  testing::FakeTracer tracer;
  ReconcileCounters traced{history, counters, guard, clock, ReconcileSettings{}, &tracer};
  auto carried = batch_of("b1", 3);
  carried.trace = testing::sampled_context(7, 70);
  ASSERT_EQ(record.handle(carried), BatchOutcome::kCounted);
  EXPECT_EQ(traced.run_once().total_drift(), 0);
  EXPECT_TRUE(tracer.spans.empty()) << "in sync: nothing counted by the sync service";
  clock.advance(std::chrono::seconds(6));
  counters.wipe();
  ASSERT_TRUE(traced.run_once().polls.at(0).repaired);
  ASSERT_EQ(tracer.spans.size(), 1u);
  const auto& span = tracer.spans[0];
  EXPECT_EQ(span.name, "count batch from history");
  EXPECT_EQ(span.parent, testing::sampled_context(7, 70));
  EXPECT_TRUE(span.ended);
  EXPECT_NE(std::find(span.attributes.begin(), span.attributes.end(),
                      std::pair<std::string, std::string>{"paredao.batch_id", "b1"}),
            span.attributes.end());
  // The report names the batches counted, with the spans of their counts (for the log).
  tracer.spans.clear();
  counters.wipe();
  clock.advance(std::chrono::seconds(1));
  const auto report = traced.run_once();
  ASSERT_EQ(report.polls.at(0).counted.size(), 1u);
  EXPECT_EQ(report.polls.at(0).counted[0].batch_id, "b1");
  EXPECT_EQ(report.polls.at(0).counted[0].trace, tracer.spans.at(0).context);
}

// The worker's spans: one per batch continuing its message's trace, the PostgreSQL transaction
// under the first (linked to the others), each Redis step under its own batch.
TEST_F(Fixture, TheWorkersSpansContinueEachMessagesTrace) {
  testing::FakeTracer tracer;
  RecordBatch traced{history, counters, nullptr, &tracer};
  auto first = batch_of("b1", 2);
  first.trace = testing::sampled_context(1, 10);
  auto second = batch_of("b2", 1);
  second.trace = testing::sampled_context(2, 20);
  const std::vector<VoteBatch> batches{first, second};
  ASSERT_EQ(traced.handle_all(batches),
            (std::vector<BatchOutcome>{BatchOutcome::kCounted, BatchOutcome::kCounted}));
  ASSERT_EQ(tracer.spans.size(), 5u);
  const auto& record1 = tracer.spans[0];
  const auto& record2 = tracer.spans[1];
  EXPECT_EQ(record1.name, "record votes");
  EXPECT_EQ(record1.kind, SpanKind::kConsumer);
  EXPECT_EQ(record1.parent, first.trace);
  EXPECT_EQ(record2.parent, second.trace);
  const auto& postgres = tracer.named("postgres record batches");
  EXPECT_EQ(postgres.parent, record1.context);
  EXPECT_EQ(postgres.links, (std::vector<TraceContext>{record2.context}));
  EXPECT_EQ(tracer.spans[3].name, "redis apply batch");
  EXPECT_EQ(tracer.spans[3].parent, record1.context);
  EXPECT_EQ(tracer.spans[4].parent, record2.context);
  for (const auto& span : tracer.spans) EXPECT_TRUE(span.ended) << span.name;
  // The first batch not sampled: the transaction's span is the sampled one's child.
  testing::FakeTracer mixed_tracer;
  RecordBatch mixed{history, counters, nullptr, &mixed_tracer};
  auto unsampled = batch_of("b4", 1);
  unsampled.trace = testing::sampled_context(4, 40);
  unsampled.trace.sampled = false;
  auto sampled = batch_of("b5", 1);
  sampled.trace = testing::sampled_context(5, 50);
  const std::vector<VoteBatch> group{unsampled, sampled};
  ASSERT_EQ(mixed.handle_all(group),
            (std::vector<BatchOutcome>{BatchOutcome::kCounted, BatchOutcome::kCounted}));
  EXPECT_EQ(mixed_tracer.named("postgres record batches").parent, mixed_tracer.spans[1].context);
  EXPECT_TRUE(mixed_tracer.named("postgres record batches").links.empty());
  // PostgreSQL down: each batch's span says it failed.
  testing::FakeTracer down_tracer;
  RecordBatch down{history, counters, nullptr, &down_tracer};
  history.reachable = false;
  EXPECT_EQ(down.handle(batch_of("b3", 1)), BatchOutcome::kRetryLater);
  EXPECT_TRUE(down_tracer.named("record votes").failed);
  EXPECT_TRUE(down_tracer.named("postgres record batches").failed);
}

}  // namespace
}  // namespace paredao
