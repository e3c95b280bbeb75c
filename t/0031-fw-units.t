#!/bin/sh -e
# The unit catalogue: the shipped one rendered and checked for real, and
# units.d: several files, %d, secrets, placeholders, mistakes, timeouts.
. ./lib.sh
plan 21

units=$settings/units.d
mkdir -p "$units" "$FW_ROOT/etc/ssh"

check 'the shipped catalogue renders and passes its real checks (-n)' '
	ssh-keygen -q -t ed25519 -N "" -f "$FW_ROOT/etc/ssh/ssh_host_ed25519_key" &&
	fw-dns add printer 192.168.1.50 &&
	fw-apply -n >out && has out "^dnsmasq	restart\$" &&
	has out "^dns-hosts	reload\$" && has out "^sshd	reload\$" &&
	has out "^+Match LocalPort 22222\$" &&
	test ! -e "$FW_ROOT/etc/ssh/sshd_config"'

check 'check-hosts refuses a hosts file dnsmasq cannot read' '
	printf "10.0.0.300\tbad.x bad\n" >hosts &&
	fails 1 "$FW_DATADIR/check-hosts" hosts 2>err &&
	has err "bad address at .*hosts line 1" &&
	printf "10.0.0.3\tgood.x good\n" >hosts && "$FW_DATADIR/check-hosts" hosts'

check 'check-hosts -c reads only the files that differ from those installed' '
	mkdir -p cand inst && printf "10.0.0.300\tbad.x bad\n" >cand/00 &&
	cp cand/00 inst/00 && printf "10.0.0.4\tnew.x new\n" >cand/01 &&
	"$FW_DATADIR/check-hosts" -c inst cand &&
	printf "10.0.0.301\tworse.x worse\n" >cand/02 &&
	fails 1 "$FW_DATADIR/check-hosts" -c inst cand 2>err &&
	has err "bad address at .*cand/02 line 1" && ! grep -q "cand/00" err'

# From here on only our units: every shipped one is switched off.
only_units

cat >"$units/multi.conf" <<X
unit multi {
	inputs = {services}
	file main {
		render = 'printf "include %%s\\\\n" "\$FW_ROOT/etc/multi/part.conf"'
		target = '/etc/multi/main.conf'
	}
	file part {
		render = 'fw-svc get hostname'
		target = '/etc/multi/part.conf'
		mode = '0640'
	}
	check = 'test -s %d/etc/multi/main.conf && grep -qx "\$(fw-svc get hostname)" %d/etc/multi/part.conf && test %f = %d/etc/multi/main.conf && test %t = "\$FW_ROOT/etc/multi/main.conf" && echo "100%%" >%d/pct'
	reload = 'touch $tmp/multi.reloaded'
	soft = reload
}
X
check 'a unit of several files: all in %d at their targets, with their modes' '
	fw-apply && test -e multi.reloaded &&
	test "$(cat "$FW_ROOT/etc/multi/part.conf")" = firewall &&
	test "$(stat -c %a "$FW_ROOT/etc/multi/part.conf")" = 640 &&
	test "$(stat -c %a "$FW_ROOT/etc/multi/main.conf")" = 644'

check 'a change to one file installs that one and reloads' '
	rm multi.reloaded && cp "$FW_ROOT/etc/multi/main.conf" main.before &&
	fw-svc set hostname=gw && fw-apply && test -e multi.reloaded &&
	test "$(cat "$FW_ROOT/etc/multi/part.conf")" = gw &&
	same main.before "$FW_ROOT/etc/multi/main.conf"'

check 'an input that changes what the unit renders not at all: no reload' '
	rm multi.reloaded && fw-svc set ntp=no && fw-apply &&
	test ! -e multi.reloaded && fw-apply status'

mkdir -p "$settings/secrets"
cat >"$units/secret.conf" <<X
unit db {
	inputs = {services}
	render = 'printf "password=%%s\\\\n" "\$(sed -n "s/^mysql_root_password=//p" "\$FW_ROOT/etc/mpfw/secrets/services")"'
	target = '/etc/db/db.conf'
	mode = '0644'
	check = 'grep -q password= %f'
	restart = 'true'
	soft = restart
	secret = true
}
X
check 'a secret unit: its file is 0600 whatever its mode says' '
	printf "hunter2\n" | fw-svc passwd mysql_root_password &&
	fw-apply && test "$(stat -c %a "$FW_ROOT/etc/db/db.conf")" = 600 &&
	has "$FW_ROOT/etc/db/db.conf" "password=.\*[0-9A-F]\{40\}"'

