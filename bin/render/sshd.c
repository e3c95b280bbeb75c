/*
 * sshd.c: what mpfw writes into sshd_config (fw-svc render sshd).
 * ssh_port takes passwords when ssh_password says so; the maintenance
 * port never does, keyboard-interactive included.  Match blocks run to
 * the end of the file, so theirs comes last.
 */
#include "render.h"

int
render_sshd_config(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	static const char *const keys[] = { "ed25519", "ecdsa", "rsa" };
	const char *pw = render_get(s, "ssh_password");
	size_t i;

	if (render_root_ok(e) == -1)
		return -1;
	render_header(out, "fw-svc render sshd", "/etc/mpfw/services");
	fprintf(out, "Port %s\nPort %s\n", render_get(s, "ssh_port"),
	    render_get(s, "ssh_maint_port"));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		fprintf(out, "HostKey %s/etc/ssh/ssh_host_%s_key\n",
		    fwconf_root(), keys[i]);
	fprintf(out, "PermitRootLogin prohibit-password\n"
	    "PubkeyAuthentication yes\n"
	    "PasswordAuthentication %s\n"
	    "KbdInteractiveAuthentication %s\n"
	    "PermitEmptyPasswords no\n"
	    "X11Forwarding no\n"
	    "PrintMotd no\n"
	    "AcceptEnv LANG LC_*\n"
	    "Subsystem sftp /usr/lib/openssh/sftp-server\n", pw, pw);
	fprintf(out, "\n# The maintenance port never takes a password.\n"
	    "Match LocalPort %s\n"
	    "\tPasswordAuthentication no\n"
	    "\tKbdInteractiveAuthentication no\n",
	    render_get(s, "ssh_maint_port"));
	return 0;
}
