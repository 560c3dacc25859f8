#!/bin/sh
# build-guest.sh OUTDIR: builds the tiny test guest of the end-to-end tests
# (issue 5, "Test guest") and caches it under OUTDIR:
#
#   OUTDIR/vmlinuz            Debian's kernel (linux-image-amd64's image)
#   OUTDIR/initramfs.cpio.gz  busybox-static, the modules the guest needs and
#                             tests/guest/init as /init
#   OUTDIR/cmdline            the kernel command line to boot it with
#   OUTDIR/modules            the modules /init loads, in load order
#   OUTDIR/versions           the Debian packages it was built from
#   OUTDIR/debs/*.deb         the downloaded packages, so re-runs are offline
#
# Nothing is installed: the packages are fetched with `apt-get download`
# for the running Debian release and unpacked with dpkg-deb. A guest already
# in OUTDIR is reused when its inputs (this script, init, the package files)
# are unchanged. Without network access the cached .debs are used.
#
# Exit status: 0 built or reused, 77 cannot build here (no cached packages
# and no way to download them: the reason is on stderr), 1 other failure.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
set -eu
LC_ALL=C
export LC_ALL

CMDLINE="console=ttyS0 quiet panic=-1"
# What the guest needs as modules (each with its dependencies, in order):
# the PCI transport and driver of virtio-net, the ACPI button and evdev for
# the power button, the pvpanic device (ACPI QEMU0001) that tells qemu of a
# kernel panic. Any of them built into the kernel is simply left out.
WANTED_MODULES="virtio_pci virtio_net button evdev pvpanic_mmio"

here=$(cd "$(dirname "$0")" && pwd)
INIT=$here/init
SELF=$here/build-guest.sh

die() {
    echo "build-guest: $*" >&2
    exit 1
}
cannot() {
    echo "build-guest: cannot build the test guest: $*" >&2
    exit 77
}
note() { echo "build-guest: $*" >&2; }

[ $# -eq 1 ] || die "usage: build-guest.sh OUTDIR"
OUT=$1
mkdir -p "$OUT/debs"
OUT=$(cd "$OUT" && pwd)
DEBS=$OUT/debs
# Tests running in parallel may all ask for the guest: one builds, the
# others wait and then find it up to date.
if command -v flock >/dev/null; then
    exec 9>"$OUT/lock"
    flock 9
fi

for tool in dpkg-deb tar gzip sha256sum; do
    command -v "$tool" >/dev/null || cannot "$tool is missing"
done

# ---- packages ----------------------------------------------------------------

# candidate_version PKG: the version apt would install (empty if unknown).
candidate_version() {
    apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | grep -v '^(none)$' || true
}

# cached_deb PKG [VERSION]: the cached .deb of PKG (of VERSION, else the
# newest one cached), empty when there is none.
cached_deb() {
    best=
    best_ver=
    for f in "$DEBS/$1"_*.deb; do
        [ -f "$f" ] || continue
        [ "$(dpkg-deb -f "$f" Package 2>/dev/null)" = "$1" ] || continue
        v=$(dpkg-deb -f "$f" Version)
        if [ $# -gt 1 ]; then
            [ "$v" = "$2" ] && { echo "$f"; return 0; }
            continue
        fi
        if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best_ver"; then
            best=$f
            best_ver=$v
        fi
    done
    echo "$best"
}

apt_updated=
# fetch PKG: prints the path of PKG's .deb: the candidate version, from the
# cache or downloaded into it; the newest cached one when apt cannot help.
fetch() {
    ver=$(candidate_version "$1")
    # A fresh machine may have empty package lists (root may refresh them).
    if [ -z "$ver" ] && [ -z "$apt_updated" ] && [ "$(id -u)" = 0 ] &&
        [ -z "$(cached_deb "$1")" ] && command -v apt-get >/dev/null; then
        apt_updated=1
        note "apt knows no $1: running apt-get update"
        apt-get update -qq >&2 || true
        ver=$(candidate_version "$1")
    fi
    if [ -n "$ver" ]; then
        f=$(cached_deb "$1" "$ver")
        if [ -z "$f" ]; then
            note "downloading $1 $ver"
            # As root apt would warn that user _apt cannot write here.
            sandbox=
            [ "$(id -u)" = 0 ] && sandbox="-o APT::Sandbox::User=root"
            # shellcheck disable=SC2086
            (cd "$DEBS" && apt-get download -q=2 $sandbox "$1=$ver" >&2) ||
                note "apt-get download $1=$ver failed"
            f=$(cached_deb "$1" "$ver")
            # the versions apt no longer offers need not be kept
            [ -n "$f" ] && for old in "$DEBS/$1"_*.deb; do
                [ "$old" = "$f" ] || [ "$(dpkg-deb -f "$old" Package 2>/dev/null)" != "$1" ] ||
                    rm -f "$old"
            done
        fi
        [ -n "$f" ] && { echo "$f"; return 0; }
    fi
    f=$(cached_deb "$1")
    [ -n "$f" ] || return 1
    note "using cached $(basename "$f")"
    echo "$f"
}

# The kernel: linux-image-amd64 only depends on the versioned image package.
meta=$(fetch linux-image-amd64) ||
    cannot "no linux-image-amd64 package (no network access to the Debian mirror and nothing cached in $DEBS)"
kpkg=$(dpkg-deb -f "$meta" Depends | tr ',|' '\n\n' | sed -n 's/^ *\(linux-image-[^ ]*\).*/\1/p' | head -n 1)
[ -n "$kpkg" ] || die "cannot find the kernel package in $(basename "$meta")'s Depends"
kdeb=$(fetch "$kpkg") || cannot "no $kpkg package (no network access and nothing cached in $DEBS)"
bbdeb=$(fetch busybox-static) || cannot "no busybox-static package (no network access and nothing cached in $DEBS)"

# ---- cache check ---------------------------------------------------------------
stamp=$({
    echo "$CMDLINE $WANTED_MODULES"
    sha256sum "$SELF" "$INIT" | cut -d' ' -f1
    basename "$kdeb"
    basename "$bbdeb"
} | sha256sum | cut -d' ' -f1)
if [ -f "$OUT/stamp" ] && [ "$(cat "$OUT/stamp")" = "$stamp" ] &&
    [ -s "$OUT/vmlinuz" ] && [ -s "$OUT/initramfs.cpio.gz" ]; then
    note "up to date: $OUT"
    exit 0
fi

work=$(mktemp -d "$OUT/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP

# ---- busybox -----------------------------------------------------------------
dpkg-deb -x "$bbdeb" "$work/bb"
BB=$work/bb/bin/busybox
[ -x "$BB" ] || die "no bin/busybox in $(basename "$bbdeb")"

# ---- kernel and modules --------------------------------------------------------
dpkg-deb -x "$kdeb" "$work/k"
vmlinuz=$(ls "$work"/k/boot/vmlinuz-* 2>/dev/null | head -n 1)
[ -n "$vmlinuz" ] || die "no boot/vmlinuz-* in $(basename "$kdeb")"
kver=${vmlinuz##*/vmlinuz-}
moddir=
for d in "$work/k/lib/modules/$kver" "$work/k/usr/lib/modules/$kver"; do
    [ -d "$d" ] && moddir=$d
done
[ -n "$moddir" ] || die "no modules directory for $kver in $(basename "$kdeb")"

# Module names use '_' where file names may use '-'.
# modmap lines: "NAME PATH".
find "$moddir/kernel" -name '*.ko*' | sed 'h; s,.*/,,; s,\.ko.*,,; y/-/_/; G; s/\n/ /' >"$work/modmap"
sed 's,.*/,,; s,\.ko.*,,' "$moddir/modules.builtin" 2>/dev/null | tr - _ >"$work/builtin" || :

stage=$work/root
mkdir -p "$stage/lib/modules"
: >"$work/order"
: >"$work/seen"

# unpack NAME PATH: the module as a plain .ko in the initramfs (busybox's
# insmod reads no compressed modules).
unpack() {
    dst=$stage/lib/modules/$1.ko
    case $2 in
    *.ko) cp "$2" "$dst" ;;
    *.ko.xz) "$BB" xz -dc "$2" >"$dst" ;;
    *.ko.gz) "$BB" gzip -dc "$2" >"$dst" ;;
    *.ko.zst)
        command -v zstd >/dev/null || die "zstd is needed to unpack $2"
        zstd -q -dc "$2" >"$dst"
        ;;
    *) die "unknown module format: $2" ;;
    esac
}

