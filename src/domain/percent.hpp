#pragma once
// Shares of the vote as the viewer sees them: hundredths of a percent that add up to exactly
// 100.00 when there are votes (largest-remainder rounding), all zero otherwise.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace paredao {

// Returns, for each count, its share in hundredths of a percent (0..10000). Ties in the
// remainders go to the earlier candidate, so the result is deterministic.
std::vector<std::int64_t> percent_hundredths(std::span<const std::int64_t> counts);

// Formats hundredths of a percent with exactly two decimals: 3333 → "33.33".
std::string format_percent(std::int64_t hundredths);

}  // namespace paredao
