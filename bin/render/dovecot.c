/*
 * dovecot.c: what mpfw writes into dovecot.conf (fw-svc render dovecot).
 * IMAP and POP3 (mail) for the internal, DMZ and extra networks, and the
 * user interface, ManageSieve on userif_port (userif), for the internal
 * networks only; both on lan_ip, for the system's accounts (PAM).  The
 * users' Sieve rights (user_forward, user_sort, user_vacation) are
 * Pigeonhole's extensions and redirect limit: the server itself refuses
 * a script that needs a right taken away, at upload, or does not carry
 * out its action at delivery.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/*
 * Dovecot's quoting, the one way a value is written: in double quotes,
 * a backslash before a double quote or a backslash.  The `<FILE` values
 * (certificates) cannot be quoted, Dovecot would open a name with the
 * quotes in it; they are paths under a root render_root_ok accepted.
 */
static void
dovecot_quote(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void
setting(FILE *out, const char *indent, const char *name, const char *value)
{
	fprintf(out, "%s%s = ", indent, name);
	dovecot_quote(out, value);
	fputc('\n', out);
}

/* The networks of the keys given, comma-separated as allow_nets wants. */
static char *
nets(const struct fwconf_settings *s, const char *const *keys)
{
	char *buf = NULL, *p;
	size_t len = 0;
	bool first = true;
	FILE *mem;

	if ((mem = open_memstream(&buf, &len)) == NULL)
		err(FWCONF_SYSTEM, "render");
	for (; *keys != NULL; keys++) {
		const char *v = render_get(s, *keys);

		if (*v == '\0')
			continue;
		if (!first)
			fputc(',', mem);
		fputs(v, mem);
		first = false;
	}
	if (fclose(mem) == EOF)
		err(FWCONF_SYSTEM, "render");
	for (p = buf; *p != '\0'; p++)
		if (*p == ' ')
			*p = ',';
	return buf;
}

/*
 * One PAM passdb whose allow_nets depends on the service: ManageSieve
 * (%s = sieve) from the internal networks only, IMAP and POP3 also from
 * the DMZ and the extra networks.  A login from elsewhere fails as a
 * wrong password does.
 */
static void
passdb(const struct fwconf_settings *s, FILE *out)
{
	static const char *const lan[] = { "lan_nets", NULL };
	static const char *const all[] = { "lan_nets", "dmz_net", "extra_net",
	    NULL };
	char *internal = nets(s, lan), *clients = nets(s, all), *fields;

	if (asprintf(&fields, "allow_nets=%%{if;%%s;eq;sieve;%s;%s}",
	    internal, clients) == -1)
		err(FWCONF_SYSTEM, "render");
	fprintf(out, "passdb {\n\tdriver = pam\n");
	setting(out, "\t", "override_fields", fields);
	fprintf(out, "}\nuserdb {\n\tdriver = passwd\n}\n");
	free(fields);
	free(internal);
	free(clients);
}

/*
 * The rights, as Pigeonhole's extensions relative to its defaults:
 * vacation; fileinto with mailbox (fileinto :create) and imap4flags
 * (flags set on filing); and for forwarding, redirect (a core command,
 * limited by sieve_max_redirects: 0 forbids it, 1 lets one message go
 * to one address) and enotify, whose mailto: notifications would carry
 * a message out all the same.
 */
static void
sieve(const struct fwconf_settings *s, FILE *out)
{
	char off[128] = "";

	if (!render_yes(s, "user_vacation"))
		strlcat(off, " -vacation", sizeof(off));
	if (!render_yes(s, "user_sort"))
		strlcat(off, " -fileinto -mailbox -imap4flags", sizeof(off));
	if (!render_yes(s, "user_forward"))
		strlcat(off, " -enotify", sizeof(off));
	fprintf(out, "plugin {\n");
	setting(out, "\t", "sieve", "file:~/sieve;active=~/.dovecot.sieve");
	if (*off != '\0')
		setting(out, "\t", "sieve_extensions", off + 1);
	setting(out, "\t", "sieve_max_redirects",
	    render_yes(s, "user_forward") ? "1" : "0");
	fprintf(out, "}\n");
}

int
render_dovecot_conf(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	const char *root = fwconf_root();

	if (render_root_ok(e) == -1)
		return -1;
	render_header(out, "fw-svc render dovecot", "/etc/mpfw/services");
	setting(out, "", "protocols", render_yes(s, "userif") ?
	    "imap pop3 sieve" : "imap pop3");
	setting(out, "", "listen", render_get(s, "lan_ip"));
	fprintf(out, "\n# mail_plaintext: whether a password may cross an "
	    "unencrypted\n# connection; TLS and STARTTLS work either way.\n");
	setting(out, "", "disable_plaintext_auth",
	    render_yes(s, "mail_plaintext") ? "no" : "yes");
	setting(out, "", "auth_mechanisms", "plain login");
	fprintf(out, "ssl = yes\n"
	    "ssl_cert = <%s/etc/dovecot/private/dovecot.pem\n"
	    "ssl_key = <%s/etc/dovecot/private/dovecot.key\n", root, root);
	setting(out, "", "ssl_min_protocol", "TLSv1.2");
	setting(out, "", "mail_location", "maildir:~/Maildir");
	fprintf(out, "# The people's accounts, not the system's (ftpupload).\n");
	setting(out, "", "first_valid_uid", "1000");
	fputc('\n', out);
	passdb(s, out);
	fprintf(out, "\nprotocol imap {\n");
	setting(out, "\t", "mail_max_userip_connections",
	    render_get(s, "imap_max_conn"));
	fprintf(out, "}\n\n# The user interface.\n"
	    "service managesieve-login {\n\tinet_listener sieve {\n");
	setting(out, "\t\t", "port", render_get(s, "userif_port"));
	fprintf(out, "\t}\n}\n\n"
	    "# Delivery by dovecot-lda runs the users' active scripts.\n"
	    "protocol lda {\n"
	    "\tmail_plugins = $mail_plugins sieve\n");
	setting(out, "\t", "lda_mailbox_autocreate", "yes");
	fprintf(out, "}\n");
	sieve(s, out);
	return 0;
}
