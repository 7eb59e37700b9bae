#include "domain/percent.hpp"

#include <algorithm>
#include <numeric>

namespace paredao {

std::vector<std::int64_t> percent_hundredths(std::span<const std::int64_t> counts) {
  constexpr std::int64_t kWhole = 10000;
  std::vector<std::int64_t> shares(counts.size(), 0);
  const std::int64_t total = std::accumulate(counts.begin(), counts.end(), std::int64_t{0});
  if (total <= 0) return shares;

  std::vector<std::int64_t> remainders(counts.size());
  std::int64_t assigned = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    // counts[i] * 10000 fits easily: even 10^14 votes would not overflow int64.
    shares[i] = counts[i] * kWhole / total;
    remainders[i] = counts[i] * kWhole % total;
    assigned += shares[i];
  }
  std::vector<std::size_t> order(counts.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
  for (std::size_t k = 0; assigned < kWhole; ++k, ++assigned) ++shares[order[k % order.size()]];
  return shares;
}

std::string format_percent(std::int64_t hundredths) {
  std::string text = std::to_string(hundredths / 100) + ".";
  const auto cents = hundredths % 100;
  if (cents < 10) text += '0';
  text += std::to_string(cents);
  return text;
}

}  // namespace paredao
