# shellcheck shell=bash
# Tesseract OCR for scripts/services.sh: not a server, just Debian packages
# (Japanese horizontal + vertical, English, OSD, plus the IPAex font, poppler
# and ghostscript for PDF handling). Also used by `install-tesseract`, which
# the Makefile can call without starting any server.

TESSERACT_PACKAGES=(
  tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert tesseract-ocr-eng tesseract-ocr-osd
  fonts-ipaexfont poppler-utils ghostscript
)
TESSERACT_LANGS=(jpn jpn_vert eng osd)

tesseract_apt_packages() { printf '%s\n' "${TESSERACT_PACKAGES[@]}"; }

tesseract_missing_langs() {
  local have l missing=()
  have=$(tesseract --list-langs 2>/dev/null | tail -n +2) || true
  for l in "${TESSERACT_LANGS[@]}"; do
    grep -qx "$l" <<<"$have" || missing+=("$l")
  done
  printf '%s' "${missing[*]}"
}

tesseract_healthy() {
  command -v tesseract >/dev/null 2>&1 && [[ -z $(tesseract_missing_langs) ]]
}

tesseract_up() {
  apt_ensure "${TESSERACT_PACKAGES[@]}"
  if ! tesseract_healthy; then
    die "tesseract: languages missing after install: $(tesseract_missing_langs)"
  fi
  log "tesseract: $(tesseract --version 2>&1 | head -n1), languages ${TESSERACT_LANGS[*]} present"
}

tesseract_down() { :; }

tesseract_status() {
  if tesseract_healthy; then
    status_line tesseract "$(tesseract --version 2>&1 | head -n1 | awk '{print $2}')" - healthy "langs=$(tesseract --list-langs 2>/dev/null | tail -n +2 | paste -sd, -)"
    return 0
  fi
  status_line tesseract - - down "missing: $(tesseract_missing_langs)"
  return 1
}
