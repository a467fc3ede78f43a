//go:build !linux

package kafkaharness

import "os/exec"

func setProcAttr(*exec.Cmd) {}
