#pragma once
#include <optional>
#include <string>

#include <boost/json/value.hpp>

namespace paredao::altcha {

// The JSON text that ALTCHA signs: JSON.stringify of the value with object keys sorted
// recursively (altcha-lib's canonicalJSON). Returns nullopt for values JavaScript would print
// differently from Boost.JSON (non-integer numbers), which no challenge of ours contains.
std::optional<std::string> canonical_json(const boost::json::value& value);

}  // namespace paredao::altcha
