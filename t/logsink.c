/*
 * logsink: a stand-in syslog daemon for the tests.  Binds a datagram
 * socket at PATH and appends each message it receives, one a line, to
 * OUT, until it is killed.
 *
 * usage: logsink PATH OUT
 */
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char msg[8192];
	ssize_t n;
	FILE *out;
	int fd;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sun.sun_path))
		errx(2, "usage: logsink PATH OUT");
	strcpy(sun.sun_path, argv[1]);
	if ((out = fopen(argv[2], "a")) == NULL)
		err(1, "%s", argv[2]);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(1, "%s", argv[1]);
	while ((n = recv(fd, msg, sizeof(msg) - 1, 0)) >= 0) {
		msg[n] = '\0';
		fprintf(out, "%s\n", msg);
		fflush(out);
	}
	err(1, "recv");
}
