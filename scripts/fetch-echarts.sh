#!/usr/bin/env bash
# Fetches Apache ECharts' minified build again from its npm package at the
# pinned version, checks it against the SHA-256 recorded in the repository
# and puts it, with its licence and notice, where the web view embeds it:
#
#   scripts/fetch-echarts.sh            fetch, check, install
#   scripts/fetch-echarts.sh --check    fetch and check only
#
# To move to another version: change VERSION, run with --update (which
# records the new hash), look at the diff, commit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VERSION=6.1.0
dest=web/static/vendor
sum_file=$dest/echarts.min.js.sha256
mode=${1:-install}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "echarts@$VERSION" >/dev/null)
tar -xzf "$tmp/echarts-$VERSION.tgz" -C "$tmp" package/dist/echarts.min.js package/LICENSE package/NOTICE

got=$(sha256sum "$tmp/package/dist/echarts.min.js" | cut -d' ' -f1)
if [[ $mode == --update ]]; then
	echo "$got  echarts.min.js" >"$sum_file"
fi
want=$(cut -d' ' -f1 "$sum_file")
if [[ $got != "$want" ]]; then
	echo "echarts@$VERSION: dist/echarts.min.js has SHA-256 $got, $sum_file records $want" >&2
	exit 1
fi
echo "echarts@$VERSION: SHA-256 $got matches"
[[ $mode == --check ]] && exit 0
cp "$tmp/package/dist/echarts.min.js" "$dest/echarts.min.js"
cp "$tmp/package/LICENSE" "$dest/LICENSE-echarts"
cp "$tmp/package/NOTICE" "$dest/NOTICE-echarts"
echo "installed in $dest"
