package speakers

// exabgpRelay is the API process ExaBGP runs. ExaBGP reads commands from
// the process's stdout and writes acknowledgements ("done"/"error") and
// neighbor events to its stdin. The relay copies commands from a FIFO the
// test writes to, and appends everything ExaBGP says to an events file the
// test reads. Opening the FIFO read-write means it never sees EOF when a
// writer goes away; EOF on stdin means ExaBGP is gone, and the relay exits
// so it never outlives its parent.
const exabgpRelay = `import os, sys, threading

fifo, events = sys.argv[1], sys.argv[2]

def pump_events():
    with open(events, "a") as f:
        for line in sys.stdin:
            f.write(line)
            f.flush()
    os._exit(0)

threading.Thread(target=pump_events, daemon=True).start()
with os.fdopen(os.open(fifo, os.O_RDWR), "r") as commands:
    for line in commands:
        sys.stdout.write(line)
        sys.stdout.flush()
`
