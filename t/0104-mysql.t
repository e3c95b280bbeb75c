#!/bin/sh -e
# MySQL end to end: one real MariaDB for the whole file, its own datadir
# in the test's directory, started, restarted and stopped by fw-apply
# through units.d on a high port; the root password set by the shipped
# mariadb-root unit's statement, proven with the mariadb client over TCP.
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP runs daemons as root"; exit 0; }
. ./lib.sh
plan 17

run=$tmp/run
db=$tmp/db
mkdir -p "$run"
port=$(free_port)
actions=$tmp/actions
: >"$actions"
sql=$FW_ROOT/etc/mysql/mpfw-root.sql
cnf=$FW_ROOT/etc/mysql/mariadb.conf.d/90-mpfw.cnf

mariadb-install-db --no-defaults --datadir="$db" --user=root \
    --auth-root-authentication-method=socket --skip-test-db \
    >"$tmp/install-db.log" 2>&1

cat >"$tmp/mariadbctl" <<X
#!/bin/sh
# mariadbctl start|stop|restart CONF | sql FILE
pid=$run/mariadb.pid
running() { [ -s \$pid ] && kill -0 "\$(cat \$pid)" 2>/dev/null; }
stop() {
	running || return 0
	p=\$(cat \$pid); kill \$p
	while kill -0 \$p 2>/dev/null; do sleep 0.05; done
}
start() {
	mariadbd --defaults-file="\$1" --datadir=$db --port=$port \
	    --socket=$run/mysql.sock --pid-file=\$pid --user=root \
	    --log-error=$run/mariadb.err </dev/null >/dev/null 2>&1 &
	while ! mariadb-admin --no-defaults --socket=$run/mysql.sock \
	    --user=root ping >/dev/null 2>&1; do
		kill -0 \$! 2>/dev/null || exit 1
		sleep 0.05
	done
}
echo "\$1" >>$actions
case \$1 in
start) running || start "\$2" ;;
stop) stop ;;
restart) stop; start "\$2" ;;
# The statement on stdin, as root through the socket.
sql) mariadb --no-defaults --socket=$run/mysql.sock --user=root <"\$2" ;;
esac
X
chmod +x "$tmp/mariadbctl"

only_units mariadb mariadb-root
cat >"$settings/units.d/test.conf" <<X
unit mariadb {
	restart = '$tmp/mariadbctl restart %t'
	start   = '$tmp/mariadbctl start %t'
	stop    = '$tmp/mariadbctl stop'
}
unit mariadb-root {
	reload  = '$tmp/mariadbctl sql %t'
	restart = '$tmp/mariadbctl sql %t'
}
X
cleanup() { "$tmp/mariadbctl" stop; }

# login PASSWORD [SQL]: as root over TCP; the password from a 0600 file.
login() {
	install -m 600 /dev/null "$tmp/client.cnf"
	printf '[client]\npassword=%s\n' "$1" >"$tmp/client.cnf"
	mariadb --defaults-file="$tmp/client.cnf" --host=127.0.0.1 \
	    --port="$port" --user=root -N -e "${2:-select current_user()}"
}
# as_root SQL: through the socket, as the apply does.
as_root() {
	echo "$1" | mariadb --no-defaults --socket="$run/mysql.sock" \
	    --user=root -N
}
server_pid() { cat "$run/mariadb.pid"; }
# native HASH of a password, as the server computes it (PASSWORD()).
native() {
	python3 -c 'import hashlib, sys
print("*" + hashlib.sha1(hashlib.sha1(sys.argv[1].encode()).digest()).hexdigest().upper())' "$1"
}
actions() { tr '\n' ' ' <"$actions"; }

fw-apply

check 'mysql=yes and an apply start MariaDB, on localhost only' '
	fw-svc enable mysql && fw-apply && test "$(actions)" = "start sql " &&
	test "$(login x 2>&1 | grep -c "Access denied")" = 1 &&
	fails 1 nc -z 127.0.0.2 $port'

check 'with no password set root logs in by the socket only' '
	test "$(as_root "select current_user()")" = root@localhost &&
	fails 1 login "" 2>err && has err "Access denied for user .root.@.localhost."'

pid=$(server_pid)
: >"$actions"
check 'fw-svc passwd and a soft apply: root logs in over TCP with it' '
	echo first-pw | fw-svc passwd mysql_root_password && fw-apply &&
	test "$(login first-pw)" = root@localhost &&
	fails 1 login wrong-pw 2>/dev/null'

check 'one statement to the running server: no restart, nothing deferred' '
	test "$(actions)" = "sql " && test "$(server_pid)" = "$pid" &&
	fw-apply status >out && ! test -s out'

check 'the statement file is 0600 and carries the hash, not the password' '
	test "$(stat -c %a "$sql")" = 600 &&
	has "$sql" "USING .[*]$(native first-pw | cut -c2-)." &&
	test "$(as_root "select password(\"first-pw\")")" = "$(native first-pw)"'

