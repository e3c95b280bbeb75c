/*
 * gencache.c: what each kept generation names in the store, cached in
 * ROOT/var/lib/mpfw/named (0600), so that the prune after every apply
 * reads one file instead of all the generations (fifty by default).
 *
 * A line a generation:
 *
 *	gen.N DEV:INO:SIZE:MTIME:CTIME COUNT HASH... CHECK
 *
 * the identity of its file, the hashes its settings name, and CHECK, the
 * SHA-256 of the line before it.  A generation's file is written once,
 * and its record only ever rewritten by a rename, which makes another
 * inode: a line is used only while the file is the very one it names.
 * The cache is written without an fsync: a line lost, torn or damaged
 * fails its check and costs one read of its generation, no more; it can
 * never make the prune take an object for dead that a generation names.
 * The line of a new generation is appended; the file is written again
 * only once it holds more than STALE_MAX lines of generations gone, or
 * a damaged one.
 */
#include <sys/stat.h>

#include <err.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gencache.h"
#include "state.h"
#include "store.h"
#include "util.h"

#define STALE_MAX 16

struct gc_line {
	long	 n;
	char	 id[FILE_ID_MAX];	/* of its file: file_identity */
	char	*hashes;	/* blank-separated */
	hash_t	 check;		/* of the line, once known */
	bool	 used;
};

/* COUNT hashes, blank-separated, and nothing else? */
static bool
valid_hashes(const char *s, long count)
{
	long n = 0;

	while (*s != '\0') {
		if (strspn(s, "0123456789abcdef") != HASH_LEN ||
		    (s[HASH_LEN] != ' ' && s[HASH_LEN] != '\0'))
			return false;
		s += HASH_LEN + (s[HASH_LEN] == ' ');
		n++;
	}
	return n == count;
}

/* One line, without its newline, into c; false if it fails its check. */
static bool
parse_line(struct gencache *c, char *line)
{
	char *check = strrchr(line, ' '), *id, *idend, *end;
	struct gc_line *l;
	hash_t h;
	long n, count;

	if (check == NULL || strlen(check + 1) != HASH_LEN)
		return false;
	*check++ = '\0';
	hash_buf(line, strlen(line), h);
	if (strcmp(h, check) != 0 || strncmp(line, "gen.", 4) != 0)
		return false;
	n = strtol(line + 4, &id, 10);
	if (n <= 0 || *id++ != ' ' || (idend = strchr(id, ' ')) == NULL ||
	    (size_t)(idend - id) >= sizeof(l->id))
		return false;
	count = strtol(idend + 1, &end, 10);
	if (*end == ' ')
		end++;
	else if (*end != '\0')
		return false;
	if (count < 0 || !valid_hashes(end, count))
		return false;
	c->v = xgrow(c->v, c->n, &c->cap, sizeof(*c->v));
	l = &c->v[c->n++];
	l->n = n;
	snprintf(l->id, sizeof(l->id), "%.*s", (int)(idend - id), id);
	l->hashes = xstrdup(end);
	strlcpy(l->check, check, sizeof(l->check));
	l->used = false;
	return true;
}

void
gencache_load(struct gencache *c)
{
	char path[PATH_MAX], *buf, *line, *nl;
	struct fwconf_err e;
	size_t len;

	memset(c, 0, sizeof(*c));
	if (state_dir(path, sizeof(path), "named") == -1 ||
	    fwconf_read_all(path, &buf, &len, NULL, &e) != 0)
		return;
	/* A last line without its newline was cut short: left out. */
	if (len > 0 && buf[len - 1] != '\n')
		c->damaged = true;
	for (line = buf; (nl = memchr(line, '\n', len - (size_t)(line - buf)))
	    != NULL; line = nl + 1) {
		*nl = '\0';
		if (memchr(line, '\0', (size_t)(nl - line)) != NULL ||
		    !parse_line(c, line))
			c->damaged = true;
	}
	free(buf);
}

const char *
gencache_get(struct gencache *c, long n, const char *id)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].n == n && strcmp(c->v[i].id, id) == 0) {
			c->v[i].used = true;
			return c->v[i].hashes;
		}
	return NULL;
}

void
gencache_put(struct gencache *c, long n, const char *id, char *const *hashes,
    size_t nhashes)
{
	struct gc_line *l;
	size_t i, len = 0;

	for (i = 0; i < nhashes; i++)
		len += strlen(hashes[i]) + 1;
	c->v = xgrow(c->v, c->n, &c->cap, sizeof(*c->v));
	l = &c->v[c->n++];
	l->n = n;
	snprintf(l->id, sizeof(l->id), "%s", id);
	l->hashes = xmalloc(len + 1);
	l->hashes[0] = '\0';
	for (i = 0; i < nhashes; i++) {
		if (i > 0)
			strlcat(l->hashes, " ", len + 1);
		strlcat(l->hashes, hashes[i], len + 1);
	}
	l->check[0] = '\0';
	l->used = true;
}

/* The text of line l, its check made if it has none yet. */
static char *
line_text(struct gc_line *l)
{
	size_t nh;
	const char *p;
	char *body, *text;

	for (nh = 0, p = l->hashes; *p != '\0'; nh++)
		p += strcspn(p, " ") + (p[strcspn(p, " ")] == ' ');
	if (asprintf(&body, "gen.%ld %s %zu%s%s", l->n, l->id, nh,
	    nh > 0 ? " " : "", l->hashes) == -1)
		err(FWCONF_SYSTEM, NULL);
	if (l->check[0] == '\0')
		hash_buf(body, strlen(body), l->check);
	if (asprintf(&text, "%s %s\n", body, l->check) == -1)
		err(FWCONF_SYSTEM, NULL);
	free(body);
	return text;
}

/*
 * The lines of the generations got or put (with fresh_only, those put),
 * as one text; its length in *len.
 */
static char *
lines_text(struct gencache *c, bool fresh_only, size_t *len)
{
	char *text, *all = NULL;
	size_t i, n;

	*len = 0;
	for (i = 0; i < c->n; i++) {
		if (!c->v[i].used || (fresh_only && c->v[i].check[0] != '\0'))
			continue;
		text = line_text(&c->v[i]);
		n = strlen(text);
		all = xreallocarray(all, *len + n + 1, 1);
		memcpy(all + *len, text, n);
		*len += n;
		free(text);
	}
	return all;
}

/*
 * What the prune learnt, to the cache: the lines of the generations put
 * appended, in one write, so that an append is one line or nothing, or
 * torn; or, with too many lines of generations gone or a damaged one,
 * the lines of those got or put written anew.
 */
void
gencache_save(struct gencache *c)
{
	size_t i, stale = 0, fresh = 0, len;
	bool append;
	char *text;

	for (i = 0; i < c->n; i++) {
		stale += !c->v[i].used;
		fresh += c->v[i].used && c->v[i].check[0] == '\0';
	}
	append = !c->damaged && stale <= STALE_MAX;
	if (append && fresh == 0)
		return;
	text = lines_text(c, append, &len);
	state_cache_write("named", text, len, append);
	free(text);
}

void
gencache_free(struct gencache *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].hashes);
	free(c->v);
	memset(c, 0, sizeof(*c));
}
