#pragma once
// The built front end (web/dist), loaded into memory at start so that serving a page never
// touches the disk from an I/O thread.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace paredao::http {

struct StaticFile {
  std::string body;
  std::string content_type;
  std::string cache_control;
  // The same content compressed at build time (web/scripts/compress.mjs), when it was.
  std::optional<std::string> gzip;
  std::optional<std::string> brotli;
};

// The content coding to answer with, given the request's Accept-Encoding and what the file has:
// "br", "gzip" or "" (identity). A coding with q=0 is refused; brotli wins when both are taken.
std::string_view choose_encoding(std::string_view accept_encoding, const StaticFile& file);
// The same for content made per request, in the codings it can be given.
std::string_view choose_encoding(std::string_view accept_encoding, bool has_gzip, bool has_brotli);

// Immutable after construction, so thread-safe.
class StaticFiles {
 public:
  // Loads every regular file under `root` (none when root is nullopt or missing).
  explicit StaticFiles(const std::optional<std::filesystem::path>& root);

  // The file at a URL path such as "/assets/index-3f2a.js", or nullptr.
  const StaticFile* find(std::string_view url_path) const;
  // index.html, served for the pages (/ and /p/{id}), or nullptr if the front end is not built.
  const StaticFile* index() const { return find("/index.html"); }
  std::size_t size() const { return files_.size(); }

 private:
  std::unordered_map<std::string, StaticFile> files_;
};

}  // namespace paredao::http
