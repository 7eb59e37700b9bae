#include <algorithm>
#include <map>
#include <utility>

#include "app/ports/vote_review.hpp"

namespace paredao {

std::vector<HeldGroup> held_groups(std::span<const HeldCell> cells) {
  std::map<std::pair<std::string_view, std::string_view>, HeldGroup> by_key;
  for (const auto& cell : cells) {
    auto [found, fresh] = by_key.try_emplace({cell.network, cell.reason});
    auto& group = found->second;
    if (fresh) {
      group.network = cell.network;
      group.reason = cell.reason;
      group.first_at = cell.first_at;
      group.last_at = cell.last_at;
    }
    group.votes += cell.votes;
    group.first_at = std::min(group.first_at, cell.first_at);
    group.last_at = std::max(group.last_at, cell.last_at);
    group.by_candidate.push_back(HeldCount{cell.candidate_id, cell.votes});
  }
  std::vector<HeldGroup> groups;
  groups.reserve(by_key.size());
  for (auto& [key, group] : by_key) {
    std::sort(group.by_candidate.begin(), group.by_candidate.end(),
              [](const HeldCount& a, const HeldCount& b) {
                return a.votes != b.votes ? a.votes > b.votes : a.candidate_id < b.candidate_id;
              });
    groups.push_back(std::move(group));
  }
  // The map's order breaks ties: network, then reason.
  std::stable_sort(groups.begin(), groups.end(),
                   [](const HeldGroup& a, const HeldGroup& b) { return a.votes > b.votes; });
  return groups;
}

}  // namespace paredao
