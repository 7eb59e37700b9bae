#include "adapters/system/secret_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <vector>

#include "adapters/encoding/hex.hpp"
#include "adapters/system/random_ids.hpp"

namespace paredao {

std::string random_hex(std::size_t bytes) {
  std::vector<std::uint8_t> raw(bytes);
  random_bytes(raw);
  return hex::encode(raw);
}

std::string load_or_create_secret(const std::filesystem::path& path, std::size_t bytes) {
  if (std::ifstream in{path}) {
    std::string secret;
    std::getline(in, secret);
    if (secret.empty()) throw std::runtime_error("secret file " + path.string() + " is empty");
    return secret;
  }
  std::string secret = random_hex(bytes);
  // O_EXCL: if two processes race on first start, one fails loudly instead of both diverging.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) throw std::runtime_error("cannot create secret file " + path.string());
  const std::string line = secret + "\n";
  const bool written =
      ::write(fd, line.data(), line.size()) == ssize_t(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) throw std::runtime_error("cannot write secret file " + path.string());
  return secret;
}

}  // namespace paredao
