/*
 * chrony.c: what mpfw writes into chrony.conf (fw-svc render chrony).
 * chronyd always keeps the firewall's own clock, from ntp_servers; with
 * ntp=yes it also serves the time on ntp_port to the internal, DMZ and
 * extra networks, one allow each, and to nobody else: chronyd answers
 * no client it was not told to allow.  With ntp=no it opens no server
 * port at all (port 0).  The command socket is the only way in for
 * chronyc (cmdport 0: no command port on the network).
 */
#include <arpa/inet.h>
#include <string.h>

#include "render.h"

static void
allow(const struct fwconf_settings *s, const char *key, FILE *out)
{
	const char *list = render_get(s, key), *w;
	size_t n;

	while ((w = render_word(&list, &n)) != NULL)
		fprintf(out, "allow %.*s\n", (int)n, w);
}

int
render_chrony_conf(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	const char *root = fwconf_root(), *list = render_get(s, "ntp_servers");
	const char *w;
	unsigned char addr[16];
	char host[256];
	size_t n;

	if (render_root_ok(e) == -1)
		return -1;
	render_header(out, "fw-svc render chrony", "/etc/mpfw/services");
	fprintf(out, "# Where the firewall takes the time from: a name may "
	    "stand for a pool.\n");
	while ((w = render_word(&list, &n)) != NULL) {
		snprintf(host, sizeof(host), "%.*s", (int)n, w);
		fprintf(out, "%s %s iburst\n",
		    inet_pton(AF_INET, host, addr) == 1 ||
		    inet_pton(AF_INET6, host, addr) == 1 ? "server" : "pool",
		    host);
	}
	fprintf(out, "driftfile %s/var/lib/chrony/chrony.drift\n"
	    "makestep 1 3\n"
	    "rtcsync\n"
	    "leapsectz right/UTC\n"
	    "pidfile %s/run/chrony/chronyd.pid\n"
	    "bindcmdaddress %s/run/chrony/chronyd.sock\n"
	    "cmdport 0\n", root, root, root);
	if (!render_yes(s, "ntp")) {
		fprintf(out, "# ntp=no: no time server for anybody.\nport 0\n");
		return 0;
	}
	fprintf(out, "\n# The time server, for these networks only.\n"
	    "port %s\n", render_get(s, "ntp_port"));
	allow(s, "lan_nets", out);
	allow(s, "dmz_net", out);
	allow(s, "extra_net", out);
	fprintf(out, "# Without an upstream server the networks keep one "
	    "time, the firewall's,\n# at a stratum below any real "
	    "server's.\nlocal stratum 10\n");
	return 0;
}
