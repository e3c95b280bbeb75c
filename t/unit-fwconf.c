/* unit-fwconf: unit tests of libfwconf, printing TAP. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fwconf.h"
#include "tap.h"

/*
 * What sh makes of v written as the tools write it: "v=QUOTED" sourced,
 * printed back.  NULL if sh could not run.
 */
static char *
sh_reads(const char *dir, const char *quoted)
{
	char path[512], cmd[600], *out;
	size_t len = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/sourced", dir);
	if ((fp = fopen(path, "w")) == NULL)
		return NULL;
	fprintf(fp, "v=%s\n", quoted);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "HOME=/home-of-sh sh -c '. %s; "
	    "printf %%s \"$v\"'", path);
	if ((fp = popen(cmd, "r")) == NULL)
		return NULL;
	out = calloc(1, 4200);
	if (out != NULL)
		len = fread(out, 1, 4199, fp);
	if (pclose(fp) != 0 || out == NULL) {
		free(out);
		return NULL;
	}
	out[len] = '\0';
	return out;
}

static void
test_quoting(const char *dir)
{
	static const char *const values[] = { "", "plain", "a b", "it's",
	    "''", "$(reboot)", "`id`", "back\\slash", "x;y|z&", "Prüfung",
	    "\"q\"", "a=b", "~", "~/x", "a:~", "a:~/x", "x=~", "~root",
	    "*", "a?b", "[ab]", "{a,b}", "!x", "#x", "a#b", "$HOME", "-x" };
	const char *why;
	char *q, *u, *sh;
	size_t i;
	int r;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		q = fwconf_quote(values[i]);
		u = NULL;
		r = fwconf_unquote(q, &u, &why);
		ok(r == 0, "unquote quote(%s)%s%s", values[i], r ? ": " : "",
		    r && why ? why : "");
		/* A failed unquote sets nothing: its result is not read. */
		is(r == 0 ? u : NULL, values[i], "round trip of %s via %s",
		    values[i], q);
		sh = sh_reads(dir, q);
		is(sh, values[i], "sh sources %s as %s", q, values[i]);
		free(sh);
		free(q);
		if (r == 0)
			free(u);
	}
	q = fwconf_quote("it's");
	is(q, "'it'\\''s'", "a quote is written sh style");
	free(q);
	q = fwconf_quote("192.168.1.0/24");
	is(q, "192.168.1.0/24", "a plain value stays bare");
	free(q);
	u = NULL;
	ok(fwconf_unquote("a b", &u, &why) == -1 && why != NULL && u == NULL,
	    "an unquoted space is refused");
	ok(fwconf_unquote("'open", &u, &why) == -1 && u == NULL,
	    "an open quote is refused");
	ok(fwconf_unquote("$HOME", &u, &why) == -1 && u == NULL,
	    "an unquoted $ is refused: no expansion may differ from sh");
	ok(fwconf_unquote("~/x", &u, &why) == -1 && u == NULL,
	    "an unquoted ~ is refused: sh would expand it");
}

static void
test_value_ok(void)
{
	struct fwconf_err e;
	char big[5000], one[8];
	int c;

	ok(fwconf_value_ok("Prüfung ✓", &e, "k"), "UTF-8 is accepted");
	ok(!fwconf_value_ok("a\nb", &e, "k"), "a newline is refused");
	ok(strstr(e.msg, "control character 0x0a") != NULL,
	    "the message names the character: %s", e.msg);
	ok(!fwconf_value_ok("a\rb", &e, "k"), "a carriage return is refused");
	ok(!fwconf_value_ok("a\x7f", &e, "k"), "DEL is refused");
	ok(!fwconf_value_ok("\xc0\xaf", &e, "k"), "overlong UTF-8 is refused");
	ok(!fwconf_value_ok("\xe0\x80\xaf", &e, "k") &&
	    !fwconf_value_ok("\xe0\x9f\xbf", &e, "k"),
	    "an overlong three-byte sequence is refused, U+07FF's too");
	ok(!fwconf_value_ok("\xf0\x80\x80\xaf", &e, "k"),
	    "an overlong four-byte sequence is refused");
	ok(fwconf_value_ok("\xe0\xa0\x80\xf0\x90\x80\x80", &e, "k"),
	    "the shortest three- and four-byte sequences are accepted");
	ok(!fwconf_value_ok("\xed\xa0\x80", &e, "k"), "a surrogate is refused");
	ok(!fwconf_value_ok("\xff", &e, "k"), "a stray byte is refused");
	ok(!fwconf_value_ok("\xe2\x9c", &e, "k"), "a cut sequence is refused");
	for (c = 1; c < 0x20; c++) {
		snprintf(one, sizeof(one), "a%cb", c);
		if (fwconf_value_ok(one, &e, "k"))
			break;
	}
	ok(c == 0x20 && !fwconf_value_ok("\x7f", &e, "k"),
	    "every control character, 0x01 to 0x1f and 0x7f, is refused%s",
	    c == 0x20 ? "" : " (one is not)");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ok(!fwconf_value_ok(big, &e, "k"), "an overlong value is refused");
	big[4096] = '\0';
	ok(fwconf_value_ok(big, &e, "k"), "a value of 4096 bytes is accepted");
	big[4096] = 'a', big[4097] = '\0';
	ok(!fwconf_value_ok(big, &e, "k") &&
	    strstr(e.msg, "longer than 4096 bytes") != NULL,
	    "one of 4097 bytes is not: %s", e.msg);
}

