#!/usr/bin/env bash
# Installs what Paredão needs on Debian 12 and is not there yet: build tools and libraries from
# Debian, the front end's and the tests' npm packages. Uses sudo when not root. Idempotent: a
# second run installs nothing and takes a second.
set -euo pipefail
cd "$(dirname "$0")/.."

# What building and running the embedded mode needs.
run_packages=(g++ cmake make pkg-config libboost1.81-dev libboost-json1.81-dev
  libboost-url1.81-dev libssl-dev zlib1g-dev libsqlite3-dev libspdlog-dev libfmt-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev libmimalloc-dev libpq-dev libhiredis-dev
  librabbitmq-dev opentelemetry-cpp-dev libabsl-dev libgrpc++-dev libprotobuf-dev
  protobuf-compiler-grpc clang lld)
# (clang and lld: the vote page's scrypt solver is C compiled to WebAssembly, decision 0017.)
# Only in bookworm-backports (decision 0015): the OpenTelemetry C++ SDK. Its CMake package asks
# for Abseil, gRPC and protobuf's development files, listed above.
backports_packages=(opentelemetry-cpp-dev opentelemetry-proto)
# What the tests, benchmarks and the distributed mode add: a real browser, load generator,
# reference server and load balancer, the servers of the distributed mode and what runs them
# (supervisor; envsubst from gettext-base fills in their configuration), CLI tools.
test_packages=(chromium wrk nginx-light haproxy curl sqlite3 procps postgresql redis-server
  rabbitmq-server supervisor gettext-base prometheus prometheus-alertmanager clang-format clang-tidy
  opentelemetry-proto)

packages=("${run_packages[@]}")
[[ "${1:-}" == "--test" ]] && packages+=("${test_packages[@]}")
[[ "${1:-}" == "--fuzz" ]] && packages+=(libclang-rt-14-dev)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done

if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  for package in "${missing[@]}"; do
    if [[ " ${backports_packages[*]} " == *" $package "* ]] &&
      ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      echo "Adding Debian's bookworm-backports (for ${backports_packages[*]})"
      printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm-backports' \
        'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
        $sudo tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
      break
    fi
  done
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci only when the lock file changed since the last install.
npm_install() {
  local dir=$1
  [[ -f "$dir/package-lock.json" ]] || return 0
  if [[ ! -f "$dir/node_modules/.package-lock.json" || "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
npm_install web
[[ "${1:-}" == "--test" ]] && npm_install tests
exit 0
