#include "adapters/altcha/canonical_json.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <vector>

#include "adapters/json/json_text.hpp"

namespace paredao::altcha {
namespace {

bool append(const boost::json::value& value, std::string& out) {
  switch (value.kind()) {
    case boost::json::kind::object: {
      const auto& object = value.get_object();
      std::vector<const boost::json::key_value_pair*> members;
      for (const auto& member : object) members.push_back(&member);
      // JavaScript sorts keys by UTF-16 code units; for the ASCII keys of a challenge that is
      // the same as byte order.
      std::sort(members.begin(), members.end(),
                [](auto* a, auto* b) { return a->key() < b->key(); });
      out.push_back('{');
      for (std::size_t i = 0; i < members.size(); ++i) {
        if (i) out.push_back(',');
        json_text::append_string(out, members[i]->key());
        out.push_back(':');
        if (!append(members[i]->value(), out)) return false;
      }
      out.push_back('}');
      return true;
    }
    case boost::json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& element : value.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        if (!append(element, out)) return false;
      }
      out.push_back(']');
      return true;
    }
    case boost::json::kind::double_:
      return false;
    case boost::json::kind::string:
      json_text::append_string(out, value.get_string());
      return true;
    default:
      out += boost::json::serialize(value);
      return true;
  }
}

}  // namespace

std::optional<std::string> canonical_json(const boost::json::value& value) {
  std::string out;
  if (!append(value, out)) return std::nullopt;
  return out;
}

}  // namespace paredao::altcha
