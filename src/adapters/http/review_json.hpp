#pragma once
// The JSON of the review routes (the contract's "The edge"): quarantine, watch, audit lines.
#include <string>
#include <vector>

#include "app/review_held_votes.hpp"

namespace paredao::http {

std::string quarantine_json(const QuarantineView& view);
std::string watch_json(const std::vector<Network>& networks);
// {"votes": n}: what a release or a void moved.
std::string decision_json(std::int64_t votes);
// Appends one NDJSON line of the audit (with its newline).
void append_audit_line(std::string& out, const AuditedVote& vote);

}  // namespace paredao::http
