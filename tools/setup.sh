# Shared set-up for tools/run and tools/test (sourced, not executed): installs missing
# Debian packages, then configures and builds Ember in ./build.
#
# Environment: EMBER_BUILD_DIR (default build), EMBER_NO_INSTALL=1 to never call apt-get.

# Everything the build and the tests use must come from these packages or their
# dependencies: the host test packages-from-setup checks each tool Meson found
# (build/packages-manifest.txt, docs/build.md "Packages") and names what is missing.
# The DejaVu fonts (regular, bold and oblique) are what fontconfig gives Graphviz for the
# pictures' Helvetica: without fonts-dejavu-extra the oblique text falls back and a picture
# renders differently from the committed one; git serves the docs-references tests.
EMBER_PACKAGES=(
  clang clang-format lld llvm meson ninja-build pkg-config python3
  gnu-efi ovmf qemu-system-x86
  catch2 libbenchmark-dev libboost-context-dev libmimalloc-dev zlib1g-dev
  mtools dosfstools gdisk gdb
  sbsigntool openssl graphviz fonts-dejavu-core fonts-dejavu-extra git
  console-setup-linux unicode-data unifont libvterm-dev pci.ids usb.ids
  libclang-rt-14-dev
)

ember_missing_packages() {
  local missing=() p
  for p in "${EMBER_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  echo "${missing[@]}"
}

ember_install_packages() {
  local missing
  missing=$(ember_missing_packages)
  [ -z "$missing" ] && return 0
  if [ "${EMBER_NO_INSTALL:-0}" = 1 ]; then
    echo "ember: missing packages: $missing (EMBER_NO_INSTALL=1, not installing)" >&2
    return 1
  fi
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "ember: need root or sudo to install: $missing" >&2; return 1; }
    sudo=(sudo)
  fi
  echo "ember: installing $missing" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
}

ember_configure_and_build() {
  local dir=${EMBER_BUILD_DIR:-build}
  if [ ! -f "$dir/build.ninja" ]; then
    CC=clang CXX=clang++ meson setup "$dir" "$@" >&2 || return 1
  fi
  ninja -C "$dir" >&2
}
