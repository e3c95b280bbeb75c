#!/bin/sh -e
# The outgoing maintenance tunnel against real daemons: the firewall's
# sshd, and a second sshd playing the support server.  After an apply the
# port forwarded there reaches the firewall's maintenance port; killing
# the tunnel's ssh, it comes back; it keeps its connection when the window
# only moves; it ends with the window, by itself; a wrong pinned host key
# never connects.
. ./lib.sh
[ "$(id -u)" = 0 ] || skip_all 'not root: sshd runs as root, from /run/sshd'
plan 14

run=$tmp/run
mkdir -p "$run" /run/sshd
ssh_port=$(free_port)
maint_port=$(free_port)
support_port=$(free_port)
remote_port=$(free_port)

# The firewall's sshd, controlled by the sshd unit; root logs in with the
# test's key, which the tunnel's far end uses to prove where it leads.
cat >"$tmp/sshdctl" <<X
#!/bin/sh
pid=$run/sshd.pid
running() { [ -s \$pid ] && kill -0 "\$(cat \$pid)" 2>/dev/null; }
stop() {
	running || return 0
	p=\$(cat \$pid); kill \$p
	while kill -0 \$p 2>/dev/null; do sleep 0.02; done; rm -f \$pid
}
start() {
	/usr/sbin/sshd -f "\$1" -o PidFile=\$pid -E $run/sshd.log \
	    -o AuthorizedKeysFile=$tmp/authorized_keys -o StrictModes=no
	while ! running; do sleep 0.02; done
}
case \$1 in
start) running || start "\$2" ;;
stop) stop ;;
restart|reload) stop; start "\$2" ;;
esac
X
chmod +x "$tmp/sshdctl"

only_units sshd maint-tunnel
cat >"$settings/units.d/test.conf" <<X
unit sshd {
	reload  = '$tmp/sshdctl reload %t'
	restart = '$tmp/sshdctl restart %t'
	start   = '$tmp/sshdctl start %t'
	stop    = '$tmp/sshdctl stop'
}
X

tunnel() { "$FW_DATADIR/maint-tunnel" "$1" "$FW_ROOT/etc/ssh/mpfw-tunnel.conf"; }
cleanup() {
	tunnel stop
	"$tmp/sshdctl" stop
	[ ! -s "$run/support.pid" ] || kill "$(cat "$run/support.pid")" 2>/dev/null
}

mkdir -p "$FW_ROOT/etc/ssh" "$tmp/support"
ssh-keygen -q -t ed25519 -N '' -f "$FW_ROOT/etc/ssh/ssh_host_ed25519_key"
ssh-keygen -q -t ed25519 -N '' -C admin -f "$tmp/id"
cp "$tmp/id.pub" "$tmp/authorized_keys"
printf 'firewall %s\n' "$(cut -d' ' -f1,2 "$FW_ROOT/etc/ssh/ssh_host_ed25519_key.pub")" \
    >"$tmp/firewall_known"

# The support server: its own host key; it lets in the keys in
# support/authorized_keys, where the firewall's tunnel key goes.
ssh-keygen -q -t ed25519 -N '' -f "$tmp/support/host"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/support/other"
: >"$tmp/support/authorized_keys"
/usr/sbin/sshd -f /dev/null -o Port="$support_port" -o ListenAddress=127.0.0.1 \
    -o HostKey="$tmp/support/host" -o PidFile="$run/support.pid" \
    -o AuthorizedKeysFile="$tmp/support/authorized_keys" -o StrictModes=no \
    -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no \
    -E "$run/support.log"
wait_for 5 test -s "$run/support.pid"

fw-svc set ssh_port="$ssh_port" ssh_maint_port="$maint_port"
fw-maint keys add "$tmp/id.pub"
fw-maint set maint_tunnel=yes maint_tunnel_host=127.0.0.1 \
    maint_tunnel_port="$support_port" maint_tunnel_user=root \
    maint_tunnel_remote_port="$remote_port" \
    "maint_tunnel_hostkey=$(cut -d' ' -f1,2 "$tmp/support/host.pub")"

# via_tunnel: log in through the support server's forwarded port, which
# must be the firewall's sshd (its host key, pinned).
via_tunnel() {
	ssh -F /dev/null -i "$tmp/id" -o BatchMode=yes -o IdentitiesOnly=yes \
	    -o HostKeyAlias=firewall -o UserKnownHostsFile="$tmp/firewall_known" \
	    -o StrictHostKeyChecking=yes -o ConnectTimeout=3 \
	    -p "$remote_port" root@127.0.0.1 echo via-tunnel </dev/null 2>/dev/null
}
tunnel_up() { test "$(via_tunnel)" = via-tunnel; }
ssh_pid() { cat "$FW_ROOT/run/mpfw/maint-tunnel.ssh" 2>/dev/null; }
key=$FW_ROOT/etc/ssh/mpfw_tunnel_key

