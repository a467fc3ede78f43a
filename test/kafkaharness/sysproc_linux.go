package kafkaharness

import (
	"os/exec"
	"syscall"
)

// setProcAttr makes the kernel kill the JVM if the test binary dies without
// running its cleanups (a panic, a -timeout, a SIGKILL), so no broker
// outlives its test holding ports and memory.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
