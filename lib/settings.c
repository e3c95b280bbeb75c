/*
 * settings.c: a settings file seen through its schema: effective values
 * (the file's, else the default), in normal form; changes that are no-ops
 * when the value does not change; rules between keys; the audit trail.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwconf.h"

static size_t
key_index(const struct fwconf_settings *s, const struct fwconf_key *k)
{
	return (size_t)(k - s->schema->keys);
}

static int
load_value(struct fwconf_settings *s, size_t i, struct fwconf_err *e)
{
	const struct fwconf_key *k = &s->schema->keys[i];
	const char *raw = fwconf_file_get(&s->file, k->name);
	struct fwconf_err verr;
	char *norm;

	if (raw == NULL) {
		s->values[i] = strdup(k->def);
	} else if (k->type == FWCONF_SECRET) {
		s->values[i] = strdup("");
		if (asprintf(&s->invalid[i], "%s: %s: a secret must not be in "
		    "the settings file; remove it and use passwd",
		    s->file.path, k->name) == -1)
			s->invalid[i] = NULL;
	} else if ((norm = fwconf_validate(k, raw, &verr)) != NULL) {
		s->values[i] = norm;
	} else {
		s->values[i] = strdup(raw);
		if (asprintf(&s->invalid[i], "%s: %s", s->file.path,
		    verr.msg) == -1)
			s->invalid[i] = NULL;
	}
	if (s->values[i] == NULL)
		return fwconf_fail_errno(e, "%s", s->file.path);
	return 0;
}

/* Reads without the lock: the atomic rename gives readers a whole file. */
int
fwconf_settings_open(struct fwconf_settings *s,
    const struct fwconf_schema *schema, struct fwconf_err *e)
{
	char path[PATH_MAX];
	size_t i;

	memset(s, 0, sizeof(*s));
	s->schema = schema;
	if (fwconf_settings_path(path, sizeof(path), schema->name) == -1)
		return fwconf_fail_errno(e, "%s", schema->name);
	if (fwconf_file_read(&s->file, path, e) == -1)
		goto fail;
	s->values = calloc(schema->nkeys + 1, sizeof(*s->values));
	s->invalid = calloc(schema->nkeys + 1, sizeof(*s->invalid));
	if (s->values == NULL || s->invalid == NULL) {
		fwconf_fail_errno(e, "%s", path);
		goto fail;
	}
	for (i = 0; i < schema->nkeys; i++)
		if (load_value(s, i, e) == -1)
			goto fail;
	return 0;
fail:
	fwconf_settings_close(s);
	return -1;
}

static void
free_changes(struct fwconf_settings *s)
{
	size_t i;

	for (i = 0; i < s->nchanges; i++) {
		free(s->changes[i].key);
		free(s->changes[i].old);
		free(s->changes[i].new);
	}
	free(s->changes);
	s->changes = NULL;
	s->nchanges = 0;
}

void
fwconf_settings_close(struct fwconf_settings *s)
{
	size_t i;

	for (i = 0; s->schema != NULL && i < s->schema->nkeys; i++) {
		if (s->values != NULL)
			free(s->values[i]);
		if (s->invalid != NULL)
			free(s->invalid[i]);
	}
	free(s->values);
	free(s->invalid);
	free_changes(s);
	fwconf_file_free(&s->file);
	/* No freed page may hold a password. */
	for (i = 0; i < s->secrets.nlines; i++) {
		explicit_bzero(s->secrets.lines[i].text,
		    strlen(s->secrets.lines[i].text));
		if (s->secrets.lines[i].value != NULL)
			explicit_bzero(s->secrets.lines[i].value,
			    strlen(s->secrets.lines[i].value));
	}
	fwconf_file_free(&s->secrets);
	memset(s, 0, sizeof(*s));
}

const char *
fwconf_settings_get(const struct fwconf_settings *s,
    const struct fwconf_key *k)
{
	return s->values[key_index(s, k)];
}

const char *
fwconf_settings_invalid(const struct fwconf_settings *s,
    const struct fwconf_key *k)
{
	return s->invalid[key_index(s, k)];
}

static char *
dup_or_null(const char *v)
{
	return v != NULL ? strdup(v) : NULL;
}

/* Note a change for the audit line written after a successful write. */
int
fwconf_settings_note(struct fwconf_settings *s, const char *key,
    const char *old, const char *new, bool secret)
{
	struct fwconf_change *c;

	c = reallocarray(s->changes, s->nchanges + 1, sizeof(*c));
	if (c == NULL)
		return -1;
	s->changes = c;
	c = &c[s->nchanges];
	c->key = strdup(key);
	c->old = dup_or_null(old);
	c->new = dup_or_null(new);
	c->secret = secret;
	if (c->key == NULL || (old && !c->old) || (new && !c->new)) {
		free(c->key);
		free(c->old);
		free(c->new);
		return -1;
	}
	s->nchanges++;
	return 0;
}

/* Has key changed since the settings were opened? */
bool
fwconf_settings_changed(const struct fwconf_settings *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nchanges; i++)
		if (strcmp(s->changes[i].key, key) == 0)
			return true;
	return false;
}

