#!/usr/bin/env bash
# Brings Node.js 24 LTS where the machine has an older Node: installs the `node@24` package from the
# npm registry (it carries the binary) into $NODE_PREFIX (default /usr/local), ahead of /usr/bin on PATH.
set -euo pipefail

prefix="${NODE_PREFIX:-/usr/local}"
wanted=24

major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -x "$prefix/bin/node" ] && [ "$(major "$prefix/bin/node")" -ge "$wanted" ]; then
  echo "Node $("$prefix/bin/node" --version) is already installed in $prefix."
  exit 0
fi
if command -v node >/dev/null && [ "$(major node)" -ge "$wanted" ]; then
  echo "Node $(node --version) is already on PATH."
  exit 0
fi

echo "Installing Node $wanted LTS into $prefix from the npm registry (the machine has $(node --version 2>/dev/null || echo 'no node'))..."
npm install --global --prefix "$prefix" --no-audit --no-fund "node@$wanted" >/dev/null
echo "Installed Node $("$prefix/bin/node" --version) at $prefix/bin/node. Put $prefix/bin first on PATH if it is not."
