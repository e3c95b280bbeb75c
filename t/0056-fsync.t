#!/bin/sh -e
# A crash must leave the old file or the new one: every file a tool
# replaces is written to a temporary file that is fsync'd before it is
# renamed over the old one, and the directory is fsync'd after the rename
# (fwconf(5)).  Seen with strace, for every writer and fw-apply's verbs:
# each rename(2) of every process is checked against the fsync(2) calls
# around it.
. ./lib.sh
command -v strace >/dev/null 2>&1 ||
    skip_all 'strace is not installed (contrib/install-deps)'
strace -f -qq -o /dev/null true 2>/dev/null ||
    skip_all 'strace cannot trace here (ptrace is not allowed)'
plan 11

# traced CMD...: CMD under strace; each process's fsync, rename and
# symlink calls, their fds shown with their paths, in trace.PID.
traced() {
	rm -f "$tmp"/trace.*
	# LeakSanitizer cannot run under a tracer.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -f -ff -y -qq -o "$tmp/trace" \
	    -e trace=fsync,fdatasync,rename,renameat,renameat2,symlink,symlinkat \
	    "$@"
}

# durable: every rename in the traces had its source fsync'd before it
# (a symbolic link, which cannot be, aside) and its directory fsync'd
# after it; at least one rename.  Says what it found wrong.  A table's
# note of trust, var/lib/mpfw/checked.NAME, is aside too: it ends in a
# hash of itself and names the very file it vouches for (lib/table.c), so
# a crash that leaves it empty or torn costs one check of the table.  So
# are fw-apply's caches in var/lib/mpfw, named (what each generation
# names in the store, bin/gencache.c), units.cache (the catalogue,
# bin/unitcache.c) and hashes (the inputs' hashes, apply.c): each line,
# or the whole, checks itself and names the very files it was made from,
# and one lost costs a read, a parse or a hash.
durable() {
	for _f in "$tmp"/trace.*; do
		awk -v trace="${_f##*/}" '
		function dir(p) { sub(/\/[^\/]*$/, "", p); return p == "" ? "/" : p }
		function fdpath(s) {	# "5</a/b>, " -> "/a/b"
			sub(/^[^<]*</, "", s); sub(/>[^>]*$/, "", s); return s
		}
		/ = 0$/ && /^(fsync|fdatasync)\(/ {
			p = fdpath($0)
			synced[p] = 1
			delete pending[p]
		}
		/ = 0$/ && /^symlinkat\(/ {
			split($0, f, "\"")
			link[fdpath(f[3]) "/" f[4]] = 1
		}
		/ = 0$/ && /^symlink\(/ { split($0, f, "\""); link[f[4]] = 1 }
		/ = 0$/ && /^rename(at2?)?\(/ {
			split($0, f, "\"")
			src = f[2] ~ /^\// ? f[2] : fdpath(f[1]) "/" f[2]
			dst = f[4] ~ /^\// ? f[4] : fdpath(f[3]) "/" f[4]
			n++
			if (dst ~ /\/var\/lib\/mpfw\/(checked\.[^\/]*|named|units\.cache|hashes)$/)
				next
			if (!(src in synced) && !(src in link))
				printf "%s: %s renamed to %s unsynced\n", trace, src, dst
			pending[dir(dst)] = dst
		}
		END {
			for (d in pending)
				printf "%s: %s: no fsync of its directory after the rename\n",
				    trace, pending[d]
			print n + 0 >"/dev/stderr"
		}' "$_f"
	done 2>"$tmp/renames" >"$tmp/faults"
	_n=$(awk '{ n += $1 } END { print n + 0 }' "$tmp/renames")
	[ "$_n" -gt 0 ] || { echo "no rename seen"; return 1; }
	! test -s "$tmp/faults" || { cat "$tmp/faults"; return 1; }
}

mkdir -p "$tmp/sys/module" "$tmp/bin"
printf '#!/bin/sh\ncase $1 in -n | -r) exit 0 ;; esac\nmkdir -p %s/sys/module/$1/holders && echo live >%s/sys/module/$1/initstate\n' \
    "$tmp" "$tmp" >"$tmp/bin/modprobe"
chmod +x "$tmp/bin/modprobe"
FW_MODPROBE=$tmp/bin/modprobe FW_SYSFS=$tmp/sys
export FW_MODPROBE FW_SYSFS

only_units
hosts_unit true

check 'fw-svc set: a new file, then one replaced' '
	traced fw-svc set ntp=no && durable &&
	traced fw-svc set ntp=yes ssh=no && durable'

# fw-svc passwd makes itself undumpable (no core may hold the secret):
# strace reads the paths of its calls then only with CAP_SYS_PTRACE.
check_root 'strace cannot read the memory of an undumpable fw-svc passwd' 'fw-svc passwd: the secrets file' '
	echo "pw one" | traced fw-svc passwd mysql_root_password && durable'

check 'fw-dns add, set, del, import' '
	traced fw-dns add printer 10.0.0.1 && durable &&
	traced fw-dns set printer 10.0.0.2 && durable &&
	printf "nas 10.0.0.3\n" | traced fw-dns import && durable &&
	traced fw-dns del nas && durable'

check 'fw-sensors add and remove' '
	traced fw-sensors add coretemp && durable &&
	traced fw-sensors remove coretemp && durable'

check 'fw-apply: the files it installs, its record, the generation' '
	traced fw-apply && durable && test -s "$FW_ROOT/etc/hosts.mpfw"'

check 'fw-apply rollback' '
	fw-dns add scanner 10.0.0.4 && fw-apply &&
	traced fw-apply rollback 2>/dev/null && durable'

check 'fw-apply revert' '
	fw-dns add unsaved 10.0.0.5 && traced fw-apply revert -f 2>/dev/null && durable'

check 'fw-apply confirm' '
	fw-dns add trial 10.0.0.6 && fw-apply -c 60 2>/dev/null &&
	w=$(cut -d" " -f3 "$FW_ROOT/var/lib/mpfw/confirm") &&
	traced fw-apply confirm && durable; r=$?; kill "$w" 2>/dev/null; exit $r'

check 'fw-apply import' '
	fw-apply export >exp && fw-dns add other 10.0.0.7 &&
	traced fw-apply import -f exp 2>/dev/null && durable'

check 'an expired -c countdown rolled back by the next writer' '
	fw-dns add late 10.0.0.8 && fw-apply &&
	echo "$(( $(date +%s) - 5 )) $(readlink "$FW_ROOT/var/lib/mpfw/current") 0" \
	    >"$FW_ROOT/var/lib/mpfw/confirm" &&
	traced fw-svc set ntp=no 2>/dev/null && durable &&
	! fw-dns list late'

# The checker itself: a rename without the fsyncs around it is seen.
check 'durable finds a rename with no fsync before or after it' '
	traced sh -c "echo x >$tmp/a && mv $tmp/a $tmp/b" && ! durable >out &&
	has out "$tmp/a renamed to $tmp/b unsynced" &&
	has out "$tmp/b: no fsync of its directory"'
