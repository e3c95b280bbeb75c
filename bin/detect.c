/*
 * detect.c: kernel module names, and the modules sensors-detect(8)
 * proposes, read from what it prints.  Every version from lm_sensors
 * 2.9 to 3.6 prints one of the forms below (t/sensors/ holds real
 * outputs of each, and t/0151-fw-sensors-detect.t reads them all).
 *
 * 1. A module list between two cut lines, after the line that says
 *    where it goes:
 *
 *	To load everything that is needed, add this to /etc/modules:
 *	#----cut here----
 *	# Chip drivers			comments are skipped
 *	coretemp			3.x, and Debian's 2.x: one a line
 *	modprobe i2c-i801		2.x, "add this to some /etc/rc* file"
 *	/usr/local/bin/sensors -s	anything else is skipped
 *	#----cut here----
 *
 *    A block after a line that ends in "modprobe.conf:" or
 *    "modules.conf:" holds module options (`alias char-major-89
 *    i2c-dev`), not modules, and is skipped.
 *
 * 2. No list, where the version writes a file of its own instead
 *    (Fedora's /etc/sysconfig/lm_sensors, Arch's /etc/conf.d/lm_sensors),
 *    or where only the summary was kept: the summary's drivers.
 *
 *	Driver `nct6775':			needed
 *	Driver `asb100' (should be inserted):	2.x: needed
 *	Driver `k10temp' (autoloaded):		the kernel loads it: skipped
 *	Driver `coretemp' (built-in):		skipped
 *	Driver `it87' (may not be inserted):	2.x, a misdetection: skipped
 *	Driver `to-be-written', `not-a-sensor'	no driver: skipped
 *
 * 3. None: "No modules to load, skipping modules configuration." or
 *    "Sorry, no sensors were detected."  Either wins over a summary,
 *    whose drivers may be missing from the kernel.
 *
 * Anything else is not sensors-detect's output and is refused.  Lines
 * are read without leading and trailing blanks and carriage returns, as
 * a paste into a mail or a forum leaves them.
 */
#include <stdlib.h>
#include <string.h>

#include "detect.h"

#define CUT	"#----cut here----"
#define LINE_MAX_READ 1024

/* Never a leading '-': modprobe would take the name for an option. */
bool
module_name_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-");

	return n > 0 && n <= MODULE_NAME_MAX && s[n] == '\0' && *s != '-';
}

void
module_name_norm(char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '-')
			*s = '_';
}

char *
module_name(const char *s, struct fwconf_err *e)
{
	char shown[MODULE_NAME_MAX + 5], *n;
	size_t i;

	if (!module_name_ok(s)) {
		/* The name as said: control bytes as '?', cut short. */
		for (i = 0; s[i] != '\0' && i <= MODULE_NAME_MAX; i++)
			shown[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ?
			    '?' : s[i];
		strlcpy(shown + i, s[i] != '\0' ? "..." : "", 4);
		fwconf_fail(e, FWCONF_REFUSED, "%s: not a module name (1 to %d "
		    "of a-z, 0-9, _ and -, not first)", *s ? shown : "''",
		    MODULE_NAME_MAX);
		return NULL;
	}
	if ((n = strdup(s)) == NULL) {
		fwconf_fail_errno(e, "%s", s);
		return NULL;
	}
	module_name_norm(n);
	return n;
}

static int
add(struct detect *d, const char *name, struct fwconf_err *e)
{
	char **v, *n;
	size_t i;

	if (!module_name_ok(name))
		return 0;
	if ((n = strdup(name)) == NULL)
		return fwconf_fail_errno(e, "sensors-detect");
	module_name_norm(n);
	for (i = 0; i < d->n; i++)
		if (strcmp(d->modules[i], n) == 0) {
			free(n);
			return 0;
		}
	if ((v = reallocarray(d->modules, d->n + 1, sizeof(*v))) == NULL) {
		free(n);
		return fwconf_fail_errno(e, "sensors-detect");
	}
	d->modules = v;
	d->modules[d->n++] = n;
	return 0;
}

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && strcmp(s + n - m, tail) == 0;
}

