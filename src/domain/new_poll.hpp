#pragma once
// The rules a new paredão must satisfy before it exists. The HTTP adapter checks JSON types;
// this checks meaning (lengths, counts, uniqueness, schedule) and names the offending field.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/poll.hpp"

namespace paredao {

struct NewCandidate {
  std::optional<std::string> id;
  std::string name;
  std::optional<std::string> photo_url;
};

struct NewPoll {
  std::optional<std::string> id;
  std::string title;
  std::vector<NewCandidate> candidates;
  std::optional<TimePoint> opens_at;
  std::optional<TimePoint> closes_at;
  bool show_partial_results = true;
};

// Why a NewPoll was refused: the JSON path of the field and a sentence for the client.
struct FieldProblem {
  std::string field;
  std::string message;
};

constexpr std::size_t kMinCandidates = 2;
constexpr std::size_t kMaxCandidates = 20;
constexpr std::size_t kMaxTitleLength = 200;
constexpr std::size_t kMaxNameLength = 100;
constexpr std::size_t kMaxPhotoUrlLength = 2048;

// Checks every rule of the contract; returns the first problem found, in field order.
std::optional<FieldProblem> validate(const NewPoll& request, TimePoint now);

// Builds the poll from a validated request: names and title trimmed, times rounded down to whole
// seconds, missing candidate ids derived from the names (unique within the poll).
// `generate_id` is called for the poll id only when the request has none.
Poll make_poll(const NewPoll& request, const std::function<std::string()>& generate_id,
               TimePoint now);

}  // namespace paredao