static void
expect(const struct fwconf_key *k, const char *in, const char *want)
{
	struct fwconf_err e;
	char *got = fwconf_validate(k, in, &e);

	if (want == NULL) {
		ok(got == NULL && e.status == FWCONF_REFUSED &&
		    strncmp(e.msg, k->name, strlen(k->name)) == 0,
		    "%s: '%s' refused: %s", fwconf_type_name(k->type), in,
		    got == NULL ? e.msg : got);
	} else
		is(got, want, "%s: '%s' is '%s'%s%s", fwconf_type_name(k->type),
		    in, want, got ? "" : ": ", got ? "" : e.msg);
	free(got);
}

static void
test_validators(void)
{
	struct fwconf_key k = { .name = "k", .help = "", .label = "" };
	struct fwconf_err e;
	char addr[256], *norm;
	int i;

	k.type = FWCONF_BOOL;
	expect(&k, "on", "yes");
	expect(&k, "TRUE", "yes");
	expect(&k, "0", "no");
	expect(&k, "maybe", NULL);
	expect(&k, "", NULL);
	k.empty_ok = true;
	expect(&k, "", "");
	k.empty_ok = false;

	k.type = FWCONF_INT, k.min = 1, k.max = 100;
	expect(&k, "010", "10");
	expect(&k, "100", "100");
	expect(&k, "101", NULL);
	expect(&k, "0", NULL);
	expect(&k, "1e2", NULL);
	expect(&k, " 5", NULL);
	expect(&k, "99999999999999999999", NULL);

	k.type = FWCONF_PORT, k.reserved = "22 53";
	expect(&k, "8443", "8443");
	expect(&k, "22", NULL);
	expect(&k, "022", NULL);
	expect(&k, "65536", NULL);
	k.reserved = NULL;

	k.type = FWCONF_PORTLIST;
	expect(&k, "80,8080  1025-65535", "80 8080 1025-65535");
	expect(&k, "90-80", NULL);
	expect(&k, "80 80", NULL);

	k.type = FWCONF_ENUM, k.values = "off ttyS0 ttyS1";
	expect(&k, "ttyS1", "ttyS1");
	expect(&k, "ttyS", NULL);
	expect(&k, "OFF", NULL);

	k.type = FWCONF_IPV4;
	expect(&k, "192.168.1.1", "192.168.1.1");
	expect(&k, "192.168.01.1", NULL);
	expect(&k, "256.1.1.1", NULL);
	expect(&k, "1.2.3", NULL);
	expect(&k, "1.2.3.4 ", NULL);

	k.type = FWCONF_IPV6;
	expect(&k, "FD00:0:0::1", "fd00::1");
	expect(&k, "1.2.3.4", NULL);
	expect(&k, "fe80::1%eth0", NULL);
	/* RFC 5952: hex, also with 96 leading zero bits; dotted if mapped */
	expect(&k, "::1:1", "::1:1");
	expect(&k, "::192.0.2.33", "::c000:221");
	expect(&k, "::FFFF:C000:0201", "::ffff:192.0.2.1");
	expect(&k, "::ffff:0:0", "::ffff:0.0.0.0");
	expect(&k, "::ffff:0:1.2.3.4", "::ffff:0:102:304");
	expect(&k, "1:0:0:4:5:0:0:8", "1::4:5:0:0:8");
	expect(&k, "1:0:0:4:0:0:0:8", "1:0:0:4::8");
	expect(&k, "::7:6:5:4:3:2:1", "0:7:6:5:4:3:2:1");
	expect(&k, "1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0");
	expect(&k, "0:0:0:0:0:0:0:0", "::");

	k.type = FWCONF_IP;
	expect(&k, "10.0.0.1", "10.0.0.1");
	expect(&k, "::1", "::1");

	k.type = FWCONF_CIDR;
	expect(&k, "10.0.0.0/8", "10.0.0.0/8");
	expect(&k, "10.0.0.1", "10.0.0.1/32");
	expect(&k, "10.0.0.1/8", NULL);
	expect(&k, "10.0.0.0/33", NULL);
	expect(&k, "fd00::/64", "fd00::/64");
	/* A prefix length is digits only: -0 is not 0, the whole space. */
	expect(&k, "0.0.0.0/-0", NULL);
	expect(&k, "::/-0", NULL);
	expect(&k, "10.0.0.0/+8", NULL);
	expect(&k, "10.0.0.0/ 8", NULL);
	expect(&k, "10.0.0.0/", NULL);
	expect(&k, "10.0.0.0/008", "10.0.0.0/8");
	norm = fwconf_validate(&k, "10.0.0.0/-00", &e);
	ok(norm == NULL && strstr(e.msg, "prefix length") != NULL &&
	    strstr(e.msg, "0.0.0.0/0") == NULL,
	    "cidr: 10.0.0.0/-00 is refused for its prefix length: %s", e.msg);
	free(norm);
	expect(&k, "::1:0/112", "::1:0/112");
	expect(&k, "::ffff:0:0/96", "::ffff:0.0.0.0/96");
	norm = fwconf_validate(&k, "::1:1/112", &e);
	ok(norm == NULL && strstr(e.msg, "the network is ::1:0/112") != NULL,
	    "cidr: the network a host-bits refusal names is in hex: %s",
	    e.msg);
	free(norm);

	k.type = FWCONF_CIDRLIST;
	expect(&k, "192.168.1.0/24 10.0.0.0/8", "192.168.1.0/24 10.0.0.0/8");
	expect(&k, " ", NULL);
	expect(&k, "192.168.1.0/24 192.168.1.0/24", NULL);

	k.type = FWCONF_HOSTLIST;
	expect(&k, "2.Debian.pool.NTP.org, 192.0.2.1 FD00:0::1 ntp1",
	    "2.debian.pool.ntp.org 192.0.2.1 fd00::1 ntp1");
	expect(&k, "pool.ntp.org POOL.ntp.org", NULL);
	expect(&k, "192.168.1.0/24", NULL);
	expect(&k, "300.1.1.1", NULL);
	expect(&k, "ntp_1.example.com", NULL);
	expect(&k, "-ntp.example.com", NULL);
	expect(&k, "pool.ntp.org;reboot", NULL);
	memset(addr, 'a', 250);
	memcpy(addr + 250, ".de", 4);
	for (i = 60; i < 250; i += 61)
		addr[i] = '.';
	expect(&k, addr, addr);
	norm = fwconf_validate(&k, "ntp.example.com 10.0.0.999", &e);
	ok(norm == NULL && strstr(e.msg, "k=10.0.0.999: must be a "
	    "host name") != NULL, "hostlist: a bad item is named: %s", e.msg);
	free(norm);
	is(fwconf_type_name(FWCONF_HOSTLIST), "hostlist",
	    "the hostlist type is called so");

	k.type = FWCONF_HOSTNAME;
	expect(&k, "Printer-2", "printer-2");
	expect(&k, "-printer", NULL);
	expect(&k, "printer.local", NULL);
	expect(&k, "a23456789012345678901234567890123456789012345678901234567890"
	    "1234", NULL);

	/* host: an address in its normal form, else a domain name */
	k.type = FWCONF_HOST;
	expect(&k, "192.0.2.7", "192.0.2.7");
	expect(&k, "2001:DB8:0:0::1", "2001:db8::1");
	expect(&k, "Support.Example.COM", "support.example.com");
	expect(&k, "192.168.1", NULL);
	expect(&k, "256.1.1.1", NULL);
	expect(&k, "a b", NULL);

	k.type = FWCONF_FQDN;
	expect(&k, "Example.COM", "example.com");
	expect(&k, "localdomain", "localdomain");
	expect(&k, "a..b", NULL);
	/* RFC 1123 2.1, RFC 3696 2: the last label is not all digits */
	expect(&k, "192.168.1.1", NULL);
	expect(&k, "256.0.0.0", NULL);
	expect(&k, "example.0", NULL);
	expect(&k, "192.168.0", NULL);
	expect(&k, "1337", NULL);
	expect(&k, "1337.com", "1337.com");
	expect(&k, "google.l33t", "google.l33t");

	k.type = FWCONF_EMAIL;
	expect(&k, "admin@example.com", "admin@example.com");
	expect(&k, "admin@localhost", NULL);
	expect(&k, "ad min@example.com", NULL);
	expect(&k, "test@255.255.255.255", NULL);
	expect(&k, "test@iana.123", NULL);
	/* RFC 5321: 64 + @ + 189 is 254, the most a path less <> holds */
	memset(addr, 'a', 64);
	addr[64] = '@';
	for (i = 65; i < 254; i++)
		addr[i] = i % 60 == 0 ? '.' : 'b';
	addr[254] = '\0';
	expect(&k, addr, addr);
	addr[254] = 'c', addr[255] = '\0';
	expect(&k, addr, NULL);
	k.local = true;
	expect(&k, "root@localhost", "root@localhost");
	expect(&k, "admin@Firewall", "admin@Firewall");
	expect(&k, "root@123", NULL);
	expect(&k, "root@", NULL);
	expect(&k, "admin@example.com", "admin@example.com");
	k.local = false;

	k.type = FWCONF_URL;
	expect(&k, "http://300.0.0.1/", NULL);
	expect(&k, "http://[::192.0.2.33]/", "http://[::192.0.2.33]/");

	k.type = FWCONF_URL;
	expect(&k, "https://example.com:8443/x?y=1", "https://example.com:8443/x?y=1");
	expect(&k, "https://[fd00::1]/", "https://[fd00::1]/");
	expect(&k, "javascript:alert(1)", NULL);
	expect(&k, "http://example.com/a b", NULL);

	k.type = FWCONF_STRING, k.max = 6;
	expect(&k, "Grüß", "Grüß");
	expect(&k, "Grüße", NULL);
	expect(&k, "a\tb", NULL);
}

