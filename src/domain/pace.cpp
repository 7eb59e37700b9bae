#include "domain/pace.hpp"

#include <algorithm>

namespace paredao {

std::uint32_t work_for_pace(std::uint64_t pace, const WorkPolicy& policy) {
  const std::uint64_t base = std::max<std::uint32_t>(policy.base, 1);
  const std::uint64_t max = std::max<std::uint64_t>(policy.max, base);
  const std::uint64_t human = policy.human_pace;
  if (human == 0 || pace <= human) return std::uint32_t(base);
  const std::uint64_t doublings = (pace - human + human - 1) / human;
  if (doublings >= 32) return std::uint32_t(max);
  return std::uint32_t(std::min(max, base << doublings));
}

void PaceWindow::drop_before(std::int64_t now) {
  const auto first_kept = now - kPaceWindowSeconds + 1;
  const auto kept = std::find_if(slots_.begin(), slots_.end(),
                                 [&](const Slot& slot) { return slot.second >= first_kept; });
  slots_.erase(slots_.begin(), kept);
}

WindowAdmission PaceWindow::admit(std::int64_t now, std::uint32_t limit) {
  drop_before(now);
  std::uint64_t total = 0;
  for (const auto& slot : slots_) total += slot.count;
  const auto before = std::uint32_t(std::min<std::uint64_t>(total, UINT32_MAX));
  if (limit > 0 && total >= limit) {
    // The earliest second at which enough of the oldest events have left the window.
    std::uint64_t left = total;
    for (const auto& slot : slots_) {
      left -= slot.count;
      if (left < limit) {
        return {.before = before,
                .retry_after = std::max<std::int64_t>(1, slot.second + kPaceWindowSeconds - now)};
      }
    }
    return {.before = before, .retry_after = kPaceWindowSeconds};
  }
  // A clock that stepped back still counts in the newest slot: the window never reorders.
  if (slots_.empty() || slots_.back().second < now) {
    slots_.push_back({now, 1});
  } else {
    ++slots_.back().count;
  }
  return {.admitted = true, .before = before};
}

void PaceWindow::forget(std::int64_t second) {
  for (auto slot = slots_.begin(); slot != slots_.end(); ++slot) {
    if (slot->second != second) continue;
    if (--slot->count == 0) slots_.erase(slot);
    return;
  }
}

bool PaceWindow::empty_at(std::int64_t now) const {
  return slots_.empty() || slots_.back().second < now - kPaceWindowSeconds + 1;
}

}  // namespace paredao