/* normalised comes from fwconf_validate; the same value is a no-op. */
int
fwconf_settings_set(struct fwconf_settings *s, const struct fwconf_key *k,
    const char *normalised, struct fwconf_err *e)
{
	size_t i = key_index(s, k);
	char *v;

	if (s->invalid[i] == NULL && strcmp(s->values[i], normalised) == 0)
		return 0;
	if ((v = strdup(normalised)) == NULL ||
	    fwconf_file_set(&s->file, k->name, normalised) == -1 ||
	    fwconf_settings_note(s, k->name, s->values[i], normalised,
	    false) == -1) {
		free(v);
		return fwconf_fail_errno(e, "%s", s->file.path);
	}
	free(s->values[i]);
	free(s->invalid[i]);
	s->values[i] = v;
	s->invalid[i] = NULL;
	return 0;
}

/* Back to the default: the key's line goes; no line, no change. */
int
fwconf_settings_reset(struct fwconf_settings *s, const struct fwconf_key *k,
    struct fwconf_err *e)
{
	size_t i = key_index(s, k);
	char *v;

	if (k->type == FWCONF_SECRET)
		return fwconf_secret_set(s, k, NULL, e);
	if (fwconf_file_get(&s->file, k->name) == NULL)
		return 0;
	if ((v = strdup(k->def)) == NULL ||
	    fwconf_settings_note(s, k->name, s->values[i], NULL, false) == -1) {
		free(v);
		return fwconf_fail_errno(e, "%s", s->file.path);
	}
	fwconf_file_unset(&s->file, k->name);
	free(s->values[i]);
	free(s->invalid[i]);
	s->values[i] = v;
	s->invalid[i] = NULL;
	return 0;
}

static int
check_rule(const struct fwconf_settings *s, const struct fwconf_rule *r,
    struct fwconf_err *e)
{
	const struct fwconf_key *a = fwconf_key_find(s->schema, r->a);
	const struct fwconf_key *b = fwconf_key_find(s->schema, r->b);
	const char *va, *vb;

	if (a == NULL || b == NULL || fwconf_settings_invalid(s, a) ||
	    fwconf_settings_invalid(s, b))
		return 0;	/* a bad value is reported by itself */
	va = fwconf_settings_get(s, a);
	vb = fwconf_settings_get(s, b);
	switch (r->kind) {
	case FWCONF_RULE_LESS:
		if (strtoll(va, NULL, 10) < strtoll(vb, NULL, 10))
			return 0;
		return fwconf_fail(e, FWCONF_REFUSED,
		    "%s=%s: must be below %s=%s", a->name, va, b->name, vb);
	case FWCONF_RULE_REQUIRES:
		if (strcmp(va, "yes") != 0 || strcmp(vb, "yes") == 0)
			return 0;
		return fwconf_fail(e, FWCONF_REFUSED,
		    "%s=yes: needs %s=yes", a->name, b->name);
	case FWCONF_RULE_DIFFER:
		if (strcmp(va, vb) != 0)
			return 0;
		return fwconf_fail(e, FWCONF_REFUSED,
		    "%s=%s: must differ from %s=%s", a->name, va, b->name, vb);
	case FWCONF_RULE_NONEMPTY:
		if (strcmp(va, "yes") != 0 || *vb != '\0')
			return 0;
		return fwconf_fail(e, FWCONF_REFUSED,
		    "%s=yes: needs %s, which is empty", a->name, b->name);
	}
	return 0;
}

/*
 * With only_changed, the rules touching a key changed since open: a file
 * broken by hand does not block an unrelated change.  Rendering checks all.
 */
int
fwconf_settings_check_rules(const struct fwconf_settings *s,
    bool only_changed, struct fwconf_err *e)
{
	const struct fwconf_rule *r;
	size_t i;

	for (i = 0; i < s->schema->nrules; i++) {
		r = &s->schema->rules[i];
		if (only_changed && !fwconf_settings_changed(s, r->a) &&
		    !fwconf_settings_changed(s, r->b))
			continue;
		if (check_rule(s, r, e) == -1)
			return -1;
	}
	return 0;
}

/* Every stored value valid and every rule kept: the gate before render. */
int
fwconf_settings_check_all(const struct fwconf_settings *s,
    struct fwconf_err *e)
{
	size_t i;

	for (i = 0; i < s->schema->nkeys; i++)
		if (s->invalid[i] != NULL)
			return fwconf_fail(e, FWCONF_REFUSED, "%s",
			    s->invalid[i]);
	return fwconf_settings_check_rules(s, false, e);
}

/* Under the lock.  Writes what changed, then logs each change. */
int
fwconf_settings_write(struct fwconf_settings *s, struct fwconf_err *e)
{
	size_t i;

	if (fwconf_file_write(&s->file, 0644, e) == -1)
		return -1;
	if (s->secrets_loaded && fwconf_secrets_write(s, e) == -1)
		return -1;
	for (i = 0; i < s->nchanges; i++)
		fwconf_audit(s->schema->name, s->changes[i].key,
		    s->changes[i].old, s->changes[i].new, s->changes[i].secret);
	free_changes(s);
	return 0;
}