static const char sample[] =
    "# site settings\n"
    "\n"
    "ssh=no\n"
    "  # indented comment\n"
    "custom_key='kept as is'\n"
    "ssh=yes\n"
    "lan_nets='10.0.0.0/8 192.168.1.0/24'\n";

static void
test_file(void)
{
	struct fwconf_file f = { .path = strdup("sample") };
	struct fwconf_err e;
	char *text;
	size_t len;

	ok(fwconf_file_parse(&f, sample, strlen(sample), &e) == 0,
	    "the sample parses");
	is(fwconf_file_get(&f, "ssh"), "yes", "the last of two lines wins, "
	    "as in sh");
	is(fwconf_file_get(&f, "lan_nets"), "10.0.0.0/8 192.168.1.0/24",
	    "a quoted list");
	text = fwconf_file_text(&f, &len);
	is(text, sample, "an unchanged file is written back as it was read");
	free(text);
	ok(fwconf_file_set(&f, "ssh", "no") == 0, "set");
	ok(fwconf_file_set(&f, "new_key", "a b") == 0, "set of a new key");
	fwconf_file_unset(&f, "custom_key");
	text = fwconf_file_text(&f, &len);
	is(text, "# site settings\n\nssh=no\n  # indented comment\nssh=no\n"
	    "lan_nets='10.0.0.0/8 192.168.1.0/24'\nnew_key='a b'\n",
	    "only the changed lines change; new keys go at the end");
	free(text);
	fwconf_file_unset(&f, "ssh");
	is(fwconf_file_get(&f, "ssh"), NULL, "unset removes every line of a "
	    "key, so no older one shows through");
	fwconf_file_free(&f);

	f.path = strdup("bad");
	ok(fwconf_file_parse(&f, "a=1\nthis is not\n", 15, &e) == -1 &&
	    strcmp(e.msg, "bad:2: not a comment nor key=value") == 0,
	    "a broken line is named by number: %s", e.msg);
	fwconf_file_free(&f);
	f.path = strdup("bad");
	ok(fwconf_file_parse(&f, "a='x\n", 5, &e) == -1 &&
	    strstr(e.msg, "unterminated quote") != NULL,
	    "an open quote is an error: %s", e.msg);
	fwconf_file_free(&f);
	f.path = strdup("bad");
	ok(fwconf_file_parse(&f, "a='x\ry'\n", 8, &e) == -1 &&
	    strstr(e.msg, "control character") != NULL,
	    "a control character inside quotes is an error: %s", e.msg);
	fwconf_file_free(&f);
	f.path = strdup("bad");
	ok(fwconf_file_parse(&f, "a=x\0y\n", 6, &e) == -1 &&
	    strstr(e.msg, "NUL") != NULL, "a NUL byte is an error: %s", e.msg);
	fwconf_file_free(&f);
	f.path = strdup("bad");
	ok(fwconf_file_parse(&f, "1abc=x\n", 7, &e) == -1 &&
	    strcmp(e.msg, "bad:1: not a comment nor key=value") == 0,
	    "a key starting with a digit is an error: sh would run the line: "
	    "%s", e.msg);
	fwconf_file_free(&f);
	f.path = strdup("bad");
	ok(fwconf_file_parse(&f, "a-b=x\n", 6, &e) == -1 &&
	    fwconf_file_parse(&f, "=x\n", 3, &e) == -1,
	    "so is a key with a hyphen, or none");
	fwconf_file_free(&f);
	f.path = strdup("good");
	ok(fwconf_file_parse(&f, "_a1=x\n", 6, &e) == 0 &&
	    strcmp(fwconf_file_get(&f, "_a1"), "x") == 0,
	    "a key of a letter or _, then letters, digits, _ is one");
	fwconf_file_free(&f);
}

