/*
 * fail2ban.c: what mpfw writes for fail2ban: fail2ban.local, where the
 * server keeps its socket, pid, database and log (fw-svc render
 * fail2ban), and jail.local, the jails (fw-svc render fail2ban-jails).
 *
 * A jail for every login service that is on, following its key: SSH on
 * both SSH ports, POP3/IMAP (Dovecot) with mail, FTP (vsftpd) with ftp.
 * A jail of a service that is off says enabled = false, overriding
 * Debian's jail.d/defaults-debian.conf, which turns sshd on.  Bans are
 * nftables rules (the nftables-multiport action: a set per jail in the
 * table inet f2b-table).  With fail2ban_mail, every ban is also mailed
 * there by the sendmail action.
 *
 * fail2ban's files are Python configparser files, where % starts an
 * interpolation, and the mail address ends up in a shell command of the
 * sendmail action, inside double quotes, where $ and ` are not data (the
 * mail syntax allows both): every value we write goes through put_value,
 * the one place that quotes for these two syntaxes.
 */
#include <string.h>

#include "render.h"

/*
 * A value for configparser: % is written %%.  With shell, for a value
 * that an action puts into a shell command in double quotes, $ ` " and \
 * also get a backslash, so that the shell reads them as themselves.
 */
static void
put_value(FILE *out, const char *v, bool shell)
{
	for (; *v != '\0'; v++) {
		if (*v == '%')
			putc('%', out);
		else if (shell && strchr("$`\"\\", *v) != NULL)
			putc('\\', out);
		putc(*v, out);
	}
}

static void
put_path(FILE *out, const char *key, const char *path)
{
	fprintf(out, "%s = ", key);
	put_value(out, fwconf_root(), false);
	fprintf(out, "%s\n", path);
}

int
render_fail2ban_local(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	(void)s;
	if (render_root_ok(e) == -1)
		return -1;
	render_header(out, "fw-svc render fail2ban", "/etc/mpfw/services");
	fprintf(out, "[Definition]\n");
	put_path(out, "logtarget", "/var/log/fail2ban.log");
	put_path(out, "socket", "/run/fail2ban/fail2ban.sock");
	put_path(out, "pidfile", "/run/fail2ban/fail2ban.pid");
	put_path(out, "dbfile", "/var/lib/fail2ban/fail2ban.sqlite3");
	return 0;
}

/* One jail: on or off, its ports when it has its own, its log. */
static void
jail(FILE *out, const char *name, bool on, const char *ports,
    const char *log)
{
	fprintf(out, "\n[%s]\nenabled = %s\n", name, on ? "true" : "false");
	if (!on)
		return;
	if (ports != NULL)
		fprintf(out, "port = %s\n", ports);
	put_path(out, "logpath", log);
}

int
render_fail2ban_jails(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	const char *mail = render_get(s, "fail2ban_mail");
	char ports[32];

	if (render_root_ok(e) == -1)
		return -1;
	render_header(out, "fw-svc render fail2ban-jails",
	    "/etc/mpfw/services");
	fprintf(out, "[DEFAULT]\n"
	    "banaction = nftables-multiport\n"
	    "banaction_allports = nftables-allports\n"
	    "backend = auto\n");
	if (*mail != '\0') {
		fprintf(out, "# Each ban is mailed.\ndestemail = ");
		put_value(out, mail, true);
		fprintf(out, "\naction = %%(action_)s\n"
		    "         sendmail[name=%%(__name__)s, "
		    "sender=\"%%(sender)s\", dest=\"%%(destemail)s\"]\n");
	} else
		fprintf(out, "# No mail.\naction = %%(action_)s\n");

	snprintf(ports, sizeof(ports), "%s,%s", render_get(s, "ssh_port"),
	    render_get(s, "ssh_maint_port"));
	jail(out, "sshd", render_yes(s, "ssh"), ports, "/var/log/auth.log");
	jail(out, "dovecot", render_yes(s, "mail"), NULL,
	    "/var/log/mail.log");
	jail(out, "vsftpd", render_yes(s, "ftp"), NULL,
	    "/var/log/vsftpd.log");
	return 0;
}