check 'the password as typed is kept nowhere; its hash only in 0600 files' '
	! grep -rqF first-pw "$FW_ROOT" &&
	h=$(perl -MDigest::SHA=sha1,sha1_hex -e "print uc sha1_hex(sha1(shift))" first-pw) &&
	grep -rlF "$h" "$FW_ROOT" >out && grep -qx "$settings/secrets/services" out &&
	while read -r f; do
		case $f in
		*/secrets/services|*/etc/mysql/mpfw-root.sql)
			test "$(stat -c %a "$f")" = 600 || exit 1 ;;
		*) echo "$f"; exit 1 ;;
		esac
	done <out'

check 'fw-apply -n shows neither the new password nor its hash' '
	echo second-pw | fw-svc passwd mysql_root_password &&
	fw-apply -n >out && has out "^mariadb-root	reload\$" &&
	has out "its contents are not shown" &&
	! grep -q "second-pw\|$(native second-pw | cut -c2-)" out'

check 'after the apply the new password works and the old one no longer' '
	fw-apply && test "$(login second-pw)" = root@localhost &&
	fails 1 login first-pw 2>/dev/null && test "$(server_pid)" = "$pid"'

cp "$sql" "$tmp/sql.before"
check 'with the server down the apply fails with exit 3' '
	"$tmp/mariadbctl" stop && : >"$actions" &&
	echo third-pw | fw-svc passwd mysql_root_password &&
	fails 3 fw-apply 2>err && has err "mariadb-root: reload failed" &&
	has err "the files of this apply are restored"'

check 'and rolls back: the statement file as it was, the unit pending' '
	same "$tmp/sql.before" "$sql" &&
	fails 1 fw-apply status >out && has out "^pending	mariadb-root	"'

check 'the server up again has the old password; the next apply sets the new' '
	"$tmp/mariadbctl" start "$cnf" && pid=$(server_pid) &&
	test "$(login second-pw)" = root@localhost &&
	fails 1 login third-pw 2>/dev/null && fw-apply &&
	test "$(login third-pw)" = root@localhost'

pid=$(server_pid)
cat >"$settings/units.d/zz-more.conf" <<X
unit mariadb {
	render = 'fw-svc render mariadb; echo "max_connections = 42"'
	target = '/etc/mysql/mariadb.conf.d/90-mpfw.cnf'
}
X
: >"$actions"
check 'a new option file and a soft apply: installed, the restart deferred' '
	fw-apply && has "$cnf" "^max_connections = 42" && test ! -s "$actions" &&
	test "$(server_pid)" = "$pid" &&
	test "$(login third-pw "select @@max_connections")" = 151 &&
	fails 1 fw-apply status >out && has out "^deferred	mariadb	restart\$"'

check 'the full apply restarts MariaDB, which keeps the root password' '
	fw-apply -f && has "$actions" "^restart\$" && test "$(server_pid)" != "$pid" &&
	test "$(login third-pw "select @@max_connections")" = 42 &&
	fw-apply status >out && ! test -s out'
rm "$settings/units.d/zz-more.conf"

check 'an option MariaDB does not know fails the check, with its message' '
	cat >"$settings/units.d/zz-broken.conf" <<-Y &&
	unit mariadb {
		render = '"'"'fw-svc render mariadb; echo "no-such-option = 1"'"'"'
		target = '"'"'/etc/mysql/mariadb.conf.d/90-mpfw.cnf'"'"'
	}
	Y
	cp "$cnf" before && fails 3 fw-apply 2>err &&
	has err "mariadb: check failed" && has err "unknown variable .no-such-option" &&
	same before "$cnf"'
rm "$settings/units.d/zz-broken.conf"

check 'nothing but the password statement may reach the server' '
	cat >"$settings/units.d/zz-sql.conf" <<-Y &&
	unit mariadb-root {
		render = '"'"'fw-svc render mariadb-root; echo "DROP DATABASE mysql;"'"'"'
		target = '"'"'/etc/mysql/mpfw-root.sql'"'"'
	}
	Y
	cp "$sql" before && fails 3 fw-apply 2>err &&
	has err "mariadb-root: check failed" && has err "DROP DATABASE mysql" &&
	same before "$sql" && test "$(as_root "select count(*) from mysql.user where user=\"root\"")" = 1'
rm "$settings/units.d/zz-sql.conf"

: >"$actions"
check 'mysql=no stops MariaDB' '
	p=$(server_pid) && fw-svc disable mysql && fw-apply &&
	test "$(actions)" = "stop " && ! kill -0 $p 2>/dev/null'

check 'the shipped units pass their checks as they are' '
	fw-svc render mariadb >m.cnf &&
	mariadbd --defaults-extra-file=m.cnf --help --verbose >/dev/null 2>&1 &&
	fw-svc render mariadb-root >m.sql && "$FW_DATADIR/check-mariadb-root" m.sql'
