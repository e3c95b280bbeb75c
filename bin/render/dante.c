/*
 * dante.c: what mpfw writes into danted.conf (fw-proxy render dante),
 * the SOCKS 5 server: Dante on lan_ip at socks_port, without
 * authentication, for the proxies' clients (fw-svc's networks and
 * client_nets), connecting (CONNECT only: no BIND, no UDP) to the ports
 * of socks_ports in the Internet and the DMZ, never into lan_nets or
 * extra_net nor to the firewall's own lan_ip.  Rules are read in order,
 * the first match decides, and what no pass rule takes is blocked and
 * logged.
 *
 * Dante connects out from an address it is given and cannot be given a
 * wildcard: it is lan_ip, which the firewall's masquerading translates
 * for the Internet as it does for the internal networks themselves.
 *
 * Every value is an address, a network or a port; each keyword of a rule
 * has a line of its own, as Dante's grammar wants.
 */
#include <stdlib.h>

#include "render.h"

/* A port item of socks_ports, "80" or "1025-65535", ending the line. */
static void
port_item(FILE *out, const char *w, size_t len)
{
	size_t dash = 0;

	while (dash < len && w[dash] != '-')
		dash++;
	if (dash == len)
		fprintf(out, " port = %.*s\n", (int)len, w);
	else
		fprintf(out, " port %.*s - %.*s\n", (int)dash, w,
		    (int)(len - dash - 1), w + dash + 1);
}

int
render_dante_conf(const struct fwconf_settings *p,
    const struct fwconf_settings *svc, FILE *out, struct fwconf_err *e)
{
	/* Neither the Internet nor the DMZ: the internal networks, and the
	 * further ones fw-svc calls neither internal nor DMZ. */
	static const char *const closed[] = { "lan_nets", "extra_net" };
	const char *lan_ip = render_get(svc, "lan_ip"), *list, *w, *ports, *pw;
	char *clients;
	size_t len, plen, i;

	if ((clients = render_proxy_clients(p, svc)) == NULL)
		return fwconf_fail_errno(e, "dante");
	render_header(out, "fw-proxy render dante",
	    "/etc/mpfw/proxy and /etc/mpfw/services");
	fprintf(out, "logoutput: syslog\n");
	fprintf(out, "internal: %s port = %s\n", lan_ip,
	    render_get(p, "socks_port"));
	fprintf(out, "external: %s\n", lan_ip);
	fprintf(out, "socksmethod: none\nclientmethod: none\n");
	fprintf(out, "user.privileged: proxy\nuser.unprivileged: nobody\n"
	    "user.libwrap: nobody\n");

	fprintf(out, "\n# Who may connect.\n");
	list = clients;
	while ((w = render_word(&list, &len)) != NULL)
		fprintf(out, "client pass {\n\tfrom: %.*s to: 0/0\n}\n",
		    (int)len, w);
	fprintf(out, "client block {\n\tfrom: 0/0 to: 0/0\n"
	    "\tlog: connect error\n}\n");

	fprintf(out, "\n# Where to: not into the internal networks nor "
	    "extra_net, only to socks_ports.\n");
	fprintf(out, "socks block {\n\tfrom: 0/0 to: %s/32\n"
	    "\tlog: connect error\n}\n", lan_ip);
	for (i = 0; i < sizeof(closed) / sizeof(closed[0]); i++) {
		list = render_get(svc, closed[i]);
		while ((w = render_word(&list, &len)) != NULL)
			fprintf(out, "socks block {\n\tfrom: 0/0 to: %.*s\n"
			    "\tlog: connect error\n}\n", (int)len, w);
	}
	list = clients;
	while ((w = render_word(&list, &len)) != NULL) {
		ports = render_get(p, "socks_ports");
		while ((pw = render_word(&ports, &plen)) != NULL) {
			fprintf(out, "socks pass {\n\tfrom: %.*s to: 0/0",
			    (int)len, w);
			port_item(out, pw, plen);
			fprintf(out, "\tcommand: connect\n\tlog: error\n}\n");
		}
	}
	fprintf(out, "socks block {\n\tfrom: 0/0 to: 0/0\n"
	    "\tlog: connect error\n}\n");
	free(clients);
	return 0;
}
