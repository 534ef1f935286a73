/* SPDX-License-Identifier: MIT */
/* httpc-soak: the programs soak/soak.py runs against the reference client
 * and the mock server (integrity of large bodies, load, faults). */
#include "soak.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: httpc-soak integrity [--max BYTES] [--one-byte-max BYTES] [--seed N]\n"
    "       httpc-soak load --port P [--conns N] [--rounds R] [--deadline S] [--wait]\n"
    "       httpc-soak faults --port P [--seconds S]\n"
    "\n"
    "integrity  serves generated bodies (0 B to --max, by Content-Length, chunked\n"
    "           and read-until-close, in bulk, 1-byte and random writes) from a\n"
    "           child process to the reference client, which checks each body's\n"
    "           length and SHA-256; prints one JSON line per body and a summary\n"
    "           with the client's peak resident memory.\n"
    "load       opens N keep-alive connections to an `httpc-mock serve --repeat`\n"
    "           server, then runs R exchanges on each (checking each reply); with\n"
    "           --wait it prints 'ready' once all are open and waits for a line on\n"
    "           stdin before the other rounds. Prints a JSON summary.\n"
    "faults     for S seconds, clients that leave at once, send half a request,\n"
    "           stall, reset mid-reply or send garbage. Prints the counts.\n";

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "integrity"))
        return soak_integrity(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "load"))
        return soak_load(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "faults"))
        return soak_faults(argc - 2, argv + 2);
    if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        fputs(usage, stdout);
        return 0;
    }
    fputs(usage, stderr);
    return 2;
}
