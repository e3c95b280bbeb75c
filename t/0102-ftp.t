#!/bin/sh -e
# FTP end to end: the real vsftpd, started and restarted by fw-apply
# through units.d on a high port, python's ftplib as the client; the
# account ftpupload made and changed by the shipped unit, with useradd
# and usermod, in the test's own copy of /etc (private_etc).
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP runs daemons as root"; exit 0; }
[ -n "${MPFW_UNSHARED-}" ] ||
    MPFW_UNSHARED=1 exec unshare -m --propagation private "$0" "$@"
. ./lib.sh
plan 14

private_etc
run=$tmp/run
mkdir -p "$run"
FTP_PORT=$(free_port)
export FTP_PORT
actions=$tmp/actions
: >"$actions"
ftpdir=$FW_ROOT/srv/ftp

cat >"$tmp/vsftpdctl" <<X
#!/bin/sh
# vsftpdctl start|stop|restart [CONF]
pid=$run/vsftpd.pid
running() { [ -s \$pid ] && kill -0 "\$(cat \$pid)" 2>/dev/null; }
stop() {
	running || return 0
	p=\$(cat \$pid); kill \$p
	while kill -0 \$p 2>/dev/null; do sleep 0.02; done
}
start() {
	# PAM reads its services from /etc/pam.d alone: the test's own /etc.
	ln -sf "\$FW_ROOT/etc/pam.d/vsftpd-mpfw" /etc/pam.d/vsftpd-mpfw
	mkdir -p /var/run/vsftpd/empty
	vsftpd "\$1" -olisten_port=$FTP_PORT <>$run/vsftpd.log >&0 2>&0 &
	echo \$! >\$pid
	while ! nc -z "\$(fw-svc get lan_ip)" $FTP_PORT; do
		running || exit 1
		sleep 0.02
	done
}
echo "\$1" >>$actions
case \$1 in
start) running || start "\$2" ;;
stop) stop ;;
restart) stop; start "\$2" ;;
esac
X
chmod +x "$tmp/vsftpdctl"

only_units vsftpd ftpupload
cat >"$settings/units.d/test.conf" <<X
unit vsftpd {
	restart = '$tmp/vsftpdctl restart %t'
	start   = '$tmp/vsftpdctl start %t'
	stop    = '$tmp/vsftpdctl stop'
}
X
cleanup() { "$tmp/vsftpdctl" stop; }

# ftpclient FROM-HOST USER PASSWORD [-- COMMAND...]: log in, upload a
# file, list and fetch it back; with a command, run it while the session
# is open and show that the session still uploads after.
cat >"$tmp/ftpclient" <<'X'
#!/usr/bin/env python3
import ftplib, io, os, subprocess, sys

host, user, pw = sys.argv[1:4]
f = ftplib.FTP()
f.connect(host, int(os.environ["FTP_PORT"]), timeout=10)
print(f.login(user, pw))
def upload(name):
    f.storbinary("STOR " + name, io.BytesIO(name.encode() + b"\n"))
    got = io.BytesIO()
    f.retrbinary("RETR " + name, got.write)
    assert got.getvalue() == name.encode() + b"\n", got.getvalue()
    print("stored", name, "in", f.nlst())
upload("upload-%d.txt" % os.getpid())
if sys.argv[4:5] == ["--"]:
    r = subprocess.run(sys.argv[5:])
    print("command exit", r.returncode)
    print(f.voidcmd("NOOP"))
    upload("after-%d.txt" % os.getpid())
    sys.exit(r.returncode)
X
chmod +x "$tmp/ftpclient"
ftpc() { "$tmp/ftpclient" "$@"; }
vsftpd_pid() { cat "$run/vsftpd.pid"; }
field() { getent passwd ftpupload | cut -d: -f"$1"; }
# Can root open a login shell as ftpupload?  su uses the account's shell.
shell_ok() { su ftpupload -c 'echo shell-works' 2>&1 | grep -qx shell-works; }

fw-svc set lan_ip=127.0.0.1

check 'with ftp and ftpupload_shell off, an apply makes no account' '
	fw-apply && ! getent passwd ftpupload && test ! -e "$ftpdir" &&
	test ! -s "$actions"'

