#include "adapters/memory/memory_pace_ledger.hpp"

#include "adapters/logging/json_log.hpp"

namespace paredao {

MemoryPaceLedger::MemoryPaceLedger(const Clock& clock, std::size_t max_windows)
    : clock_(clock), max_windows_(std::max<std::size_t>(max_windows, 1)) {}

void MemoryPaceLedger::admit(std::vector<PaceRequest> requests, Done done) {
  std::vector<PaceAdmission> answers;
  answers.reserve(requests.size());
  {
    const auto now = unix_seconds(clock_.now());
    std::lock_guard lock(mutex_);
    if (now - last_sweep_ >= kPaceWindowSeconds || windows_.size() >= max_windows_) {
      make_room(now);
    }
    for (const auto& request : requests) {
      const auto admission =
          windows_[Key{request.event, request.network}].admit(now, request.limit);
      answers.push_back({.admitted = admission.admitted,
                         .before = admission.before,
                         .second = now,
                         .retry_after = std::chrono::seconds(admission.retry_after)});
    }
  }
  done(std::move(answers));
}

void MemoryPaceLedger::forget(std::vector<PaceRecord> records) {
  std::lock_guard lock(mutex_);
  for (const auto& record : records) {
    const auto window = windows_.find(Key{record.event, record.network});
    if (window != windows_.end()) window->second.forget(record.second);
  }
}

std::size_t MemoryPaceLedger::size() const {
  std::lock_guard lock(mutex_);
  return windows_.size();
}

void MemoryPaceLedger::make_room(std::int64_t now) {
  last_sweep_ = now;
  boost::unordered::erase_if(windows_,
                             [now](const auto& entry) { return entry.second.empty_at(now); });
  if (windows_.size() < max_windows_) return;
  // Every window is live: forget a tenth of them, whichever the table holds first.
  const auto before = windows_.size();
  const auto excess = before - (max_windows_ - max_windows_ / 10 - 1);
  std::size_t dropped = 0;
  boost::unordered::erase_if(windows_, [&](const auto&) { return dropped++ < excess; });
  if (now - last_overflow_log_ >= kPaceWindowSeconds) {
    last_overflow_log_ = now;
    log::warn("pace_windows_forgotten",
              {{"forgotten", before - windows_.size()}, {"max_windows", max_windows_}});
  }
}

}  // namespace paredao
