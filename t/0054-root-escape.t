#!/bin/sh -e
# Nothing outside the root: under -R or FW_ROOT, symbolic links in the root
# that point out of it (absolute, or climbing with ..) are never followed
# out, whatever mpfw does: lock, passwd, set, add, apply, diff, status,
# boot, prune.  Every case has canaries outside the root, which stay
# byte for byte, mode, owner and time as they were, and nothing new
# appears next to them.
. ./lib.sh
plan 20

out=$tmp/outside
mkdir "$out"
units=$settings/units.d
mkdir -p "$units" "$settings"

# Everything outside the root the test made, as find(1) and sha256sum
# see it: a chmod, chown, write, new or removed file changes it.
snap() {
	(cd "$out" && find . -printf '%p %y %m %u %g %s %T@ %C@ %l\n' | sort &&
	    find . -type f -exec sha256sum {} + | sort)
}
guard() { snap >"$tmp/guard"; }
untouched() { snap >"$tmp/now"; same "$tmp/guard" "$tmp/now"; }
# refuses STATUS PATTERN CMD...: CMD exits STATUS, saying PATTERN on stderr.
refuses() {
	_st=$1 _pat=$2
	shift 2
	if fails "$_st" "$@" 2>err; then has err "$_pat"; else cat err >&2; return 1; fi
}
# withR TOOL ARGS: the tool told its root by -R, not by the environment.
withR() { _t=$1; shift; env -u FW_ROOT "$_t" -R "$FW_ROOT" "$@"; }

only_units
# Units with test commands: render the hostname, check nothing, and log
# their reloads.
unit() {
	cat >"$units/$1.conf" <<X
unit $1 {
	inputs = {services}
	render = 'fw-svc get hostname'
	target = '$2'
	check = 'true'
	reload = 'echo $1 >>$tmp/told'
	soft = reload
}
X
}
fw-svc set hostname=gw1

# ---- the lock ----

echo 'I am not a lock' >"$out/lock"
chmod 640 "$out/lock"
rm "$settings/.lock"
ln -s "$out/lock" "$settings/.lock"
guard
check '.lock a link to an outside file: writers and fw-apply refuse, exit 3' '
	refuses 3 "etc/mpfw/.lock: a symbolic link, not a lock file" \
	    fw-svc set hostname=gw2 &&
	refuses 3 "etc/mpfw/.lock: a symbolic link" withR fw-dns add printer 10.0.0.9 &&
	refuses 3 "etc/mpfw/.lock: a symbolic link" fw-apply &&
	test "$(fw-svc get hostname)" = gw1 && untouched'

rm "$settings/.lock"
ln -s "$out/new-lock" "$settings/.lock"
guard
check '.lock a link to an outside path that does not exist: not created' '
	refuses 3 "a symbolic link, not a lock file" withR fw-svc set hostname=gw2 &&
	rm "$settings/.lock" && ln -s ../../../outside/new-lock "$settings/.lock" &&
	refuses 3 "" fw-svc set hostname=gw2 && test ! -e "$out/new-lock" &&
	test ! -e "$FW_ROOT/outside/new-lock" && untouched'
rm "$settings/.lock"

# ---- secrets ----

mkdir "$out/secrets"
echo 'mysql_root_password=outside' >"$out/secrets/services"
chmod 755 "$out/secrets"
chmod 644 "$out/secrets/services"
chown nobody "$out/secrets" "$out/secrets/services"
ln -s "$out/secrets" "$settings/secrets"
guard
check 'secrets a link to an outside directory: passwd refuses, chmods, chowns, writes nothing there' '
	echo hunter2 | refuses 3 "etc/mpfw/secrets" fw-svc passwd mysql_root_password &&
	echo hunter2 | refuses 3 "" withR fw-svc passwd mysql_root_password &&
	test "$(stat -c "%a %U" "$out/secrets" "$out/secrets/services")" = "755 nobody
644 nobody" && untouched'

rm "$settings/secrets"
ln -s ../../../outside/secrets "$settings/secrets"
check 'and a link that climbs out with ..: the same' '
	echo hunter2 | refuses 3 "etc/mpfw/secrets" fw-svc passwd mysql_root_password &&
	untouched'
rm "$settings/secrets"

mkdir -m 700 "$settings/secrets"
printf '# an outside note\nmysql_root_password=outside\n' >"$out/secret-file"
ln -s "$out/secret-file" "$settings/secrets/services"
guard
check 'a secrets file a link out: passwd replaces the link by a file of its own, 0600' '
	echo hunter2 | withR fw-svc passwd mysql_root_password &&
	test -f "$settings/secrets/services" && test ! -L "$settings/secrets/services" &&
	test "$(stat -c %a "$settings/secrets/services")" = 600 &&
	has "$settings/secrets/services" "^mysql_root_password=.\\*[0-9A-F]\\{40\\}.\$" &&
	! grep -q outside "$settings/secrets/services" && untouched'

# ---- settings files ----

