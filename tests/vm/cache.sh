# SPDX-License-Identifier: Apache-2.0
# Sourced by tests/vm/run: keeps the test VM's kernel, the Open vSwitch
# peer tools and the initramfs in a cache outside the source tree, so that
# only the first run downloads anything.
#
# Layout of $vm_cache:
#   kernel/<package>/     dpkg -x of the linux-image package (boot/, lib/modules/)
#   ovs/<version>/        dpkg -x of openvswitch-common + openvswitch-switch
#   initramfs-<kver>-<hash>.cpio.gz   <hash> covers every input of the image
#
# Every function prints a reason on stderr and returns non-zero on failure;
# the caller decides whether that is a skip or a hard failure.

vm_log() { echo "vm: $*" >&2; }

vm_choose_cache() {
	vm_cache=${CTFLOW_VM_CACHE:-/var/cache/ctflow-vm}
	if ! mkdir -p "$vm_cache" 2>/dev/null || [ ! -w "$vm_cache" ]; then
		if [ -n "${CTFLOW_VM_CACHE:-}" ]; then
			vm_log "cache directory $vm_cache is not writable"
			return 1
		fi
		vm_cache=${XDG_CACHE_HOME:-$HOME/.cache}/ctflow-vm
		mkdir -p "$vm_cache" || return 1
	fi
}

# The Debian package name is the version: it changes with every kernel ABI
# bump, and linux-image-amd64 always depends on the current one.
vm_current_kernel_package() {
	vm_apt_answer apt-cache depends linux-image-amd64 |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1
}

vm_candidate_version() {
	vm_apt_answer apt-cache policy "$1" | sed -n 's/^ *Candidate: //p' | grep -v '(none)'
}

# apt-cache takes about a second per call here; its answers only change
# when the package lists do (apt-get update replaces files in the lists
# directory, which changes the directory's mtime).
vm_apt_answer() {
	local stamp key file
	stamp=$(stat -c %Y /var/lib/apt/lists 2>/dev/null)
	key=$(echo "$stamp $*" | sha256sum | cut -c1-16)
	file=$vm_cache/.apt/$key
	if [ -n "$stamp" ] && [ -s "$file" ]; then
		cat "$file"
		return 0
	fi
	mkdir -p "$vm_cache/.apt"
	"$@" 2>/dev/null > "$file.$$" || { rm -f "$file.$$"; return 1; }
	mv "$file.$$" "$file"
	cat "$file"
}

