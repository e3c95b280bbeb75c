#!/bin/sh -e
# The Debian package: `make deb`, lintian, the dependencies, the files it
# holds; installed with dpkg into an empty root of the test's own, a short
# session there with the installed tools and man pages, an upgrade, a
# remove and a purge; then `make install DESTDIR=... PREFIX=/usr` and
# `make uninstall` from the package's build tree.
#
# dpkg installs into the test's root (--root), never into the machine.
# It would run the maintainer scripts chrooted into that root, which has
# no shell; --force-script-chrootless runs them here with DPKG_ROOT set
# instead, which they honour: deb-systemd-helper and update-rc.d work
# under DPKG_ROOT, debhelper's snippets skip update-rc.d and invoke-rc.d
# when it is set, and our postrm purges "$DPKG_ROOT/etc/mpfw".  Two
# debhelper lines (chmod of /etc/init.d/mpfw-boot on remove and
# reinstall) look at the machine's path: they act only if that file
# exists, so the test will not run on a machine where mpfw is installed.
# --force-depends: the root's dpkg database is empty; the libraries are
# the machine's (checked below against Depends).
. ./lib.sh

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP dpkg installs files owned by root"; exit 0; }
for p in dpkg-buildpackage dh lintian man; do
	command -v $p >/dev/null ||
	    { echo "1..0 # SKIP $p not installed (contrib/install-deps)"; exit 0; }
done
if [ -e /etc/init.d/mpfw-boot ] || [ -e /etc/init.d/mpfw-start ] ||
    dpkg -s mpfw >/dev/null 2>&1; then
	# dpkg -s / the init script: debhelper's remove and reinstall
	# snippets chmod the machine's /etc/init.d/mpfw-boot, outside --root.
	echo "1..0 # SKIP mpfw is installed on this machine (/etc/init.d/mpfw-boot or dpkg -s mpfw): the package's maintainer scripts would chmod the machine's /etc/init.d/mpfw-boot; run this test where mpfw is not installed"
	exit 0
fi
plan 16

# A make above (make check, make asan) must not pass its flags down.
unset MAKEFLAGS MAKELEVEL MFLAGS SAN CFLAGS CPPFLAGS LDFLAGS
version=$(sed -n 's/^VERSION *:= *//p' "$top/GNUmakefile")
tools=$(sed -n 's/^TOOLS *:= *//p' "$top/GNUmakefile")
arch=$(dpkg --print-architecture)
deb=$tmp/mpfw_${version}_$arch.deb
build=$tmp/deb/mpfw-$version
root=$tmp/dpkgroot
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
: >"$root/var/lib/dpkg/status"
inroot() {
	dpkg --root="$root" --log="$tmp/dpkg.log" --force-script-chrootless \
	    --force-depends "$@"
}
field() { dpkg-deb -f "$deb" "$1"; }

check 'make deb builds mpfw_VERSION_ARCH.deb from the tree' '
	make -s -C "$top" deb DEB_DIR="$tmp/deb" DEB_OUT="$tmp" >out 2>err &&
	test -f "$deb" && has out "$deb" &&
	test "$(field Package)" = mpfw && test "$(field Version)" = "$version" &&
	test "$(field Architecture)" = "$arch"'
# The package's files (not its directories), and its contents in x/.
if [ -f "$deb" ]; then
	dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sed 's/^\.//' |
	    sort >files
	dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles >conffiles || :
	dpkg-deb -x "$deb" x
fi

check 'lintian reports no error and no warning' '
	lintian --fail-on error,warning "$deb" >lintian.out 2>&1 ||
	    { cat lintian.out; exit 1; }
	! grep -E "^(E|W):" lintian.out'

