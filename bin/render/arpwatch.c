/*
 * arpwatch.c: what mpfw writes into /etc/default/arpwatch (fw-svc render
 * arpwatch), the sh fragment from which Debian's init script starts one
 * arpwatch per interface of INTERFACES.  arpwatch watches the internal
 * network: the interface that carries lan_ip, looked up when the file is
 * rendered, that is at apply time.  It records every station in
 * /var/lib/arpwatch/IFACE.dat and reports new stations and changed
 * addresses by mail to root and to syslog.  -N: no reports of addresses
 * outside the interface's network; -p: the interface is not put into
 * promiscuous mode (the firewall sees every ARP packet of its network
 * anyway); -s: the MTA's sendmail where Debian's policy puts it, not
 * arpwatch's own default /usr/lib/sendmail.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "render.h"

/* The interface that carries addr, in name (IF_NAMESIZE); 0, or -1. */
static int
interface_of(const char *addr, char *name, struct fwconf_err *e)
{
	struct ifaddrs *ifs, *i;
	struct in_addr want;
	int r = -1;

	if (inet_pton(AF_INET, addr, &want) != 1)
		return fwconf_fail(e, FWCONF_REFUSED, "lan_ip=%s: not an "
		    "IPv4 address", addr);
	if (getifaddrs(&ifs) == -1)
		return fwconf_fail_errno(e, "getifaddrs");
	for (i = ifs; i != NULL; i = i->ifa_next)
		if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET &&
		    ((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr.s_addr
		    == want.s_addr) {
			strlcpy(name, i->ifa_name, IF_NAMESIZE);
			r = 0;
			break;
		}
	freeifaddrs(ifs);
	if (r == -1)
		return fwconf_fail(e, FWCONF_REFUSED, "arpwatch=yes: no "
		    "interface carries lan_ip=%s", addr);
	/* A name the kernel took can hold quotes; this file is sh. */
	if (!fwconf_is_bare(name))
		return fwconf_fail(e, FWCONF_REFUSED, "arpwatch=yes: the "
		    "interface of lan_ip=%s has a name arpwatch cannot be "
		    "given safely: %.*s", addr, IF_NAMESIZE, name);
	return 0;
}

int
render_arpwatch_default(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	char name[IF_NAMESIZE] = "";

	if (render_yes(s, "arpwatch") &&
	    interface_of(render_get(s, "lan_ip"), name, e) == -1)
		return -1;
	render_header(out, "fw-svc render arpwatch", "/etc/mpfw/services");
	fprintf(out, "# Read by /etc/init.d/arpwatch, which adds -i, -f and "
	    "-u.\nARGS='-N -p -s /usr/sbin/sendmail'\nRUNAS='arpwatch'\n");
	if (*name == '\0')
		fprintf(out, "# arpwatch=no: no interface is watched.\n");
	else
		fprintf(out, "# The interface of lan_ip=%s.\n",
		    render_get(s, "lan_ip"));
	fprintf(out, "INTERFACES='%s'\n", name);
	return 0;
}
