#!/usr/bin/env bash
# Install the Debian packages dualprev needs when they are missing and we run as root;
# otherwise say exactly what is missing and how to install it.
set -euo pipefail

declare -A need=(
  [chromium]="chromium"            # browser tests (Playwright drives Debian's chromium)
  [fonts-noto-cjk]="fonts-noto-cjk" # Chinese text in PDFs and screenshots
  [poppler-utils]="poppler-utils"   # pdftotext / pdftoppm for document tests
  [libpango-1.0-0]="libpango-1.0-0" # WeasyPrint (PDF rendering)
  [libpangoft2-1.0-0]="libpangoft2-1.0-0"
  [gettext]="gettext"               # makemessages/compilemessages (translation checks)
  [nodejs]="nodejs"                 # npm installs ECharts
  [npm]="npm"
)
missing=()
for pkg in "${!need[@]}"; do
  if [[ "$pkg" == "nodejs" ]] && command -v node >/dev/null 2>&1; then continue; fi
  if [[ "$pkg" == "npm" ]] && command -v npm >/dev/null 2>&1; then continue; fi
  if [[ "$pkg" == "chromium" ]] && [[ -x /usr/bin/chromium ]]; then continue; fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing Debian packages: ${missing[*]}"
  echo "Install them with:  sudo apt-get install ${missing[*]}"
  echo "(browser tests are skipped and PDFs lack Chinese fonts until they are installed)"
fi