# Depends: for every library a tool links (NEEDED), the package that has it.
check 'Depends names the package of every library the tools link' '
	for t in $tools; do
		objdump -p "x/usr/bin/$t" | awk "\$1 == \"NEEDED\" { print \$2 }" >needed &&
		ldd "x/usr/bin/$t" | awk "\$2 == \"=>\" { print \$1, \$3 }" >found &&
		test -s needed &&
		while read -r so; do
			awk -v so="$so" "\$1 == so { print \$2 }" found | grep . ||
			    { echo "$t: $so not found" >&2; exit 1; }
		done <needed || exit 1
	done | sort -u >libs &&
	test -s libs && depends=$(field Depends) &&
	while read -r lib; do
		p=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")") ||
		    { echo "$lib: in no package"; exit 1; }
		p=${p%%:*}
		echo "$depends" | tr , "\n" | grep -Eq "^ *$p( |\$)" ||
		    { echo "$lib ($p) not in Depends: $depends"; exit 1; }
	done <libs'

# The daemons of the units: in Recommends or Suggests (or Recommends where
# another unit recommends it), never in Depends.
check 'the daemons of the units are recommended or suggested, not depended on' '
	units=$(awk "/^unit [a-z0-9_-]+ *\\{/ { print \$2 }" "$top/share/mpfw/units.conf") &&
	for u in $units; do
		awk -v u="$u" "\$1 == u && \$3 != \"\" { print \$2, \$3 }" \
		    "$top/contrib/deb/daemons"
	done | sort -u >rel && test -s rel &&
	while read -r r p; do
		{ field "$r"; field Recommends; } | tr , "\n" | grep -Eq "^ *$p\$" ||
		    { echo "$p: not in $r: $(field "$r")"; exit 1; }
		! field Depends | tr , "\n" | grep -Eq "^ *$p( |\$)" ||
		    { echo "$p in Depends"; exit 1; }
	done <rel'

