/*
 * sshd.c: what mpfw writes into sshd_config (fw-svc render sshd).
 * ssh_port takes passwords when ssh_password says so; the maintenance
 * port never does, keyboard-interactive included.  Match blocks run to
 * the end of the file, so theirs come last.  The maintenance account of
 * fw-maint (/etc/mpfw/maint) has blocks of its own, and the authorized
 * keys file they name is written here too.
 */
#include <string.h>

#include "render.h"

/*
 * fw-maint's maintenance account logs in on the maintenance port only,
 * with a key only, from MAINT_KEYS, whose options carry the window and
 * the sources.  sshd takes the first value a keyword gets among the Match
 * blocks that apply, so the port's block, which names the keys, comes
 * before the account's catch-all, which names none.
 */
static int
render_maint_match(FILE *out, const char *maint_port, struct fwconf_err *e)
{
	const struct fwconf_schema *schema = fwconf_schema_builtin("maint");
	const struct fwconf_key *k;
	struct fwconf_settings m;
	const char *bad, *user;
	int r = 0;

	if (schema == NULL || (k = fwconf_key_find(schema, "maint_user")) ==
	    NULL)
		return fwconf_fail(e, FWCONF_SYSTEM, "maint: no maint_user in "
		    "the schema");
	if (fwconf_settings_open(&m, schema, e) == -1)
		return -1;
	user = fwconf_settings_get(&m, k);
	if ((bad = fwconf_settings_invalid(&m, k)) != NULL)
		r = fwconf_fail(e, FWCONF_REFUSED, "maint: %s", bad);
	else if (strcmp(user, "root") == 0)
		r = fwconf_fail(e, FWCONF_REFUSED, "maint_user=root: the "
		    "maintenance account is never root");
	else {
		fprintf(out, "\n# The maintenance account (fw-maint): keys "
		    "only, on the maintenance\n# port only; its keys carry "
		    "the window and the sources.\n"
		    "Match User %s LocalPort %s\n"
		    "\tAuthorizedKeysFile ", user, maint_port);
		render_openssh_path(out, fwconf_root(), MAINT_KEYS);
		fprintf(out, "\nMatch User %s\n"
		    "\tAuthorizedKeysFile none\n"
		    "\tAuthorizedPrincipalsFile none\n"
		    "\tAuthenticationMethods publickey\n"
		    "\tPasswordAuthentication no\n"
		    "\tKbdInteractiveAuthentication no\n"
		    "\tHostbasedAuthentication no\n", user);
	}
	fwconf_settings_close(&m);
	return r;
}

int
render_sshd_config(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	static const char *const keys[] = { "ed25519", "ecdsa", "rsa" };
	const char *pw = render_get(s, "ssh_password");
	size_t i;

	if (render_root_ok(e) == -1)
		return -1;
	render_header(out, "fw-svc render sshd",
	    "/etc/mpfw/services and /etc/mpfw/maint");
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
	return render_maint_match(out, render_get(s, "ssh_maint_port"), e);
}

void
render_sshd_maint_head(const struct sshd_maint *m, FILE *out)
{
	render_header(out, "fw-maint render maint-keys",
	    "/etc/mpfw/maint and /etc/mpfw/maint-keys");
	if (m->expiry == NULL)
		fprintf(out, "# Maintenance access is closed: no key is "
		    "taken (fw-maint open).\n");
	else
		fprintf(out, "# Maintenance access is open; sshd refuses "
		    "every key after its expiry-time.\n");
}

/*
 * restrict takes everything that is not named again: support gets a
 * terminal and port forwarding (to the web interface), no agent, no X11,
 * no ~/.ssh/rc, nor whatever a later OpenSSH adds to restrict.
 */
void
render_sshd_maint_key(const struct sshd_maint *m, const char *key,
    FILE *out)
{
	if (m->expiry == NULL)
		return;
	fprintf(out, "expiry-time=\"%s\",", m->expiry);
	if (*m->from != '\0')
		fprintf(out, "from=\"%s\",", m->from);
	fprintf(out, "restrict,pty,port-forwarding %s\n", key);
}