check 'and -n and diff never show its contents' '
	printf "correct horse\n" | fw-svc passwd mysql_root_password &&
	fw-apply -n >out && fails 1 fw-apply diff db >>out &&
	has out "its contents are not shown" && ! grep -q hunter2 out &&
	! grep -q "correct horse" out'

check 'no copy of it is kept once applied, and the state is root'"'"'s alone' '
	fw-apply && ! grep -rq "correct horse" "$FW_ROOT/var/lib/mpfw" &&
	test "$(stat -c %a "$FW_ROOT/var/lib/mpfw")" = 700 &&
	test -z "$(find "$FW_ROOT/var/lib/mpfw" -type f -perm /077)"'
rm "$units/secret.conf"

bad() {
	printf "%s\n" "$1" >"$units/zz-bad.conf"
	fails 3 fw-apply -n 2>err || return 1
	rm "$units/zz-bad.conf"
	has err "$2"
}
check 'a broken catalogue is refused with the file and the reason' '
	bad "unit x { render = \"a\" target = \"/x\" check = \"t %q\" reload = \"r\" soft = reload }" "unit x: unknown placeholder %q" &&
	bad "unit x { render = \"a\" target = \"/x\" check = \"t\" soft = reload }" "soft = reload needs a reload command" &&
	bad "unit x { render = \"a\" target = \"/x\" reload = \"r\" soft = reload }" "unit x: needs a check" &&
	bad "unit x { render = \"a\" target = \"x\" check = \"t\" reload = \"r\" soft = reload }" "must be an absolute file path" &&
	bad "unit x { render = \"a\" target = \"/x\" mode = \"644\" check = \"t\" reload = \"r\" soft = later }" "soft must be reload, restart or defer" &&
	bad "unit x { render = \"a\" target = \"/x\" check = \"t\" reload = \"r\" soft = reload enable = \"services.ntpx\" }" "enable services.ntpx: must name a yes/no key" &&
	bad "unit x { render = \"a\" target = \"/x\" mode = \"0999\" check = \"t\" reload = \"r\" soft = reload }" "mode 0999: must be an octal" &&
	bad "unit x { colour = red }" "zz-bad.conf:1:"'

cat >"$units/zz-render.conf" <<X
unit broken {
	render = 'echo partial; echo "cannot render" >&2; exit 4'
	target = '/etc/broken'
	check = 'true'
	reload = 'true'
	soft = reload
}
X
check 'a render that fails stops the apply with its message, exit 3' '
	fails 3 fw-apply 2>err && has err "broken: render of /etc/broken failed (exit 4)" &&
	has err "cannot render" && test ! -e "$FW_ROOT/etc/broken"'
rm "$units/zz-render.conf"

cat >"$units/zz-slow.conf" <<X
unit slow {
	render = 'echo slow'
	target = '/etc/slow'
	check = 'true'
	reload = 'sleep 30'
	soft = reload
}
X
check 'a command that hangs is killed after FW_APPLY_TIMEOUT, and undone' '
	start=$(date +%s) &&
	fails 3 env FW_APPLY_TIMEOUT=1 fw-apply 2>err &&
	test $(( $(date +%s) - start )) -lt 10 &&
	has err "slow: reload: timed out after 1 second " && test ! -e "$FW_ROOT/etc/slow" &&
	test "$(grep -c "timed out" err)" = 1'
rm "$units/zz-slow.conf"

check 'units.d adds a unit at the end and replaces one in place' '
	fw-apply -v >out && ! test -s out &&
	fw-svc set hostname=mx && fw-apply -v >out &&
	test "$(cat out)" = "multi	reload"'

# Who runs a command: fw-apply itself for plain words, sh for the rest.
printf '#!/bin/sh\nps -o comm= -p $PPID >"%s/parent.$1"\n' "$tmp" >"$tmp/parent"
chmod +x "$tmp/parent"
cat >"$units/zz-plain.conf" <<X
unit plain {
	render = 'echo plain'
	target = '/etc/plain'
	check = '$tmp/parent plain %f'
	reload = 'true'
	soft = reload
}
unit shell {
	render = 'echo shell'
	target = '/etc/shell'
	check = '$tmp/parent shell %f || exit 1'
	reload = 'true'
	soft = reload
}
X
check 'a command of plain words runs without a shell, one with shell syntax with sh' '
	fw-apply && test "$(cat "$tmp/parent.plain")" = fw-apply &&
	test "$(cat "$tmp/parent.shell")" = sh'
rm "$units/zz-plain.conf"

