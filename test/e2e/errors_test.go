package e2e

import "fmt"

type errStatus int

func (e errStatus) Error() string { return fmt.Sprintf("status %d", int(e)) }
