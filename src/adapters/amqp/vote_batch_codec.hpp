#pragma once
// The message of the vote queue: one batch of accepted votes, as JSON so that an operator can
// read a message in the broker's tools.
//   {"v":2,"batch_id":"<uuid>","votes":[["<vote uuid>","<poll>","<candidate>",<accepted_at ms>,
//    "<challenge id>",<challenge expiry ms>,"<network CIDR>",<state 0|1|2>,"<reason>"],…]}
// Version 1 (the first six fields) is still read: a queue may hold it across an upgrade.
// The message_id property carries the batch id too.
#include <optional>
#include <string>
#include <string_view>

#include "app/ports/batch_log.hpp"

namespace paredao {

std::string encode_vote_batch(const VoteBatch& batch);
// nullopt when the message is not a well-formed batch of this version.
std::optional<VoteBatch> decode_vote_batch(std::string_view message);

}  // namespace paredao