printf 'hostname=outside\nssh_port=2022\n' >"$out/services"
cp "$settings/services" services.saved
rm "$settings/services"
ln -s "$out/services" "$settings/services"
guard
check 'services a link to an outside file: read as absent, replaced by a file on set' '
	test "$(fw-svc get hostname)" = firewall &&
	test "$(withR fw-svc get ssh_port)" = 22 &&
	! fw-svc show | grep -q outside &&
	fw-svc set hostname=gw3 && test -f "$settings/services" &&
	test ! -L "$settings/services" &&
	test "$(cat "$settings/services")" = hostname=gw3 && untouched'

rm "$settings/services"
ln -s ../../../outside/services "$settings/services"
mkdir -p "$FW_ROOT/outside"
echo 'hostname=inside' >"$FW_ROOT/outside/services"
check 'a link that climbs out with .. is resolved inside the root' '
	test "$(withR fw-svc get hostname)" = inside &&
	fw-svc set hostname=gw4 && test ! -L "$settings/services" &&
	has "$settings/services" "^hostname=gw4\$" &&
	test "$(cat "$FW_ROOT/outside/services")" = hostname=inside && untouched'
cp services.saved "$settings/services"

printf 'outsider\t10.9.9.9\n' >"$out/dns"
ln -s "$out/dns" "$settings/dns"
guard
check 'the dns table a link out: listed as empty, replaced by a file on add' '
	test -z "$(fw-dns list)" && withR fw-dns add printer 10.0.0.9 &&
	test ! -L "$settings/dns" && test "$(fw-dns list)" = "printer	10.0.0.9" &&
	untouched'

# ---- the files fw-apply installs ----

mkdir -p "$FW_ROOT/etc/t1"
echo 'OUTSIDE CONTENT of t1' >"$out/t1.conf"
ln -s "$out/t1.conf" "$FW_ROOT/etc/t1/conf"
unit t1 /etc/t1/conf
guard
check 'a target a link to an outside file: -n and diff show no byte of it' '
	fw-apply -n t1 >out && has out "^--- /etc/t1/conf (new)\$" &&
	! grep -q OUTSIDE out && fails 1 withR fw-apply diff t1 >out &&
	has out "^+$(fw-svc get hostname)\$" && ! grep -q OUTSIDE out && untouched'

check 'apply replaces the link by a file in the root, and keeps no copy of the outside one' '
	fw-apply t1 && test -f "$FW_ROOT/etc/t1/conf" &&
	test ! -L "$FW_ROOT/etc/t1/conf" &&
	test "$(cat "$FW_ROOT/etc/t1/conf")" = "$(fw-svc get hostname)" &&
	test "$(cat told)" = t1 &&
	! grep -rq OUTSIDE "$FW_ROOT/var/lib/mpfw" && untouched'

mkdir "$out/t2"
echo 'OUTSIDE CONTENT of t2' >"$out/t2/conf"
ln -s "$out/t2" "$FW_ROOT/etc/t2"
mkdir -p "$FW_ROOT$out/t2"
unit t2 /etc/t2/conf
guard
check 'a target whose directory is a link out: written where the root resolves it' '
	fails 1 fw-apply diff t2 >out && has out "^--- /etc/t2/conf (new)\$" &&
	! grep -q OUTSIDE out && withR fw-apply t2 &&
	test "$(cat "$FW_ROOT$out/t2/conf")" = "$(fw-svc get hostname)" &&
	test -L "$FW_ROOT/etc/t2" &&
	fw-apply status && untouched'

ln -s ../../outside/t2 "$FW_ROOT/etc/t3"
unit t3 /etc/t3/conf
guard
check 'a link that climbs out with .. to nothing in the root: refused, undone' '
	refuses 3 "etc/t3: Not a directory" fw-apply t3 &&
	test ! -e "$FW_ROOT/outside/t2" && fails 1 fw-apply status >out &&
	has out "^pending	t3	" && untouched'
rm "$units/t2.conf" "$units/t3.conf" "$FW_ROOT/etc/t2" "$FW_ROOT/etc/t3"

guard
check 'a unit whose target climbs with /.. is refused' '
	unit t4 /etc/../../outside/t4 && refuses 3 \
	    "unit t4: target /etc/../../outside/t4: must be an absolute file path" \
	    fw-apply -n t4 &&
	rm "$units/t4.conf" && test ! -e "$out/t4" && untouched'

# ---- fw-apply's own state ----

state=$FW_ROOT/var/lib/mpfw
for d in gen stage gentmp objects; do
	mkdir "$out/$d"
	echo "keep me" >"$out/$d/keep"
done
fw-svc set hostname=gw5
# A directory of the store, XX of objects/XX/REST, that this apply will
# not write to: a link there is only ever read through by the sweep.
used=$( (ls "$state/objects" 2>/dev/null; cat "$settings/services" | sha256sum;
    cat "$settings/dns" | sha256sum; printf 'gw5\n' | sha256sum) | cut -c1-2)
