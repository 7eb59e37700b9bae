#pragma once
#include <filesystem>
#include <string>

namespace paredao {

// Returns the secret stored in `path`, creating it first (mode 0600, `bytes` random bytes
// written as hex) when the file does not exist. Throws std::runtime_error when the file cannot
// be read or written: called at start-up only.
// `bytes` bytes from a cryptographic source, as lowercase hex.
std::string random_hex(std::size_t bytes);

std::string load_or_create_secret(const std::filesystem::path& path, std::size_t bytes);

}  // namespace paredao