# The rule of contrib/deb/daemons, against the package's own schemas and
# catalogue: a unit is on by default when it has no enable key, or when
# its key's default (schema/FILE.conf) is yes, or one of the values the
# enable field names.  Every package of a unit whose enable key defaults
# to on is recommended; every recommended package is one of a unit on by
# default.
default_on() {
	awk '/^unit [a-z0-9_-]+ *\{/ { u = $2; e[u] = ""; order[++n] = u }
	    /^[ \t]*enable[ \t]*=/ { v = $0; sub(/^[^\047]*\047/, "", v)
		sub(/\047.*/, "", v); e[u] = v }
	    END { for (i = 1; i <= n; i++) print order[i], e[order[i]] }' \
	    "$1/units.conf" |
	while read -r u en; do
		if [ -z "$en" ]; then
			[ -z "$2" ] && echo "$u"
			continue
		fi
		f=${en%%.*} k=${en#*.} vals=yes
		case $k in *=*) vals=${k#*=} k=${k%%=*} ;; esac
		d=$(awk -v k="$k" '$1 == "key" && $2 == k { in_k = 1; next }
		    in_k && $1 == "}" { exit }
		    in_k && $1 == "default" { v = $0; sub(/^[^=]*=[ \t]*/, "", v)
			gsub(/"/, "", v); print v; exit }' "$1/schema/$f.conf")
		[ -n "$d" ] || { echo "$u: $f.$k has no default" >&2; exit 1; }
		case ",$vals," in *",$d,"*) echo "$u" ;; esac
	done
}
pkgs_of() {
	for u; do
		awk -v u="$u" '$1 == u && $3 != "" { print $3 }' "$top/contrib/deb/daemons"
	done | sort -u
}
in_field() { field "$1" | tr , "\n" | sed "s/^ *//; s/ .*//" | grep -qxF "$2"; }

check 'what the schemas switch on by default is recommended, and only that' '
	default_on x/usr/share/mpfw keyed >on && default_on x/usr/share/mpfw >on-all &&
	grep -qx fail2ban on && grep -qx smartd on && grep -qx sshd on &&
	! grep -qx nrpe on && test -s on &&
	for p in $(pkgs_of $(cat on)); do
		in_field Recommends "$p" || { echo "$p: on by default, not in Recommends: $(field Recommends)"; exit 1; }
	done &&
	pkgs_of $(cat on-all) >allowed &&
	for p in $(field Recommends | tr , " "); do
		grep -qxF "$p" allowed || { echo "$p: recommended, but no unit of it is on by default"; exit 1; }
	done'

check 'every tool, man page, completion and file of share/mpfw is in it, with its mode' '
	for t in $tools; do
		grep -qx "/usr/bin/$t" files &&
		grep -qx "/usr/share/bash-completion/completions/$t" files ||
		    { echo "$t missing"; exit 1; }
	done &&
	for m in "$top"/man/*.[1-8]; do
		n=${m##*/}; grep -qx "/usr/share/man/man${n##*.}/$n.gz" files ||
		    { echo "$n missing"; exit 1; }
	done &&
	(cd "$top/share/mpfw" && find . -type f) | while read -r f; do
		f=${f#./} g=x/usr/share/mpfw/${f#./}
		test -f "$g" || { echo "$f missing"; exit 1; }
		[ "$(test -x "$g" && echo x)" = \
		    "$(test -x "$top/share/mpfw/$f" && echo x)" ] ||
		    { echo "$f: mode differs"; exit 1; }
	done &&
	grep -qx /lib/systemd/system/mpfw-boot.service files &&
	grep -qx /etc/init.d/mpfw-boot files &&
	grep -qx /lib/systemd/system/mpfw-start.service files &&
	grep -qx /etc/init.d/mpfw-start files'

check 'conffiles: the init scripts alone; nothing shipped under /etc/mpfw' '
	printf "/etc/init.d/mpfw-boot\n/etc/init.d/mpfw-start\n" >want &&
	sort conffiles >conffiles.sorted && same want conffiles.sorted &&
	! grep -q "^/etc/mpfw" files && ! grep -q "^/var" files'

log_before=$(wc -c </var/log/dpkg.log 2>/dev/null || echo 0)
ls -d /etc/rc*.d/* /etc/systemd/system/*/* 2>/dev/null | sort >host.before || :

check 'dpkg installs it into an empty root; the boot hooks are enabled there' '
	inroot -i "$deb" >out 2>&1 || { cat out; exit 1; }
	dpkg-query --admindir="$root/var/lib/dpkg" -W -f="\${Status}" mpfw |
	    grep -qx "install ok installed" &&
	while read -r f; do test -e "$root$f" || { echo "$f"; exit 1; }; done <files &&
	test -L "$root/etc/systemd/system/sysinit.target.wants/mpfw-boot.service" &&
	test -L "$root/etc/systemd/system/multi-user.target.wants/mpfw-start.service"'

check 'the machine itself was not touched: its dpkg, log, rc links, systemd' '
	! dpkg -s mpfw >/dev/null 2>&1 && test ! -e /etc/init.d/mpfw-boot &&
	test ! -e /lib/systemd/system/mpfw-boot.service &&
	test ! -e /etc/init.d/mpfw-start &&
	test ! -e /lib/systemd/system/mpfw-start.service &&
	test "$(wc -c </var/log/dpkg.log 2>/dev/null || echo 0)" = "$log_before" &&
	{ ls -d /etc/rc*.d/* /etc/systemd/system/*/* 2>/dev/null | sort >host.after || :; } &&
	same host.before host.after'

# The installed tools, with their data where the package put it.
ib=$root/usr/bin
check 'a short session with the installed tools' '
	fails 3 env -u FW_DATADIR "$ib/fw-apply" -R "$root" units 2>err &&
	has err /usr/share/mpfw/units.conf &&
	export FW_DATADIR="$root/usr/share/mpfw" PATH="$ib:$PATH" &&
	"$ib/fw-svc" -R "$root" set -v hostname=fw1 ntp=no >out &&
	printf "hostname\tfirewall\tfw1\nntp\tyes\tno\n" >want && same want out &&
	"$ib/fw-dns" -R "$root" add -v printer 192.168.1.50 >out &&
	printf "printer\t(none)\t192.168.1.50\n" >want && same want out &&
	"$ib/fw-proxy" -R "$root" enable header_filter &&
	fails 1 "$ib/fw-apply" -R "$root" status >out && has out "^pending" &&
	fails 1 "$ib/fw-apply" -R "$root" changes >out &&
	has out "^services	hostname	firewall	fw1\$" &&
	has out "^dns	printer	(none)	192.168.1.50\$" &&
	"$ib/fw-apply" -R "$root" units | cut -f1 | grep -qx dns-hosts &&
	"$ib/fw-svc" --version | grep -qx "fw-svc $version"'

check 'man finds and shows the installed pages' '
	for p in $tools; do
		test "$(MANPATH="$root/usr/share/man" man -w "$p")" = \
		    "$root/usr/share/man/man1/$p.1.gz" || { echo "$p"; exit 1; }
	done &&
	test "$(MANPATH="$root/usr/share/man" man -w 5 fw-units)" = \
	    "$root/usr/share/man/man5/fw-units.5.gz" &&
	MANPATH="$root/usr/share/man" MANWIDTH=80 man fw-svc 2>err | grep -q "^SYNOPSIS" &&
	test ! -s err'

check 'the installed completion completes the verbs in bash' '
	bash -c ". \"$root/usr/share/bash-completion/completions/fw-dns\" &&
	    COMP_WORDS=(fw-dns i) COMP_CWORD=1 && _mpfw &&
	    test \"\${COMPREPLY[*]}\" = import"'

cp -R "$root/etc/mpfw" mpfw.before
check 'an upgrade (the package installed again) leaves /etc/mpfw alone' '
	inroot -i "$deb" >out 2>&1 || { cat out; exit 1; }
	diff -r mpfw.before "$root/etc/mpfw"'

check 'remove: every file it installed but the conffile is gone, /etc/mpfw stays' '
	inroot -r mpfw >out 2>&1 || { cat out; exit 1; }
	while read -r f; do
		grep -qx "$f" conffiles && continue
		test ! -e "$root$f" || { echo "$f left"; exit 1; }
	done <files &&
	diff -r mpfw.before "$root/etc/mpfw"'

check 'purge: /etc/mpfw goes too, and nothing the package installed is left' '
	inroot -P mpfw >out 2>&1 || { cat out; exit 1; }
	test ! -e "$root/etc/mpfw" && test ! -e "$root/var/lib/mpfw" &&
	find "$root" ! -type d ! -path "$root/var/lib/dpkg/*" >left &&
	{ test ! -s left || { cat left; exit 1; }; } &&
	! find "$root" -type d -name "*mpfw*" | grep .'

# make install from the package's build tree, with the package's flags:
# nothing is built again, and it installs what the package holds.
check 'make install DESTDIR=... PREFIX=/usr installs what the package holds, then make uninstall removes it' '
	export DEB_BUILD_MAINT_OPTIONS=hardening=+all &&
	eval "$(cd "$build" && dpkg-buildflags --export=sh)" &&
	make -C "$build" install DESTDIR="$tmp/inst" PREFIX=/usr \
	    SYSTEMDDIR=/lib/systemd/system >out 2>&1 || { cat out; exit 1; }
	! grep -E "^(cc|gcc) " out &&
	(cd "$tmp/inst" && find . ! -type d) | sed "s/^\\.//" | sort >installed &&
	grep -v "^/usr/share/doc/\\|^/usr/share/lintian/" files | sed "s/\\.gz\$//" >want &&
	same want installed &&
	make -C "$build" uninstall DESTDIR="$tmp/inst" PREFIX=/usr \
	    SYSTEMDDIR=/lib/systemd/system >out 2>&1 || { cat out; exit 1; }
	find "$tmp/inst" ! -type d >left && { test ! -s left || { cat left; exit 1; }; } &&
	test ! -e "$tmp/inst/usr/share/mpfw"'
