#!/bin/sh -e
# Maintenance access against a real sshd with the rendered configuration:
# a support key logs in on the maintenance port while access is open, not
# after close, not after the window ends (sshd's own expiry-time), not
# from outside maint_from, never with a password.  fw-apply makes the
# account (useradd): the test runs in a private mount namespace with /etc
# under a copy-on-write overlay of its own, so the machine's accounts are
# never touched.
if [ -z "${MPFW_NS:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP not root: sshd and useradd need a private mount namespace"
		exit 0
	fi
	if ! unshare -m true 2>/dev/null; then
		echo "1..0 # SKIP unshare -m: no mount namespace here"
		exit 0
	fi
	MPFW_NS=1 exec unshare -m --propagation private "$0" "$@"
fi
. ./lib.sh
plan 17

# /etc, copy-on-write: useradd writes into $tmp/etc-up, nowhere else.
mkdir "$tmp/etc-up" "$tmp/etc-work"
mount -t overlay mpfw-test-etc -o \
    "lowerdir=/etc,upperdir=$tmp/etc-up,workdir=$tmp/etc-work" /etc
# sshd reads the keys file as the account: the test's root must be
# reachable by it (mktemp -d makes it 0700).
chmod 0755 "$tmp"

run=$tmp/run
mkdir -p "$run" /run/sshd
ssh_port=$(free_port)
maint_port=$(free_port)

cat >"$tmp/sshdctl" <<X
#!/bin/sh
# sshdctl start|stop|restart|reload CONF
pid=$run/sshd.pid
running() { [ -s \$pid ] && kill -0 "\$(cat \$pid)" 2>/dev/null; }
listening() { grep -c "Server listening on 0.0.0.0 port \$1\\." $run/sshd.log; }
stop() {
	running || return 0
	p=\$(cat \$pid); kill \$p
	while kill -0 \$p 2>/dev/null; do sleep 0.02; done; rm -f \$pid
}
start() {
	# StrictModes would refuse the keys under /tmp, which all may write.
	/usr/sbin/sshd -f "\$1" -o PidFile=\$pid -E $run/sshd.log \
	    -o StrictModes=no
	while ! running; do sleep 0.02; done
}
case \$1 in
start) running || start "\$2" ;;
stop) stop ;;
restart) stop; start "\$2" ;;
reload)
	running || { start "\$2"; exit; }
	a=\$(listening $ssh_port) b=\$(listening $maint_port) n=0
	kill -HUP "\$(cat \$pid)"
	while [ \$(listening $ssh_port) = \$a ] ||
	    [ \$(listening $maint_port) = \$b ]; do
		n=\$((n + 1))
		[ \$n -lt 500 ] || { echo "sshd listens no more" >&2; exit 1; }
		sleep 0.02
	done ;;
esac
X
chmod +x "$tmp/sshdctl"

# The shipped sshd and maint units, sshd's control pointed at this sshd;
# maint as shipped: its reload makes the account.
only_units sshd maint
cat >"$settings/units.d/test.conf" <<X
unit sshd {
	reload  = '$tmp/sshdctl reload %t'
	restart = '$tmp/sshdctl restart %t'
	start   = '$tmp/sshdctl start %t'
	stop    = '$tmp/sshdctl stop'
}
X
cleanup() { "$tmp/sshdctl" stop; }

mkdir -p "$FW_ROOT/etc/ssh"
ssh-keygen -q -t ed25519 -N '' -f "$FW_ROOT/etc/ssh/ssh_host_ed25519_key"
ssh-keygen -q -t ed25519 -N '' -C support-alice -f "$tmp/alice"
ssh-keygen -q -t ed25519 -N '' -C stranger -f "$tmp/stranger"
printf '#!/bin/sh\necho asked >>%s/asked\necho Sesam-123\n' "$tmp" >"$tmp/askpass"
chmod +x "$tmp/askpass"

# Port 22 takes passwords: the account must not, even there.
fw-svc set ssh_port="$ssh_port" ssh_maint_port="$maint_port" ssh_password=yes
fw-maint keys add "$tmp/alice.pub"
fw-maint set maint_from=127.0.0.1/32

# login [-b SOURCE] PORT [KEY]: run `id -un` as support, print its output.
login() {
	_b=
	if [ "$1" = -b ]; then _b="-b $2"; shift 2; fi
	ssh -F /dev/null -i "${2:-$tmp/alice}" -o BatchMode=yes \
	    -o IdentitiesOnly=yes -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 $_b \
	    -p "$1" support@127.0.0.1 id -un </dev/null 2>"$tmp/ssh.err"
}
# password_offered PORT: true when sshd asks support for a password.
password_offered() {
	rm -f "$tmp/asked"
	SSH_ASKPASS=$tmp/askpass SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
	ssh -F /dev/null -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile=/dev/null -o NumberOfPasswordPrompts=1 \
	    -o PreferredAuthentications=password,keyboard-interactive \
	    -p "$1" support@127.0.0.1 true </dev/null >"$tmp/ssh.out" 2>&1 || :
	test -s "$tmp/asked"
}
keys_file=$FW_ROOT/etc/ssh/mpfw-maint.keys

