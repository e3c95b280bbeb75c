# t/mail.sh: sourced after lib.sh by the mail tests.  A real Dovecot for
# fw-apply to start, reload and stop through units.d, on 127.0.0.2 high
# ports; the accounts alice and bob (passwords alice-pw, bob-pw) in the
# test's own copy of /etc; a certificate; t/mailclient to log in with.
# Dovecot treats a client on its own address as secure: the clients come
# from 127.0.0.1 and other addresses, never 127.0.0.2.
private_etc
run=$tmp/run
mkdir -p "$run" "$tmp/state"
IMAP_PORT=$(free_port)
IMAPS_PORT=$(free_port)
POP3_PORT=$(free_port)
export IMAP_PORT IMAPS_PORT POP3_PORT
# One word a line for each call of dovecotctl: start, reload, ...
actions=$tmp/actions
: >"$actions"
conf=$FW_ROOT/etc/dovecot/dovecot.conf

for _u in alice bob; do
	useradd -M -d "$tmp/home/$_u" -s /usr/sbin/nologin "$_u"
	mkdir -p "$tmp/home/$_u"
	chown "$_u:" "$tmp/home/$_u"
done
printf 'alice:alice-pw\nbob:bob-pw\n' | chpasswd
mkdir -p "$FW_ROOT/etc/dovecot/private"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=firewall \
    -keyout "$FW_ROOT/etc/dovecot/private/dovecot.key" \
    -out "$FW_ROOT/etc/dovecot/private/dovecot.pem" 2>/dev/null

# What the tests add to the rendered file: ports and directories, and a
# log that says why a login failed.  Dovecot delays the next login from
# an address where one failed, whatever auth_failure_delay says: tests
# make their failures from addresses of their own.
cat >"$tmp/dovecot-test.conf" <<X
# t/mail.sh
base_dir = $run/dovecot
state_dir = $tmp/state
log_path = $tmp/dovecot.log
auth_verbose = yes
auth_failure_delay = 0
service imap-login {
	inet_listener imap {
		port = $IMAP_PORT
	}
	inet_listener imaps {
		port = $IMAPS_PORT
	}
}
service pop3-login {
	inet_listener pop3 {
		port = $POP3_PORT
	}
	inet_listener pop3s {
		port = 0
	}
}
X

cat >"$tmp/dovecotctl" <<X
#!/bin/sh
# dovecotctl start|stop|restart|reload [CONF]
pid=$run/dovecot/master.pid
running() { [ -s \$pid ] && kill -0 "\$(cat \$pid)" 2>/dev/null; }
reloads() { grep -c "SIGHUP received" $tmp/dovecot.log; }
stop() {
	running || return 0
	p=\$(cat \$pid); kill \$p
	while kill -0 \$p 2>/dev/null; do sleep 0.02; done
}
start() {
	dovecot -c "\$1" || exit 1
	while ! nc -z 127.0.0.2 $IMAP_PORT; do sleep 0.02; done
}
echo "\$1" >>$actions
case \$1 in
start) running || start "\$2" ;;
stop) stop ;;
restart) stop; start "\$2" ;;
reload)
	running || exit 1
	# The master reads its configuration anew after logging this line.
	n=\$(reloads)
	kill -HUP "\$(cat \$pid)"
	while [ "\$(reloads)" = "\$n" ]; do sleep 0.02; done
	sleep 0.3 ;;
esac
X
chmod +x "$tmp/dovecotctl"

only_units dovecot
cat >"$settings/units.d/test.conf" <<X
unit dovecot {
	render  = 'fw-svc render dovecot; cat $tmp/dovecot-test.conf'
	target  = '/etc/dovecot/dovecot.conf'
	reload  = '$tmp/dovecotctl reload'
	restart = '$tmp/dovecotctl restart %t'
	start   = '$tmp/dovecotctl start %t'
	stop    = '$tmp/dovecotctl stop'
}
X
cleanup() { "$tmp/dovecotctl" stop; }

client() { mailclient "$@"; }
master() { cat "$run/dovecot/master.pid"; }