for i in $(seq 0 255); do
	xx=$(printf %02x "$i")
	echo "$used" | grep -qx "$xx" || break
done
echo "looks like an object" >"$out/objects/$(printf 'x%.0s' $(seq 62) | tr x 0)"
echo "not a salt" >"$out/salt"
echo "gen=99" >"$out/txn"
ln -s "$out/gen" "$state/gen.99"
ln -s "$out/stage" "$state/stage.1.deadbeef"
mkdir -p "$FW_ROOT/run/mpfw"
ln -s "$out/stage" "$FW_ROOT/run/mpfw/stage.1.cafe"
ln -s "$out/gentmp" "$state/.gen.tmp.deadbeef"
mkdir -p "$state/objects"
ln -s "$out/objects" "$state/objects/$xx"
rm -f "$state/salt"
ln -s "$out/salt" "$state/salt"
ln -s "$out/txn" "$state/txn"
guard
check 'links out in var/lib/mpfw: status, boot, apply and prune replace or remove them, never what they point to' '
	fails 1 withR fw-apply status >out && has out "^pending	t1	" &&
	fw-apply boot &&
	test ! -L "$state/stage.1.deadbeef" && test ! -L "$state/.gen.tmp.deadbeef" &&
	test ! -L "$FW_ROOT/run/mpfw/stage.1.cafe" &&
	FW_KEEP_GENERATIONS=1 fw-apply && fw-apply status &&
	test "$(cat "$FW_ROOT/etc/t1/conf")" = gw5 &&
	test ! -L "$state/salt" && test ! -e "$state/txn" && test ! -L "$state/txn" &&
	untouched'

check 'a link named like a generation does not make the apply prune the real ones' '
	fw-svc set hostname=gw6 && FW_KEEP_GENERATIONS=1 fw-apply &&
	fw-apply status && test -f "$state/$(readlink "$state/current")" &&
	fw-apply diff && untouched'
rm "$state/gen.99" "$state/objects/$xx"

mv "$state/objects" objects.real
ln -s "$out/objects" "$state/objects"
guard
check 'the store a link out: fw-apply refuses, exit 3, and stores nothing there' '
	fw-svc set hostname=gw7 && refuses 3 "var/lib/mpfw/objects" fw-apply &&
	untouched'
rm "$state/objects"
mv objects.real "$state/objects"
fw-apply

# A whole copy of the state outside, which a tool that followed the link
# would use and change.
cp -a "$state" "$out/state"
mv "$state" state.real
ln -s "$out/state" "$state"
guard
check 'var/lib/mpfw a link out: fw-apply and status refuse, exit 3, and touch nothing there' '
	fw-svc set hostname=gw8 &&
	refuses 3 "var/lib/mpfw: Not a directory" withR fw-apply &&
	refuses 3 "var/lib/mpfw: Not a directory" fw-apply status &&
	test "$(cat "$FW_ROOT/etc/t1/conf")" = gw7 && untouched'
rm "$state"
mv state.real "$state"

mkdir "$out/mpfw"
echo 'hostname=outside' >"$out/mpfw/services"
mv "$settings" "$tmp/settings.saved"
ln -s "$out/mpfw" "$settings"
guard
check 'etc/mpfw itself a link out: read as empty, writers and fw-apply refuse' '
	test "$(fw-svc get hostname)" = firewall &&
	refuses 3 "etc/mpfw" fw-svc set hostname=gw8 &&
	refuses 3 "etc/mpfw" withR fw-apply && untouched'
rm "$settings"
mv "$tmp/settings.saved" "$settings"

# ---- and with links that stay inside, all works as it did ----

mkdir -p "$FW_ROOT/etc/t5.real"
ln -s t5.real "$FW_ROOT/etc/t5"
unit t5 /etc/t5/conf
ln -s "$FW_ROOT" "$tmp/rootlink"
check 'links inside the root are followed; -R through a link, or relative, works' '
	fw-svc -R "$tmp/rootlink" set hostname=gw9 &&
	(cd "$tmp" && env -u FW_ROOT fw-apply -R root) &&
	test "$(cat "$FW_ROOT/etc/t5.real/conf")" = gw9 &&
	test "$(cat "$FW_ROOT/etc/t1/conf")" = gw9 &&
	env -u FW_ROOT fw-apply -R "$tmp/rootlink" status &&
	fw-svc set hostname=gw10 && withR fw-apply &&
	test "$(cat "$FW_ROOT/etc/t5.real/conf")" = gw10 &&
	fw-apply rollback && test "$(fw-svc get hostname)" = gw9 &&
	test "$(cat "$FW_ROOT/etc/t5.real/conf")" = gw9 && fw-apply status'

check 'and nothing in the whole test was made outside the root but the canaries' '
	test "$(ls "$out" | tr "\n" " ")" = "dns gen gentmp lock mpfw objects salt secret-file secrets services stage state t1.conf t2 txn "'
