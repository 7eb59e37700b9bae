#pragma once
// Use case: an accepted vote, from its checks to its durable record and its answer. This is the
// one place where the vote guarantee lives, in both modes ("a 202 means durable and recorded
// exactly once; a 503 means not recorded, and the payload may be sent again"):
//   burn the challenge here (a replay on this process is refused at once) → group commit
//   (VoteBatcher) → burn the batch's challenges in the shared guard (distributed) → make the
//   batch durable (BatchLog: a SQLite transaction, a confirmed message) → settle a batch in
//   doubt (BatchSettlement) → release the burns of the votes known not to count → count the
//   batch (embedded) and refresh the read snapshot → answer each vote.
// The adapters behind the ports only speak their technology.
//
// A vote's fate, by what happened to its batch:
//   shared burn: already used .................... kDuplicate   (422; the shared burn kept,
//                                                   this process's released: Redis is the rule)
//   shared burn: store failed .................... kUnavailable (503; both burns released)
//   written: durable ............................. kDurable     (202)
//   written: certainly not stored ................ kUnavailable (503; both burns released)
//   in doubt, settled as cancelled ............... kUnavailable (503; both burns released)
//   in doubt, settled as recorded ................ kDurable     (202)
//   in doubt, settlement out of reach ............ kInDoubt     (no answer; burns kept)
// A burn is released only when its vote is known not to count, never when it might. A shared
// release that fails is kept and retried, before anything else, until it succeeds: a batch is
// never burned while an earlier release is pending.
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "app/ports/batch_log.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/id_generator.hpp"
#include "app/ports/inflight_batches.hpp"
#include "app/ports/replay_guard.hpp"
#include "app/ports/tally_store.hpp"
#include "app/ports/tracer.hpp"
#include "app/tally_snapshots.hpp"
#include "app/vote_batcher.hpp"

namespace paredao {

struct VotePipelineSettings {
  std::size_t max_pending = 100000;  // votes waiting beyond this are refused (back-pressure)
  std::size_t max_batch = 20000;     // votes per batch at most
  // How long a batch in doubt may wait for the settlement before its voters get no answer.
  std::chrono::milliseconds settle_limit{10000};
  std::chrono::milliseconds settle_pause{200};  // between two settlement attempts
  // The read snapshot is refreshed after a counted batch at most this often.
  std::chrono::milliseconds refresh_every{20};
  // Shared releases kept for a retry at most (beyond, the oldest are given up and logged by the
  // observer: their payloads would be refused as used until their challenge expires).
  std::size_t max_pending_releases = 1'000'000;
};

// The ports the pipeline works through. The optional ones say which mode it runs in.
struct VotePipelinePorts {
  ReplayGuard& local_guard;
  BatchLog& log;
  IdGenerator& ids;
  const Clock& clock;
  SharedReplayGuard* shared_guard = nullptr;  // distributed: single use across api copies
  BatchSettlement* settlement = nullptr;      // distributed: settles batches in doubt
  // distributed: where a durable batch is registered before its answer, so that the review
  // can wait for the workers to record it (app/inflight_barrier.hpp)
  InflightBatches* inflight = nullptr;
  TallyStore* counts = nullptr;         // embedded: counted here once durable
  TallySnapshots* snapshots = nullptr;  // embedded: a receipt then counts its own vote
  // A span per batch, continuing its votes' traces (none: no span).
  Tracer* tracer = nullptr;
};

// What one batch did, for metrics and logs.
struct BatchReport {
  std::string batch_id;
  std::size_t votes = 0;  // handed to the log (after the shared burn)
  double seconds = 0;     // from the shared burn to the answers
  bool written = false;   // whether the log was asked to write it
  BatchFate fate = BatchFate::kNotDurable;
  bool settled = false;        // the fate was in doubt and the settlement decided it
  bool unregistered = false;   // durable, but not registered in flight: its votes got no answer
  std::size_t duplicates = 0;  // refused by the shared burn as already used
  std::size_t released = 0;    // burns released (votes known not to count)
  std::size_t releases_pending = 0;  // shared releases still waiting for the store
  std::size_t releases_dropped = 0;  // given up (max_pending_releases)
  bool guard_failed = false;         // the shared guard failed (burn or pending release)
  TraceContext trace;                // the batch's span (for its log lines)
};

// Thread-safe: submit() from any thread. The callbacks run on the pipeline's thread, except a
// refusal at submit(), which runs on the caller's.
class VotePipeline {
 public:
  using Observer = std::function<void(const BatchReport&)>;

  VotePipeline(VotePipelinePorts ports, VotePipelineSettings settings, Observer observer = {});
  ~VotePipeline();
  VotePipeline(const VotePipeline&) = delete;
  VotePipeline& operator=(const VotePipeline&) = delete;

  // Burns the vote's challenge in this process (kDuplicate at once when already used here,
  // kUnavailable when the guard is full), then queues the vote; `done` runs exactly once.
  void submit(AcceptedVote vote, AppendCallback done);
  // Writes every vote already queued and answers it, then stops: later votes are kUnavailable.
  // Must run before anything the callbacks reach is destroyed. Idempotent.
  void stop();

 private:
  using Batch = std::vector<VoteBatcher::Pending>;
  void write(Batch& batch, std::vector<AppendStatus>& statuses);
  // Retries the shared releases still pending; false while the store refuses them.
  bool flush_releases(BatchReport& report);
  // Settles a batch in doubt: its fate once known, kInDoubt when the settlement stays out of
  // reach for settle_limit.
  BatchFate settle(const std::string& batch_id, BatchReport& report);
  // Registers a durable batch in flight (distributed), retried for settle_limit; false if it
  // could not be.
  bool register_inflight(const std::string& batch_id);
  // Releases the burns of the votes known not to count: in this process at once; in the shared
  // guard (when `shared`: it was asked to burn them) through the pending list.
  void release(const std::vector<const AcceptedVote*>& released, bool shared, BatchReport& report);
  void count(const VoteBatch& batch);

  VotePipelinePorts ports_;
  const VotePipelineSettings settings_;
  Observer observer_;
  // A shared release not done yet: the strings it needs, owned.
  struct PendingRelease {
    std::string poll_id, challenge_id, token;
    TimePoint expires_at;
  };
  std::deque<PendingRelease> pending_releases_;           // the pipeline's thread only
  std::chrono::steady_clock::time_point last_refresh_{};  // the pipeline's thread only
  VoteBatcher batcher_;  // last: its thread works through everything above
};

// The counts a batch of new votes adds: per poll, candidate and hour.
std::vector<TallyDelta> count_votes(const std::vector<AcceptedVote>& votes);

}  // namespace paredao
