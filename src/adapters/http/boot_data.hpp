#pragma once
// The vote page's first data (the poll it shows, a first challenge), written into index.html so
// that a phone needs no round trip after the HTML but the human check's before it can vote
// (issue 16). The page is index.html cut at its marker: the part before it is compressed once,
// at start, so each page costs only the compression of its data and the few bytes after it.
#include <cstdint>
#include <string>
#include <string_view>

namespace paredao::http {

// Where the built index.html takes the data: web/index.html carries this comment.
inline constexpr std::string_view kBootMarker = "<!--paredao-boot-->";

// `html` with the marker replaced by <script id="paredao-boot" type="application/json"> holding
// `json`, every '<' of it written \u003c so that no value can close the script or open a
// comment. Without the marker, `html` as it is.
std::string with_boot_data(std::string_view html, std::string_view json);

// Immutable after construction, so thread-safe.
class VotePageTemplate {
 public:
  explicit VotePageTemplate(std::string_view html);

  // with_boot_data(html, json).
  std::string plain(std::string_view json) const;
  // The same page, gzip-coded (RFC 1952): the head's deflate made at construction, ended by a
  // byte-aligned empty block, then the rest's.
  std::string gzip(std::string_view json) const;

 private:
  std::string head_;  // up to the marker (all of the page without one)
  std::string tail_;  // after the marker
  bool has_marker_ = false;
  std::string head_deflated_;  // raw deflate, sync-flushed, no final block
  std::uint32_t head_crc_ = 0;
};

}  // namespace paredao::http
