/*
 * c-icap.c: what mpfw writes into c-icap.conf (fw-proxy render c-icap),
 * the ICAP server of the malware scanner.  Squid's scanner port (squid.c)
 * sends each response to its virus_scan service on 127.0.0.1:icap_port;
 * the service hands the body to clamd (clamd_mod, by passing the file's
 * descriptor over clamd's socket, so clamd needs no access to c-icap's
 * files) and answers with a block page when clamd finds malware.  clamd
 * is Debian's clamav-daemon with its socket /run/clamav/clamd.ctl, whose
 * signatures freshclam keeps up to date.
 *
 * Every value written is an address, a port or a path under the root:
 * nothing here needs quoting.  The module and template directories are
 * c-icap's compiled-in ones.
 */
#include "render.h"

int
render_c_icap_conf(const struct fwconf_settings *p,
    const struct fwconf_settings *svc, FILE *out, struct fwconf_err *e)
{
	const char *root = fwconf_root();

	if (render_root_ok(e) == -1)
		return -1;
	render_header(out, "fw-proxy render c-icap",
	    "/etc/mpfw/proxy and /etc/mpfw/services");
	fprintf(out, "PidFile %s/run/c-icap/c-icap.pid\n", root);
	fprintf(out, "CommandsSocket %s/run/c-icap/c-icap.ctl\n", root);
	/* Squid alone asks it, on the same machine. */
	fprintf(out, "Port 127.0.0.1:%s\n", render_get(p, "icap_port"));
	fprintf(out, "User c-icap\nGroup c-icap\n");
	fprintf(out, "ServerName %s.%s\n", render_get(svc, "hostname"),
	    render_get(svc, "domain"));
	fprintf(out, "Timeout 300\n"
	    "MaxKeepAliveRequests 100\n"
	    "KeepAliveTimeout 600\n"
	    "StartServers 3\n"
	    "MaxServers 10\n"
	    "MinSpareThreads 10\n"
	    "MaxSpareThreads 20\n"
	    "ThreadsPerChild 10\n"
	    "MaxRequestsPerChild 0\n"
	    "TmpDir /tmp\n"
	    "MaxMemObject 131072\n"
	    "DebugLevel 1\n"
	    "Pipelining on\n");
	fprintf(out, "ServerLog %s/var/log/c-icap/server.log\n", root);
	fprintf(out, "AccessLog %s/var/log/c-icap/access.log\n", root);

	fprintf(out, "\n# The virus scanner, which asks clamd.\n");
	fprintf(out, "Module common clamd_mod.so\n");
	fprintf(out, "clamd_mod.ClamdSocket %s/run/clamav/clamd.ctl\n", root);
	fprintf(out, "Service virus_scan virus_scan.so\n");
	fprintf(out, "virus_scan.DefaultEngine clamd\n");
	fprintf(out, "virus_scan.ScanFileTypes TEXT DATA EXECUTABLE ARCHIVE "
	    "GIF JPEG MSOFFICE\n");
	/*
	 * A larger body is passed unscanned: clamd's own default limit of
	 * a stream.  No trickle of a body while it is scanned
	 * (SendPercentData): with it, c-icap 0.5 stops reading a body of a
	 * few hundred KB from Squid and the transfer hangs.
	 */
	fprintf(out, "virus_scan.MaxObjectSize 25M\n");
	return 0;
}
