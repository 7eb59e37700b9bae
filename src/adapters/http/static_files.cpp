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
  std::unordered_map<std::string, std::string> contents;  // by URL path
  std::unordered_map<std::string, fs::path> paths;
  for (auto it = fs::recursive_directory_iterator(*root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    const auto relative = "/" + fs::relative(it->path(), *root).generic_string();
    contents.emplace(relative, content.str());
    paths.emplace(relative, it->path());
  }
  const auto take = [&contents](const std::string& path) -> std::optional<std::string> {
    const auto found = contents.find(path);
    if (found == contents.end()) return std::nullopt;
    return found->second;
  };
  for (const auto& [relative, body] : contents) {
    const bool compressed_copy =
        (relative.ends_with(".gz") && contents.contains(relative.substr(0, relative.size() - 3))) ||
        (relative.ends_with(".br") && contents.contains(relative.substr(0, relative.size() - 3)));
    if (compressed_copy) continue;
    // Vite names assets by content hash: they never change, so caches may keep them forever.
    const bool hashed = relative.starts_with("/assets/");
    files_.emplace(relative, StaticFile{body, content_type_for(paths.at(relative)),
                                        hashed ? "public, max-age=31536000, immutable" : "no-cache",
                                        take(relative + ".gz"), take(relative + ".br")});
  }
}

std::string_view choose_encoding(std::string_view accept_encoding, const StaticFile& file) {
  return choose_encoding(accept_encoding, file.gzip.has_value(), file.brotli.has_value());
}

std::string_view choose_encoding(std::string_view accept_encoding, bool has_gzip, bool has_brotli) {
  bool gzip = false, brotli = false;
  while (!accept_encoding.empty()) {
    const auto comma = accept_encoding.find(',');
    auto item = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);
    const auto semicolon = item.find(';');
    auto token = item.substr(0, semicolon);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    bool refused = false;
    if (semicolon != std::string_view::npos) {
      auto params = item.substr(semicolon + 1);
      while (!params.empty() && params.front() == ' ') params.remove_prefix(1);
      // q=0, q=0.0, q=0.000: refused; any other weight accepts.
      if (params.starts_with("q=0") &&
          params.find_first_not_of("0.", 3) == std::string_view::npos) {
        refused = params.size() == 3 || params[3] == '.';
      }
    }
    if (refused) continue;
    if (token == "br") brotli = true;
    if (token == "gzip" || token == "x-gzip") gzip = true;
    if (token == "*") brotli = gzip = true;
  }
  if (brotli && has_brotli) return "br";
  if (gzip && has_gzip) return "gzip";
  return "";
}

const StaticFile* StaticFiles::find(std::string_view url_path) const {
  const auto path = url_path.substr(0, url_path.find('?'));
  const auto found = files_.find(std::string(path));
  return found == files_.end() ? nullptr : &found->second;
}

}  // namespace paredao::http
