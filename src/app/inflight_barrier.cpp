#include "app/inflight_barrier.hpp"

#include <algorithm>
#include <thread>

namespace paredao {

bool OwnInflightBatches::add(std::span<const std::string> batch_ids) {
  if (!shared_.add(batch_ids)) return false;
  std::lock_guard lock(mutex_);
  pending_.insert(batch_ids.begin(), batch_ids.end());
  return true;
}

bool OwnInflightBatches::remove(std::span<const std::string> batch_ids) {
  {
    std::lock_guard lock(mutex_);
    for (const auto& id : batch_ids) pending_.erase(id);
  }
  return shared_.remove(batch_ids);
}

std::vector<std::string> OwnInflightBatches::pending() const {
  std::lock_guard lock(mutex_);
  return {pending_.begin(), pending_.end()};
}

InflightBarrier::InflightBarrier(InflightBatches& registry, RecordedBatchLookup& history,
                                 OwnInflightBatches* own, InflightBarrierSettings settings,
                                 OnStuck on_stuck)
    : registry_(registry),
      history_(history),
      own_(own),
      settings_(settings),
      on_stuck_(std::move(on_stuck)) {}

std::optional<bool> InflightBarrier::settle_until(std::int64_t until, std::int64_t now) {
  std::lock_guard lock(mutex_);
  for (;;) {
    const auto chunk = registry_.registered_until(until, settings_.chunk);
    if (!chunk) return std::nullopt;
    if (chunk->empty()) return true;
    std::vector<std::string> ids;
    ids.reserve(chunk->size());
    for (const auto& batch : *chunk) ids.push_back(batch.batch_id);
    auto settled = history_.settled_among(ids);
    if (!settled) return std::nullopt;
    bool waiting = false;
    for (const auto& batch : *chunk) {
      if (std::find(settled->begin(), settled->end(), batch.batch_id) != settled->end()) continue;
      if (now - batch.at_ms >= settings_.stuck_after.count()) {
        if (on_stuck_) on_stuck_(batch);
        settled->push_back(batch.batch_id);  // given up on: removed below
      } else {
        waiting = true;
      }
    }
    if (!settled->empty()) {
      if (!registry_.remove(*settled)) return std::nullopt;
      if (own_) (void)own_->remove(*settled);
    }
    // Oldest first: a batch still awaited means the rest can wait for the next look.
    if (waiting) return false;
    if (chunk->size() < settings_.chunk) return true;
  }
}

bool InflightBarrier::wait_until_recorded(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::optional<std::int64_t> until;
  for (;;) {
    if (const auto time = registry_.now()) {
      // A registry that is new (or started again after its store lost its data) is believed
      // once every copy had the time to register again what it waits for.
      const bool settled_in =
          time->since_ms && time->now_ms - *time->since_ms >= settings_.grace.count();
      if (settled_in && !until) until = time->now_ms;
      if (until) {
        if (const auto done = settle_until(*until, time->now_ms); done && *done) return true;
      }
    }
    if (std::chrono::steady_clock::now() + settings_.pause >= deadline) return false;
    std::this_thread::sleep_for(settings_.pause);
  }
}

bool InflightBarrier::sweep(std::chrono::milliseconds age) {
  std::vector<std::string> waiting;
  if (own_) {
    const auto pending = own_->pending();
    if (!pending.empty()) {
      const auto settled = history_.settled_among(pending);
      if (!settled) return false;
      if (!settled->empty()) (void)own_->remove(*settled);
      for (const auto& id : pending) {
        if (std::find(settled->begin(), settled->end(), id) == settled->end()) {
          waiting.push_back(id);
        }
      }
    }
  }
  // Also when nothing waits: the registry then exists (its `since`), which the barrier needs.
  // A batch still registered keeps its first stamp; one the registry had lost is stamped now.
  if (!registry_.add(waiting)) return false;
  const auto time = registry_.now();
  if (!time) return false;
  return settle_until(time->now_ms - age.count(), time->now_ms).has_value();
}

}  // namespace paredao