static void
test_atomic(const char *dir)
{
	struct fwconf_err e;
	struct stat st;
	char path[512], *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s/f", dir);
	umask(077);
	ok(fwconf_write_atomic(path, "one\n", 4, 0644, (uid_t)-1, (gid_t)-1,
	    &e) == 0, "write a new file");
	ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0644,
	    "it has the mode asked for, whatever the umask");
	ok(fwconf_read_all(path, &buf, &len, NULL, &e) == 0 && len == 4 &&
	    strcmp(buf, "one\n") == 0, "and reads back");
	free(buf);
	ok(fwconf_read_all("/nonexistent/x", &buf, &len, NULL, &e) == 1,
	    "a missing file reads as absent, not as an error");
	snprintf(path, sizeof(path), "%s/nodir/f", dir);
	ok(fwconf_write_atomic(path, "x", 1, 0644, (uid_t)-1, (gid_t)-1,
	    &e) == -1 && e.status == FWCONF_SYSTEM,
	    "a write that cannot happen is a system error: %s", e.msg);
}

static void
test_schema(void)
{
	const struct fwconf_schema *built = fwconf_schema_builtin("services");
	const struct fwconf_key *k;
	struct fwconf_schema *s;
	struct fwconf_err e;
	size_t i;
	bool same = true;

	s = fwconf_schema_load("../share/mpfw/schema/services.conf", &e);
	ok(s != NULL, "the services schema loads%s%s", s ? "" : ": ",
	    s ? "" : e.msg);
	ok(built != NULL && s != NULL && built->nkeys == s->nkeys &&
	    built->nrules == s->nrules, "the compiled-in schema has its keys");
	for (i = 0; s != NULL && built != NULL && i < s->nkeys; i++) {
		const struct fwconf_key *a = &s->keys[i], *b = &built->keys[i];
		if (strcmp(a->name, b->name) || a->type != b->type ||
		    strcmp(a->def, b->def) || strcmp(a->label, b->label) ||
		    a->min != b->min || a->max != b->max ||
		    a->empty_ok != b->empty_ok || a->local != b->local)
			same = false;
	}
	ok(same, "the compiled-in schema equals the file");
	fwconf_schema_free(s);

	s = fwconf_schema_parse("key a { type = colour default = red "
	    "label = \"\" help = \"\" }", "t", &e);
	ok(s == NULL && strstr(e.msg, "unknown type colour") != NULL,
	    "an unknown type is refused: %s", e.msg);
	s = fwconf_schema_parse("key a { type = int min = 1 max = 5 "
	    "default = 9 label = \"\" help = \"\" }", "t", &e);
	ok(s == NULL && strstr(e.msg, "must be an integer from 1 to 5"),
	    "a default outside its range is refused: %s", e.msg);
	s = fwconf_schema_parse("key a { type = enum default = x "
	    "label = \"\" help = \"\" }", "t", &e);
	ok(s == NULL && strstr(e.msg, "needs values"),
	    "an enum without values is refused: %s", e.msg);
	s = fwconf_schema_parse("key a { type = bool default = no "
	    "label = \"\" help = \"\" } rule { kind = less keys = {a, b} }",
	    "t", &e);
	ok(s == NULL && strstr(e.msg, "needs two int keys"),
	    "a rule on unknown or mistyped keys is refused: %s", e.msg);
	s = fwconf_schema_parse("key a { type = bool default = no "
	    "label = \"\" help = \"\" colour = red }", "t", &e);
	ok(s == NULL && strstr(e.msg, "colour"),
	    "an unknown attribute is refused: %s", e.msg);
	s = fwconf_schema_parse("key a { type = bool default = no "
	    "label = \"\" help = \"\" }", "t", &e);
	ok(s != NULL && s->nkeys == 1 && strcmp(s->keys[0].def, "no") == 0,
	    "a minimal schema loads");
	fwconf_schema_free(s);
	s = fwconf_schema_parse("key a { type = port default = 22 local = true "
	    "label = \"\" help = \"\" }", "t", &e);
	ok(s == NULL && strstr(e.msg, "only an email key takes local"),
	    "local on a key that is no email is refused: %s", e.msg);
	s = fwconf_schema_parse("key a { type = email local = true "
	    "default = root@localhost label = \"\" help = \"\" }", "t", &e);
	ok(s != NULL && s->keys[0].local &&
	    strcmp(s->keys[0].def, "root@localhost") == 0,
	    "an email key with local takes root@localhost%s%s", s ? "" : ": ",
	    s ? "" : e.msg);
	fwconf_schema_free(s);
	k = fwconf_key_find(built, "fail2ban_mail");
	ok(k != NULL && k->local, "fail2ban_mail takes local addresses");
	s = fwconf_schema_parse("key a { type = bool default = no "
	    "label = \"\" help = \"\" } key b { type = cidrlist empty = true "
	    "default = \"\" label = \"\" help = \"\" } "
	    "rule { kind = nonempty keys = {a, b} }",
	    "t", &e);
	ok(s != NULL && s->nrules == 1 &&
	    s->rules[0].kind == FWCONF_RULE_NONEMPTY,
	    "a nonempty rule loads%s%s", s ? "" : ": ", s ? "" : e.msg);
	fwconf_schema_free(s);
	s = fwconf_schema_parse("key a { type = bool default = no "
	    "label = \"\" help = \"\" } key b { type = cidrlist "
	    "default = 10.0.0.0/8 label = \"\" help = \"\" } "
	    "rule { kind = nonempty keys = {a, b} }", "t", &e);
	ok(s == NULL && strstr(e.msg, "a key that may be empty") != NULL,
	    "a nonempty rule on a key that is never empty is refused: %s",
	    e.msg);
	s = fwconf_schema_parse("key a { type = port default = 1 "
	    "label = \"\" help = \"\" } key b { type = cidrlist empty = true "
	    "default = \"\" label = \"\" help = \"\" } "
	    "rule { kind = nonempty keys = {a, b} }", "t", &e);
	ok(s == NULL && strstr(e.msg, "needs a bool key") != NULL,
	    "a nonempty rule on a key that is no bool is refused: %s", e.msg);
}

