#!/usr/bin/env bash
# Fetches the typefaces embedded in templates/fonts from where they are
# published (the npm registry and Debian) and checks them against the
# checksums below. The files are committed; this script documents where they
# come from and rebuilds them from source on demand.
set -euo pipefail
cd "$(dirname "$0")/../templates/fonts"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

npm_ttf() { # package path-in-tarball output
	url=$(curl -fsS "https://registry.npmjs.org/${1/\//%2f}" | python3 -c 'import json,sys;d=json.load(sys.stdin);print(d["versions"]["0.4.3"]["dist"]["tarball"])')
	curl -fsS "$url" | tar xz -C "$tmp" "package/$2"
	cp "$tmp/package/$2" "$3"
}
npm_ttf @expo-google-fonts/noto-serif-sc 400Regular/NotoSerifSC_400Regular.ttf NotoSerifSC-Regular.ttf
npm_ttf @expo-google-fonts/noto-serif-sc 700Bold/NotoSerifSC_700Bold.ttf NotoSerifSC-Bold.ttf
npm_ttf @expo-google-fonts/noto-sans-sc 500Medium/NotoSansSC_500Medium.ttf NotoSansSC-Medium.ttf
(cd "$tmp" && apt-get download fonts-hanazono >/dev/null && dpkg-deb -x fonts-hanazono_*.deb ext)
cp "$tmp/ext/usr/share/fonts/truetype/hanazono/HanaMinB.ttf" HanaMinB.ttf
# FandolFang (仿宋) from Debian's texlive-lang-chinese, CFF OpenType
# converted to TrueType outlines (see scripts/fonts/otf2ttf.py; needs
# python3-fonttools).
(cd "$tmp" && apt-get download texlive-lang-chinese >/dev/null && dpkg-deb -x texlive-lang-chinese_*.deb ext)
/usr/bin/python3 ../../scripts/fonts/otf2ttf.py "$tmp/ext/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf" FandolFang-Regular.ttf
# LXGW WenKai from https://github.com/lxgw/LxgwWenKai/releases (not
# on a registry this machine can reach): kept as committed.
sha256sum -c <<'SUMS'
fde5aca044e56f1e8e421cce7df2bce41ccd3f02adbf29d266c814a508c9dfa5  FandolFang-Regular.ttf
829543436cdf7b4c6730e2af5806fa406f8ddf0d4b656e0cd49c58d4db1c8d3c  HanaMinB.ttf
bbf534b0ca093928f94d1782855e65a19a32cde82b075d495d072025521953c8  LXGWWenKai-Regular.ttf
b30853d205f3ecdde938b1488c735ee15a2e870d31331b992fdc53971e23ec4a  NotoSansSC-Medium.ttf
9c6a2ba736e4b499c84f65ce366bd3625c0401885fd3e585ace50fb738b96ff6  NotoSerifSC-Bold.ttf
c358a69de3df5f423a8946a7b03e3126fb6ba116f1130a463455b4e39e1f0742  NotoSerifSC-Regular.ttf
SUMS
