#include "app/vote_pipeline.hpp"

#include <map>
#include <thread>
#include <tuple>

namespace paredao {
namespace {

// What tells this vote's burn of a challenge from another's: the random tail of its vote id
// (a UUIDv7 ends in 48 random bits), short so that the shared guard keeps little per challenge.
std::string_view token_of(const std::string& vote_id) {
  constexpr std::size_t kTokenLength = 12;
  const std::string_view id = vote_id;
  return id.size() > kTokenLength ? id.substr(id.size() - kTokenLength) : id;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::vector<TallyDelta> count_votes(const std::vector<AcceptedVote>& votes) {
  // Keys borrow the votes' strings: a batch has a handful of distinct keys and many votes.
  // Held votes are tallied under their own keys (domain/tally.hpp: tally_key).
  std::map<std::tuple<std::string_view, std::int64_t, VoteState, std::string_view>, std::int64_t>
      counts;
  for (const auto& vote : votes) {
    ++counts[{vote.poll_id, unix_seconds(hour_start(vote.accepted_at)), vote.state,
              vote.candidate_id}];
  }
  std::vector<TallyDelta> deltas;
  deltas.reserve(counts.size());
  for (const auto& [key, votes_in_cell] : counts) {
    const auto& [poll_id, hour, state, candidate_id] = key;
    deltas.push_back(
        TallyDelta{std::string(poll_id), tally_key(state, candidate_id), hour, votes_in_cell});
  }
  return deltas;
}

VotePipeline::VotePipeline(VotePipelinePorts ports, VotePipelineSettings settings,
                           Observer observer)
    : ports_(ports),
      settings_(settings),
      observer_(std::move(observer)),
      batcher_(
          settings.max_pending, settings.max_batch,
          [this](Batch& batch, std::vector<AppendStatus>& statuses) { write(batch, statuses); },
          [this] {
            ports_.log.idle();
            // Idle: the releases left pending by a failed store are retried without waiting for
            // the next vote, so that a payload answered 503 can be sent again on any copy.
            if (pending_releases_.empty()) return;
            BatchReport report;
            report.guard_failed = !flush_releases(report);
            if (observer_) observer_(report);
          }) {}

VotePipeline::~VotePipeline() { stop(); }

void VotePipeline::stop() { batcher_.stop(); }

void VotePipeline::submit(AcceptedVote vote, AppendCallback done) {
  switch (
      ports_.local_guard.burn(vote.challenge_id, vote.challenge_expires_at, ports_.clock.now())) {
    case BurnResult::kFirstUse:
      break;
    case BurnResult::kAlreadyUsed:
      return done(AppendStatus::kDuplicate);
    case BurnResult::kUnavailable:
      return done(AppendStatus::kUnavailable);
  }
  if (!batcher_.append(vote, done)) {
    // Refused before any write (queue full, stopping): known not to count.
    ports_.local_guard.release(vote.challenge_id);
    done(AppendStatus::kUnavailable);
  }
}

namespace {

// The span of a batch: it continues the trace of its first sampled vote (else of its first vote)
// and links the other sampled ones, so that each vote's trace reaches its batch.
std::unique_ptr<Span> batch_span(Tracer* tracer, const std::vector<VoteBatcher::Pending>& batch,
                                 const std::string& batch_id) {
  if (!tracer) return nullptr;
  TraceContext parent = batch.empty() ? TraceContext{} : batch.front().vote.trace;
  std::vector<TraceContext> links;
  bool parent_sampled = parent.sampled;
  for (const auto& pending : batch) {
    const auto& trace = pending.vote.trace;
    if (!trace.sampled) continue;
    if (!parent_sampled) {
      parent = trace;
      parent_sampled = true;
    } else if (trace.trace_id != parent.trace_id) {
      links.push_back(trace);
    }
  }
  auto span = tracer->start("vote batch commit", SpanKind::kInternal, parent, links);
  span->set_attribute("paredao.batch_id", batch_id);
  span->set_attribute("paredao.batch_votes", std::int64_t(batch.size()));
  return span;
}

}  // namespace

void VotePipeline::write(Batch& batch, std::vector<AppendStatus>& statuses) {
  const auto start = std::chrono::steady_clock::now();
  const auto now = ports_.clock.now();
  BatchReport report{.batch_id = ports_.ids.vote_id(now)};
  const auto span = batch_span(ports_.tracer, batch, report.batch_id);
  if (span) report.trace = span->context();
  statuses.assign(batch.size(), AppendStatus::kUnavailable);

  // Which votes go to the log: all of them, or those the shared guard burned first.
  std::vector<std::size_t> kept;
  std::vector<const AcceptedVote*> not_counted;
  bool shared_burned = false;
  if (!ports_.shared_guard) {
    for (std::size_t i = 0; i < batch.size(); ++i) kept.push_back(i);
  } else if (!flush_releases(report)) {
    // An earlier release is still pending: burning now could find its burn and refuse a payload
    // that may be sent again. The store is failing anyway.
    report.guard_failed = true;
    for (const auto& pending : batch) not_counted.push_back(&pending.vote);
  } else {
    std::vector<ChallengeUse> uses;
    uses.reserve(batch.size());
    for (const auto& pending : batch) {
      const auto& vote = pending.vote;
      uses.push_back(ChallengeUse{vote.poll_id, vote.challenge_id, vote.challenge_expires_at,
                                  token_of(vote.vote_id)});
    }
    const auto burned = ports_.shared_guard->burn_all(uses, now);
    shared_burned = true;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      switch (burned[i]) {
        case BurnResult::kFirstUse:
          kept.push_back(i);
          break;
        case BurnResult::kAlreadyUsed:
          statuses[i] = AppendStatus::kDuplicate;
          ++report.duplicates;
          // The shared guard is the rule; this process's burn only spares it a round trip. Kept,
          // it would keep refusing the payload here after the copy holding the shared burn
          // released it (its vote failed).
          ports_.local_guard.release(batch[i].vote.challenge_id);
          break;
        case BurnResult::kUnavailable:
          report.guard_failed = true;
          not_counted.push_back(&batch[i].vote);  // burned or not: released by token anyway
          break;
      }
    }
  }

  VoteBatch message{.batch_id = std::move(report.batch_id), .votes = {}, .trace = report.trace};
  message.votes.reserve(kept.size());
  for (const auto i : kept) message.votes.push_back(std::move(batch[i].vote));
  report.votes = message.votes.size();
  if (!message.votes.empty()) {
    report.written = true;
    report.fate = ports_.log.write(message);
    if (report.fate == BatchFate::kInDoubt) report.fate = settle(message.batch_id, report);
    const auto status = report.fate == BatchFate::kDurable   ? AppendStatus::kDurable
                        : report.fate == BatchFate::kInDoubt ? AppendStatus::kInDoubt
                                                             : AppendStatus::kUnavailable;
    for (const auto i : kept) statuses[i] = status;
    if (report.fate == BatchFate::kNotDurable) {
      for (const auto& vote : message.votes) not_counted.push_back(&vote);
    }
    if (report.fate == BatchFate::kDurable) count(message);
    if (report.fate == BatchFate::kDurable && !register_inflight(message.batch_id)) {
      // Durable, so it will count; but a 202 would promise the review an exactness it cannot
      // keep. No answer, as for a batch whose settlement is out of reach.
      report.unregistered = true;
      for (const auto i : kept) statuses[i] = AppendStatus::kInDoubt;
    }
  }
  release(not_counted, shared_burned, report);
  report.batch_id = std::move(message.batch_id);
  report.seconds = seconds_since(start);
  if (span) {
    span->set_attribute("paredao.batch_written", std::int64_t(report.votes));
    if (report.written && report.fate != BatchFate::kDurable)
      span->set_error(fate_name(report.fate));
    if (report.guard_failed) span->set_error("the shared guard failed");
    span->end();
  }
  if (observer_) observer_(report);
}

bool VotePipeline::register_inflight(const std::string& batch_id) {
  if (!ports_.inflight) return true;
  const auto deadline = std::chrono::steady_clock::now() + settings_.settle_limit;
  for (;;) {
    if (ports_.inflight->add(std::span(&batch_id, 1))) return true;
    if (std::chrono::steady_clock::now() + settings_.settle_pause >= deadline) return false;
    std::this_thread::sleep_for(settings_.settle_pause);
  }
}

BatchFate VotePipeline::settle(const std::string& batch_id, BatchReport& report) {
  if (!ports_.settlement) return BatchFate::kInDoubt;
  const auto deadline = std::chrono::steady_clock::now() + settings_.settle_limit;
  for (;;) {
    if (const auto cancelled = ports_.settlement->cancel_unless_recorded(batch_id)) {
      report.settled = true;
      return *cancelled ? BatchFate::kNotDurable : BatchFate::kDurable;
    }
    if (std::chrono::steady_clock::now() + settings_.settle_pause >= deadline) {
      return BatchFate::kInDoubt;
    }
    std::this_thread::sleep_for(settings_.settle_pause);
  }
}

void VotePipeline::release(const std::vector<const AcceptedVote*>& released, bool shared,
                           BatchReport& report) {
  for (const auto* released_vote : released) {
    const auto& vote = *released_vote;
    ports_.local_guard.release(vote.challenge_id);
    if (shared) {
      pending_releases_.push_back(PendingRelease{vote.poll_id, vote.challenge_id,
                                                 std::string(token_of(vote.vote_id)),
                                                 vote.challenge_expires_at});
    }
  }
  report.released += released.size();
  while (pending_releases_.size() > settings_.max_pending_releases) {
    pending_releases_.pop_front();
    ++report.releases_dropped;
  }
  if (!pending_releases_.empty() && !flush_releases(report)) report.guard_failed = true;
}

bool VotePipeline::flush_releases(BatchReport& report) {
  if (pending_releases_.empty()) return true;
  const auto now = ports_.clock.now();
  // An expired challenge is refused whatever its burn: nothing left to release.
  std::erase_if(pending_releases_, [now](const auto& r) { return r.expires_at <= now; });
  std::vector<ChallengeUse> uses;
  uses.reserve(pending_releases_.size());
  for (const auto& r : pending_releases_) {
    uses.push_back(ChallengeUse{r.poll_id, r.challenge_id, r.expires_at, r.token});
  }
  const bool done = uses.empty() || ports_.shared_guard->release_all(uses);
  if (done) pending_releases_.clear();
  report.releases_pending = pending_releases_.size();
  return done;
}

void VotePipeline::count(const VoteBatch& batch) {
  if (!ports_.counts) return;
  ports_.counts->apply(count_votes(batch.votes));
  if (!ports_.snapshots) return;
  // So that a voter's receipt already counts the vote; at most every refresh_every, so that
  // under load the pipeline does not copy the counters for every batch.
  const auto now = std::chrono::steady_clock::now();
  if (now - last_refresh_ >= settings_.refresh_every) {
    ports_.snapshots->refresh();
    last_refresh_ = now;
  }
}

}  // namespace paredao
