/*
 * privoxy.c: what mpfw writes into Privoxy's config (fw-proxy render
 * privoxy), the ad filter: Privoxy on lan_ip at ad_filter_port, for the
 * proxies' clients (permit-access), fetching through Squid (squid.c).
 * Its actions and filters are Privoxy's own files in /etc/privoxy, whose
 * default.action blocks the usual ad servers and paths; support adds its
 * own in user.action.  Blocks cannot be bypassed (enforce-blocks), and
 * the configuration cannot be changed through the proxy.  With auth, the
 * users log in to Squid through it.
 *
 * Privoxy notices a changed config by itself (by its modification time)
 * at the next request and reads it again, listen-address and all.  It
 * keeps no log file of its own here: it would need its log directory
 * before it starts, and the requests it passes on are in Squid's log.
 * Every value mpfw writes is an address, a network or a port.
 */
#include <stdlib.h>

#include "render.h"

int
render_privoxy_conf(const struct fwconf_settings *p,
    const struct fwconf_settings *svc, FILE *out, struct fwconf_err *e)
{
	const char *lan_ip = render_get(svc, "lan_ip"), *list, *w, *slash;
	char *clients;
	size_t len;

	if ((clients = render_proxy_clients(p, svc)) == NULL)
		return fwconf_fail_errno(e, "privoxy");
	render_header(out, "fw-proxy render privoxy",
	    "/etc/mpfw/proxy and /etc/mpfw/services");
	fprintf(out, "confdir /etc/privoxy\n"
	    "actionsfile match-all.action\n"
	    "actionsfile default.action\n"
	    "actionsfile user.action\n"
	    "filterfile default.filter\n"
	    "filterfile user.filter\n");
	fprintf(out, "listen-address %s:%s\n", lan_ip,
	    render_get(p, "ad_filter_port"));
	/* An IPv6 network is written [address]/length. */
	list = clients;
	while ((w = render_word(&list, &len)) != NULL) {
		if (!render_is_ipv6(w, len)) {
			fprintf(out, "permit-access %.*s\n", (int)len, w);
			continue;
		}
		slash = w;
		while (slash < w + len && *slash != '/')
			slash++;
		fprintf(out, "permit-access [%.*s]%.*s\n", (int)(slash - w), w,
		    (int)(w + len - slash), slash);
	}
	free(clients);
	fprintf(out, "forward / %s:%s\n", lan_ip, render_get(p, "squid_port"));
	/* With auth, the login is Squid's, and Privoxy passes it on. */
	fprintf(out, "enable-proxy-authentication-forwarding %d\n",
	    render_yes(p, "auth"));
	fprintf(out, "toggle 1\n"
	    "enable-remote-toggle 0\n"
	    "enable-remote-http-toggle 0\n"
	    "enable-edit-actions 0\n"
	    "enforce-blocks 1\n"
	    "buffer-limit 4096\n"
	    "forwarded-connect-retries 0\n"
	    "accept-intercepted-requests 0\n"
	    "allow-cgi-request-crunching 0\n"
	    "split-large-forms 0\n"
	    "keep-alive-timeout 5\n"
	    "tolerate-pipelining 1\n"
	    "socket-timeout 300\n");
	return 0;
}
