#include "adapters/http/json_views.hpp"

#include <boost/json.hpp>

#include "adapters/json/json_text.hpp"
#include "domain/percent.hpp"

namespace paredao::http {
namespace {

namespace json = boost::json;

json::value time_or_null(const std::optional<TimePoint>& t) {
  if (!t) return nullptr;
  return json::string(format_rfc3339(*t));
}

json::object poll_object(const Poll& poll, PollStatus status) {
  json::array candidates;
  for (const auto& candidate : poll.candidates) {
    candidates.push_back(
        json::object{{"id", candidate.id},
                     {"name", candidate.name},
                     {"photo_url", candidate.photo_url ? json::value(*candidate.photo_url)
                                                       : json::value(nullptr)}});
  }
  return json::object{{"id", poll.id},
                      {"title", poll.title},
                      {"status", to_string(status)},
                      {"opens_at", time_or_null(poll.opens_at)},
                      {"closes_at", time_or_null(poll.closes_at)},
                      {"show_partial_results", poll.show_partial_results},
                      {"candidates", std::move(candidates)}};
}

// Percentages are written as JSON numbers with exactly two decimals ("33.30", not 33.3), which
// Boost.JSON cannot do for doubles: the results document is written by hand. Ids and names are
// escaped by serializing them as JSON strings.
void render_results(std::string& out, const ResultsView& results) {
  out += R"({"poll_id":)";
  json_text::append_string(out, results.poll->id);
  out += R"(,"status":")";
  out += to_string(results.status);
  out += R"(","as_of":")";
  out += format_rfc3339(results.as_of);
  out += R"(","candidates":[)";
  for (std::size_t i = 0; i < results.poll->candidates.size(); ++i) {
    const auto& candidate = results.poll->candidates[i];
    if (i) out += ',';
    out += R"({"id":)";
    json_text::append_string(out, candidate.id);
    out += R"(,"name":)";
    json_text::append_string(out, candidate.name);
    out += R"(,"percent":)";
    out += format_percent(results.percent_hundredths[i]);
    out += '}';
  }
  out += "]}";
}

// Every vote's receipt and every GET of the results carries the same document until the snapshot
// or the poll changes (about once a millisecond under a flood, shared by many requests), so each
// I/O thread keeps the last one it wrote. The poll is held, so its address cannot be reused.
void append_results(std::string& out, const ResultsView& results) {
  struct Rendered {
    PollCatalog::PollPtr poll;
    PollStatus status{};
    TimePoint as_of{};
    std::vector<std::int64_t> percent_hundredths;
    std::string text;
  };
  thread_local Rendered last;
  if (last.poll != results.poll || last.status != results.status || last.as_of != results.as_of ||
      last.percent_hundredths != results.percent_hundredths) {
    last.text.clear();
    render_results(last.text, results);
    last.poll = results.poll;
    last.status = results.status;
    last.as_of = results.as_of;
    last.percent_hundredths = results.percent_hundredths;
  }
  out += last.text;
}

}  // namespace

std::string poll_json(const Poll& poll, PollStatus status) {
  return json::serialize(poll_object(poll, status));
}

std::string polls_json(const std::vector<PollView>& polls) {
  json::array list;
  for (const auto& view : polls) list.push_back(poll_object(*view.poll, view.status));
  return json::serialize(json::object{{"polls", std::move(list)}});
}

std::string results_json(const ResultsView& results) {
  std::string out;
  out.reserve(128 + 96 * results.poll->candidates.size());
  append_results(out, results);
  return out;
}

namespace {

// Counts per period (hour, minute), each with its start under `key` and every candidate in the
// poll's order: [{key, "total", "by_candidate": [{"candidate_id", "votes"}, …]}, …].
template <class Counts>
json::array by_period(const std::vector<Candidate>& candidates, const std::vector<Counts>& periods,
                      std::string_view key, TimePoint Counts::*start) {
  json::array out;
  for (const auto& period : periods) {
    json::array period_candidates;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      period_candidates.push_back(
          json::object{{"candidate_id", candidates[i].id}, {"votes", period.by_candidate[i]}});
    }
    out.push_back(json::object{{key, format_rfc3339(period.*start)},
                               {"total", period.total},
                               {"by_candidate", std::move(period_candidates)}});
  }
  return out;
}

}  // namespace

std::string stats_json(const StatsView& stats) {
  const auto& candidates = stats.poll->candidates;
  json::array by_candidate;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    by_candidate.push_back(json::object{{"candidate_id", candidates[i].id},
                                        {"name", candidates[i].name},
                                        {"votes", stats.counts.by_candidate[i]},
                                        {"quarantined", stats.counts.quarantined_by_candidate[i]},
                                        {"voided", stats.counts.voided_by_candidate[i]}});
  }
  return json::serialize(json::object{
      {"poll_id", stats.poll->id},
      {"status", to_string(stats.status)},
      {"as_of", format_rfc3339(stats.as_of)},
      {"total", stats.counts.total},
      {"quarantined", stats.counts.quarantined},
      {"voided", stats.counts.voided},
      {"by_candidate", std::move(by_candidate)},
      {"by_hour", by_period(candidates, stats.counts.by_hour, "hour", &HourCounts::hour)}});
}

std::string minutes_json(const MinuteHistory& history) {
  return json::serialize(json::object{
      {"poll_id", history.poll->id},
      {"as_of", format_rfc3339(history.as_of)},
      {"by_minute",
       by_period(history.poll->candidates, history.by_minute, "minute", &MinuteCounts::minute)}});
}

std::string readiness_json(const ReadinessReport& report) {
  json::array degraded;
  for (const auto& dependency : report.not_up) {
    degraded.push_back(
        json::object{{"dependency", dependency.dependency}, {"detail", dependency.detail}});
  }
  return json::serialize(json::object{{"status", "ready"}, {"degraded", std::move(degraded)}});
}

std::string receipt_json(const VoteReceipt& receipt) {
  std::string out;
  out.reserve(256 + 96 * receipt.poll->candidates.size());
  out += R"({"vote_id":")";
  out += receipt.vote_id;
  out += R"(","poll_id":)";
  json_text::append_string(out, receipt.poll->id);
  out += R"(,"candidate_id":)";
  json_text::append_string(out, receipt.candidate_id);
  out += R"(,"accepted_at":")";
  out += format_rfc3339(receipt.accepted_at);
  out += R"(","results":)";
  if (receipt.results)
    append_results(out, *receipt.results);
  else
    out += "null";
  out += '}';
  return out;
}

}  // namespace paredao::http