static void
test_rules(const char *dir)
{
	const struct fwconf_schema *schema = fwconf_schema_builtin("services");
	const struct fwconf_key *warn, *crit;
	struct fwconf_settings s;
	struct fwconf_err e;

	fwconf_set_root(dir);
	ok(fwconf_settings_open(&s, schema, &e) == 0, "open settings in an "
	    "empty root");
	warn = fwconf_key_find(schema, "disk_temp_warn");
	crit = fwconf_key_find(schema, "disk_temp_crit");
	is(fwconf_settings_get(&s, warn), "50", "a missing key has its default");
	ok(fwconf_settings_set(&s, warn, "70", &e) == 0 &&
	    fwconf_settings_check_rules(&s, true, &e) == -1 &&
	    strcmp(e.msg, "disk_temp_warn=70: must be below disk_temp_crit=60")
	    == 0, "warn above crit is refused, naming both: %s", e.msg);
	ok(fwconf_settings_set(&s, crit, "80", &e) == 0 &&
	    fwconf_settings_check_rules(&s, true, &e) == 0,
	    "judged on the result when both change");
	ok(s.nchanges == 2 && !s.file.exists, "nothing is written before "
	    "fwconf_settings_write");
	fwconf_settings_close(&s);

	ok(fwconf_settings_open(&s, schema, &e) == 0 &&
	    fwconf_settings_set(&s, fwconf_key_find(schema, "nagios"), "yes",
	    &e) == 0 && fwconf_settings_check_rules(&s, true, &e) == -1 &&
	    strcmp(e.msg, "nagios=yes: needs nagios_from, which is empty")
	    == 0, "nagios=yes without nagios_from is refused, naming both: %s",
	    e.msg);
	ok(fwconf_settings_set(&s, fwconf_key_find(schema, "nagios_from"),
	    "192.0.2.10/32", &e) == 0 &&
	    fwconf_settings_check_rules(&s, true, &e) == 0,
	    "and taken with a monitoring server");
	fwconf_settings_close(&s);
}

