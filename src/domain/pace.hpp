#pragma once
// The edge's arithmetic (the contract's "The edge"): how much work a challenge asks of a network
// at a given pace, and the sliding 60-second window a network's challenges and votes are counted
// in. Pure; the stores that keep windows (memory, Redis) apply these same rules.
#include <cstdint>
#include <vector>

namespace paredao {

// How long a network's past is remembered, in whole seconds: a window is this many one-second
// slots, the current one included.
inline constexpr std::int64_t kPaceWindowSeconds = 60;

struct WorkPolicy {
  std::uint32_t base = 50000;      // --pow-difficulty: the work while the pace is human
  std::uint32_t max = 64 * 50000;  // --pow-difficulty-max
  std::uint32_t human_pace = 30;   // --human-pace; 0: the work never rises
};

// The work asked of a network whose pace (challenges issued to it in the window, this one
// included) is `pace`: the base while pace ≤ H, base × 2^⌈(pace − H) / H⌉ past it, at most `max`
// (and never below the base).
std::uint32_t work_for_pace(std::uint64_t pace, const WorkPolicy& policy);

// What a window said of one event.
struct WindowAdmission {
  bool admitted = false;
  std::uint32_t before = 0;      // events in the window before this one
  std::int64_t retry_after = 0;  // refused: whole seconds until one would be admitted (≥ 1)
};

// The events of one kind from one network over the last kPaceWindowSeconds seconds, by second.
class PaceWindow {
 public:
  // Records one event at second `now` unless `limit` (0: none) are already in the window.
  WindowAdmission admit(std::int64_t now, std::uint32_t limit);
  // Takes back one event recorded at `second` (one that did not happen after all).
  void forget(std::int64_t second);
  // Whether nothing recorded is still in the window at `now`.
  bool empty_at(std::int64_t now) const;

 private:
  struct Slot {
    std::int64_t second;
    std::uint32_t count;
  };
  void drop_before(std::int64_t now);
  std::vector<Slot> slots_;  // oldest first, at most kPaceWindowSeconds
};

}  // namespace paredao
