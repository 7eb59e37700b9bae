#include "adapters/amqp/amqp_vote_log.hpp"

#include <chrono>

#include "adapters/amqp/vote_batch_codec.hpp"
#include "adapters/logging/json_log.hpp"

namespace paredao {

AmqpVoteLog::AmqpVoteLog(amqp::ConfirmedPublisher& publisher, SharedReplayGuard& replay_guard,
                         VoteHistory& history, IdGenerator& ids, const Clock& clock,
                         AmqpVoteLogSettings settings, BatchObserver observer)
    : publisher_(publisher),
      replay_guard_(replay_guard),
      history_(history),
      ids_(ids),
      clock_(clock),
      settle_limit_(settings.settle_limit),
      observer_(std::move(observer)),
      healthy_(publisher_.connect()),
      batcher_(settings.max_pending, settings.max_batch,
               [this](auto& batch, auto& statuses) { write_batch(batch, statuses); }) {}

AmqpVoteLog::~AmqpVoteLog() { stop(); }

void AmqpVoteLog::append(AcceptedVote vote, AppendCallback done) {
  batcher_.append(std::move(vote), std::move(done));
}

void AmqpVoteLog::stop() { batcher_.stop(); }

void AmqpVoteLog::write_batch(std::vector<VoteBatcher::Pending>& batch,
                              std::vector<AppendStatus>& statuses) {
  const auto start = std::chrono::steady_clock::now();
  statuses.assign(batch.size(), AppendStatus::kUnavailable);
  std::vector<ChallengeUse> uses;
  uses.reserve(batch.size());
  for (const auto& pending : batch) {
    uses.push_back(ChallengeUse{pending.vote.poll_id, pending.vote.challenge_id,
                                pending.vote.challenge_expires_at});
  }
  const auto now = clock_.now();
  const auto burned = replay_guard_.burn_all(uses, now);
  guard_healthy_ = burned.empty() || burned.front() != BurnResult::kUnavailable;

  VoteBatch message{ids_.vote_id(now), {}};
  message.votes.reserve(batch.size());
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (burned[i] == BurnResult::kAlreadyUsed) statuses[i] = AppendStatus::kDuplicate;
    if (burned[i] != BurnResult::kFirstUse) continue;
    kept.push_back(i);
    message.votes.push_back(std::move(batch[i].vote));  // the burn above is done with `uses`
  }
  bool confirmed = kept.empty();
  if (!kept.empty()) {
    const auto published = publisher_.publish(message.batch_id, encode_vote_batch(message));
    confirmed = published == amqp::PublishResult::kConfirmed;
    healthy_ = confirmed;
    const auto status = confirmed                                    ? AppendStatus::kDurable
                        : published == amqp::PublishResult::kNotSent ? AppendStatus::kUnavailable
                                                                     : settle(message.batch_id);
    for (const auto i : kept) statuses[i] = status;
  }
  if (observer_) {
    observer_(PublishReport{
        kept.size(),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
        confirmed});
  }
}

AppendStatus AmqpVoteLog::settle(const std::string& batch_id) {
  const auto deadline = std::chrono::steady_clock::now() + settle_limit_;
  do {
    if (const auto cancelled = history_.cancel_unless_recorded(batch_id)) {
      log::warn("batch_settled", {{"batch_id", batch_id}, {"counted", !*cancelled}});
      return *cancelled ? AppendStatus::kUnavailable : AppendStatus::kDurable;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (std::chrono::steady_clock::now() < deadline);
  log::error("batch_in_doubt", {{"batch_id", batch_id}});
  return AppendStatus::kInDoubt;
}

}  // namespace paredao
