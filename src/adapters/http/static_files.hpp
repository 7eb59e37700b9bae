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
};

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