# Download packages with apt-get and unpack them into $1 (not installed: the
# VM sees them through the shared host tree, and no service is started).
vm_unpack_debs() {
	local dest=$1; shift
	local tmp
	tmp=$(mktemp -d "$vm_cache/.download.XXXXXX") || return 1
	vm_log "downloading $* ..."
	# apt drops root to _apt for downloads; let it write there.
	[ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1 && chown _apt "$tmp"
	if ! (cd "$tmp" && apt-get download -q "$@" >&2 2>&1); then
		vm_log "apt-get download $* failed"
		rm -rf "$tmp"
		return 1
	fi
	rm -rf "$dest.partial"
	mkdir -p "$dest.partial"
	local deb
	for deb in "$tmp"/*.deb; do
		if ! dpkg -x "$deb" "$dest.partial"; then
			vm_log "dpkg -x $deb failed"
			rm -rf "$tmp" "$dest.partial"
			return 1
		fi
	done
	rm -rf "$tmp" "$dest"
	mv "$dest.partial" "$dest"
}

# Newest already unpacked directory under $1, for machines without apt lists.
vm_newest_cached() {
	ls -d "$1"/*/ 2>/dev/null | sed 's,/$,,' | sort -V | tail -n1
}

# Sets vm_kernel_dir, vm_kver, vm_vmlinuz.
vm_prepare_kernel() {
	local pkg
	pkg=$(vm_current_kernel_package)
	if [ -n "$pkg" ]; then
		vm_kernel_dir=$vm_cache/kernel/$pkg
		if [ ! -d "$vm_kernel_dir" ]; then
			vm_unpack_debs "$vm_kernel_dir" "$pkg" || return 1
			# Superseded kernels are never booted again (qemu has
			# read a running VM's kernel and initramfs already).
			find "$vm_cache/kernel" -mindepth 1 -maxdepth 1 -type d \
				! -path "$vm_kernel_dir" -exec rm -rf {} +
		fi
	else
		vm_kernel_dir=$(vm_newest_cached "$vm_cache/kernel")
		if [ -z "$vm_kernel_dir" ]; then
			vm_log "apt-cache does not know linux-image-amd64 and nothing is cached"
			return 1
		fi
		vm_log "apt-cache does not know linux-image-amd64, using cached $vm_kernel_dir"
	fi
	vm_vmlinuz=$(ls "$vm_kernel_dir"/boot/vmlinuz-* 2>/dev/null | head -n1)
	if [ -z "$vm_vmlinuz" ]; then
		vm_log "no vmlinuz in $vm_kernel_dir"
		return 1
	fi
	vm_kver=${vm_vmlinuz##*/vmlinuz-}
	[ -d "$vm_kernel_dir/lib/modules/$vm_kver" ] || {
		vm_log "no lib/modules/$vm_kver in $vm_kernel_dir"
		return 1
	}
	vm_kernel_image=$vm_vmlinuz
	vm_prepare_vmlinux && vm_kernel_image=$vm_kernel_dir/vmlinux
	return 0
}

# Under TCG, decompressing the bzImage costs seconds on every boot. The
# uncompressed vmlinux can be booted directly through its PVH entry point
# (the ELF note XEN_ELFNOTE_PHYS32_ENTRY, type 0x12), so unpack it once.
vm_prepare_vmlinux() {
	local out=$vm_kernel_dir/vmlinux magic cmd pos
	[ -s "$out" ] && return 0
	[ -s "$out.none" ] && return 1
	for magic in xz zstd gzip; do
		case $magic in
		xz) pos=$(grep -abo $'\xfd7zXZ\x00' "$vm_vmlinuz" | head -n1); cmd="xz -dc --single-stream" ;;
		zstd) pos=$(grep -abo $'\x28\xb5\x2f\xfd' "$vm_vmlinuz" | head -n1); cmd="zstd -dc" ;;
		gzip) pos=$(grep -abo $'\x1f\x8b\x08' "$vm_vmlinuz" | head -n1); cmd="gzip -dc" ;;
		esac
		pos=${pos%%:*}
		[ -n "$pos" ] || continue
		tail -c +$((pos + 1)) "$vm_vmlinuz" | $cmd > "$out.partial" 2>/dev/null
		if readelf -n "$out.partial" 2>/dev/null | grep -q 'Xen.*0x00000012'; then
			mv "$out.partial" "$out"
			return 0
		fi
	done
	rm -f "$out.partial"
	# Remember the failure: boot the bzImage from now on.
	echo "no PVH vmlinux could be extracted" > "$out.none"
	return 1
}

# Sets vm_ovs_root. Both packages come from the same source, so they share a version.
vm_prepare_ovs() {
	local ver
	ver=$(vm_candidate_version openvswitch-switch)
	if [ -n "$ver" ]; then
		vm_ovs_root=$vm_cache/ovs/$ver
		if [ ! -x "$vm_ovs_root/usr/bin/ovs-dpctl" ]; then
			vm_unpack_debs "$vm_ovs_root" openvswitch-common openvswitch-switch || return 1
		fi
	else
		vm_ovs_root=$(vm_newest_cached "$vm_cache/ovs")
		if [ -z "$vm_ovs_root" ]; then
			vm_log "apt-cache does not know openvswitch-switch and nothing is cached"
			return 1
		fi
	fi
	if ldd "$vm_ovs_root/usr/bin/ovs-dpctl" 2>/dev/null | grep -q 'not found'; then
		vm_log "warning: ovs-dpctl misses runtime libraries:" \
			"$(ldd "$vm_ovs_root/usr/bin/ovs-dpctl" | grep 'not found' | awk '{print $1}' | tr '\n' ' ')" \
			"(scripts/install-deps installs them)"
	fi
	return 0
}

# Module name -> file, for every module of the unpacked kernel. Names use
# '_' where file names may use '-', as the kernel itself does.
vm_module_index() {
	(cd "$vm_kernel_dir/lib/modules/$vm_kver" &&
		find kernel -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz') |
		awk '{ n = $0; sub(/.*\//, "", n); sub(/\.ko(\.(xz|zst|gz))?$/, "", n);
		       gsub(/-/, "_", n); print n, $0 }'
}

vm_module_cat() {
	case $1 in
	*.ko) cat "$1" ;;
	*.ko.xz) xz -dc "$1" ;;
	*.ko.zst) zstd -dc "$1" ;;
	*.ko.gz) gzip -dc "$1" ;;
	esac
}