# resolve NAME: adds NAME's dependencies, then NAME, to the load order
# (each once; built-in ones are skipped).
resolve() {
    # shellcheck disable=SC3043 # dash and busybox ash have local
    local name path deps d
    name=$1
    grep -qx "$name" "$work/seen" && return 0
    echo "$name" >>"$work/seen"
    if grep -qx "$name" "$work/builtin"; then
        note "$name is built into $kver"
        return 0
    fi
    path=$(sed -n "s/^$name //p" "$work/modmap" | head -n 1)
    [ -n "$path" ] || die "$kver has no module $name and does not build it in"
    unpack "$name" "$path"
    deps=$(tr '\0' '\n' <"$stage/lib/modules/$name.ko" | sed -n 's/^depends=//p' | head -n 1)
    for d in $(echo "$deps" | tr , ' '); do
        resolve "$(echo "$d" | tr - _)"
    done
    echo "$name" >>"$work/order"
}
for m in $WANTED_MODULES; do
    resolve "$m"
done
cp "$work/order" "$stage/lib/modules/load-order"

# ---- initramfs -------------------------------------------------------------------
mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/run" \
    "$stage/tmp" "$stage/etc" "$stage/root"
cp "$BB" "$stage/bin/busybox"
for a in $("$BB" --list); do
    case $a in busybox | init | linuxrc) continue ;; esac
    ln -s busybox "$stage/bin/$a"
done
ln -s bin "$stage/sbin"
mkdir -p "$stage/usr"
ln -s ../bin "$stage/usr/bin"
ln -s ../bin "$stage/usr/sbin"
cp "$INIT" "$stage/init"
chmod 0755 "$stage/init"
echo "$CMDLINE" >"$stage/etc/vnguest-cmdline"

# busybox's own cpio: no cpio package needed. -R 0:0 makes everything root's.
(cd "$stage" && find . | sort | "$BB" cpio -o -H newc -R 0:0 2>/dev/null) |
    gzip -9n >"$work/initramfs.cpio.gz"

# ---- results (each written whole, then renamed) -------------------------------
cp "$vmlinuz" "$work/vmlinuz"
echo "$CMDLINE" >"$work/cmdline"
cp "$work/order" "$work/modules"
{
    echo "kernel $(dpkg-deb -f "$kdeb" Package) $(dpkg-deb -f "$kdeb" Version)"
    echo "busybox $(dpkg-deb -f "$bbdeb" Package) $(dpkg-deb -f "$bbdeb" Version)"
} >"$work/versions"
rm -f "$OUT/stamp"
for f in vmlinuz initramfs.cpio.gz cmdline modules versions; do
    mv -f "$work/$f" "$OUT/$f"
done
echo "$stamp" >"$OUT/stamp"
note "built $OUT (kernel $kver; modules: $(tr '\n' ' ' <"$OUT/modules"))"
