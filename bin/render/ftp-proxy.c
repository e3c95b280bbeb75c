/*
 * ftp-proxy.c: what mpfw writes into ftp-proxy.conf (fw-proxy render
 * ftp-proxy), the FTP proxy: Debian's ftp-proxy (SuSE's proxy suite) as
 * a daemon on lan_ip at ftp_proxy_port.  A client logs in as
 * user@server or user@server:port (AllowMagicUser); one whose connection
 * to port 21 was redirected to it (the transparent FTP proxy, nftables.c)
 * logs in as usual, and the proxy finds the server the client meant from
 * the connection's translation (AllowTransProxy): allowing that is
 * harmless for connections that were not redirected, so the file does
 * not depend on ftp_transparent.  A plain login without a server goes to
 * the firewall's own FTP server.  Data connections, active or passive,
 * go through the proxy, and only to and from the client itself.
 *
 * ftp-proxy has no access control of its own: the nftables table of the
 * proxies drops connections to its port from anyone but the proxies'
 * clients.  It logs to syslog (it drops its privileges before it would
 * open a log file).  Every value is an address, a port or a path.
 */
#include "render.h"

int
render_ftp_proxy_conf(const struct fwconf_settings *p,
    const struct fwconf_settings *svc, FILE *out, struct fwconf_err *e)
{
	const char *lan_ip = render_get(svc, "lan_ip");

	if (render_root_ok(e) == -1)
		return -1;
	render_header(out, "fw-proxy render ftp-proxy",
	    "/etc/mpfw/proxy and /etc/mpfw/services");
	fprintf(out, "[-Global-]\n");
	fprintf(out, "ServerType\tstandalone\n");
	fprintf(out, "Listen\t\t%s\n", lan_ip);
	fprintf(out, "Port\t\t%s\n", render_get(p, "ftp_proxy_port"));
	fprintf(out, "PidFile\t\t%s/run/ftp-proxy.pid\n", fwconf_root());
	fprintf(out, "User\t\tnobody\nGroup\t\tnogroup\n");
	fprintf(out, "DestinationAddress\t%s\n", lan_ip);
	fprintf(out, "AllowMagicUser\tyes\n");
	fprintf(out, "AllowTransProxy\tyes\n");
	fprintf(out, "SameAddress\tyes\n");
	fprintf(out, "MaxClients\t64\n");
	fprintf(out, "TimeOut\t\t900\n");
	fprintf(out, "LogLevel\tINF\n");
	return 0;
}
