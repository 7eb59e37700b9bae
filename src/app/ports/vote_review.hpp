#pragma once
// Where production reviews the votes the edge held apart (the contract's "The edge"): what is
// held, the decisions to release or void it, and the audit of every vote answered 202.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/ports/tally_store.hpp"
#include "domain/network.hpp"
#include "domain/tally.hpp"
#include "domain/time.hpp"

namespace paredao {

enum class ReviewAction { kRelease, kVoid };
std::string_view to_string(ReviewAction action);

struct HeldCount {
  std::string candidate_id;
  std::int64_t votes = 0;
};

// The votes held now from one network for one reason.
struct HeldGroup {
  std::string network;
  std::string reason;
  std::int64_t votes = 0;
  std::vector<HeldCount> by_candidate;  // largest first
  TimePoint first_at{};                 // the oldest accepted_at among them
  TimePoint last_at{};
};

// Which held votes a decision takes: all, or those of networks inside `network`, or those held
// for `reason`, or both.
struct HeldFilter {
  std::optional<Network> network;
  std::optional<std::string> reason;
};

struct ReviewDecision {
  TimePoint at{};
  ReviewAction action = ReviewAction::kRelease;
  std::optional<std::string> network;  // the filter as given (canonical CIDR)
  std::optional<std::string> reason;
  std::int64_t votes = 0;  // how many it moved
};

// The held votes of one network, reason and candidate: what stores count, grouped below.
struct HeldCell {
  std::string network;
  std::string reason;
  std::string candidate_id;
  std::int64_t votes = 0;
  TimePoint first_at{};
  TimePoint last_at{};
};
// Groups by network and reason, largest first (then by network and reason, for a stable order),
// each with its candidates largest first (then by id).
std::vector<HeldGroup> held_groups(std::span<const HeldCell> cells);

struct HeldVotes {
  std::vector<HeldGroup> groups;          // largest first
  std::vector<ReviewDecision> decisions;  // oldest first
};

// What a decision did: the votes it moved, and the counts to apply to the live counters, under
// the tally keys (domain/tally.hpp) — minus from "q:<id>", plus to "<id>" or "v:<id>".
struct DecisionOutcome {
  std::int64_t votes = 0;
  std::vector<TallyDelta> deltas;
};

// One vote answered 202, as the audit lists it.
struct AuditedVote {
  std::string vote_id;
  TimePoint accepted_at{};
  std::string candidate_id;
  std::string network;
  VoteState state = VoteState::kCounted;
  std::string reason;  // empty when it was never held
};

// The votes of one poll, oldest first, from one snapshot of the store, a page at a time.
// Blocking; one thread at a time.
class AuditReader {
 public:
  virtual ~AuditReader() = default;
  // Up to `max` more votes; empty at the end. nullopt when the store failed (the audit is cut).
  virtual std::optional<std::vector<AuditedVote>> next(std::size_t max) = 0;
};

// The counted votes of one UTC minute, by candidate id.
struct MinuteTally {
  TimePoint minute{};  // the minute's start
  CountsById by_candidate;
};

// Blocking; thread-safe. Every answer is exact: it covers every vote the store holds when it
// is called (the PipelineBarrier says when that is every vote answered 202).
class VoteReview {
 public:
  virtual ~VoteReview() = default;
  // What the poll holds now, and every decision taken. nullopt when the store failed.
  virtual std::optional<HeldVotes> held(std::string_view poll_id) = 0;
  // In one transaction: moves every vote of the poll held now and matching `filter` to counted
  // (release) or voided (void), moves their counts in the store's rollup, and records the
  // decision (only when it moved a vote: a decision repeated changes nothing). `decision_id`
  // (a fresh UUID) names the change of counts for stores that apply it elsewhere once.
  // nullopt when the store failed: nothing moved.
  virtual std::optional<DecisionOutcome> decide(std::string_view poll_id, ReviewAction action,
                                                const HeldFilter& filter, TimePoint at,
                                                std::string_view decision_id) = 0;
  // A reader of the poll's audit; nullptr when the store failed.
  virtual std::unique_ptr<AuditReader> audit(std::string_view poll_id) = 0;
  // The poll's counted votes (released ones included) per UTC minute, for the minutes starting
  // at or after `since` (a minute's start: stores keep whole minutes); oldest first, only minutes
  // with votes. Read from the store's per-minute rollup, never from the votes: it costs the
  // minutes asked, not the votes in them. nullopt when the store failed.
  virtual std::optional<std::vector<MinuteTally>> counted_by_minute(std::string_view poll_id,
                                                                    TimePoint since) = 0;
};

// Tells when the store of VoteReview holds every vote answered 202 so far. Embedded: always
// (a 202 follows the commit). Distributed: once the workers have recorded every batch
// confirmed before the call. Blocking.
class PipelineBarrier {
 public:
  virtual ~PipelineBarrier() = default;
  // True once every vote answered 202 before the call is recorded; false when that could not
  // be known within `limit` (the pipeline is behind or its store is down).
  virtual bool wait_until_recorded(std::chrono::milliseconds limit) = 0;
};

// Applies a decision's counts to the live counters (once per decision id), so that results and
// stats show it. Blocking. A failure is repaired by the stores' own reconciliation.
class ReviewedCounts {
 public:
  virtual ~ReviewedCounts() = default;
  virtual void apply(std::string_view decision_id, std::span<const TallyDelta> deltas) = 0;
};

}  // namespace paredao