check 'closed: the apply starts no tunnel, yet makes its key, 0600' '
	fw-apply && test "$(stat -c %a "$key")" = 600 &&
	fw-maint status >out; has out "^tunnel	down\$" &&
	has out "^tunnel_key	ssh-ed25519 AAAA[^ ]* mpfw-tunnel@" &&
	! via_tunnel'

check 'open and an apply: the tunnel connects, refused until support takes its key' '
	fw-maint open -t 10m && fw-apply &&
	tr "\\0" " " </proc/$(cat "$FW_ROOT/run/mpfw/maint-tunnel.pid")/cmdline | grep -q "maint-tunnel run" &&
	wait_for 10 sh -c "fw-maint status | grep -q \"^tunnel_error	.*Permission denied\""'

fw-maint status | sed -n 's/^tunnel_key	//p' >>"$tmp/support/authorized_keys"
check 'with its key at the support server, the forwarded port reaches the maintenance port' '
	wait_for 15 tunnel_up &&
	has "$run/sshd.log" "Server listening on 0.0.0.0 port $maint_port" &&
	grep -q "Accepted publickey for root from 127.0.0.1" "$run/sshd.log"'

check 'status: the tunnel is up, with its ssh (access is closed: no maint unit here)' '
	fw-maint status >out; has out "^tunnel	up	$(ssh_pid)\$"'

check 'the forward is on the support server loopback only' '
	! ssh -F /dev/null -o BatchMode=yes -o ConnectTimeout=2 -b 127.0.0.2 \
	    -p "$remote_port" root@127.0.0.2 true </dev/null 2>/dev/null &&
	has "$run/support.log" "Accepted publickey for root from 127.0.0.1"'

pid=$(ssh_pid)
check 'its ssh killed, the tunnel comes back with a new one' '
	kill "$pid" && wait_for 3 sh -c "! kill -0 $pid 2>/dev/null" &&
	wait_for 15 tunnel_up && test -n "$(ssh_pid)" && test "$(ssh_pid)" != "$pid"'

pid=$(ssh_pid)
check 'a longer window: the same connection, the new end taken' '
	fw-maint open -t 20m && fw-apply && sleep 1.5 &&
	test "$(ssh_pid)" = "$pid" && tunnel_up &&
	test "$(grep -v "^#" "$FW_ROOT/etc/ssh/mpfw-tunnel.until")" = \
	    "$(date -u -d "$(fw-maint get maint_until | sed "s/T/ /; s/Z\$//")" +%s)"'

check 'a wrong host key pinned: ssh reconnects and refuses the server' '
	fw-maint set "maint_tunnel_hostkey=$(cut -d" " -f1,2 "$tmp/support/other.pub")" &&
	fw-apply && wait_for 3 sh -c "! kill -0 $pid 2>/dev/null" &&
	wait_for 10 sh -c "fw-maint status | grep -q \"^tunnel_error	Host key verification failed\"" &&
	! via_tunnel'

check 'the right key again: it connects' '
	fw-maint set "maint_tunnel_hostkey=$(cut -d" " -f1,2 "$tmp/support/host.pub")" &&
	fw-apply && wait_for 15 tunnel_up'

sup=$(cat "$FW_ROOT/run/mpfw/maint-tunnel.pid")
pid=$(ssh_pid)
check 'close and an apply: the tunnel and its supervisor end' '
	fw-maint close && fw-apply &&
	wait_for 3 sh -c "! kill -0 $pid 2>/dev/null && ! kill -0 $sup 2>/dev/null" &&
	! via_tunnel && fw-maint status >out; has out "^tunnel	down\$"'

# A window of a few seconds: the tunnel ends with it, nothing applied.
fw-maint open -t 8s
fw-apply
end=$(date -u -d "$(fw-maint get maint_until | sed 's/T/ /; s/Z$//')" +%s)
check 'a window of 8 seconds: the tunnel comes up' '
	wait_for 8 tunnel_up'
pid=$(ssh_pid)
while [ "$(date +%s)" -le "$end" ]; do sleep 0.2; done
check 'and ends by itself after it, with nothing applied' '
	wait_for 3 sh -c "! kill -0 $pid 2>/dev/null" && ! via_tunnel &&
	test ! -e "$FW_ROOT/run/mpfw/maint-tunnel.pid"'

check 'maint_tunnel=no and an apply stop an open tunnel' '
	fw-maint open -t 10m && fw-apply && wait_for 10 tunnel_up &&
	pid=$(ssh_pid) && fw-maint disable maint_tunnel && fw-apply &&
	wait_for 3 sh -c "! kill -0 $pid 2>/dev/null" && ! via_tunnel &&
	fw-maint status >out; has out "^tunnel	off\$"'

check 'the private key is never world-readable, and was never remade' '
	test "$(stat -c %a "$key")" = 600 &&
	grep -q "$(cut -d" " -f2 "$key.pub")" "$tmp/support/authorized_keys"'
