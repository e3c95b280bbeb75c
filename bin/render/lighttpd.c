/*
 * lighttpd.c: what mpfw writes for the web server of the PAC file
 * (fw-proxy render wpad): a lighttpd of its own, apart from any other
 * on the machine, serving the static files of PAC_DOCROOT (proxy.pac and
 * its copy wpad.dat, written by the pac unit) on lan_ip.  Without its
 * stat cache it opens each file per request, so a new PAC file, renamed
 * into place, is served at once and needs no reload; with it, lighttpd
 * kept serving the old file from a descriptor it held.  It logs to
 * syslog: it drops its privileges before it opens a log file.
 */
#include "render.h"

int
render_lighttpd_wpad(const struct fwconf_settings *p,
    const struct fwconf_settings *svc, FILE *out, struct fwconf_err *e)
{
	const char *root = fwconf_root();

	if (render_root_ok(e) == -1)
		return -1;
	render_header(out, "fw-proxy render wpad",
	    "/etc/mpfw/proxy and /etc/mpfw/services");
	fprintf(out, "server.document-root = \"%s%s\"\n", root, PAC_DOCROOT);
	fprintf(out, "server.bind = \"%s\"\n", render_get(svc, "lan_ip"));
	fprintf(out, "server.port = %s\n", render_get(p, "auto_proxy_http_port"));
	fprintf(out, "server.pid-file = \"%s/run/mpfw-wpad.pid\"\n", root);
	fprintf(out, "server.username = \"www-data\"\n"
	    "server.groupname = \"www-data\"\n"
	    "server.errorlog-use-syslog = \"enable\"\n"
	    "server.stat-cache-engine = \"disable\"\n"
	    "server.modules = ()\n"
	    "mimetype.assign = (\n"
	    "\t\".pac\" => \"application/x-ns-proxy-autoconfig\",\n"
	    "\t\".dat\" => \"application/x-ns-proxy-autoconfig\",\n"
	    ")\n");
	return 0;
}
