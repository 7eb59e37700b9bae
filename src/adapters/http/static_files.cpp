#include "adapters/http/static_files.hpp"

#include <fstream>
#include <sstream>

namespace paredao::http {
namespace {

std::string content_type_for(const std::filesystem::path& path) {
  const auto extension = path.extension().string();
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".js" || extension == ".mjs") return "text/javascript; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".png") return "image/png";
  if (extension == ".jpg" || extension == ".jpeg") return "image/jpeg";
  if (extension == ".webp") return "image/webp";
  if (extension == ".ico") return "image/x-icon";
  if (extension == ".json" || extension == ".map") return "application/json";
  if (extension == ".webmanifest") return "application/manifest+json";
  if (extension == ".woff2") return "font/woff2";
  if (extension == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace

StaticFiles::StaticFiles(const std::optional<std::filesystem::path>& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!root || !fs::is_directory(*root, ec)) return;
  for (auto it = fs::recursive_directory_iterator(*root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    const auto relative = "/" + fs::relative(it->path(), *root).generic_string();
    // Vite names assets by content hash: they never change, so caches may keep them forever.
    const bool hashed = relative.starts_with("/assets/");
    files_.emplace(relative, StaticFile{content.str(), content_type_for(it->path()),
                                        hashed ? "public, max-age=31536000, immutable"
                                               : "no-cache"});
  }
}

const StaticFile* StaticFiles::find(std::string_view url_path) const {
  const auto path = url_path.substr(0, url_path.find('?'));
  const auto found = files_.find(std::string(path));
  return found == files_.end() ? nullptr : &found->second;
}

}  // namespace paredao::http
