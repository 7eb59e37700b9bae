#pragma once
#include <string>
#include <string_view>

namespace paredao::json_text {

// Appends `text` (valid UTF-8) as a JSON string exactly as JavaScript's JSON.stringify writes it:
// quote and backslash escaped, \b \f \n \r \t, \u00XX for other control characters, everything
// else as is. The ALTCHA signature depends on this byte for byte; the hand-written response
// documents use it because it is several times faster than a general serializer.
void append_string(std::string& out, std::string_view text);

}  // namespace paredao::json_text
