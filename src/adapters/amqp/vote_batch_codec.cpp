#include "adapters/amqp/vote_batch_codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "adapters/json/json_text.hpp"

namespace paredao {

std::string encode_vote_batch(const VoteBatch& batch) {
  std::string out;
  out.reserve(64 + batch.votes.size() * 160);
  out += R"({"v":2,"batch_id":)";
  json_text::append_string(out, batch.batch_id);
  out += R"(,"votes":[)";
  for (std::size_t i = 0; i < batch.votes.size(); ++i) {
    const auto& vote = batch.votes[i];
    if (i) out += ',';
    out += '[';
    json_text::append_string(out, vote.vote_id);
    out += ',';
    json_text::append_string(out, vote.poll_id);
    out += ',';
    json_text::append_string(out, vote.candidate_id);
    out += ',';
    out += std::to_string(vote.accepted_at.time_since_epoch().count());
    out += ',';
    json_text::append_string(out, vote.challenge_id);
    out += ',';
    out += std::to_string(vote.challenge_expires_at.time_since_epoch().count());
    out += ',';
    json_text::append_string(out, vote.network);
    out += ',';
    out += std::to_string(int(vote.state));
    out += ',';
    json_text::append_string(out, vote.reason);
    out += ']';
  }
  out += "]}";
  return out;
}

std::optional<VoteBatch> decode_vote_batch(std::string_view message) {
  boost::system::error_code error;
  const auto parsed = boost::json::parse(message, error);
  if (error || !parsed.is_object()) return std::nullopt;
  const auto& object = parsed.get_object();
  const auto* version = object.if_contains("v");
  const auto* batch_id = object.if_contains("batch_id");
  const auto* votes = object.if_contains("votes");
  // Version 1 (before the edge) may still be in the queue after an upgrade: its votes counted,
  // their network unknown.
  const auto v = version && version->is_int64() ? version->get_int64() : 0;
  if ((v != 1 && v != 2) || !batch_id || !batch_id->is_string() || !votes || !votes->is_array()) {
    return std::nullopt;
  }
  const std::size_t width = v == 1 ? 6 : 9;
  VoteBatch batch{std::string(batch_id->get_string()), {}};
  for (const auto& item : votes->get_array()) {
    const auto* fields = item.if_array();
    if (!fields || fields->size() != width || !(*fields)[0].is_string() ||
        !(*fields)[1].is_string() || !(*fields)[2].is_string() || !(*fields)[3].is_int64() ||
        !(*fields)[4].is_string() || !(*fields)[5].is_int64()) {
      return std::nullopt;
    }
    if (width == 9 &&
        (!(*fields)[6].is_string() || !(*fields)[7].is_int64() || (*fields)[7].get_int64() < 0 ||
         (*fields)[7].get_int64() > 2 || !(*fields)[8].is_string())) {
      return std::nullopt;
    }
    batch.votes.push_back(AcceptedVote{
        .vote_id = std::string((*fields)[0].get_string()),
        .poll_id = std::string((*fields)[1].get_string()),
        .candidate_id = std::string((*fields)[2].get_string()),
        .accepted_at = TimePoint{std::chrono::milliseconds{(*fields)[3].get_int64()}},
        .challenge_id = std::string((*fields)[4].get_string()),
        .challenge_expires_at = TimePoint{std::chrono::milliseconds{(*fields)[5].get_int64()}}});
    if (width == 9) {
      auto& vote = batch.votes.back();
      vote.network = std::string((*fields)[6].get_string());
      vote.state = VoteState((*fields)[7].get_int64());
      vote.reason = std::string((*fields)[8].get_string());
    }
  }
  return batch;
}

}  // namespace paredao