/* A line of a module list: "name" or "modprobe [-opts] name [params]". */
static int
block_line(struct detect *d, char *s, struct fwconf_err *e)
{
	char *word[8], *p = s;
	int n = 0, i;

	if (*s == '\0' || *s == '#')
		return 0;
	while (n < 8 && (word[n] = strsep(&p, " \t")) != NULL)
		if (*word[n] != '\0')
			n++;
	if (n == 1)
		return add(d, word[0], e);
	if (n > 1 && (strcmp(word[0], "modprobe") == 0 ||
	    ends_with(word[0], "/modprobe")))
		for (i = 1; i < n; i++)
			if (word[i][0] != '-')
				return add(d, word[i], e);
	return 0;
}

/* Driver `NAME' (qualifier):  of the summary. */
static int
summary_line(struct detect *d, const char *s, struct fwconf_err *e)
{
	static const char *const skip[] = { "(autoloaded)", "(built-in)",
	    "(may not be inserted)" };
	char name[MODULE_NAME_MAX + 1];
	const char *q;
	size_t i, n;

	s += strlen("Driver `");
	if ((q = strchr(s, '\'')) == NULL || (n = (size_t)(q - s)) >= sizeof(name))
		return 0;
	memcpy(name, s, n);
	name[n] = '\0';
	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (strstr(q, skip[i]) != NULL)
			return 0;
	if (strcmp(name, "to-be-written") == 0 ||
	    strcmp(name, "not-a-sensor") == 0)
		return 0;
	return add(d, name, e);
}

static char *
trim(char *s)
{
	char *end;

	s += strspn(s, " \t");
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		*--end = '\0';
	return s;
}

int
detect_parse(const char *text, size_t len, struct detect *d,
    struct fwconf_err *e)
{
	struct detect block = { 0 }, summary = { 0 };
	char buf[LINE_MAX_READ], last[LINE_MAX_READ] = "", *s;
	const char *p = text, *end = text + len, *nl;
	bool in = false, options = false, said_none = false, drivers = false;
	size_t n, blocks = 0;
	int r = 0;

	memset(d, 0, sizeof(*d));
	for (; p < end && r == 0; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p) < sizeof(buf) ? (size_t)(nl - p) :
		    sizeof(buf) - 1;
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (memchr(buf, '\0', n) != NULL)
			continue;
		s = trim(buf);
		if (strcmp(s, CUT) == 0) {
			if (!in) {
				options = ends_with(last, "modprobe.conf:") ||
				    ends_with(last, "modules.conf:");
				blocks += !options;
			}
			in = !in;
		} else if (in && !options)
			r = block_line(&block, s, e);
		else if (in)
			continue;
		else if (strncmp(s, "Driver `", 8) == 0) {
			drivers = true;
			r = summary_line(&summary, s, e);
		}
		else if (strncmp(s, "No modules to load", 18) == 0 ||
		    strncmp(s, "Sorry, no sensors were detected", 31) == 0)
			said_none = true;
		if (*s != '\0')
			memcpy(last, s, strlen(s) + 1);
	}
	if (r == 0 && blocks > 0) {
		*d = block;
		d->from = DETECT_BLOCK;
		detect_free(&summary);
		return 0;
	}
	if (r == 0 && said_none) {
		d->from = DETECT_NONE;
	} else if (r == 0 && drivers) {
		*d = summary;
		d->from = DETECT_SUMMARY;
		summary.modules = NULL;
		summary.n = 0;
	} else if (r == 0)
		r = fwconf_fail(e, FWCONF_REFUSED, "not the output of "
		    "sensors-detect: no module list, no driver summary, and no "
		    "word that none is needed");
	detect_free(&block);
	detect_free(&summary);
	return r;
}

void
detect_free(struct detect *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->modules[i]);
	free(d->modules);
	d->modules = NULL;
	d->n = 0;
}
