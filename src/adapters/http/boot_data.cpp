#include "adapters/http/boot_data.hpp"

#include <zlib.h>

#include <stdexcept>

namespace paredao::http {
namespace {

constexpr int kLevel = 6;

std::string boot_script(std::string_view json) {
  constexpr std::string_view kOpen = R"(<script id="paredao-boot" type="application/json">)";
  constexpr std::string_view kClose = "</script>";
  std::string script;
  script.reserve(json.size() + kOpen.size() + kClose.size() + 32);
  script.append(kOpen);
  for (const char ch : json) {
    // '<' only ever appears inside JSON strings, where \u003c means the same character.
    if (ch == '<') {
      script.append("\\u003c");
    } else {
      script.push_back(ch);
    }
  }
  script.append(kClose);
  return script;
}

// Raw deflate of `input`, appended to `out`: Z_SYNC_FLUSH leaves the stream open at a byte
// boundary (more blocks may follow), Z_FINISH ends it with a final block.
void deflate_raw(std::string_view input, int flush, std::string& out) {
  z_stream stream{};
  if (deflateInit2(&stream, kLevel, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  const auto bound = deflateBound(&stream, static_cast<uLong>(input.size())) + 16;
  const auto start = out.size();
  out.resize(start + bound);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data() + start);
  stream.avail_out = static_cast<uInt>(bound);
  const int result = deflate(&stream, flush);
  const auto written = bound - stream.avail_out;
  deflateEnd(&stream);
  if (result != (flush == Z_FINISH ? Z_STREAM_END : Z_OK) || stream.avail_in != 0) {
    throw std::runtime_error("deflate failed");
  }
  out.resize(start + written);
}

std::uint32_t crc_of(std::string_view data, std::uint32_t crc = 0) {
  return static_cast<std::uint32_t>(
      crc32(crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

void put_le32(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

}  // namespace

std::string with_boot_data(std::string_view html, std::string_view json) {
  return VotePageTemplate(html).plain(json);
}

VotePageTemplate::VotePageTemplate(std::string_view html) {
  const auto at = html.find(kBootMarker);
  has_marker_ = at != std::string_view::npos;
  head_ = has_marker_ ? html.substr(0, at) : html;
  tail_ = has_marker_ ? html.substr(at + kBootMarker.size()) : std::string_view{};
  deflate_raw(head_, Z_SYNC_FLUSH, head_deflated_);
  head_crc_ = crc_of(head_);
}

std::string VotePageTemplate::plain(std::string_view json) const {
  if (!has_marker_) return head_;
  return head_ + boot_script(json) + tail_;
}

std::string VotePageTemplate::gzip(std::string_view json) const {
  const std::string rest = has_marker_ ? boot_script(json) + tail_ : std::string();
  // The gzip member header: deflate, no name, no time, unknown OS.
  std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
  out.reserve(out.size() + head_deflated_.size() + rest.size() / 2 + 64);
  out.append(head_deflated_);
  deflate_raw(rest, Z_FINISH, out);
  const auto crc = static_cast<std::uint32_t>(
      crc32_combine(head_crc_, crc_of(rest), static_cast<z_off_t>(rest.size())));
  put_le32(out, crc);
  put_le32(out, static_cast<std::uint32_t>(head_.size() + rest.size()));
  return out;
}

}  // namespace paredao::http
