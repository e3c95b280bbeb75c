/*
 * value.c: the value syntax of fwconf(5).
 *
 *	value  = *( bare / quoted / "\'" )
 *	bare   = ALPHA / DIGIT / "_" / "." / "," / ":" / "/" / "@" / "%" /
 *		 "+" / "=" / "-"
 *	quoted = "'" *( any byte but "'" and control characters ) "'"
 *
 * It is the subset of a POSIX sh word that needs no expansion, so sourcing
 * the file in sh yields exactly the bytes the tools see.  We write a value
 * bare when it can be, else in single quotes with ' written as '\''.
 */
#include <stdlib.h>
#include <string.h>

#include "fwconf.h"

#define FWCONF_VALUE_MAX 4096

static bool
bare_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("_.,:/@%+=-", c) != NULL;
}

bool
fwconf_is_bare(const char *s)
{
	for (; *s != '\0'; s++)
		if (!bare_char((unsigned char)*s))
			return false;
	return true;
}

/* Length of the UTF-8 sequence at s, or 0 when it is not valid UTF-8. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * Every value of every type: printable UTF-8 of bounded length.  This is
 * the guard that keeps a newline or a NUL from ever reaching a file.
 */
bool
fwconf_value_ok(const char *v, struct fwconf_err *e, const char *key)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t n;

	if (strlen(v) > FWCONF_VALUE_MAX) {
		fwconf_fail(e, FWCONF_REFUSED, "%s: value longer than %d bytes",
		    key, FWCONF_VALUE_MAX);
		return false;
	}
	while (*s != '\0') {
		if (*s < 0x20 || *s == 0x7f) {
			fwconf_fail(e, FWCONF_REFUSED,
			    "%s: control character 0x%02x in value", key, *s);
			return false;
		}
		if ((n = utf8_len(s)) == 0) {
			fwconf_fail(e, FWCONF_REFUSED,
			    "%s: value is not valid UTF-8", key);
			return false;
		}
		s += n;
	}
	return true;
}

char *
fwconf_quote(const char *v)
{
	size_t n = 3, i;
	const char *s;
	char *out, *o;

	if (*v != '\0' && fwconf_is_bare(v))
		return strdup(v);
	for (s = v; *s != '\0'; s++)
		n += *s == '\'' ? 4 : 1;
	if ((out = malloc(n)) == NULL)
		return NULL;
	o = out;
	*o++ = '\'';
	for (i = 0; v[i] != '\0'; i++) {
		if (v[i] == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else
			*o++ = v[i];
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

/*
 * Decode a value as written in a file.  On a syntax error returns -1 with
 * *why set; on ENOMEM returns -1 with *why NULL.
 */
int
fwconf_unquote(const char *in, char **out, const char **why)
{
	size_t len = strlen(in);
	char *buf, *o;
	const char *s = in;

	*why = NULL;
	if ((buf = malloc(len + 1)) == NULL)
		return -1;
	o = buf;
	while (*s != '\0') {
		if (*s == '\'') {
			for (s++; *s != '\'' && *s != '\0'; s++)
				*o++ = *s;
			if (*s == '\0') {
				*why = "unterminated quote";
				goto bad;
			}
			s++;
		} else if (s[0] == '\\' && s[1] == '\'') {
			*o++ = '\'';
			s += 2;
		} else if (bare_char((unsigned char)*s)) {
			*o++ = *s++;
		} else {
			*why = "character needs quoting";
			goto bad;
		}
	}
	*o = '\0';
	*out = buf;
	return 0;
bad:
	free(buf);
	return -1;
}
