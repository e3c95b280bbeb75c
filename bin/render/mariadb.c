/*
 * mariadb.c: what mpfw writes for the MySQL server, MariaDB: its options
 * (fw-svc render mariadb), on localhost only, and the statement that sets
 * the local root password (fw-svc render mariadb-root), which carries the
 * password's hash and never the password.
 */
#include <limits.h>
#include <sha1.h>
#include <stdbool.h>
#include <string.h>

#include "render.h"

int
render_mariadb_cnf(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	(void)s;
	(void)e;
	render_header(out, "fw-svc render mariadb", "/etc/mpfw/services");
	fprintf(out, "[mysqld]\n"
	    "# The firewall's own database: reachable from the firewall "
	    "only.\n"
	    "bind-address = 127.0.0.1\n");
	return 0;
}

/*
 * MariaDB's mysql_native_password hash, as PASSWORD() gives it: '*' and
 * the upper-case hex of SHA1(SHA1(password)).  The server keeps only
 * this; so does the file, which the unit hands the server on stdin.
 */
bool
is_native_hash(const char *s)
{
	return s[0] == '*' && strlen(s) == 1 + 2 * SHA1_DIGEST_LENGTH &&
	    strspn(s + 1, "0123456789ABCDEF") == 2 * SHA1_DIGEST_LENGTH;
}

void
mariadb_native_hash(const char *pw, char out[2 * SHA1_DIGEST_LENGTH + 2])
{
	uint8_t once[SHA1_DIGEST_LENGTH], twice[SHA1_DIGEST_LENGTH];
	SHA1_CTX ctx;
	size_t i;

	SHA1Init(&ctx);
	SHA1Update(&ctx, (const uint8_t *)pw, strlen(pw));
	SHA1Final(once, &ctx);
	SHA1Init(&ctx);
	SHA1Update(&ctx, once, sizeof(once));
	SHA1Final(twice, &ctx);
	out[0] = '*';
	for (i = 0; i < sizeof(twice); i++)
		snprintf(out + 1 + 2 * i, 3, "%02X", twice[i]);
	explicit_bzero(once, sizeof(once));
	explicit_bzero(&ctx, sizeof(ctx));
}

/* Read once and wiped: the secrets file holds the password itself. */
static int
root_password_hash(char out[2 * SHA1_DIGEST_LENGTH + 2], bool *set,
    struct fwconf_err *e)
{
	struct fwconf_file sec;
	char path[PATH_MAX];
	const char *pw;
	size_t i;

	if (fwconf_secrets_path(path, sizeof(path), "services") == -1)
		return fwconf_fail_errno(e, "secrets");
	if (fwconf_file_read(&sec, path, e) == -1) {
		fwconf_file_free(&sec);
		return -1;
	}
	pw = fwconf_file_get(&sec, "mysql_root_password");
	/* fw-svc passwd keeps the hash alone; a password an earlier mpfw
	 * kept as typed is hashed here. */
	if ((*set = pw != NULL && *pw != '\0')) {
		if (is_native_hash(pw))
			strlcpy(out, pw, 2 * SHA1_DIGEST_LENGTH + 2);
		else
			mariadb_native_hash(pw, out);
	}
	for (i = 0; i < sec.nlines; i++) {
		explicit_bzero(sec.lines[i].text, strlen(sec.lines[i].text));
		if (sec.lines[i].value != NULL)
			explicit_bzero(sec.lines[i].value,
			    strlen(sec.lines[i].value));
	}
	fwconf_file_free(&sec);
	return 0;
}

/*
 * root@localhost keeps unix_socket beside the password: the system's
 * root, and so the apply, logs in through the socket without one, as
 * Debian sets it up.
 */
int
render_mariadb_root(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	char hash[2 * SHA1_DIGEST_LENGTH + 2];
	bool set;

	(void)s;
	if (root_password_hash(hash, &set, e) == -1)
		return -1;
	render_header(out, "fw-svc render mariadb-root",
	    "/etc/mpfw/secrets/services");
	if (!set) {
		fprintf(out, "# No mysql_root_password: root@localhost "
		    "keeps the password it has.\n");
		return 0;
	}
	fprintf(out, "ALTER USER 'root'@'localhost' IDENTIFIED VIA "
	    "mysql_native_password USING '%s' OR unix_socket;\n", hash);
	explicit_bzero(hash, sizeof(hash));
	return 0;
}
