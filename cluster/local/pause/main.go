// Command pause is the sandbox process of every pod in meshbench's local cluster: it holds the
// pod's namespaces open, reaps orphaned children and exits on SIGINT/SIGTERM. It stands in for
// registry.k8s.io/pause, which cannot be pulled here; the image is assembled from this binary.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for sig := range signals {
		if sig != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
