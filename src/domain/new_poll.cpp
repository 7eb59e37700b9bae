#include "domain/new_poll.hpp"

#include <set>

#include "domain/ids.hpp"
#include "domain/text.hpp"

namespace paredao {
namespace {

std::string candidate_field(std::size_t index, const char* name) {
  return "candidates[" + std::to_string(index) + "]." + name;
}

}  // namespace

std::optional<FieldProblem> validate(const NewPoll& request, TimePoint now) {
  if (request.id && !is_valid_id(*request.id)) {
    return FieldProblem{"id", "id must match [a-z0-9][a-z0-9-]{0,63}"};
  }
  const auto title_length = count_code_points(trim(request.title));
  if (title_length < 1 || title_length > kMaxTitleLength) {
    return FieldProblem{"title", "title must have 1 to 200 characters"};
  }
  if (request.candidates.size() < kMinCandidates || request.candidates.size() > kMaxCandidates) {
    return FieldProblem{"candidates", "candidates must list 2 to 20 participants"};
  }
  std::set<std::u32string> names;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < request.candidates.size(); ++i) {
    const auto& candidate = request.candidates[i];
    const auto length = count_code_points(trim(candidate.name));
    if (length < 1 || length > kMaxNameLength) {
      return FieldProblem{candidate_field(i, "name"), "name must have 1 to 100 characters"};
    }
    if (!names.insert(fold_name(candidate.name)).second) {
      return FieldProblem{candidate_field(i, "name"),
                          "names must be distinct (ignoring case and surrounding spaces)"};
    }
    if (candidate.id) {
      if (!is_valid_id(*candidate.id)) {
        return FieldProblem{candidate_field(i, "id"), "id must match [a-z0-9][a-z0-9-]{0,63}"};
      }
      if (!ids.insert(*candidate.id).second) {
        return FieldProblem{candidate_field(i, "id"), "candidate ids must be distinct"};
      }
    }
    if (candidate.photo_url && candidate.photo_url->size() > kMaxPhotoUrlLength) {
      return FieldProblem{candidate_field(i, "photo_url"),
                          "photo_url must have at most 2048 bytes"};
    }
  }
  if (request.closes_at) {
    if (*request.closes_at <= now) {
      return FieldProblem{"closes_at", "closes_at must be in the future"};
    }
    if (request.opens_at && *request.closes_at <= *request.opens_at) {
      return FieldProblem{"closes_at", "closes_at must be after opens_at"};
    }
  }
  return std::nullopt;
}

Poll make_poll(const NewPoll& request, const std::function<std::string()>& generate_id,
               TimePoint now) {
  Poll poll;
  poll.id = request.id ? *request.id : generate_id();
  poll.title = std::string(trim(request.title));
  poll.show_partial_results = request.show_partial_results;
  poll.created_at = now;
  if (request.opens_at) poll.opens_at = floor_to_second(*request.opens_at);
  if (request.closes_at) poll.closes_at = floor_to_second(*request.closes_at);

  std::set<std::string> taken;
  for (const auto& candidate : request.candidates) {
    if (candidate.id) taken.insert(*candidate.id);
  }
  for (std::size_t i = 0; i < request.candidates.size(); ++i) {
    const auto& source = request.candidates[i];
    Candidate candidate{.name = std::string(trim(source.name)), .photo_url = source.photo_url};
    if (source.id) {
      candidate.id = *source.id;
    } else {
      std::string base = slugify(candidate.name);
      if (base.empty() || !is_valid_id(base)) base = "c" + std::to_string(i + 1);
      if (base.size() > kMaxIdLength - 4) base.resize(kMaxIdLength - 4);
      std::string id = base;
      for (int suffix = 2; taken.count(id); ++suffix) id = base + "-" + std::to_string(suffix);
      candidate.id = id;
    }
    taken.insert(candidate.id);
    poll.candidates.push_back(std::move(candidate));
  }
  return poll;
}

}  // namespace paredao
