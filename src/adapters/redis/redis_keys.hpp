#pragma once
// Where the distributed mode keeps things in Redis. Every key of a poll carries the poll id as a
// hash tag ({poll}), so that on Redis Cluster a poll's keys share a slot and one Lua script may
// touch them all; `prefix` (the deployment name) lets several deployments share a server.
#include <string>
#include <string_view>

namespace paredao::redis {

struct Keys {
  std::string prefix;

  std::string polls() const { return prefix + ":polls"; }  // set of poll ids with counters
  // Set by the reconciler once the store holds everything it should: its absence means the
  // store lost its data (and with it the burned challenges).
  std::string intact() const { return prefix + ":intact"; }
  // Durable batches perhaps not yet recorded by a worker (a sorted set scored by Redis time in
  // ms): what the review waits for.
  std::string inflight() const { return prefix + ":inflight"; }
  std::string inflight_since() const { return prefix + ":inflight:since"; }
  std::string totals(std::string_view poll) const { return tagged(poll) + ":totals"; }
  std::string hours(std::string_view poll) const { return tagged(poll) + ":hours"; }
  // How many batches were applied to the poll: each batch's mark holds its number.
  std::string applied(std::string_view poll) const { return tagged(poll) + ":applied"; }
  std::string batch(std::string_view poll, std::string_view batch_id) const {
    return tagged(poll) + ":batch:" + std::string(batch_id);
  }
  std::string challenge(std::string_view poll, std::string_view challenge_id) const {
    return tagged(poll) + ":challenge:" + std::string(challenge_id);
  }

 private:
  std::string tagged(std::string_view poll) const {
    return prefix + ":{" + std::string(poll) + "}";
  }
};

// The field of the hours hash for one hour and candidate: "<unix hour>:<candidate id>".
std::string hour_field(std::int64_t hour, std::string_view candidate_id);

}  // namespace paredao::redis