# The depends= line of a module's .modinfo section.
vm_module_depends() {
	local tmp
	tmp=$(mktemp) || return 1
	vm_module_cat "$1" > "$tmp.ko" &&
		objcopy -O binary --only-section=.modinfo "$tmp.ko" "$tmp" &&
		tr '\0' '\n' < "$tmp" | sed -n 's/^depends=//p' | tr ',' ' '
	rm -f "$tmp" "$tmp.ko"
}

# Prints module files (relative to lib/modules/$vm_kver) in load order:
# each module after everything it depends on, otherwise in list order.
vm_module_order() {
	local index builtin
	index=$(vm_module_index)
	builtin=$vm_kernel_dir/lib/modules/$vm_kver/modules.builtin
	declare -A file=() seen=()
	local name path
	while read -r name path; do
		file[$name]=$path
	done <<< "$index"

	visit() {
		local m=$1 optional=$2 dep
		[ -n "${seen[$m]:-}" ] && return 0
		seen[$m]=1
		if [ -z "${file[$m]:-}" ]; then
			if grep -q "/${m//_/[-_]}\.ko$" "$builtin" 2>/dev/null; then
				return 0
			fi
			[ "$optional" = yes ] && return 0
			vm_log "kernel $vm_kver has no module $m"
			return 1
		fi
		for dep in $(vm_module_depends "$vm_kernel_dir/lib/modules/$vm_kver/${file[$m]}"); do
			visit "${dep//-/_}" no || return 1
		done
		echo "${file[$m]}"
	}

	local line
	while read -r line; do
		line=${line%%#*}
		line=${line// /}
		[ -z "$line" ] && continue
		if [ "${line#\?}" != "$line" ]; then
			visit "${line#\?}" yes || return 1
		else
			visit "$line" no || return 1
		fi
	done < "$vm_dir/modules.list"
}

vm_busybox() {
	local b
	for b in "${CTFLOW_BUSYBOX:-}" /bin/busybox /usr/bin/busybox; do
		[ -n "$b" ] || continue
		# The initramfs has no libc: only a static busybox works there.
		if [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then
			echo "$b"
			return 0
		fi
	done
	vm_log "no static busybox (Debian: busybox-static)"
	return 1
}

# Sets vm_initrd. Rebuilt only when the kernel, the module list, /init or
# busybox change: all of them go into the hash that names the image.
vm_prepare_initramfs() {
	local bb hash
	bb=$(vm_busybox) || return 1
	hash=$( { echo "$vm_kver"; cat "$vm_dir/modules.list" "$vm_dir/init";
		  sha256sum < "$bb"; } | sha256sum | cut -c1-16)
	vm_initrd=$vm_cache/initramfs-$vm_kver-$hash.cpio.gz
	[ -s "$vm_initrd" ] && return 0

	vm_log "building $vm_initrd"
	local order tmp m
	order=$(vm_module_order) || return 1
	tmp=$(mktemp -d "$vm_cache/.initramfs.XXXXXX") || return 1
	mkdir -p "$tmp/bin" "$tmp/modules"
	cp "$bb" "$tmp/bin/busybox"
	cp "$vm_dir/init" "$tmp/init"
	chmod 0755 "$tmp/init" "$tmp/bin/busybox"
	for m in $order; do
		local base=${m##*/}
		base=${base%.xz}; base=${base%.zst}; base=${base%.gz}
		vm_module_cat "$vm_kernel_dir/lib/modules/$vm_kver/$m" > "$tmp/modules/$base" || {
			rm -rf "$tmp"; return 1; }
		echo "$base" >> "$tmp/modules/order"
	done
	if ! (cd "$tmp" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) > "$vm_initrd.partial"; then
		rm -rf "$tmp" "$vm_initrd.partial"
		vm_log "cannot build the initramfs"
		return 1
	fi
	mv "$vm_initrd.partial" "$vm_initrd"
	rm -rf "$tmp"
	# Images for older kernels or inputs are never used again.
	find "$vm_cache" -maxdepth 1 -name 'initramfs-*.cpio.gz' ! -path "$vm_initrd" -delete
	vm_log "initramfs holds $(echo $order | wc -w) modules"
}

# Everything a boot needs, under a lock so parallel tests share one download.
vm_prepare() {
	vm_choose_cache || return 1
	exec 9> "$vm_cache/.lock"
	flock 9
	local rc=0
	vm_prepare_kernel && vm_prepare_ovs && vm_prepare_initramfs || rc=1
	flock -u 9
	exec 9>&-
	return $rc
}