static void
test_table(const char *dir)
{
	static const char text[] = "# printers\nlaser\t10.0.0.5\n\n"
	    "nas\t10.0.0.2\nwiki\t\n# end\n";
	struct fwconf_record in[3] = {
		{ .name = NULL }, { .name = NULL }, { .name = NULL } };
	struct fwconf_table t;
	struct fwconf_err e;
	char path[512], *out;
	size_t len, nnotes = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/table", dir);
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	ok(fwconf_table_read(&t, path, &e) == 0 && t.nrecs == 3,
	    "a table with comments reads");
	out = fwconf_table_text(&t, &len);
	is(out, text, "and is written back as it was read");
	free(out);
	ok(fwconf_table_find(&t, "nas") == 1 && fwconf_table_find(&t, "x") == -1,
	    "find is a binary search over the sorted names");
	is(t.recs[2].value, "", "a record without a value has an empty one");
	ok(fwconf_table_insert(&t, "mango", "10.0.0.7") == 0 &&
	    fwconf_table_insert(&t, "aaa", "10.0.0.1") == 0, "insert");
	fwconf_table_delete(&t, (size_t)fwconf_table_find(&t, "nas"));
	ok(fwconf_table_find(&t, "nas") == -1, "a deleted record is not found");
	out = fwconf_table_text(&t, &len);
	is(out, "aaa\t10.0.0.1\n# printers\nlaser\t10.0.0.5\nmango\t10.0.0.7\n"
	    "wiki\t\n# end\n", "inserts go in order, a comment goes with the "
	    "record below it, deletes drop theirs");
	free(out);

	in[0].name = strdup("laser"), in[0].value = strdup("10.0.0.6");
	in[1].name = strdup("new"), in[1].value = strdup("10.0.0.9");
	in[2].name = strdup("wiki"), in[2].value = strdup("");
	ok(fwconf_table_merge(&t, in, 3, true, NULL, &nnotes) == 0,
	    "merge with replace");
	out = fwconf_table_text(&t, &len);
	is(out, "# printers\nlaser\t10.0.0.6\nnew\t10.0.0.9\nwiki\t\n# end\n",
	    "the input becomes the table; unchanged lines stay as they were");
	free(out);
	fwconf_table_free(&t);

	fp = fopen(path, "w");
	fputs("b\t1\na\t2\nb\t3\n", fp);
	fclose(fp);
	ok(fwconf_table_read(&t, path, &e) == -1 &&
	    strstr(e.msg, "b: also on line") != NULL,
	    "a name twice is an error naming both lines: %s", e.msg);
	fwconf_table_free(&t);
	fp = fopen(path, "w");
	fputs("two words\t1\n", fp);
	fclose(fp);
	ok(fwconf_table_read(&t, path, &e) == -1 &&
	    strstr(e.msg, ":1: not a name, a tab and a value") != NULL,
	    "a name with a space is an error: %s", e.msg);
	fwconf_table_free(&t);
}

