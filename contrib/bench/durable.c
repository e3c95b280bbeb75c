/*
 * durable FILE: the floor of a durable change of FILE, for
 * contrib/bench/run (a helper, not the product): read it whole, write it
 * to a temporary file beside it, fsync that, rename it over FILE, fsync
 * the directory.  What any tool must do to change a file so that a crash
 * leaves the old one or the new one, and nothing more.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	char tmp[4096], dir[4096], *buf, *slash;
	struct stat st;
	ssize_t n, w;
	size_t off;
	int fd, d;

	if (argc != 2) {
		fprintf(stderr, "usage: durable file\n");
		return 2;
	}
	if ((fd = open(argv[1], O_RDONLY)) == -1 || fstat(fd, &st) == -1 ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		perror(argv[1]);
		return 3;
	}
	for (off = 0; off < (size_t)st.st_size; off += (size_t)n)
		if ((n = read(fd, buf + off, (size_t)st.st_size - off)) <= 0)
			break;
	close(fd);
	snprintf(tmp, sizeof(tmp), "%s.durable-tmp", argv[1]);
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 07777)) ==
	    -1) {
		perror(tmp);
		return 3;
	}
	for (n = 0; n < (ssize_t)off; n += w)
		if ((w = write(fd, buf + n, off - (size_t)n)) <= 0) {
			perror(tmp);
			return 3;
		}
	if (fsync(fd) == -1 || close(fd) == -1 || rename(tmp, argv[1]) == -1 ||
	    (d = open(dir, O_RDONLY | O_DIRECTORY)) == -1 || fsync(d) == -1) {
		perror(argv[1]);
		return 3;
	}
	return 0;
}