# A program of plain words is started by posix_spawn: one without #! is
# run by sh, as execvp would; one not found fails as sh says, 127 (with
# a PATH of directories all can search: one that cannot be gives EACCES,
# 126, as execvp did).
mkdir -p "$tmp/nosb"
printf 'echo "nosb $1"\n' >"$tmp/nosb/nosb"
chmod +x "$tmp/nosb/nosb"
printf "unit nosb {\n\trender = 'nosb one'\n\ttarget = '/etc/nosb'\n\tcheck = 'true'\n\treload = 'true'\n\tsoft = reload\n}\n" \
    >"$units/zz-nosb.conf"
check 'a script without #! runs; a program not found fails with exit 127' '
	PATH=$tmp/nosb:$PATH fw-apply && test "$(cat "$FW_ROOT/etc/nosb")" = "nosb one" &&
	sed -i "s/nosb one/nosb-missing one/" "$units/zz-nosb.conf" &&
	fails 3 env PATH="$top/bin:/usr/bin:/bin" fw-apply 2>err &&
	has err "nosb: render of /etc/nosb failed (exit 127):" &&
	has err "nosb-missing: No such file or directory"'
rm "$units/zz-nosb.conf"

# The cache of the inputs' hashes (fw-apply(1) FILES) trusts a file only
# while it is the very one it hashed: an edit in place that keeps the
# size and the modification time is still seen.  A file changed in the
# last two seconds is never cached: the wait makes sure this one is.
check 'an edit in place with the size and mtime kept is still pending' '
	fw-svc set hostname=abc && sleep 2.2 && fw-apply && fw-apply status &&
	cp -p "$settings/services" ref &&
	sed "s/^hostname=abc\$/hostname=xyz/" "$settings/services" >edited &&
	! cmp -s edited ref && cat edited 1<>"$settings/services" &&
	touch -r ref "$settings/services" &&
	test "$(stat -c %s.%Y "$settings/services")" = "$(stat -c %s.%Y ref)" &&
	fails 1 fw-apply status >out && has out "^pending	multi	" &&
	fw-apply && fw-svc get hostname | grep -qx xyz'

check 'nothing applied: rollback and revert say so, exit 1' '
	mkdir -p "$tmp/empty" && fails 1 fw-apply -R "$tmp/empty" rollback 2>err &&
	has err "nothing to roll back" && fails 1 fw-apply -R "$tmp/empty" revert &&
	fails 1 fw-apply -R "$tmp/empty" confirm'

check 'status and diff of an empty root' '
	fails 1 fw-apply -R "$tmp/empty" status >out && has out "^pending	sshd	never applied"'

# The catalogue parsed once (bin/unitcache.c): var/lib/mpfw/units.cache,
# used only while fw-apply and every file it was read from are the very
# ones it names, and none written while one changed in the last two
# seconds; the wait makes sure one is.
cache=$FW_ROOT/var/lib/mpfw/units.cache
cat >"$units/zz-cached.conf" <<X
unit cached {
	inputs = {services}
	render = 'fw-svc get hostname'
	target = '/etc/cached.one'
	check = 'true'
	reload = 'true'
	soft = reload
}
X
check 'the catalogue is cached, and the cache gives what parsing gives' '
	rm -f "$cache" && fw-apply units >parsed && test ! -e "$cache" &&
	fw-apply && fw-apply status && sleep 2.2 &&
	fw-apply units >first && test -s "$cache" && same parsed first &&
	has "$cache" "zz-cached.conf" && fw-apply units >cached && same parsed cached &&
	fw-apply status && fw-svc set hostname=cached1 && fw-apply &&
	test "$(cat "$FW_ROOT/etc/cached.one")" = cached1 && fw-apply status'

check 'an edit of units.d, a file added or removed, is seen at once' '
	sed -i "s|/etc/cached.one|/etc/cached.two|" "$units/zz-cached.conf" &&
	fw-apply units >out && has out "^cached	/etc/cached.two	" &&
	sed "s/unit cached /unit cachedx /; s|/etc/cached.two|/etc/cachedx|" \
	    "$units/zz-cached.conf" >"$units/zz-cachedx.conf" &&
	fw-apply units >out && has out "^cached	" && has out "^cachedx	/etc/cachedx	" &&
	printf "unit cached {\n\tdisabled = yes\n}\n" >"$units/zz-cachedy.conf" &&
	fw-apply units >out && ! grep -q "^cached	" out &&
	rm "$units/zz-cachedy.conf" "$units/zz-cachedx.conf" &&
	fw-apply units >out && has out "^cached	/etc/cached.two	"'

check 'a cache that fails its check is not used' '
	sleep 2.2 && fw-apply units >/dev/null && has "$cache" "/etc/cached.two" &&
	sed -i "s|/etc/cached.two|/etc/cached.bad|" "$cache" &&
	fw-apply units >out && has out "^cached	/etc/cached.two	" &&
	! grep -q cached.bad out'
rm "$units/zz-cached.conf"