check 'closed by default: the apply makes the account and lets no key in' '
	fw-apply && getent passwd support >out &&
	has out "^support:x:[0-9]*:[0-9]*:mpfw maintenance access:$FW_ROOT/home/support:/bin/bash\$" &&
	! login $maint_port && has "$tmp/ssh.err" "Permission denied (publickey)"'

check 'the account has no password that matches, and is not locked' '
	test "$(getent shadow support | cut -d: -f2)" = "*"'

check 'the keys file: root and the account group, never world-readable' '
	test "$(stat -c "%U %G %a" "$keys_file")" = "root support 640"'

check 'open and an apply: the support key logs in on the maintenance port' '
	fw-maint open -t 10m && fw-apply && test "$(login $maint_port)" = support'

# A session that lasts while status is asked; ended by its pid.
ssh -F /dev/null -i "$tmp/alice" -o BatchMode=yes -o IdentitiesOnly=yes \
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -p $maint_port support@127.0.0.1 sleep 60 </dev/null >/dev/null 2>&1 &
session=$!
check 'fw-maint status: open, until when, and the session over it' '
	wait_for 15 sh -c "fw-maint status >out && grep -q \"^session.*127.0.0.1\" out" &&
	has out "^access	open\$" &&
	has out "^until	$(fw-maint get maint_until)\$" && has out "^left	\(10m\|9m[0-9]*s\)\$" &&
	has out "^session	[0-9]*	127.0.0.1	notty	20[0-9-]*T[0-9:]*Z\$" &&
	! grep -q ^pending out'
kill "$session"
wait "$session" 2>/dev/null || :

check 'the key does not log in on the other SSH port' '
	! login $ssh_port && has "$tmp/ssh.err" "Permission denied"'

check 'not from outside maint_from: from 127.0.0.2 the key is refused' '
	! login -b 127.0.0.2 $maint_port && has "$tmp/ssh.err" "Permission denied" &&
	has "$run/sshd.log" "correct key but not from a permitted host (host=127.0.0.2"'

check 'and from there with maint_from widened to it, after an apply' '
	fw-maint set "maint_from=127.0.0.1/32 127.0.0.2/32" && fw-apply &&
	test "$(login -b 127.0.0.2 $maint_port)" = support &&
	fw-maint set maint_from=127.0.0.1/32 && fw-apply'

check 'a key that is not a support key is refused' '
	! login $maint_port "$tmp/stranger"'

echo "support:Sesam-123" | chpasswd
check 'never with a password: even with one set, neither port asks for it' '
	! password_offered $maint_port && has "$tmp/ssh.out" "Permission denied (publickey)" &&
	! password_offered $ssh_port && has "$tmp/ssh.out" "Permission denied (publickey)"'

check 'saved but not applied: status says it is pending, sshd still lets in' '
	fw-maint close && fw-maint status >out &&
	has out "^access	open\$" && has out "^pending	closed\$" &&
	test "$(login $maint_port)" = support'

check 'close and an apply: the key is refused; status closed, exit 1' '
	fw-apply && ! login $maint_port &&
	has "$tmp/ssh.err" "Permission denied (publickey)" &&
	fails 1 fw-maint status >out && has out "^access	closed\$" &&
	! grep -q ^pending out'

check 'sshd was never restarted for it: the keys file is read at each login' '
	test "$(grep -c "Server listening on 0.0.0.0 port $maint_port\." "$run/sshd.log")" -le 2'

# A window of a few seconds: sshd closes it with nothing run at the end.
fw-maint open -t 6s
fw-apply
end=$(date -u -d "$(fw-maint get maint_until | sed 's/T/ /; s/Z$//')" +%s)
check 'a window of 6 seconds: the key logs in at once' '
	test "$(login $maint_port)" = support'

while [ "$(date +%s)" -le "$end" ]; do sleep 0.2; done
refusals() { grep -c "Refused by key options" "$run/sshd.log" || :; }
before=$(refusals)
check 'after its end the key is refused by sshd, with nothing applied' '
	! login $maint_port && has "$tmp/ssh.err" "Permission denied (publickey)" &&
	test "$(refusals)" = $((before + 1))'

check 'and status says closed, with nothing pending' '
	fails 1 fw-maint status >out && has out "^access	closed\$" &&
	! grep -q ^pending out'

check 'an account of that name that mpfw did not make is never taken over' '
	useradd --system --no-create-home -s /bin/sh someone &&
	printf "maint_user=someone\n" >>"$settings/maint" &&
	fails 3 fw-apply 2>err && has err "someone: an account mpfw did not make" &&
	sed -i "/^maint_user=someone/d" "$settings/maint" && fw-apply'
