#include "app/reconcile_counters.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <unordered_set>

namespace paredao {
namespace {

std::int64_t count_of(const CountsById& counts, const std::string& id) {
  const auto found = counts.find(id);
  return found == counts.end() ? 0 : found->second;
}

std::int64_t drift_of(const CountsById& a, const CountsById& b) {
  std::int64_t drift = 0;
  for (const auto& [id, votes] : a) drift += std::llabs(votes - count_of(b, id));
  for (const auto& [id, votes] : b) {
    if (!a.contains(id)) drift += std::llabs(votes);
  }
  return drift;
}

}  // namespace

std::int64_t drift_between(const PollTally& a, const PollTally& b) {
  std::int64_t drift = drift_of(a.by_candidate, b.by_candidate);
  static const CountsById kNone;
  for (const auto& [hour, counts] : a.by_hour) {
    const auto other = b.by_hour.find(hour);
    drift += drift_of(counts, other == b.by_hour.end() ? kNone : other->second);
  }
  for (const auto& [hour, counts] : b.by_hour) {
    if (!a.by_hour.contains(hour)) drift += drift_of(kNone, counts);
  }
  return drift;
}

std::int64_t ReconcileReport::total_drift() const {
  std::int64_t total = 0;
  for (const auto& poll : polls) total += poll.drift;
  return total;
}

std::optional<std::size_t> ReconcileCounters::restore_burned_challenges() {
  const auto now = clock_.now();
  const auto used = history_.unexpired_challenges(now);
  if (!used) return std::nullopt;
  std::vector<ChallengeUse> uses;
  uses.reserve(used->size());
  for (const auto& challenge : *used) {
    // Its vote counts: the burn must never be released, and no use's token is "restored".
    uses.push_back(
        ChallengeUse{challenge.poll_id, challenge.challenge_id, challenge.expires_at, "restored"});
  }
  constexpr std::size_t kChunk = 10000;  // bounded round trips, bounded replies
  for (std::size_t start = 0; start < uses.size(); start += kChunk) {
    const auto chunk = std::span(uses).subspan(start, std::min(kChunk, uses.size() - start));
    const auto results = replay_guard_.burn_all(chunk, now);
    if (std::find(results.begin(), results.end(), BurnResult::kUnavailable) != results.end()) {
      return std::nullopt;
    }
  }
  if (!counters_.mark_intact()) return std::nullopt;
  return uses.size();
}

std::optional<std::vector<ChallengeUsedTwice>> ReconcileCounters::find_double_uses() {
  const auto now = clock_.now();
  if (settings_.repair) {
    if (next_search_ && now < *next_search_) return std::nullopt;
    // A sync service that just started looks back as far as it repairs, not at all the history.
    if (!searched_until_) searched_until_ = now - settings_.lookback;
  }
  std::optional<TimePoint> after;
  if (settings_.repair) after = *searched_until_ - settings_.double_use_overlap;
  auto audit = history_.challenges_used_twice(after, settings_.double_use_around);
  if (!audit) return std::nullopt;
  next_search_ = now + settings_.double_use_every;
  searched_until_ = audit->checked_until;
  std::vector<ChallengeUsedTwice> fresh;
  for (auto& found : audit->found) {
    if (reported_.emplace(found.poll_id, found.challenge_id).second) {
      fresh.push_back(std::move(found));
    }
  }
  return fresh;
}

ReconcileReport ReconcileCounters::run_once() {
  ReconcileReport report;
  // First what the store may have lost besides the counters: the burned challenges. (Only in
  // repair mode: an audit changes nothing.)
  const auto intact = counters_.intact();
  if (!intact) return report;
  if (!*intact && settings_.repair) {
    report.challenges_restored = restore_burned_challenges();
    if (!report.challenges_restored) return report;
  }
  report.used_twice = find_double_uses();
  const auto poll_ids = history_.poll_ids();
  if (!poll_ids) return report;
  report.complete = true;
  for (const auto& poll_id : *poll_ids) report.polls.push_back(reconcile(poll_id, report.complete));
  return report;
}

std::optional<std::int64_t> ReconcileCounters::drift_beyond_flight(
    const std::string& poll_id, const LiveTally& live, const PollHistory& history, TimePoint now,
    std::vector<std::string>& pending) {
  std::vector<std::string> recent_ids;
  for (const auto& batch : history.recent) recent_ids.push_back(batch.batch_id);
  auto unapplied = counters_.unapplied(poll_id, recent_ids, live.applied);
  if (!unapplied) return std::nullopt;
  pending = std::move(unapplied->missing);
  const auto& applied_after = unapplied->applied_after;
  const auto listed = [](const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  // Batches in flight are not in the counts read: those applied since the read, whatever their
  // age, and those recorded moments ago and not applied yet. The counters plus those must equal
  // the history, otherwise the difference is real drift. (After the counters lost their data
  // every batch looks unapplied; the older ones are then drift, as they should be.)
  PollTally expected_after_flight = live.counts;
  for (const auto& batch : history.recent) {
    const bool in_flight =
        listed(applied_after, batch.batch_id) ||
        (batch.recorded_at >= now - settings_.settle && listed(pending, batch.batch_id));
    if (!in_flight) continue;
    for (const auto& delta : batch.deltas) {
      expected_after_flight.add(delta.candidate_id, delta.hour, delta.votes);
    }
  }
  return drift_between(history.counts, expected_after_flight);
}

PollDrift ReconcileCounters::reconcile(const std::string& poll_id, bool& complete) {
  PollDrift result{.poll_id = poll_id};
  const auto now = clock_.now();
  // Counters first, then the history in one snapshot. A batch a worker applies after the
  // counters were read makes the repair's compare-and-set fail (retried next round); a batch
  // recorded after the snapshot is in neither `truth` nor `recent`, and its worker adds it later.
  const auto live = counters_.read(poll_id);
  // First a cheap look, at the batches of the last moments only: under load the counters trail
  // the history by exactly the batches in flight, and nothing more needs reading.
  const auto recent = live ? history_.history_of(poll_id, now - settings_.settle) : std::nullopt;
  if (!live || !recent) {
    complete = false;
    return result;
  }
  if (recent->counts == live->counts) return result;
  std::vector<std::string> pending;
  const auto quick_drift = drift_beyond_flight(poll_id, *live, *recent, now, pending);
  if (!quick_drift) {
    complete = false;
    return result;
  }
  if (*quick_drift == 0) return result;
  // Real drift: look back far enough to find every batch not applied yet, so that the repair
  // can mark them applied (their counts are in the history it copies).
  const auto history = history_.history_of(poll_id, now - settings_.lookback);
  const auto drift =
      history ? drift_beyond_flight(poll_id, *live, *history, now, pending) : std::nullopt;
  if (!drift) {
    complete = false;
    return result;
  }
  result.drift = *drift;
  if (result.drift == 0 || !settings_.repair) return result;
  result.repaired = counters_.replace_if_unchanged(poll_id, live->counts, history->counts,
                                                   pending) == ReplaceStatus::kReplaced;
  if (result.repaired && tracer_) {
    // The batches of sampled votes this repair counted, each in the trace of the message that
    // carried it (after Redis lost its data, `pending` is every batch of the lookback: a set).
    const std::unordered_set<std::string_view> counted(pending.begin(), pending.end());
    for (const auto& batch : history->recent) {
      if (!batch.trace.sampled || !counted.contains(batch.batch_id)) continue;
      const auto span =
          tracer_->start("count batch from history", SpanKind::kInternal, batch.trace);
      span->set_attribute("paredao.batch_id", batch.batch_id);
      span->set_attribute("paredao.poll_id", poll_id);
      span->set_attribute("paredao.drift_votes", result.drift);
      span->end();
      result.counted.push_back({batch.batch_id, span->context()});
    }
  }
  return result;
}

}  // namespace paredao
