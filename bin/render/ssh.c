/*
 * ssh.c: what mpfw writes for the ssh client: the outgoing maintenance
 * tunnel of fw-maint (fw-maint render tunnel-config, tunnel-known-hosts,
 * tunnel-until).  share/mpfw/maint-tunnel runs `ssh -F TUNNEL_CONFIG -N
 * TUNNEL_HOST` from them while the window is open.
 */
#include "render.h"

/*
 * OpenSSH expands %-tokens in the paths of its files (IdentityFile,
 * UserKnownHostsFile, AuthorizedKeysFile); %% is a percent sign.  The
 * root may hold one; it holds no white space (render_root_ok).
 */
void
render_openssh_path(FILE *out, const char *root, const char *path)
{
	const char *s;
	int part;

	for (part = 0; part < 2; part++)
		for (s = part == 0 ? root : path; *s != '\0'; s++) {
			if (*s == '%')
				fputc('%', out);
			fputc(*s, out);
		}
}

/*
 * Off, each file says so and carries nothing: fw-apply may still render
 * and check a unit that is off.
 */
static int
tunnel_on(const struct ssh_tunnel *t, FILE *out)
{
	if (!t->on)
		fprintf(out, "# maint_tunnel=no: no tunnel.\n");
	return t->on;
}

/*
 * Every value was checked by fw-maint: the host is a domain name or an
 * IPv4 address, the ports are numbers, the user is [a-z_][a-z0-9_.-]*.
 * The server's key is pinned under an alias, so no other key of the host
 * and no other host's key is ever taken.  The forward binds the support
 * server's loopback only and leads to this firewall's maintenance port.
 */
int
render_ssh_tunnel_config(const struct ssh_tunnel *t, FILE *out,
    struct fwconf_err *e)
{
	const char *root = fwconf_root();

	if (render_root_ok(e) == -1)
		return -1;
	render_header(out, "fw-maint render tunnel-config",
	    "/etc/mpfw/maint and /etc/mpfw/services");
	if (!tunnel_on(t, out))
		return 0;
	fprintf(out, "# The maintenance tunnel: maint-tunnel runs "
	    "ssh -F this-file -N %s.\n", TUNNEL_HOST);
	fprintf(out, "Host %s\n"
	    "\tHostName %s\n"
	    "\tPort %s\n"
	    "\tUser %s\n"
	    "\tHostKeyAlias %s\n"
	    "\tIdentityFile ", TUNNEL_HOST, t->host, t->port, t->user,
	    TUNNEL_HOST);
	render_openssh_path(out, root, TUNNEL_KEY);
	fputs("\n\tUserKnownHostsFile ", out);
	render_openssh_path(out, root, TUNNEL_KNOWN);
	fprintf(out, "\n\tGlobalKnownHostsFile /dev/null\n"
	    "\tStrictHostKeyChecking yes\n"
	    "\tUpdateHostKeys no\n"
	    "\tCheckHostIP no\n"
	    "\tIdentitiesOnly yes\n"
	    "\tIdentityAgent none\n"
	    "\tBatchMode yes\n"
	    "\tPasswordAuthentication no\n"
	    "\tKbdInteractiveAuthentication no\n"
	    "\tForwardAgent no\n"
	    "\tForwardX11 no\n"
	    "\tPermitLocalCommand no\n"
	    "\tSessionType none\n"
	    "\tRequestTTY no\n"
	    "\tConnectTimeout 20\n"
	    "\tServerAliveInterval 15\n"
	    "\tServerAliveCountMax 3\n"
	    "\tExitOnForwardFailure yes\n"
	    "\tRemoteForward 127.0.0.1:%s 127.0.0.1:%s\n",
	    t->remote_port, t->maint_port);
	return 0;
}

/* The pinned host key, under the alias the config gives. */
int
render_ssh_tunnel_known_hosts(const struct ssh_tunnel *t, FILE *out,
    struct fwconf_err *e)
{
	(void)e;
	render_header(out, "fw-maint render tunnel-known-hosts",
	    "/etc/mpfw/maint");
	if (tunnel_on(t, out))
		fprintf(out, "%s %s\n", TUNNEL_HOST, t->hostkey);
	return 0;
}

/*
 * When the window ends, in seconds since the epoch, for maint-tunnel:
 * the first line that is not a comment; 0 when it is closed.  A new end
 * changes this file only, so the tunnel is told without a reconnect.
 */
int
render_ssh_tunnel_until(const struct ssh_tunnel *t, FILE *out,
    struct fwconf_err *e)
{
	(void)e;
	render_header(out, "fw-maint render tunnel-until", "/etc/mpfw/maint");
	if (!tunnel_on(t, out))
		fprintf(out, "0\n");
	else
		fprintf(out, "# The tunnel runs until this second "
		    "(maint_until); 0: closed.\n%lld\n", t->until);
	return 0;
}
