#pragma once
// A paredão: its participants (candidates), its life cycle draft → open → closed, and the
// schedule that can move it along by itself.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/network.hpp"
#include "domain/time.hpp"

namespace paredao {

enum class PollStatus { kDraft, kOpen, kClosed };

std::string_view to_string(PollStatus status);
std::optional<PollStatus> poll_status_from_string(std::string_view text);

struct Candidate {
  std::string id;
  std::string name;
  std::optional<std::string> photo_url;
};

struct Poll {
  std::string id;
  std::string title;
  // The status last set by an administrator; the effective status also depends on the schedule.
  PollStatus stored_status = PollStatus::kDraft;
  std::optional<TimePoint> opens_at;
  std::optional<TimePoint> closes_at;
  bool show_partial_results = true;
  std::vector<Candidate> candidates;  // creation order, which every listing keeps
  TimePoint created_at{};
  // Production's watch list (the contract's "The edge"): a vote from a network inside one of
  // these is held apart with the reason "watched". Canonical CIDRs, no duplicates, in the
  // order production gave them.
  std::vector<Network> watch;

  // The status at instant t: closed once closed by hand or once closes_at is reached, open once
  // opened by hand or once opens_at is reached, draft otherwise. A vote is accepted only when
  // this is kOpen at its accepted_at, which makes the cut-off exact whatever the load.
  PollStatus status_at(TimePoint t) const;

  // Position of the candidate in `candidates`, or nullopt when the poll has no such candidate.
  std::optional<std::size_t> candidate_index(std::string_view candidate_id) const;

  // Whether `network` lies inside a network of the watch list.
  bool watches(const Network& network) const;
  // Whether partial results may be shown at instant t.
  bool results_visible_at(TimePoint t) const {
    return show_partial_results || status_at(t) == PollStatus::kClosed;
  }
};

// The poll opened at `now`, or nullopt if it is not a draft at `now`. An early opening moves
// opens_at to now (whole seconds, rounded down so that every vote accepted after it lies inside).
std::optional<Poll> opened(const Poll& poll, TimePoint now);

// The poll closed at `now`, or nullopt if it is not open at `now`. An early closing moves
// closes_at to now (rounded up, so that every vote accepted before it lies inside).
std::optional<Poll> closed(const Poll& poll, TimePoint now);

}  // namespace paredao
