#include "adapters/altcha/canonical_json.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <vector>

namespace paredao::altcha {
namespace {

// JSON.stringify's escaping: quote, backslash, the short escapes and \u00XX for other control
// characters; everything else, non-ASCII included, as is.
void append_string(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t plain = 0;  // start of the run of characters that need no escape
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
        out.push_back(kHex[c & 0x0F]);
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out.push_back('"');
}

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
        append_string(members[i]->key(), out);
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
    case boost::json::kind::double_: return false;
    case boost::json::kind::string: append_string(value.get_string(), out); return true;
    default: out += boost::json::serialize(value); return true;
  }
}

}  // namespace

std::optional<std::string> canonical_json(const boost::json::value& value) {
  std::string out;
  if (!append(value, out)) return std::nullopt;
  return out;
}

}  // namespace paredao::altcha