static void
test_units(void)
{
	struct fwconf_units us = { 0 };
	struct fwconf_err e;

	ok(fwconf_units_parse(&us, "unit a { render = 'r' target = '/a' "
	    "check = 'c %f %t %d %%' reload = 'x' soft = reload } "
	    "unit b { file one { render = 'r' target = '/b/1' mode = '0600' } "
	    "file two { render = 'r' target = '/b/2' } check = 'c' "
	    "restart = 'x' soft = defer secret = true }", "t", &e) == 0 &&
	    us.n == 2, "two units parse%s%s", us.n == 2 ? "" : ": ", e.msg);
	ok(us.n == 2 && us.v[1].nfiles == 2 && us.v[1].files[0].mode == 0600 &&
	    us.v[1].files[1].mode == 0644 && us.v[1].secret &&
	    us.v[1].soft == FWCONF_SOFT_DEFER, "file sections, modes, soft, "
	    "secret");
	ok(fwconf_units_parse(&us, "unit a { render = 'other' target = '/a' "
	    "check = 'c' reload = 'x' soft = reload }", "u", &e) == 0 &&
	    us.n == 2 && strcmp(us.v[0].name, "a") == 0 &&
	    strcmp(us.v[0].files[0].render, "other") == 0 &&
	    strcmp(us.v[0].origin, "u") == 0,
	    "a unit of a known name replaces it in place");
	ok(fwconf_units_parse(&us, "unit c { render = 'r' target = '/c' "
	    "target = '/d' check = 'c' reload = 'x' soft = reload "
	    "file f { render = 'r' target = '/e' } }", "v", &e) == -1 &&
	    strstr(e.msg, "not both") != NULL,
	    "direct render/target and file sections: %s", e.msg);
	ok(fwconf_units_parse(&us, "unit h { file cfg { target = '/h' "
	    "hand = yes } file gen { render = 'r' target = '/g' } "
	    "check = 'c %f' reload = 'x' soft = reload }", "w", &e) == 0 &&
	    us.n == 3 && us.v[2].files[0].hand &&
	    us.v[2].files[0].render == NULL && !us.v[2].files[1].hand &&
	    strstr(us.v[2].definition, "\thand\n") != NULL,
	    "a file written by hand beside a rendered one");
	ok(fwconf_units_parse(&us, "unit k { target = '/k' hand = yes "
	    "check = 'c' reload = 'x' soft = reload }", "x", &e) == 0 &&
	    fwconf_units_parse(&us, "unit k { target = '/k2' }", "x2",
	    &e) == 0 && us.n == 4 &&
	    us.v[3].files[0].hand && strcmp(us.v[3].files[0].target,
	    "/k2") == 0, "a drop-in moves a file written by hand, which stays "
	    "so");
	ok(fwconf_units_parse(&us, "unit i { render = 'r' target = '/i' "
	    "hand = yes check = 'c' reload = 'x' soft = reload }", "y",
	    &e) == -1 && strstr(e.msg, "not both") != NULL,
	    "render and hand = yes together: %s", e.msg);
	ok(fwconf_units_parse(&us, "unit j { target = '/j' check = 'c' "
	    "reload = 'x' soft = reload }", "z", &e) == -1 &&
	    strstr(e.msg, "needs render and target (or target and hand = "
	    "yes)") != NULL, "a target alone: %s", e.msg);
	fwconf_units_free(&us);
}

