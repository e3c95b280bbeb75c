#!/bin/sh -e
# The Ansible role (contrib/ansible): ansible-playbook -c local against
# the test's root, with a real dnsmasq serving the DNS entries on a high
# port of 127.0.0.1.  The first run changes and applies, the second
# reports changed=0; a change of the variables is applied with -c and
# confirmed; a refused value fails the play and changes nothing.
. ./lib.sh
command -v ansible-playbook >/dev/null ||
    { echo "1..0 # SKIP ansible-playbook not installed (contrib/install-deps)"; exit 0; }
command -v dnsmasq >/dev/null ||
    { echo "1..0 # SKIP dnsmasq not installed (contrib/install-deps)"; exit 0; }
plan 8

# Ansible's own files in the test's directory, never in ~.
export HOME=$tmp/home ANSIBLE_LOCAL_TEMP=$tmp/ansible-local \
    ANSIBLE_REMOTE_TEMP=$tmp/ansible-remote ANSIBLE_NOCOLOR=1 \
    ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_LOCALHOST_WARNING=0 \
    ANSIBLE_INVENTORY_UNPARSED_WARNING=0 ANSIBLE_DEPRECATION_WARNINGS=0 \
    ANSIBLE_ROLES_PATH=$top/contrib/ansible/roles
mkdir -p "$HOME"

# The DNS server the dns-hosts unit reloads.
port=$(free_port)
pid=$tmp/dnsmasq.pid
hosts=$FW_ROOT/etc/dnsmasq-mpfw.hosts.d
mkdir -p "$hosts"
dnsmasq --port="$port" --listen-address=127.0.0.1 --bind-interfaces \
    --no-resolv --no-hosts --hostsdir="$hosts" --pid-file="$pid" \
    --user=root --log-facility="$tmp/dnsmasq.log"
cleanup() { [ ! -s "$pid" ] || kill "$(cat "$pid")" 2>/dev/null || :; }
wait_for 5 test -s "$pid"
only_units dns-hosts
cat >"$settings/units.d/test.conf" <<X
unit dns-hosts {
	reload  = 'kill -HUP $(cat "$pid")'
	restart = 'kill -HUP $(cat "$pid")'
}
X
ask() { dig +short +time=2 +tries=1 @127.0.0.1 -p "$port" "$1"; }

# play FILE [ansible-playbook options]: the role with the variables in
# FILE, against the test's root; the recap's counts in recap.
play() {
	_vars=$1
	shift
	cat >play.yml <<X
- hosts: localhost
  gather_facts: false
  roles:
    - role: mpfw
      vars:
        mpfw_root: $FW_ROOT
        mpfw_environment:
          PATH: "$top/bin:/usr/sbin:/usr/bin:/sbin:/bin"
          FW_DATADIR: "$FW_DATADIR"
$(sed 's/^/        /' "$_vars")
X
	LC_ALL=C.UTF-8 ansible-playbook -c local -i localhost, "$@" play.yml \
	    >play.out 2>&1
	_st=$?
	sed -n 's/^localhost *: //p' play.out >recap
	[ -s recap ] || { cat play.out; return 1; }
	return $_st
}
count() { tr ' ' '\n' <recap | sed -n "s/^$1=//p"; }

cat >vars1 <<'X'
mpfw_services:
  domain: example.org
  ssh_password: true
  ntp: false
  lan_nets: [192.168.1.0/24, 10.10.0.0/16]
mpfw_proxy:
  header_filter: yes
  user_agent: "it's \"Mozilla\" 5"
mpfw_dns:
  printer: 192.168.1.50
  intranet: ''
X

check 'the first run changes the settings, the entries and applies: changed, nothing failed' '
	play vars1 || { cat play.out; exit 1; }
	test "$(count failed)" = 0 && test "$(count changed)" = 3'

check 'the settings are there, every value as it was given' '
	test "$(fw-svc get ssh_password)" = yes && test "$(fw-svc get ntp)" = no &&
	test "$(fw-svc get lan_nets)" = "192.168.1.0/24 10.10.0.0/16" &&
	test "$(fw-svc get domain)" = example.org &&
	test "$(fw-proxy get header_filter)" = yes &&
	test "$(fw-proxy get user_agent)" = "it'\''s \"Mozilla\" 5" &&
	printf "intranet\t\nprinter\t192.168.1.50\n" >want && fw-dns list >got &&
	same want got'

check 'they are live: nothing pending, and the DNS server answers the entries' '
	fw-apply status && test "$(ask printer.example.org)" = 192.168.1.50 &&
	test "$(ask intranet.example.org)" = 192.168.1.1 &&
	fw-apply log >log && test "$(wc -l <log)" = 1 && has log "	ansible\$"'

check 'the second run reports changed=0 and applies nothing' '
	play vars1 || { cat play.out; exit 1; }
	test "$(count changed)" = 0 && test "$(count failed)" = 0 &&
	fw-apply log >log && test "$(wc -l <log)" = 1'

# An entry added by hand, which the exclusive table deletes.
sed 's/192.168.1.50/192.168.1.51/' vars1 >vars2
printf 'mpfw_dns_exclusive: true\nmpfw_apply_confirm: 60\n' >>vars2
fw-dns add byhand 192.168.1.99
check 'a changed entry is applied with -c and confirmed; an exclusive table drops the others' '
	play vars2 || { cat play.out; exit 1; }
	test "$(count changed)" = 3 && test "$(count failed)" = 0 &&
	printf "intranet\t\nprinter\t192.168.1.51\n" >want && fw-dns list >got &&
	same want got && fw-apply status &&
	test ! -e "$FW_ROOT/var/lib/mpfw/confirm" &&
	fw-apply log -n 1 >log && has log "	confirmed	ansible\$" &&
	test "$(ask printer.example.org)" = 192.168.1.51 &&
	test -z "$(ask byhand.example.org)"'

check 'run again, it is changed=0' '
	play vars2 || { cat play.out; exit 1; }
	test "$(count changed)" = 0'

cp "$settings/services" services.before 2>/dev/null || :
sed 's/ssh_password: true/ssh_password: maybe/; s/ntp: false/ntp: true/' vars1 >vars3
check 'a refused value fails the play, naming it, and changes nothing' '
	fails 2 play vars3 &&
	test "$(count failed)" = 1 && has play.out "ssh_password=maybe" &&
	same services.before "$settings/services"'

check 'check mode (--check) changes nothing' '
	sed "s/192.168.1.51/192.168.1.52/" vars2 >vars4 &&
	play vars4 --check || { cat play.out; exit 1; }
	fw-dns list | grep -qx "printer	192.168.1.51"'
