package testkit

import (
	"os"

	"github.com/rs/zerolog"
)

func level() zerolog.Level {
	if s := os.Getenv("FERRY_TEST_LOG_LEVEL"); s != "" {
		if l, err := zerolog.ParseLevel(s); err == nil {
			return l
		}
	}
	return zerolog.InfoLevel
}
