# Source this file from the project root (bash): `source .ci/setup.sh`. It makes a fresh machine
# ready for every command in the README, in your own shell:
#   - a Node.js >= 22.12 first on PATH (.ci/node.sh: the pinned Node 24 into .tools/ when the
#     machine's node is older);
#   - the servers the tests start on loopback ports, from Debian's packages when missing: a Java 17+
#     runtime (DynamoDB Local), PostgreSQL's server binaries, redis-server, openssl;
#   - moto_server (Python moto) on PATH, from pyenv's shims or `pip install 'moto[server]'`;
#   - `npm ci`.
# It is sourced, not run, so that the Node it provisions stays on PATH for the commands after it.
# It therefore never exits your shell and leaves no shell options changed: on a failure it prints
# one line saying what to do and returns non-zero, so `source .ci/setup.sh && npm …` stops there.

_trading_setup() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" || return 1
  # shellcheck source=node.sh
  source "$root/.ci/node.sh" || return 1

  local packages=()
  local java_major
  java_major="$(java -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}')"
  if [ -z "$java_major" ] || [ "$java_major" -lt 17 ]; then packages+=(openjdk-17-jre-headless); fi
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || packages+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
  command -v openssl >/dev/null 2>&1 || packages+=(openssl)
  if [ "${#packages[@]}" -gt 0 ]; then
    local apt=(apt-get)
    if [ "$(id -u)" -ne 0 ]; then
      if command -v sudo >/dev/null 2>&1; then apt=(sudo apt-get); else
        echo "setup: the tests need ${packages[*]}: run \`apt-get install ${packages[*]}\` as root, then source .ci/setup.sh again" >&2
        return 1
      fi
    fi
    echo "setup: installing ${packages[*]} from Debian's packages (the servers the tests start)"
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -qq &&
      DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "${packages[@]}" >/dev/null || {
      echo "setup: apt-get install ${packages[*]} failed (see above)" >&2
      return 1
    }
  fi

  if ! command -v moto_server >/dev/null 2>&1; then
    local dir
    for dir in "$HOME/.pyenv/shims" /root/.pyenv/shims; do
      if [ -x "$dir/moto_server" ]; then export PATH="$PATH:$dir"; break; fi
    done
  fi
  if ! command -v moto_server >/dev/null 2>&1; then
    local pip
    pip="$(command -v pip || command -v pip3)"
    if [ -z "$pip" ]; then
      echo "setup: moto_server is missing and so is pip: run \`apt-get install python3-pip\`, then source .ci/setup.sh again" >&2
      return 1
    fi
    echo "setup: installing moto_server (pip install 'moto[server]'), the AWS API emulator the failover and migration tests use"
    "$pip" install --quiet 'moto[server]' 2>/dev/null || "$pip" install --quiet --break-system-packages 'moto[server]' || {
      echo "setup: pip install 'moto[server]' failed (see above)" >&2
      return 1
    }
    hash -r
  fi

  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error) || {
    echo "setup: npm ci failed (see above)" >&2
    return 1
  }
  echo "setup: node $(node -v), java $(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}'), $(redis-server --version | cut -d' ' -f1-3), postgresql $(ls /usr/lib/postgresql/ | sort -n | tail -1), moto_server at $(command -v moto_server)"
}
_trading_setup
_trading_setup_status=$?
unset -f _trading_setup
# A sourced file ends with `return`; eval expands the status before the variable is removed, so the
# caller's shell keeps nothing of this file but PATH (and npm_config_nodedir from node.sh).
# shellcheck disable=SC2317
eval "unset _trading_setup_status; return $_trading_setup_status 2>/dev/null || exit $_trading_setup_status"