check 'ftp=yes: the apply starts vsftpd and makes the account, no shell' '
	fw-svc enable ftp && fw-apply && test "$(cat $actions)" = start &&
	test "$(field 7)" = /usr/sbin/nologin && test "$(field 6)" = "$ftpdir" &&
	test "$(stat -c %U "$ftpdir")" = ftpupload && ! shell_ok'

check 'made by useradd: its own group, a locked password in /etc/shadow' '
	getent group ftpupload &&
	grep -q "^ftpupload:!" /etc/shadow'

useradd -M -s /bin/bash alice
printf 'ftpupload:upload-pw\nalice:alice-pw\n' | chpasswd

check 'ftpupload logs in on lan_ip and uploads into the FTP directory' '
	ftpc 127.0.0.1 ftpupload upload-pw >out && has out "^230 " &&
	test "$(ls "$ftpdir"/upload-*.txt | wc -l)" = 1 &&
	test "$(stat -c %U "$ftpdir"/upload-*.txt)" = ftpupload'

check 'no other account logs in by FTP, nor anonymous' '
	fails 1 ftpc 127.0.0.1 alice alice-pw 2>err && has err "530 Login incorrect" &&
	fails 1 ftpc 127.0.0.1 anonymous x@y 2>err && has err "530" &&
	fails 1 ftpc 127.0.0.1 ftpupload wrong 2>err && has err "530 Login incorrect"'

pid=$(vsftpd_pid)
: >"$actions"
check 'ftpupload_shell=yes and a soft apply: a login shell, vsftpd untouched' '
	fw-svc enable ftpupload_shell && fw-apply &&
	test "$(field 7)" = /bin/bash && shell_ok &&
	test ! -s "$actions" && test "$(vsftpd_pid)" = "$pid"'

check 'it still logs in by FTP' 'ftpc 127.0.0.1 ftpupload upload-pw'

check 'ftpupload_shell=no: no shell again, and FTP logins still work' '
	fw-svc disable ftpupload_shell && fw-apply &&
	test "$(field 7)" = /usr/sbin/nologin && ! shell_ok &&
	ftpc 127.0.0.1 ftpupload upload-pw'

check 'lan_ip and a soft apply: a restart; a session open meanwhile goes on' '
	ftpc 127.0.0.1 ftpupload upload-pw -- \
	    sh -c "fw-svc set lan_ip=127.0.0.2 && fw-apply" >out &&
	has out "^command exit 0" && has out "^200 " &&
	test "$(cat $actions)" = restart && test "$(vsftpd_pid)" != "$pid"'

check 'vsftpd now listens on the new address only' '
	ftpc 127.0.0.2 ftpupload upload-pw &&
	fails 1 nc -z 127.0.0.1 $FTP_PORT'

check 'nothing is pending or deferred' 'fw-apply status >out && ! test -s out'

: >"$actions"
check 'ftp=no stops vsftpd and keeps the account and its files' '
	fw-svc disable ftp && fw-apply && test "$(cat $actions)" = stop &&
	fails 1 nc -z 127.0.0.2 $FTP_PORT && getent passwd ftpupload &&
	test "$(ls "$ftpdir" | wc -l)" = 6'

check 'with the FTP server off the shell still follows ftpupload_shell' '
	fw-svc enable ftpupload_shell && fw-apply && test "$(field 7)" = /bin/bash &&
	fw-svc disable ftpupload_shell && fw-apply &&
	test "$(field 7)" = /usr/sbin/nologin'

: >"$actions"
check 'a file vsftpd refuses fails the check, with its message: nothing installed' '
	cat >"$settings/units.d/zz-broken.conf" <<-Y &&
	unit vsftpd {
		file conf {
			render = '"'"'fw-svc render vsftpd; echo no_such_option=YES'"'"'
			target = '"'"'/etc/vsftpd.conf'"'"'
		}
	}
	Y
	cp "$FW_ROOT/etc/vsftpd.conf" before &&
	fw-svc enable ftp && fails 3 fw-apply 2>err &&
	has err "vsftpd: check failed" &&
	has err "500 OOPS: unrecognised variable in config file: no_such_option" &&
	same before "$FW_ROOT/etc/vsftpd.conf" && test ! -s "$actions"'