/* Tables read in place: the check, the bisection, the note of trust. */
static void
test_view(const char *dir)
{
	static const char text[] = "# printers\nlaser\t10.0.0.5\n\n"
	    "nas\t10.0.0.2\nwiki\t\n# end\n";
	struct fwconf_view v;
	struct fwconf_vrec r;
	struct fwconf_err e;
	char path[512];
	FILE *fp;

	fwconf_set_root(dir);
	snprintf(path, sizeof(path), "%s/view", dir);
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	ok(fwconf_view_open(&v, path, &e) == 0 && !v.checked &&
	    !fwconf_view_trusted(&v, "unit-1"), "a view of a table never "
	    "checked is not trusted");
	ok(fwconf_view_check(&v, NULL, NULL, &e) == 1 && v.nrecs == 3 &&
	    !v.plain && !v.resorted, "its check counts the records");
	ok(fwconf_view_find(&v, "nas", 3, &r) == 1 && r.nlen == 3 &&
	    r.vlen == 8 && memcmp(r.value, "10.0.0.2", 8) == 0 && r.start == 26,
	    "find: a record and the comment lines above it");
	ok(fwconf_view_find(&v, "mango", 5, &r) == 0 && r.start == 26,
	    "a new name goes before the comment lines of the next record");
	ok(fwconf_view_find(&v, "zzz", 3, &r) == 0 && r.start == 46,
	    "after the last record, before the comment lines that end the file");
	ok(fwconf_view_find(&v, "aaa", 3, &r) == 0 && r.start == 0,
	    "before the first record, before its comment lines");
	ok(fwconf_view_find(&v, "wiki", 4, &r) == 1 && r.vlen == 0,
	    "a record with an empty value");
	fwconf_trust_written(path, "unit-1", v.nrecs, v.plain,
	    (off_t)strlen(text));
	fwconf_view_close(&v);
	ok(fwconf_view_open(&v, path, &e) == 0 &&
	    fwconf_view_trusted(&v, "unit-1") && v.checked && v.nrecs == 3,
	    "a file noted as checked is trusted as it is");
	fwconf_view_close(&v);
	ok(fwconf_view_open(&v, path, &e) == 0 &&
	    !fwconf_view_trusted(&v, "unit-2"), "but not under other rules");
	fwconf_view_close(&v);
	fp = fopen(path, "a");
	fputs("zzz\t10.0.0.9\n", fp);
	fclose(fp);
	ok(fwconf_view_open(&v, path, &e) == 0 &&
	    !fwconf_view_trusted(&v, "unit-1"), "nor once it changed");
	fwconf_view_close(&v);

	fp = fopen(path, "w");
	fputs("# c\nb\t1\na\t2\n# end", fp);
	fclose(fp);
	ok(fwconf_view_open(&v, path, &e) == 0 &&
	    fwconf_view_check(&v, NULL, NULL, &e) == 1 && v.resorted &&
	    v.len == 17 && memcmp(v.buf, "a\t2\n# c\nb\t1\n# end", 17) == 0,
	    "a table out of order is sorted, comments going with their record");
	fwconf_view_close(&v);
	fp = fopen(path, "w");
	fputs("b\t1\na\t2\nb\t3\n", fp);
	fclose(fp);
	ok(fwconf_view_open(&v, path, &e) == 0 &&
	    fwconf_view_check(&v, NULL, NULL, &e) == -1 &&
	    strstr(e.msg, "b: also on line") != NULL,
	    "a name twice is an error naming both lines: %s", e.msg);
	fwconf_view_close(&v);
	fp = fopen(path, "w");
	fwrite("a\t1\nb\0\t2\n", 1, 9, fp);
	fclose(fp);
	ok(fwconf_view_open(&v, path, &e) == 0 &&
	    fwconf_view_check(&v, NULL, NULL, &e) == -1 &&
	    strstr(e.msg, ":2: NUL byte") != NULL, "a NUL byte: %s", e.msg);
	fwconf_view_close(&v);
	fwconf_set_root(NULL);
}

int
main(void)
{
	char dir[] = "/tmp/unit-fwconf.XXXXXX";

	if (mkdtemp(dir) == NULL)
		return 1;
	test_quoting(dir);
	test_value_ok();
	test_validators();
	test_file();
	test_atomic(dir);
	test_schema();
	test_rules(dir);
	test_table(dir);
	test_units();
	test_view(dir);
	if (fork() == 0)
		execlp("rm", "rm", "-rf", dir, (char *)NULL);
	return tap_done();
}
