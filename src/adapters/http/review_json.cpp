#include "adapters/http/review_json.hpp"

#include <boost/json.hpp>

#include "adapters/json/json_text.hpp"

namespace paredao::http {
namespace {

namespace json = boost::json;

json::value optional_text(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return json::string(*text);
}

std::string_view state_name(VoteState state) {
  switch (state) {
    case VoteState::kCounted:
      return "counted";
    case VoteState::kQuarantined:
      return "quarantined";
    case VoteState::kVoided:
      return "voided";
  }
  return "counted";
}

}  // namespace

std::string quarantine_json(const QuarantineView& view) {
  json::array groups;
  for (const auto& group : view.held.groups) {
    json::array by_candidate;
    for (const auto& count : group.by_candidate) {
      by_candidate.push_back(
          json::object{{"candidate_id", count.candidate_id}, {"votes", count.votes}});
    }
    groups.push_back(json::object{{"network", group.network},
                                  {"reason", group.reason},
                                  {"votes", group.votes},
                                  {"by_candidate", std::move(by_candidate)},
                                  {"first_at", format_rfc3339(group.first_at)},
                                  {"last_at", format_rfc3339(group.last_at)}});
  }
  json::array decisions;
  for (const auto& decision : view.held.decisions) {
    decisions.push_back(json::object{{"at", format_rfc3339(decision.at)},
                                     {"action", to_string(decision.action)},
                                     {"network", optional_text(decision.network)},
                                     {"reason", optional_text(decision.reason)},
                                     {"votes", decision.votes}});
  }
  return json::serialize(json::object{{"poll_id", view.poll->id},
                                      {"as_of", format_rfc3339(view.as_of)},
                                      {"groups", std::move(groups)},
                                      {"decisions", std::move(decisions)}});
}

std::string watch_json(const std::vector<Network>& networks) {
  json::array list;
  for (const auto& network : networks) list.push_back(json::string(network.cidr()));
  return json::serialize(json::object{{"networks", std::move(list)}});
}

std::string decision_json(std::int64_t votes) {
  return json::serialize(json::object{{"votes", votes}});
}

void append_audit_line(std::string& out, const AuditedVote& vote) {
  // By hand: an audit runs to millions of lines, and this is its whole cost.
  out += R"({"vote_id":)";
  json_text::append_string(out, vote.vote_id);
  out += R"(,"accepted_at":")";
  out += format_rfc3339(vote.accepted_at);
  out += R"(","candidate_id":)";
  json_text::append_string(out, vote.candidate_id);
  out += R"(,"network":)";
  json_text::append_string(out, vote.network);
  out += R"(,"state":")";
  out += state_name(vote.state);
  out += R"(","reason":)";
  if (vote.reason.empty()) {
    out += "null";
  } else {
    json_text::append_string(out, vote.reason);
  }
  out += "}\n";
}

}  // namespace paredao::http
